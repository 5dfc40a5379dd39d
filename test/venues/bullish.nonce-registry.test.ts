import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { NonceRegistry } from '../../src/venues/bullish/nonce-registry.js';
import { portOver } from '../support/venue-port.js';

describe('bullish login nonce registry over a venue port', () => {
  const window = 30_000;
  const t0 = 1_700_000_000_000;
  const stores: SqliteStore[] = [];
  let nonces: NonceRegistry;
  beforeEach(() => {
    const store = SqliteStore.open({ path: ':memory:' });
    stores.push(store);
    nonces = new NonceRegistry(portOver(store, 'bullish').port, window);
  });
  after(async () => {
    for (const store of stores) await store.close();
  });

  test('a nonce is accepted once per key while its login can be replayed', async () => {
    assert.equal(await nonces.claim('key-a', '1', t0, t0), true);
    assert.equal(await nonces.claim('key-a', '1', t0, t0 + 1), false);
    assert.equal(await nonces.claim('key-a', '1', t0, t0 + window - 1), false);
  });

  test('the same nonce under another key is a different nonce', async () => {
    assert.equal(await nonces.claim('key-a', '7', t0, t0), true);
    assert.equal(await nonces.claim('key-b', '7', t0, t0), true);
    assert.equal(await nonces.claim('key-b', '7', t0, t0 + 1), false);
  });

  test('a nonce is forgotten once its timestamp has left the window, and may then be used again', async () => {
    assert.equal(await nonces.claim('key-a', '1', t0, t0), true);
    assert.equal(await nonces.claim('key-a', '1', t0 + window, t0 + window), true, 'a new login with it');
    assert.equal(await nonces.claim('key-a', '1', t0 + window, t0 + window + 1), false, 'remembered again from that login');
  });

  test('a login stamped ahead of the server clock keeps its nonce until that stamp leaves the window', async () => {
    assert.equal(await nonces.claim('key-a', '5', t0 + 20_000, t0), true);
    assert.equal(await nonces.claim('key-a', '5', t0 + 20_000, t0 + 49_999), false);
    assert.equal(await nonces.claim('key-a', '5', t0 + 20_000, t0 + 50_000), true);
  });

  test('two registries on one store share what they remember, under the bullish scope only', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    stores.push(store);
    const [a, b] = [new NonceRegistry(portOver(store, 'bullish').port, window), new NonceRegistry(portOver(store, 'bullish').port, window)];
    assert.equal(await a.claim('key-a', '9', t0, t0), true);
    assert.equal(await b.claim('key-a', '9', t0, t0 + 1), false);
    assert.equal(await store.claimNonce('key-a', '9', t0 + window, t0 + 1), true, 'another scope than bullish:<key>');
    assert.equal(await store.claimNonce('bullish:key-a', '9', t0 + window, t0 + 1), false);
  });

  test("another venue's port claims under its own name: it can never use up Bullish's nonces", async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    stores.push(store);
    const bullish = new NonceRegistry(portOver(store, 'bullish').port, window);
    assert.equal(await portOver(store, 'bitget').port.claimNonce('key-a', '3', t0 + window, t0), true);
    assert.equal(await bullish.claim('key-a', '3', t0, t0), true, 'the same scope and nonce, under another venue');
  });
});
