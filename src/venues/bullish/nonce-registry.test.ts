import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NonceRegistry } from './nonce-registry.js';

describe('bullish login nonce registry', () => {
  const window = 30_000;
  const t0 = 1_700_000_000_000;

  test('a nonce is accepted once per key while its login can be replayed', () => {
    const nonces = new NonceRegistry(window);
    assert.equal(nonces.claim('key-a', '1', t0, t0), true);
    assert.equal(nonces.claim('key-a', '1', t0, t0 + 1), false);
    assert.equal(nonces.claim('key-a', '1', t0, t0 + window - 1), false);
  });

  test('the same nonce under another key is a different nonce', () => {
    const nonces = new NonceRegistry(window);
    assert.equal(nonces.claim('key-a', '7', t0, t0), true);
    assert.equal(nonces.claim('key-b', '7', t0, t0), true);
  });

  test('a nonce is forgotten once its timestamp has left the window, and may then be used again', () => {
    const nonces = new NonceRegistry(window);
    assert.equal(nonces.claim('key-a', '1', t0, t0), true);
    assert.equal(nonces.claim('key-a', '1', t0, t0 + window), true);
  });

  test('a login stamped ahead of the server clock keeps its nonce until that stamp leaves the window', () => {
    const nonces = new NonceRegistry(window);
    assert.equal(nonces.claim('key-a', '5', t0 + 20_000, t0), true);
    assert.equal(nonces.claim('key-a', '5', t0 + 20_000, t0 + 49_999), false);
    assert.equal(nonces.claim('key-a', '5', t0 + 20_000, t0 + 50_000), true);
  });

  test('forgotten nonces are swept, so memory follows recent logins only', () => {
    const nonces = new NonceRegistry(window);
    for (let i = 0; i < 100; i++) nonces.claim('key-a', String(i), t0, t0);
    assert.equal(nonces.size, 100);
    nonces.claim('key-a', 'late', t0 + 2 * window, t0 + 2 * window);
    assert.equal(nonces.size, 1);
  });

  test('at most maxEntries nonces are kept: a flood of distinct logins drops the oldest first, never grows past the cap', () => {
    const nonces = new NonceRegistry(window, 3);
    for (const nonce of ['1', '2', '3', '4']) assert.equal(nonces.claim('key-a', nonce, t0, t0), true);
    assert.equal(nonces.size, 3);
    assert.equal(nonces.claim('key-a', '2', t0, t0), false, 'a newer one is still refused');
    assert.equal(nonces.claim('key-a', '1', t0, t0), true, 'the oldest was dropped');
    assert.equal(nonces.size, 3);
  });

  test('a nonce used again once its login can no longer be replayed counts as the newest', () => {
    const nonces = new NonceRegistry(window, 3);
    const later = t0 + window / 2 + 1; // '1' (stamped half a window early) is past replay; no sweep has run yet
    nonces.claim('key-a', '1', t0 - window / 2, t0);
    nonces.claim('key-a', '2', t0, t0);
    assert.equal(nonces.claim('key-a', '1', later, later), true, 'claimed again: now the newest');
    nonces.claim('key-a', '3', later, later);
    nonces.claim('key-a', '4', later, later); // at the cap: drops '2', now the oldest
    assert.equal(nonces.claim('key-a', '1', later, later), false);
    assert.equal(nonces.claim('key-a', '2', later, later), true);
  });
});
