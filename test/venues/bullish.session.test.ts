import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Keyring } from '../../src/credentials/keyring.js';
import { ASSETS, LOGIN, TRADING_ACCOUNTS, demoBullishKey, jwtPayload, loginAs, loginRequest, nextNonce } from '../support/bullish-client.js';
import { ALICE_MAIN, assets, expectAnswer, get, rawJwt, snapshotWrites, type ErrorBody, type StoreWrites } from '../support/bullish-http.js';
import { ManualClock } from '../support/clock.js';
import { DEMO, HttpHarness, loadScenarioFile, type HttpRequest } from '../support/http-harness.js';

/**
 * The Bullish session endpoints through a real server on loopback with the demo scenario: the
 * HMAC login, the bearer token on private endpoints (every authentication failure), logout, a
 * token's lifetime, what a sandbox reset does to tokens, and a login replayed to a second
 * instance on the same store.
 */

describe('bullish login, bearer token and logout over HTTP', () => {
  let h: HttpHarness;
  let alice: string;
  let atStart: StoreWrites;
  /** The tokens the tests log out on purpose: the only sessions the store may record as revoked. */
  const loggedOut: string[] = [];
  before(async () => {
    h = await HttpHarness.start('bullish-session-operator', { scenario: DEMO, flags: { rateLimits: 'off' } });
    alice = await loginAs(h, 'alice');
    atStart = await snapshotWrites(h);
  });
  after(async () => h.close());

  describe('GET /v1/users/hmac/login', () => {
    test('a correctly signed login returns an authorizer, the same owner authorizer, and a JWT that opens the private endpoints', async () => {
      const t0 = Date.now();
      const response = await h.request<{ authorizer: string; ownerAuthorizer: string; token: string }>(loginRequest(demoBullishKey(h.secrets('carol', 'bullish'))));
      const t1 = Date.now();
      expectAnswer(response, 200);
      assert.deepEqual(Object.keys(response.body).sort(), ['authorizer', 'ownerAuthorizer', 'token']);
      assert.match(response.body.authorizer, /^[0-9A-F]{32}$/);
      assert.equal(response.body.ownerAuthorizer, response.body.authorizer);
      assert.match(response.body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      const payload = jwtPayload(response.body.token);
      const expMs = (payload.exp as number) * 1000;
      assert.ok(expMs >= t0 + 86_400_000 && expMs <= t1 + 86_401_000, 'valid at least 24 h by default, exp rounded up to the second');
      expectAnswer(await h.request(get(TRADING_ACCOUNTS, response.body.token)), 200);
    });

    test('each user gets a stable authorizer of their own', async () => {
      const key = demoBullishKey(h.secrets('alice', 'bullish'));
      const first = await h.request<{ authorizer: string }>(loginRequest(key));
      const second = await h.request<{ authorizer: string }>(loginRequest(key));
      const other = await h.request<{ authorizer: string }>(loginRequest(demoBullishKey(h.secrets('bob', 'bullish'))));
      assert.equal(first.body.authorizer, second.body.authorizer);
      assert.notEqual(first.body.authorizer, other.body.authorizer);
    });

    const aliceKey = () => demoBullishKey(h.secrets('alice', 'bullish'));
    const cases: [string, () => HttpRequest, number, number][] = [
      ['no BX-PUBLIC-KEY', () => loginRequest(aliceKey(), { omit: ['bx-public-key'] }), 401, 8327],
      ['no BX-TIMESTAMP', () => loginRequest(aliceKey(), { omit: ['bx-timestamp'] }), 401, 2035],
      ['no BX-NONCE', () => loginRequest(aliceKey(), { omit: ['bx-nonce'] }), 401, 2035],
      ['no BX-SIGNATURE', () => loginRequest(aliceKey(), { omit: ['bx-signature'] }), 401, 8327],
      ['no headers at all', () => get(LOGIN, null), 401, 8327],
      ['a public key never issued', () => loginRequest({ publicKey: 'HMAC-never-issued', secret: 'whatever' }), 401, 8327],
      ['the right key signed with another secret', () => loginRequest({ ...aliceKey(), secret: 'demo-bob-bullish-secret' }), 401, 8327],
      ['bob signing under alice’s public key', () => loginRequest({ publicKey: aliceKey().publicKey, secret: h.secrets('bob', 'bullish').secret! }), 401, 8327],
      [
        'a signature over another path',
        () => {
          const timestamp = String(Date.now());
          const nonce = nextNonce();
          const signature = createHmac('sha256', aliceKey().secret).update(`${timestamp}${nonce}GET/trading-api/v1/accounts/asset`).digest('hex');
          return loginRequest(aliceKey(), { timestamp, nonce, signature });
        },
      401,
        8327,
      ],
      ['an upper-case hex signature', () => {
        const request = loginRequest(aliceKey());
        return { ...request, headers: { ...request.headers, 'bx-signature': request.headers!['bx-signature']!.toUpperCase() } };
      }, 401, 8327],
      ['a timestamp 31 s old', () => loginRequest(aliceKey(), { timestamp: String(Date.now() - 31_000) }), 401, 2035],
      ['a timestamp 31 s ahead', () => loginRequest(aliceKey(), { timestamp: String(Date.now() + 31_000) }), 401, 2035],
      ['a timestamp in seconds', () => loginRequest(aliceKey(), { timestamp: String(Math.floor(Date.now() / 1000)) }), 401, 2035],
      ['a nonce with a leading zero', () => loginRequest(aliceKey(), { nonce: `0${nextNonce()}` }), 401, 2035],
      ['a nonce above 2^64 - 1', () => loginRequest(aliceKey(), { nonce: '99999999999999999999' }), 401, 2035],
    ];
    for (const [what, request, status, code] of cases) {
      test(`${what}: ${status} ${code}`, async () => {
        expectAnswer(await h.request(request()), status, code, what);
      });
    }

    test('a login replayed as it was sent is refused on its nonce; the same nonce under another key is fine', async () => {
      const nonce = nextNonce();
      const first = loginRequest(demoBullishKey(h.secrets('alice', 'bullish')), { nonce });
      expectAnswer(await h.request(first), 200);
      expectAnswer(await h.request(first), 401, 2035, 'replay');
      expectAnswer(await h.request(loginRequest(demoBullishKey(h.secrets('bob', 'bullish')), { nonce })), 200);
    });

    test('a refused login does not use up its nonce: the correctly signed login with that nonce still works', async () => {
      const nonce = nextNonce();
      const key = demoBullishKey(h.secrets('alice', 'bullish'));
      expectAnswer(await h.request(loginRequest({ ...key, secret: 'wrong-secret-123' }, { nonce })), 401, 8327);
      expectAnswer(await h.request(loginRequest(key, { nonce })), 200);
    });
  });

  describe('bearer token on private endpoints', () => {
    const read = (token: string | null, headers: Record<string, string> = {}) => get(assets(ALICE_MAIN), token, headers);

    test('the bearer token alone authenticates a GET: BX-* headers, even wrong ones, are not checked', async () => {
      expectAnswer(await h.request(read(alice)), 200);
      expectAnswer(await h.request(read(alice, { 'bx-timestamp': '1', 'bx-nonce': '1', 'bx-signature': 'not-a-signature' })), 200);
    });

    const cases: [string, () => HttpRequest][] = [
      ['no Authorization header', () => read(null)],
      ['a Basic Authorization header', () => read(null, { authorization: 'Basic YWxpY2U6eA==' })],
      ['Bearer without a token', () => read(null, { authorization: 'Bearer' })],
      ['a token that is not a JWT', () => read('not-a-jwt')],
      ['the operator token', () => read(h.token)],
      [
        'alice’s token with its subject changed to bob',
        () => {
          const [head, payload, signature] = alice.split('.') as [string, string, string];
          const changed = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), sub: String(h.account('bob').userId) };
          return read(`${head}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`);
        },
      ],
      ['alice’s token with another signature', () => read(`${alice.split('.').slice(0, 2).join('.')}.${Buffer.alloc(32, 1).toString('base64url')}`)],
      ['an unsigned token (alg none)', () => read(rawJwt({ alg: 'none' }, jwtPayload(alice), ''))],
      ['a token signed with a key the server never had', () => read(rawJwt({ alg: 'HS256' }, jwtPayload(alice), Buffer.alloc(32, 9).toString('base64url')))],
    ];
    for (const [what, request] of cases) {
      test(`${what}: 401 6105`, async () => {
        expectAnswer(await h.request(request()), 401, 6105, what);
      });
    }

    test('the same failures are refused on every private endpoint', async () => {
      for (const path of [assets(ALICE_MAIN), `${ASSETS}/BTC?tradingAccountId=${ALICE_MAIN}`, TRADING_ACCOUNTS, `${TRADING_ACCOUNTS}/${ALICE_MAIN}`]) {
        expectAnswer(await h.request(get(path, null)), 401, 6105, path);
        expectAnswer(await h.request(get(path, 'a.b.c')), 401, 6105, path);
      }
      const before = await snapshotWrites(h);
      expectAnswer(await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token: null }), 401, 6105, 'logout');
      expectAnswer(await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token: 'a.b.c' }), 401, 6105, 'logout');
      assert.deepEqual(await snapshotWrites(h), before, 'a refused logout writes nothing');
    });
  });

  describe('logout', () => {
    test('POST /v1/users/logout ends that session only: its token is refused, another session of the same user goes on', async () => {
      const doomed = await loginAs(h, 'alice');
      const other = await loginAs(h, 'alice');
      expectAnswer(await h.request(get(assets(ALICE_MAIN), doomed)), 200);
      const before = await snapshotWrites(h);
      expectAnswer(await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token: doomed }), 200);
      loggedOut.push(doomed);
      const written = await snapshotWrites(h);
      assert.deepEqual(written.revocations.alice?.sessions, [String(jwtPayload(doomed).jti)], 'the logout is in the store');
      const refused = await h.request(get(assets(ALICE_MAIN), doomed));
      expectAnswer(refused, 401, 6105);
      assert.match((refused.body as ErrorBody).message, /logout/);
      expectAnswer(await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token: doomed }), 401, 6105, 'second logout');
      assert.deepEqual(await snapshotWrites(h), written, 'the refused second logout wrote nothing');
      assert.notDeepEqual(written, before);
      expectAnswer(await h.request(get(assets(ALICE_MAIN), other)), 200);
    });

    test('GET /v1/users/logout, as the venue documents it, does the same', async () => {
      const token = await loginAs(h, 'bob');
      expectAnswer(await h.request(get('/trading-api/v1/users/logout', token)), 200);
      loggedOut.push(token);
      expectAnswer(await h.request(get(TRADING_ACCOUNTS, token)), 401, 6105);
    });

    test('a logout with an unreadable body is refused in Bullish’s shape and ends nothing', async () => {
      const token = await loginAs(h, 'bob');
      const before = await snapshotWrites(h);
      const badJson = await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token, rawBody: '{', headers: { 'content-type': 'application/json' } });
      expectAnswer(badJson, 400, 2001);
      const text = await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token, rawBody: 'bye', headers: { 'content-type': 'text/plain' } });
      expectAnswer(text, 415, 2001);
      assert.deepEqual(await snapshotWrites(h), before, 'no logout record, journal entry or credential written');
      expectAnswer(await h.request(get(TRADING_ACCOUNTS, token)), 200);
    });
  });

  describe('what the refusals above wrote', () => {
    test('nothing: no journal entry, no credential, the same signing key, and only the sessions logged out on purpose are revoked', async () => {
      const now = await snapshotWrites(h);
      assert.deepEqual(now.journal, atStart.journal);
      assert.equal(now.credentials, atStart.credentials);
      assert.equal(now.signingKey, atStart.signingKey);
      const revoked = Object.values(now.revocations).flatMap((r) => r?.sessions ?? []).sort();
      assert.deepEqual(revoked, loggedOut.map((token) => String(jwtPayload(token).jti)).sort());
      assert.ok(Object.values(now.revocations).every((r) => r === null || r.notBeforeS === 0), 'no logout ended every session');
    });
  });
});

describe('bullish token lifetime over HTTP', () => {
  let h: HttpHarness;
  // Moves only when told; every login here is signed at its time.
  const clock = new ManualClock();
  before(async () => {
    h = await HttpHarness.start('bullish-ttl-operator', { scenario: DEMO, flags: { rateLimits: 'off', bullishTokenTtl: '60' }, clock: clock.now });
  });
  after(async () => h.close());

  test('a token is accepted until its expiry and refused with 6105 from then on; a new login works again', async () => {
    const token = await loginAs(h, 'alice', clock.now());
    const expMs = (jwtPayload(token).exp as number) * 1000;
    expectAnswer(await h.request(get(assets(ALICE_MAIN), token)), 200);
    clock.advance(expMs - 1_000 - clock.now());
    expectAnswer(await h.request(get(assets(ALICE_MAIN), token)), 200);
    clock.advance(1_000);
    const refused = await h.request(get(assets(ALICE_MAIN), token));
    expectAnswer(refused, 401, 6105);
    assert.match((refused.body as ErrorBody).message, /expired/);
    expectAnswer(await h.request(get(assets(ALICE_MAIN), await loginAs(h, 'alice', clock.now()))), 200);
  });
});

describe('bullish sessions and a sandbox reset', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bullish-reset-operator', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('after the operator empties the ledger, a token from before is refused at once (its key is gone)', async () => {
    const token = await loginAs(h, 'alice');
    expectAnswer(await h.request(get(assets(ALICE_MAIN), token)), 200);
    expectAnswer(await h.post('/_assetbook/v1/reset'), 204);
    const refused = await h.request(get(assets(ALICE_MAIN), token));
    expectAnswer(refused, 401, 6105);
    assert.match((refused.body as ErrorBody).message, /no longer exists/);
  });

  test('a token from before a reset stays refused when the same scenario is loaded again (same ids, same keys); a new login works', async () => {
    const { publicKey } = demoBullishKey(h.secrets('alice', 'bullish'));
    await h.post('/_assetbook/v1/reset');
    await loadScenarioFile(h.runtime, DEMO);
    const before = await h.runtime.store.getCredential('bullish', publicKey);
    const token = await loginAs(h, 'alice');
    expectAnswer(await h.request(get(assets(ALICE_MAIN), token)), 200);

    expectAnswer(await h.post('/_assetbook/v1/reset'), 204);
    await loadScenarioFile(h.runtime, DEMO);
    const after = await h.runtime.store.getCredential('bullish', publicKey);
    // What made the old token pass before: the store hands out the same ids again.
    assert.deepEqual([after?.id, after?.userId], [before?.id, before?.userId], 'the reloaded credential has the same id and user');

    const refused = await h.request(get(assets(ALICE_MAIN), token));
    expectAnswer(refused, 401, 6105);
    assert.match((refused.body as ErrorBody).message, /no longer exists/);
    expectAnswer(await h.request(get(TRADING_ACCOUNTS, token)), 401, 6105, 'every private endpoint');
    expectAnswer(await h.request(get(assets(ALICE_MAIN), await loginAs(h, 'alice'))), 200, undefined, 'a fresh login');
  });
});

describe('bullish login on two instances sharing one store', () => {
  // Two runtimes opened on the same SQLite file, each with its own app and port: two instances
  // behind a balancer. The master key is given to both, as a deployment would.
  let dir: string;
  let a: HttpHarness;
  let b: HttpHarness;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assetbook-bullish-instances-'));
    const flags = { db: join(dir, 'assetbook.db'), secretKey: Keyring.generateKey().toString('hex'), rateLimits: 'off' };
    a = await HttpHarness.start('bullish-instance-operator', { scenario: DEMO, flags });
    b = await HttpHarness.start('bullish-instance-operator', { flags });
  });
  after(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a login accepted by one instance and replayed as it was sent to the other is refused on its nonce there', async () => {
    const key = demoBullishKey(a.secrets('alice', 'bullish'));
    const login = loginRequest(key);
    const accepted = await a.request<{ token: string }>(login);
    expectAnswer(accepted, 200, undefined, 'login on A');
    expectAnswer(await b.request(login), 401, 2035, 'the same headers replayed on B');
    expectAnswer(await a.request(login), 401, 2035, 'and on A again');
    expectAnswer(await b.request(loginRequest(key)), 200, undefined, 'a fresh login on B');
    expectAnswer(await b.request(get(assets(ALICE_MAIN), accepted.body.token)), 200, undefined, "A's token on B");
  });
});
