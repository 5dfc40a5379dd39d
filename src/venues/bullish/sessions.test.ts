import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VenueCredential } from '../port.js';
import { VenueError } from '../shared/venue-error.js';
import { SessionRevocations } from './revocations.js';
import { SessionTokens } from './session-token.js';
import { REVALIDATE_MS, Sessions, readBearerToken } from './sessions.js';

const CREDENTIAL: VenueCredential = {
  id: 9,
  venue: 'bullish',
  userId: 3,
  accountId: 30,
  publicId: 'HMAC-k',
  secretSealed: 'sealed',
  extra: {},
  label: 'default',
  createdAtMs: 1_699_999_990_123,
};
const SUBJECT = { userId: 3, credentialId: 9, publicKey: 'HMAC-k', credentialCreatedAtMs: CREDENTIAL.createdAtMs };

/** The few port calls sessions make, the credential lookups counted; revocation records kept in a map. */
function fakeStore() {
  const records = new Map<number, string>();
  const calls = { getCredential: 0 };
  let credential: VenueCredential | undefined = CREDENTIAL;
  const store = {
    credential: async (publicId: string) => {
      calls.getCredential++;
      return credential?.publicId === publicId ? credential : undefined;
    },
    revocations: async (userId: number) => records.get(userId),
    revokeSession: async (userId: number, update: (current: string | undefined) => string) => {
      const next = update(records.get(userId));
      records.set(userId, next);
      return next;
    },
  };
  return {
    store,
    calls,
    removeCredential: () => (credential = undefined),
    /** What a reset followed by loading the same scenario leaves: the same id, user and key, created later. */
    recreateCredential: (createdAtMs: number) => (credential = { ...CREDENTIAL, createdAtMs }),
  };
}

async function refusalMessage(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof VenueError);
    assert.equal(error.status, 401);
    assert.equal((error.body as { errorCode: number }).errorCode, 6105);
    return error.message;
  }
  assert.fail('expected a refusal');
}

async function setUp(ttlMs = 60_000) {
  let nowMs = 1_700_000_000_000;
  let generation = 0;
  const clock = { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
  const fake = fakeStore();
  const tokens = await SessionTokens.create(new Uint8Array(32).fill(5), ttlMs);
  const sessions = new Sessions(tokens, new SessionRevocations(fake.store), fake.store, clock.now, () => generation);
  const { token } = await tokens.issue(SUBJECT, nowMs);
  return { ...fake, clock, tokens, sessions, token, reset: () => generation++ };
}

describe('bullish bearer header', () => {
  const cases: [string, string | undefined, RegExp][] = [
    ['no header', undefined, /Missing Authorization/],
    ['an empty header', '', /Missing Authorization/],
    ['another scheme', 'Basic abc', /must be Bearer/],
    ['Bearer and nothing', 'Bearer ', /must be Bearer/],
    ['two tokens', 'Bearer a.b.c d.e.f', /must be Bearer/],
    ['not a JWT', 'Bearer abc', /Malformed/],
    ['a JWT with bad characters', 'Bearer a.b+.c', /Malformed/],
    ['a token over 4096 characters', `Bearer ${'a'.repeat(4000)}.${'b'.repeat(100)}.c`, /Malformed/],
  ];
  for (const [what, header, message] of cases) {
    test(`${what} is refused with 6105`, () => {
      assert.throws(() => readBearerToken(header), (e: unknown) => e instanceof VenueError && e.status === 401 && message.test(e.message));
    });
  }
  test('the scheme is case-insensitive', () => {
    assert.equal(readBearerToken('bearer a.b.c'), 'a.b.c');
    assert.equal(readBearerToken('BEARER  a.b.c'), 'a.b.c');
  });
});

describe('bullish sessions', () => {
  test('a token is verified against the store once, then served from memory until the revalidation interval', async () => {
    const { sessions, token, calls, clock } = await setUp();
    for (let i = 0; i < 5; i++) assert.equal((await sessions.authenticate(`Bearer ${token}`)).userId, 3);
    assert.equal(calls.getCredential, 1);
    clock.advance(REVALIDATE_MS);
    await sessions.authenticate(`Bearer ${token}`);
    assert.equal(calls.getCredential, 2);
  });

  test('a remembered token is refused from its expiry on, without asking the store', async () => {
    const { sessions, token, calls, clock } = await setUp(2_000);
    await sessions.authenticate(`Bearer ${token}`);
    clock.advance(2_000);
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${token}`)), /expired/);
    assert.equal(calls.getCredential, 1);
  });

  test('after logout the token is refused at once, and a new login works', async () => {
    const { sessions, tokens, token, clock } = await setUp();
    const claims = await sessions.authenticate(`Bearer ${token}`);
    await sessions.logout(claims);
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${token}`)), /logout/);
    const fresh = await tokens.issue(SUBJECT, clock.now());
    assert.equal((await sessions.authenticate(`Bearer ${fresh.token}`)).userId, 3);
  });

  test('a logout written by another instance reaches this one at the next revalidation', async () => {
    const { sessions, tokens, token, store, clock } = await setUp();
    const claims = await sessions.authenticate(`Bearer ${token}`);
    const elsewhere = new Sessions(tokens, new SessionRevocations(store), store, clock.now);
    await elsewhere.logout(claims);
    await sessions.authenticate(`Bearer ${token}`);
    clock.advance(REVALIDATE_MS);
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${token}`)), /logout/);
  });

  test('a token whose key is gone (a sandbox reset) is refused at the next revalidation', async () => {
    const { sessions, token, clock, removeCredential } = await setUp();
    await sessions.authenticate(`Bearer ${token}`);
    removeCredential();
    clock.advance(REVALIDATE_MS);
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${token}`)), /no longer exists/);
  });

  test('a reset in this process (a new ledger generation) has a remembered token checked again at once', async () => {
    const { sessions, token, calls, removeCredential, reset } = await setUp();
    await sessions.authenticate(`Bearer ${token}`);
    removeCredential();
    reset();
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${token}`)), /no longer exists/);
    assert.equal(calls.getCredential, 2);
  });

  test('a token from before a reset is refused once the same credential is created again (ids are reused), a new login is not', async () => {
    const { sessions, tokens, token, clock, recreateCredential } = await setUp();
    await sessions.authenticate(`Bearer ${token}`);
    clock.advance(1_000);
    const recreatedAtMs = recreateCredential(clock.now()).createdAtMs;
    clock.advance(REVALIDATE_MS);
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${token}`)), /no longer exists/);
    const fresh = await tokens.issue({ ...SUBJECT, credentialCreatedAtMs: recreatedAtMs }, clock.now());
    assert.equal((await sessions.authenticate(`Bearer ${fresh.token}`)).userId, 3);
  });

  test('a token from before a reset is refused even when the credential was created again within the same second', async () => {
    const { sessions, token, clock, recreateCredential, reset } = await setUp();
    await sessions.authenticate(`Bearer ${token}`);
    recreateCredential(clock.now());
    reset();
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${token}`)), /no longer exists/);
  });

  test('a token that names the credential but claims to predate it is refused', async () => {
    const { sessions, tokens } = await setUp();
    const early = await tokens.issue(SUBJECT, CREDENTIAL.createdAtMs - 1_000);
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${early.token}`)), /no longer exists/);
  });

  test('a tampered copy of a remembered token is not served from memory', async () => {
    const { sessions, token } = await setUp();
    await sessions.authenticate(`Bearer ${token}`);
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${flipped}`)), /signature|Malformed/);
  });

  test('a tampered copy that ends like a remembered token (its payload changed) is not served from memory either', async () => {
    const { sessions, token } = await setUp();
    await sessions.authenticate(`Bearer ${token}`);
    const [h, p, s] = token.split('.') as [string, string, string];
    const tampered = `${h}.${p.startsWith('A') ? 'B' : 'A'}${p.slice(1)}.${s}`;
    assert.equal(sessions.known(`Bearer ${tampered}`), undefined);
    assert.equal(sessions.known(`Bearer x${token}`), undefined, 'a longer token with the same end');
    assert.match(await refusalMessage(sessions.authenticate(`Bearer ${tampered}`)), /signature|Malformed|token/i);
    assert.equal(sessions.known(`Bearer ${token}`)?.userId, 3, 'the remembered token itself is still served');
  });

  test('only the exact header of a remembered token is served at once; any other spelling goes through the full check', async () => {
    const { sessions, token, calls } = await setUp();
    assert.equal(sessions.known(`Bearer ${token}`), undefined, 'nothing is remembered before a check');
    await sessions.authenticate(`Bearer ${token}`);
    assert.equal(sessions.known(`Bearer ${token}`)?.userId, 3);
    assert.equal(sessions.known(`bearer ${token}`), undefined);
    assert.equal((await sessions.authenticate(`bearer ${token}`)).userId, 3, 'the other spelling is still the same session');
    assert.equal(calls.getCredential, 1, 'and was found remembered by its token');
  });
});
