import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { issueCredential } from '../../src/credentials/issue.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { KEY_CACHE_TTL_MS, LoopringAuthenticator } from '../../src/venues/loopring/auth.js';
import { loopring } from '../../src/venues/loopring/dialect.js';
import { VenueError } from '../../src/venues/shared/venue-error.js';
import { portOver } from '../support/venue-port.js';

const API_KEY = 'alice-loopring-api-key';

/** A venue port over an in-memory store with alice and her Loopring key, the store's lookups counted, and a clock the test moves. */
async function setUp() {
  const { port, store, ledger, keyring, clock } = portOver(SqliteStore.open({ path: ':memory:' }), 'loopring');
  const load = () =>
    ledger.session(async (s) => {
      const { main } = await s.createUser({ name: 'alice' });
      await issueCredential(s, keyring, loopring.credentials, 'loopring', main, { apiKey: API_KEY });
      return main;
    });
  const main = await load();
  const calls = { getCredential: 0, getAccount: 0 };
  const getCredential = store.getCredential.bind(store);
  const getAccount = store.getAccount.bind(store);
  store.getCredential = (venue, publicId) => (calls.getCredential++, getCredential(venue, publicId));
  store.getAccount = (id) => (calls.getAccount++, getAccount(id));
  const auth = new LoopringAuthenticator(port);
  return { store, ledger, main, load, calls, clock, auth };
}

const request = (apiKey?: string) => ({ headers: apiKey === undefined ? {} : { 'x-api-key': apiKey } }) as unknown as FastifyRequest;

async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VenueError) return (error.body as { resultInfo: { code: number } }).resultInfo.code;
    throw error;
  }
  assert.fail('expected a refusal');
}

test('a known key asks the store once; later reads within the TTL cost no query', async () => {
  const { store, main, calls, clock, auth } = await setUp();
  try {
    const first = await auth.authenticate(request(API_KEY));
    assert.equal(first.account.id, main.id);
    assert.equal(first.credential.accountId, main.id);
    assert.deepEqual(calls, { getCredential: 1, getAccount: 1 });
    clock.advance(KEY_CACHE_TTL_MS - 1);
    for (let i = 0; i < 5; i++) assert.equal((await auth.authenticate(request(API_KEY))).account.id, main.id);
    assert.deepEqual(calls, { getCredential: 1, getAccount: 1 }, 'served from the cache');
    clock.advance(1);
    await auth.authenticate(request(API_KEY));
    assert.deepEqual(calls, { getCredential: 2, getAccount: 2 }, 'asked again once the TTL is over');
  } finally {
    await store.close();
  }
});

test('a reset in this process is seen at once: the key is unknown, then known again with its new records', async () => {
  const { store, ledger, load, auth } = await setUp();
  try {
    const before = await auth.authenticate(request(API_KEY));
    await ledger.reset();
    assert.equal(await codeOf(auth.authenticate(request(API_KEY))), 104002, 'not served from the cache after a reset');
    await load();
    const after = await auth.authenticate(request(API_KEY));
    assert.equal(after.credential.publicId, before.credential.publicId);
  } finally {
    await store.close();
  }
});

test('an unknown key asks the store every time and is never remembered', async () => {
  const { store, calls, auth } = await setUp();
  try {
    for (let i = 0; i < 3; i++) assert.equal(await codeOf(auth.authenticate(request('never-issued-key'))), 104002);
    for (let i = 0; i < 3; i++) assert.equal(await codeOf(auth.authenticate(request(`random-key-${i}`))), 104002);
    assert.equal(calls.getCredential, 6);
    assert.equal(auth.cachedKeys, 0, 'no hash of an unknown key is kept');
    await auth.authenticate(request(API_KEY));
    assert.equal(auth.cachedKeys, 1);
  } finally {
    await store.close();
  }
});

test('no key or an empty one is 104001, one longer than any issued is 104002, and neither reaches the store', async () => {
  const { store, calls, auth } = await setUp();
  try {
    assert.equal(await codeOf(auth.authenticate(request())), 104001);
    assert.equal(await codeOf(auth.authenticate(request(''))), 104001);
    assert.equal(await codeOf(auth.authenticate(request('   '))), 104001);
    assert.equal(await codeOf(auth.authenticate(request('k'.repeat(129)))), 104002);
    assert.equal(calls.getCredential, 0);
  } finally {
    await store.close();
  }
});
