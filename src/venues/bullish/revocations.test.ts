import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NO_REVOCATIONS, isRevoked, parseRevocations, addRevocation } from './revocations.js';
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
