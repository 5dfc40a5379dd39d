import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LedgerError } from '../../src/ledger/errors.js';
import { seedStore } from '../../src/store/seed.case.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { portOver } from '../support/venue-port.js';

/** The venue port's `transfer` (src/venues/port.ts): the ledger's transfer operation under the venue's key. */

describe('venue port: transfer', () => {
  test('moves available from one account to the other once per key: a replay answers the first entry, other content is refused, an overdraft writes nothing', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const { port, ledger } = portOver(store, 'bullish');
      const ids = await seedStore(store, { BTC: 8 }, ['alice', 'bob']);
      const alice = ids.alice!;
      const bob = ids.bob!;
      await ledger.apply({ key: 'fund', type: 'deposit', account: alice, asset: 'BTC', amount: '1' });
      const first = await port.transfer({ key: 'v/1', from: alice, to: bob, asset: 'BTC', amount: '0.25' });
      assert.equal(first.replayed, false);
      assert.deepEqual(first.entry.request, { from: alice, to: bob, asset: 'BTC', amount: '0.25' });
      const again = await port.transfer({ key: 'v/1', from: alice, to: bob, asset: 'BTC', amount: '0.25' });
      assert.deepEqual([again.replayed, again.entry.id], [true, first.entry.id], 'the same transfer again is a replay');
      await assert.rejects(port.transfer({ key: 'v/1', from: alice, to: bob, asset: 'BTC', amount: '0.3' }), (e: unknown) => e instanceof LedgerError && e.code === 'IDEMPOTENCY_CONFLICT');
      await assert.rejects(port.transfer({ key: 'v/2', from: alice, to: bob, asset: 'BTC', amount: '5' }), (e: unknown) => e instanceof LedgerError && e.code === 'INSUFFICIENT_FUNDS');
      const available = async (account: number) => (await port.balances(account)).find((b) => b.asset === 'BTC' && b.bucket === 'available')?.amount;
      assert.deepEqual([await available(alice), await available(bob)], [75_000_000n, 25_000_000n]);
      assert.equal((await store.listJournal(0, 100)).entries.some((e) => e.key === 'v/2'), false, 'a refused transfer keeps no key');
      assert.deepEqual((await ledger.verify()).mismatches, []);
    } finally {
      await store.close();
    }
  });
});
