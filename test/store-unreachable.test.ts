import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, HttpHarness } from './support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest } from './support/bitget-signer.js';
import type { LedgerStore } from '../src/store/store.js';
import { accountIdOf } from '../src/venues/loopring/identity.js';

/**
 * When the database cannot be reached (PostgreSQL down, a connection refused), every surface
 * answers 503 in its own shape, a retryable "busy", never its opaque 500, and recovers by itself.
 * The store here is made to fail the way postgres.js fails, so the claim needs no outage.
 */
let h: HttpHarness;
let unreachable = false;

before(async () => {
  h = await HttpHarness.start('tok', { scenario: DEMO, flags: { rateLimits: 'off' } });
  const store = h.runtime.store as LedgerStore & Record<string, unknown>;
  for (const method of ['readBalances', 'getCredential', 'getAccount', 'findAccount', 'transaction']) {
    const real = (store[method] as (...args: unknown[]) => Promise<unknown>).bind(store);
    store[method] = (...args: unknown[]) =>
      unreachable ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })) : real(...args);
  }
});
after(() => h.close());

test('with the store unreachable, each surface answers 503 in its own shape, and answers again once it is back', async () => {
  const alice = h.account('alice');
  const bitget = signedBitgetRequest(demoBitgetKey(h.secrets('alice', 'bitget')), '/api/v2/spot/account/assets');
  const loopring = { method: 'GET', path: `/api/v3/user/balances?accountId=${accountIdOf(alice)}`, headers: { 'x-api-key': h.secrets('alice', 'loopring').apiKey! }, token: null };
  const operator = { method: 'GET', path: `/_assetbook/v1/accounts/${alice.id}/balances` };
  const deposit = { method: 'POST', path: '/_assetbook/v1/operations', body: { key: 'down-1', type: 'deposit', account: alice.id, asset: 'BTC', amount: '1' } };

  unreachable = true;
  const op = await h.request<{ error: { code: string } }>(operator);
  assert.deepEqual([op.status, op.body.error.code], [503, 'STORE_UNAVAILABLE']);
  const write = await h.request<{ error: { code: string } }>(deposit);
  assert.deepEqual([write.status, write.body.error.code], [503, 'STORE_UNAVAILABLE']);
  const bg = await h.request<{ code: string }>(bitget);
  assert.deepEqual([bg.status, bg.body.code], [503, '40015']);
  const lr = await h.request<{ resultInfo: { code: number; message: string } }>(loopring);
  // Loopring answers every refusal with HTTP 400 and a resultInfo (its SDK rejects other statuses).
  assert.deepEqual([lr.status, lr.body.resultInfo.code], [400, 100000]);
  assert.match(lr.body.resultInfo.message, /busy, try again/);

  unreachable = false;
  assert.equal((await h.request(operator)).status, 200);
  assert.equal((await h.request(bitget)).status, 200);
  assert.equal((await h.request(loopring)).status, 200);
  assert.equal((await h.request(deposit)).status, 201, 'the refused write wrote nothing: its key is free');
});
