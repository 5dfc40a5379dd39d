import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NO_REVOCATIONS, SessionRevocations, addRevocation, isRevoked, mergeRevocations, parseRevocations } from './revocations.js';
import type { SessionClaims } from './session-token.js';

const session = (sessionId: string, issuedAtS = 100, expiresAtS = 200): SessionClaims => ({
  userId: 1,
  credentialId: 1,
  publicKey: 'k',
  credentialCreatedAtMs: 0,
  sessionId,
  issuedAtS,
  expiresAtMs: expiresAtS * 1000,
});

describe('bullish session revocations', () => {
  test('a revoked session is refused and another session of the same user is not', () => {
    const state = addRevocation(NO_REVOCATIONS, session('a'), 150);
    assert.equal(isRevoked(state, session('a')), true);
    assert.equal(isRevoked(state, session('b')), false);
  });

  test('an entry is dropped once its token would have expired anyway', () => {
    let state = addRevocation(NO_REVOCATIONS, session('old', 100, 160), 150);
    state = addRevocation(state, session('new', 150, 300), 170);
    assert.deepEqual(Object.keys(state.revoked), ['new']);
  });

  test('beyond the cap, a logout ends every session of the user issued up to that second, and the list starts empty', () => {
    let state = NO_REVOCATIONS;
    for (let i = 0; i < 3; i++) state = addRevocation(state, session(`s${i}`), 150, 3);
    assert.equal(Object.keys(state.revoked).length, 3);
    state = addRevocation(state, session('s3'), 150, 3);
    assert.deepEqual(state.revoked, {});
    assert.equal(isRevoked(state, session('s3', 150)), true, 'the session logged out');
    assert.equal(isRevoked(state, session('other', 149)), true, 'earlier sessions too');
    assert.equal(isRevoked(state, session('later', 151)), false, 'a later login is not');
  });

  test('a cut never moves notBefore back, even from a clock behind the one that cut before', () => {
    let state = NO_REVOCATIONS;
    for (let i = 0; i < 4; i++) state = addRevocation(state, session(`s${i}`), 150, 3);
    assert.equal(state.notBeforeS, 151);
    for (let i = 0; i < 4; i++) state = addRevocation(state, session(`t${i}`), 120, 3);
    assert.equal(state.notBeforeS, 151);
  });

  test('the stored form reads back; anything unreadable reads as no revocations', () => {
    const state = addRevocation(NO_REVOCATIONS, session('a'), 150);
    assert.deepEqual(parseRevocations(JSON.stringify(state)), state);
    assert.deepEqual(parseRevocations(undefined), NO_REVOCATIONS);
    assert.deepEqual(parseRevocations('{not json'), NO_REVOCATIONS);
    assert.deepEqual(parseRevocations('{"notBeforeS":"x","revoked":{"a":"y","b":5}}'), { notBeforeS: 0, revoked: { b: 5 } });
  });

  test('a session id that is an Object prototype name is not revoked by accident', () => {
    assert.equal(isRevoked(NO_REVOCATIONS, session('constructor')), false);
    assert.equal(isRevoked(NO_REVOCATIONS, session('__proto__')), false);
  });
});

describe('bullish revocations merged', () => {
  test('the union of both sides\' live entries and the later notBefore, whichever side is older', () => {
    const a = { notBeforeS: 110, revoked: { x: 200, old: 140 } };
    const b = { notBeforeS: 120, revoked: { y: 300, x: 250 } };
    for (const merged of [mergeRevocations(a, b, 150), mergeRevocations(b, a, 150)]) {
      assert.equal(merged.notBeforeS, 120);
      assert.deepEqual(merged.revoked, { x: 250, y: 300 }, 'old expired at 140 and is dropped');
    }
  });

  test('beyond the cap, across a cut that ended every session, the side after the cut is kept alone', () => {
    const before = { notBeforeS: 0, revoked: { a: 200, b: 200, c: 200 } };
    const after = { notBeforeS: 151, revoked: { d: 200, e: 200 } };
    const merged = mergeRevocations(before, after, 150, 3);
    assert.deepEqual(merged, after);
    assert.equal(isRevoked(merged, session('a', 140)), true, 'a was issued before the cut: still refused');
  });
});

/**
 * Revocation records whose plain read (what refresh uses) can be held: after `hold()`, the next
 * read takes the value at once but answers only when `release()` is called, so a test can let
 * other calls run between a refresh's read and its update of memory.
 */
function gatedStore() {
  const settings = new Map<number, string>();
  let nextGate: Promise<void> | null = null;
  let open = () => {};
  const store = {
    revocations: async (userId: number) => {
      const value = settings.get(userId);
      const gate = nextGate;
      nextGate = null;
      if (gate) await gate;
      return value;
    },
    revokeSession: async (userId: number, update: (current: string | undefined) => string) => {
      const next = update(settings.get(userId));
      settings.set(userId, next);
      return next;
    },
  };
  return {
    store,
    settings,
    hold: () => void (nextGate = new Promise<void>((resolve) => (open = resolve))),
    release: () => open(),
  };
}

describe('bullish revocations in memory', () => {
  const NOW_MS = 150_000;

  test('a refresh that read the store before a logout committed does not bring the logged-out session back', async () => {
    const { store, hold, release } = gatedStore();
    const revocations = new SessionRevocations(store);
    hold();
    const refreshing = revocations.refresh(1, NOW_MS); // reads "nothing revoked", then waits
    await revocations.revoke(session('a'), NOW_MS); // commits and updates memory meanwhile
    assert.equal(revocations.isRevoked(session('a')), true);
    release();
    await refreshing; // stores what it read before the logout
    assert.equal(revocations.isRevoked(session('a')), true, 'the logout holds');
  });

  test('of two refreshes, the one that read earlier and finished later does not undo a logout written by another instance', async () => {
    const { store, settings, hold, release } = gatedStore();
    const revocations = new SessionRevocations(store);
    hold();
    const early = revocations.refresh(1, NOW_MS); // reads "nothing revoked", then waits
    settings.set(1, JSON.stringify(addRevocation(NO_REVOCATIONS, session('b'), 150)));
    await revocations.refresh(1, NOW_MS); // reads the other instance's logout and finishes first
    assert.equal(revocations.isRevoked(session('b')), true);
    release();
    await early;
    assert.equal(revocations.isRevoked(session('b')), true);
  });

  test('a later refresh still brings in what another instance wrote, and expired entries leave memory', async () => {
    const { store, settings } = gatedStore();
    const revocations = new SessionRevocations(store);
    await revocations.revoke(session('a', 100, 160), NOW_MS);
    settings.set(1, JSON.stringify(addRevocation(NO_REVOCATIONS, session('c', 100, 300), 170)));
    await revocations.refresh(1, 170_000);
    assert.equal(revocations.isRevoked(session('c')), true);
    assert.equal(revocations.isRevoked(session('a', 100, 160)), false, 'a expired at 160: forgotten (its token is refused as expired anyway)');
  });
});
