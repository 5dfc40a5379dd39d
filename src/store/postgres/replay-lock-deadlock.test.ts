import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as pause } from 'node:timers/promises';
import postgres from 'postgres';
import { PostgresStore } from './postgres-store.js';
import { seedStore } from '../seed.case.js';
import { Ledger } from '../../ledger/ledger.js';
import type { ApplyResult } from '../../ledger/session.js';
import { skipWithoutPostgres as skip } from '../../../test/support/services.js';
import { postgresSchemas } from '../../../test/support/postgres-schemas.js';

/**
 * A replay whose lock loses a deadlock. With every name it gives cached, an operation's key
 * lookup and the lock of its books go out together (LedgerSession.start). When the key is found,
 * the lookup asks for the entry's postings next, on the same connection, behind the lock: if
 * PostgreSQL picks the lock as a deadlock's victim, the transaction is aborted and that query
 * fails with "current transaction is aborted" (25P02). That error, a bug to the store (HTTP 500,
 * every operation of a commit group at once: seen in test/multi-instance.test.ts under load), hid
 * the deadlock (40P01), which the store runs again. The claim: the deadlock is what counts, and
 * the replay answers.
 */

const schemas = postgresSchemas();
/** Attempts until PostgreSQL picks the ledger's transaction as the victim (it picks whichever checks first). */
const ATTEMPTS_MAX = 10;
/** Pacing of the look for the ledger's lock wait, not a synchronisation: the loop waits for the event. */
const POLL_MS = 5;

/** Locks an account's BTC available book in the transaction under way on `sql`. */
const lockBook = (sql: postgres.Sql, account: number) => sql`SELECT 1 FROM balances WHERE account_id = ${account} AND asset = 'BTC' AND bucket = 'available' FOR UPDATE`;

test('[postgres] a replay whose lock is a deadlock victim is run again and answers as a replay, never "current transaction is aborted"', { skip }, async () => {
  const store = await PostgresStore.open({ url: schemas.fresh() });
  const raw = postgres(schemas.last(), { max: 2, onnotice: () => {} });
  try {
    const ledger = new Ledger(store, Date.now, { groupCommit: false });
    const { x, y } = await seedStore(store, { BTC: 8 }, ['x', 'y']);
    assert.ok(x! < y!, 'x is locked before y (the global book order)');
    const transfer = { key: 't', type: 'transfer', from: x!, to: y!, asset: 'BTC', amount: '0.1' } as const;
    // Commits the entry, and teaches the ledger BTC, x and y: the replay's lock then goes out with its lookup.
    await ledger.apply({ key: 'fund', type: 'deposit', account: x!, asset: 'BTC', amount: '1' });
    const first = await ledger.apply(transfer);

    let ledgerWasVictim = false;
    for (let attempt = 1; attempt <= ATTEMPTS_MAX && !ledgerWasVictim; attempt++) {
      const other = await raw.reserve();
      try {
        await other`BEGIN`;
        const [{ pid }] = (await other`SELECT pg_backend_pid() AS pid`) as unknown as [{ pid: number }];
        await lockBook(other, y!);
        // The replay locks x, then waits for y.
        const replay = ledger.apply(transfer).then(
          (result): ApplyResult | { error: unknown } => result,
          (error: unknown) => ({ error }),
        );
        for (;;) {
          const [{ n }] = (await raw`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`) as unknown as [{ n: number }];
          if (n > 0) break;
          await pause(POLL_MS);
        }
        // Now this transaction waits for x: a cycle. One of the two is aborted (40P01).
        const mine = await lockBook(other, x!).then(
          () => 'granted',
          (error: { code?: string }) => error.code,
        );
        ledgerWasVictim = mine === 'granted';
        if (!ledgerWasVictim) assert.equal(mine, '40P01', 'the other side of the cycle was the deadlock victim');
        await other`ROLLBACK`;
        const outcome = await replay;
        if ('error' in outcome) assert.fail(`attempt ${attempt}: the replay answers, got ${String(outcome.error)} (${(outcome.error as { code?: string }).code})`);
        assert.deepEqual(outcome, { entry: first.entry, replayed: true });
      } finally {
        other.release();
      }
    }
    assert.ok(ledgerWasVictim, `in ${ATTEMPTS_MAX} attempts PostgreSQL never chose the ledger's transaction as the victim`);
    assert.ok(store.deadlocks >= 1, 'the deadlock was counted as one (and run again)');
  } finally {
    await raw.end();
    await store.close();
  }
});
