import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { acme, fakeDialect, zeta } from './support/fake-venues.js';
import { HttpHarness } from './support/http-harness.js';

/**
 * A snapshot taken while other venues were served restores into a server serving more: its
 * subjects get the facts the added venue generates, as `serve` gives subjects stored before a
 * venue was added. Two made-up venues, so nothing here names a real one.
 */

const V1 = '/_assetbook/v1';

test('a snapshot of a server serving zeta restores into one serving zeta and acme, with acme facts generated for its asset and accounts', async () => {
  const secretKey = randomBytes(32).toString('hex');
  const before = await HttpHarness.start('snapshot-venues-token', { venues: [fakeDialect(zeta)], flags: { secretKey } });
  const after = await HttpHarness.start('snapshot-venues-token', { venues: [fakeDialect(zeta), fakeDialect(acme)], flags: { secretKey } });
  try {
    assert.equal((await before.post(`${V1}/assets`, { symbol: 'BTC', scale: 8 })).status, 201);
    const user = await before.post<{ accounts: { id: number }[] }>(`${V1}/users`, { name: 'ann' });
    assert.equal(user.status, 201, user.text);
    const file = await before.get<{ venues: string[] }>(`${V1}/snapshot`);
    assert.deepEqual(file.body.venues, ['zeta']);

    const restored = await after.request({ method: 'PUT', path: `${V1}/snapshot`, body: file.body });
    assert.equal(restored.status, 200, restored.text);
    const accounts = await after.get<{ id: number; venues: { acme: { number?: number } } }[]>(`${V1}/accounts`);
    const main = accounts.body.find((a) => a.id === user.body.accounts[0]!.id);
    assert.equal(main?.venues.acme.number, 500 + main!.id, "acme's generated account number");
    const assets = await after.get<{ venues: { acme: { code?: string } } }[]>(`${V1}/assets`);
    assert.equal(assets.body[0]?.venues.acme.code, 'BTC-0');
    const verified = await after.get<{ ok: boolean }>(`${V1}/verify`);
    assert.equal(verified.body.ok, true);
  } finally {
    await after.close();
    await before.close();
  }
});
