import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { issueCredential } from '../../src/credentials/issue.js';
import { bitget } from '../../src/venues/bitget/dialect.js';
import { HttpHarness } from '../support/http-harness.js';
import { signedBitgetRequest, type BitgetKey } from '../support/bitget-signer.js';
import { uidOf } from '../../src/venues/bitget/identity.js';

/**
 * Paging through `/api/v2/spot/account/subaccount-assets` with the `idLessThan` cursor returns
 * every sub-account that holds something exactly once, newest first, and never an empty one,
 * whatever the number of sub-accounts and the page size.
 */

const SUBS = '/api/v2/spot/account/subaccount-assets';
type Page = { code: string; data: { id: number; userId: number; assetsList: { coin: string }[] }[] };

let h: HttpHarness;
before(async () => {
  h = await HttpHarness.start('bitget-paging-operator-token', { flags: { rateLimits: 'off' } });
  await h.runtime.ledger.session((s) => s.createAsset({ symbol: 'USDT', name: 'Tether', scale: 6 }));
});
after(async () => h.close());

/** A user with `count` sub-accounts, every third one left empty; returns its main key and the funded sub ids. */
async function userWithSubs(name: string, count: number): Promise<{ key: BitgetKey; funded: number[] }> {
  const { key, subs } = await h.runtime.ledger.session(async (s) => {
    const { main } = await s.createUser({ name });
    const issued = await issueCredential(s, h.runtime.keyring, bitget.credentials, 'bitget', main, {});
    const created = [];
    for (let i = 0; i < count; i++) created.push(await s.createSubAccount(main.userId, { label: `sub-${i}` }));
    return { key: { apiKey: issued.secrets.apiKey!, secret: issued.secrets.secretKey!, passphrase: issued.secrets.passphrase! }, subs: created };
  });
  const funded = subs.filter((_, i) => i % 3 !== 2).map((a) => a.id);
  for (const id of funded) await h.runtime.ledger.apply({ type: 'deposit', key: `fund/${id}`, account: id, asset: 'USDT', amount: '1' });
  return { key, funded };
}

async function pageThrough(key: BitgetKey, limit: number | undefined): Promise<number[][]> {
  const pages: number[][] = [];
  let cursor: number | undefined;
  for (;;) {
    const params = new URLSearchParams();
    if (cursor !== undefined) params.set('idLessThan', String(cursor));
    if (limit !== undefined) params.set('limit', String(limit));
    const response = await h.request<Page>(signedBitgetRequest(key, SUBS, { query: params.toString() }));
    assert.equal(response.body.code, '00000', response.text);
    const ids = response.body.data.map((d) => d.id);
    if (ids.length === 0) return pages;
    assert.ok(ids.length <= (limit ?? 10), `page of ${ids.length} exceeds limit ${limit ?? 10}`);
    pages.push(ids);
    cursor = ids[ids.length - 1];
    assert.ok(pages.length < 1000, 'paging terminates');
  }
}

for (const count of [0, 1, 10, 16, 76, 151]) {
  for (const limit of [undefined, 1, 7, 50]) {
    test(`${count} sub-accounts, limit ${limit ?? 'default (10)'}: each funded one exactly once, newest first, no empty one`, async () => {
      const { key, funded } = await userWithSubs(`u${count}l${limit ?? 'd'}`, count);
      const pages = await pageThrough(key, limit);
      const seen = pages.flat();
      assert.deepEqual(seen, [...funded].sort((a, b) => b - a));
      for (const page of pages.slice(0, -1)) assert.equal(page.length, limit ?? 10, 'every page but the last is full');
    });
  }
}

test('each entry names the sub-account by its Bitget uid and lists only what it holds', async () => {
  const { key, funded } = await userWithSubs('shape', 2);
  const response = await h.request<Page>(signedBitgetRequest(key, SUBS));
  const account = await h.runtime.store.getAccount(funded[0]!);
  assert.deepEqual(response.body.data.map((d) => ({ id: d.id, userId: d.userId, coins: d.assetsList.map((a) => a.coin) })), [
    { id: funded[1], userId: Number(uidOf((await h.runtime.store.getAccount(funded[1]!))!)), coins: ['USDT'] },
    { id: funded[0], userId: Number(uidOf(account!)), coins: ['USDT'] },
  ]);
});
