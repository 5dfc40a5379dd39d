import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresStore } from './postgres-store.js';
import { seedStore } from '../seed.case.js';
import { Ledger } from '../../ledger/ledger.js';
import { SYSTEM_ACCOUNT } from '../../ledger/types.js';
import type { OperationRequest } from '../../ledger/operations.js';
import { skipWithoutPostgres as skip } from '../../../test/support/services.js';
import { postgresSchemas } from '../../../test/support/postgres-schemas.js';

/**
 * The first use of a shared book (here the system `fees` books) under a burst of writers on
 * several instances. Before every book was created ahead of the locking pass, a transaction held
 * its account books locked while it inserted the missing `fees` row, and another held that
 * uncommitted row while it waited for those account books: PostgreSQL broke the cycle by
 * aborting one of them (a deadlock, seconds of detection and retries, some operations refused).
 */

const schemas = postgresSchemas();
const INSTANCES = 3;
const ROUNDS = 5;
const TRADERS = 12;
const TRADES = 36;
const POOL = 10;

/**
 * Trade `i` joins two different traders and pays a fee in BTC, in USDT or in both, so the two
 * `fees` books are first used by the burst, each by some transactions that find the other one
 * already there: the order in which they appear varies from one transaction to the next.
 */
function trade(i: number, traders: readonly number[]): OperationRequest {
  const p = traders[i % TRADERS]!;
  const q = traders[(i + 1 + (i % (TRADERS - 1))) % TRADERS]!;
  return {
    key: `trade-${i}`,
    type: 'trade',
    legs: [
      { from: p, to: q, asset: 'BTC', amount: '0.001' },
      { from: q, to: p, asset: 'USDT', amount: '30' },
    ],
    fees: [
      { account: p, asset: 'USDT', amount: '0.03' },
      { account: q, asset: 'BTC', amount: '0.000001' },
    ].filter((_, n) => i % 3 === 2 || i % 3 === n),
  };
}

/** One round on a fresh schema: seeds, fires the burst over every instance at once, reports what happened. */
async function burstOnFreshSchema() {
  const url = schemas.fresh();
  const stores = await Promise.all(Array.from({ length: INSTANCES }, () => PostgresStore.open({ url, poolSize: POOL })));
  try {
    // Group commit off, as a server runs by default: every trade is its own transaction.
    const ledgers = stores.map((store) => new Ledger(store, Date.now, { groupCommit: false }));
    const seeder = ledgers[0]!;
    const traders = Object.values(await seedStore(stores[0]!, { BTC: 8, USDT: 6 }, Array.from({ length: TRADERS }, (_, n) => `trader${n}`)));
    await seeder.applyBatch(
      traders.flatMap((account) => [
        { key: `fund-btc-${account}`, type: 'deposit', account, asset: 'BTC', amount: '1' },
        { key: `fund-usdt-${account}`, type: 'deposit', account, asset: 'USDT', amount: '100000' },
      ]),
    );
    // Every instance's pool open, as on a server that has been up a while: the burst then starts
    // every transaction at once instead of as connections trickle in.
    await Promise.all(stores.flatMap((store) => Array.from({ length: POOL }, () => store.ping())));
    const deadlocksBefore = stores.reduce((sum, s) => sum + s.deadlocks, 0);
    const outcomes = await Promise.allSettled(Array.from({ length: TRADES }, (_, i) => ledgers[i % INSTANCES]!.apply(trade(i, traders))));
    const deadlocks = stores.reduce((sum, s) => sum + s.deadlocks, 0) - deadlocksBefore;
    const rerunForNewBooks = stores.reduce((sum, s) => sum + s.rerunForNewBooks, 0);
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [String((o.reason as Error).message)] : []));
    const report = await seeder.verify();
    const fees: Record<string, bigint> = {};
    for await (const b of stores[0]!.scanBalances()) if (b.account === SYSTEM_ACCOUNT && b.bucket === 'fees') fees[b.asset] = b.amount;
    return { deadlocks, rerunForNewBooks, refused, report, fees };
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

test(
  `[postgres] ${TRADES} trades paying fees, sent at once over ${INSTANCES} instances before the fees books exist, never deadlock and all land (${ROUNDS} fresh schemas)`,
  { skip },
  async (t) => {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const startedMs = performance.now();
      const result = await burstOnFreshSchema();
      t.diagnostic(`round ${round}: ${result.deadlocks} deadlocks, ${result.rerunForNewBooks} reruns for new books, ${result.refused.length} refused, ${Math.round(performance.now() - startedMs)} ms`);
      assert.equal(result.deadlocks, 0, `round ${round}: PostgreSQL never aborted a transaction as deadlocked`);
      assert.ok(result.rerunForNewBooks > 0, `round ${round}: the fees books were created between runs, outside the locking transactions`);
      assert.deepEqual(result.refused, [], `round ${round}: every trade answered with its entry`);
      assert.equal(result.report.ok, true, JSON.stringify(result.report.mismatches));
      assert.equal(result.report.entries, 2 * TRADERS + TRADES, `round ${round}: funding and every trade, once`);
      const feePayers = BigInt((TRADES * 2) / 3);
      assert.deepEqual(result.fees, { BTC: feePayers * 100n, USDT: feePayers * 30_000n }, `round ${round}: every fee collected once`);
    }
  },
);
