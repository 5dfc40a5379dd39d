import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addAsset, addUser } from '../seed.case.js';
import { PostgresStore } from './postgres-store.js';
import { Ledger } from '../../ledger/ledger.js';
import { LedgerError } from '../../ledger/errors.js';
import type { OperationRequest } from '../../ledger/operations.js';
import { skipWithoutPostgres } from '../../../test/support/services.js';
import { postgresSchemas } from '../../../test/support/postgres-schemas.js';

/**
 * Claims on the catalog cache of writes (ledger/catalog-cache.ts) where it matters: two instances
 * on one schema, one of which resets the ledger under the other's cache.
 */
const schemas = postgresSchemas();
const skip = skipWithoutPostgres;

/** BTC at `scale` and alice's main account, on an empty ledger. */
async function seed(store: PostgresStore, scale: number): Promise<number> {
  return store.transaction(async (tx) => {
    await addAsset(tx, 'BTC', scale);
    return (await addUser(tx, 'alice')).main.id;
  });
}

const deposit = (key: string, account: number, amount = '1.5'): OperationRequest => ({ key, type: 'deposit', account, asset: 'BTC', amount });

/** Two instances on one fresh schema; the first one's ledger has cached BTC and alice's account. */
async function twoInstances(groupCommit: boolean) {
  const url = schemas.fresh();
  const a = await PostgresStore.open({ url });
  const b = await PostgresStore.open({ url });
  const cached = new Ledger(a, Date.now, groupCommit ? { groupCommit: {} } : {});
  const other = new Ledger(b);
  const account = await seed(a, 8);
  await cached.apply(deposit('warm', account));
  await cached.apply(deposit('warm-again', account));
  return { cached, other, account, close: () => Promise.all([a.close(), b.close()]) };
}

for (const groupCommit of [false, true]) {
  const mode = groupCommit ? 'with group commit' : 'alone';
  test(`[postgres] ${mode}: after another instance resets the ledger, an instance never plans with the assets and accounts it cached before`, { skip }, async () => {
    const { cached, other, account, close } = await twoInstances(groupCommit);
    try {
      await other.reset();
      // Nothing there any more: refused as missing, not planned on the cached account.
      await assert.rejects(cached.apply(deposit('gone', account)), (error) => error instanceof LedgerError && error.code === 'ACCOUNT_NOT_FOUND');
      await other.reset();
      // Recreated with another scale: 1.5 BTC is 150 base units now, not 150,000,000.
      assert.equal(await seed(other.store as PostgresStore, 2), account);
      const results = await Promise.all([cached.apply(deposit('new-1', account)), cached.apply(deposit('new-2', account))]);
      assert.deepEqual(results.map((r) => r.entry.postings.find((p) => p.account === account)?.amount), [150n, 150n]);
      const [balance] = await cached.balances(account);
      assert.equal(balance?.amount, 300n);
    } finally {
      await close();
    }
  });
}

test('[postgres] a batch after another instance reset the ledger plans on the catalog as it is now', { skip }, async () => {
  const { cached, other, account, close } = await twoInstances(false);
  try {
    await other.reset();
    assert.equal(await seed(other.store as PostgresStore, 2), account);
    const results = await cached.applyBatch([deposit('b1', account), deposit('b2', account, '0.01')]);
    assert.deepEqual(results.map((r) => r.entry.postings.find((p) => p.account === account)?.amount), [150n, 1n]);
  } finally {
    await close();
  }
});
