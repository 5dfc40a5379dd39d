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
 * the replay answers (alone, and in a commit group with a new operation).
 *
 * The deadlock is real: another transaction holds y's book, the ledger's lock takes x's and waits
 * for y's, then the other asks for x's. A waiting backend checks for a cycle once, after
 * deadlock_timeout (1 s by default), and aborts itself if it finds one: the ledger's waited first,
 * so it is the victim unless the other joined the cycle later than that (a very slow machine);
 * then the other is the victim, and the attempt is made again.
 */

const schemas = postgresSchemas();
/** Attempts until PostgreSQL picks the ledger's transaction as the victim (it picks whichever checks first). */
const ATTEMPTS_MAX = 10;
/** Pacing of the look for the ledger's lock wait, not a synchronisation: the loop waits for the event. */
const POLL_MS = 5;

/** Locks an account's BTC available book in the transaction under way on `sql`. */
const lockBook = (sql: postgres.Sql, account: number) => sql`SELECT 1 FROM balances WHERE account_id = ${account} AND asset = 'BTC' AND bucket = 'available' FOR UPDATE`;

type Outcome = ApplyResult | { error: unknown };
const settle = (applied: Promise<ApplyResult>): Promise<Outcome> => applied.then((result) => result, (error: unknown) => ({ error }));

function answered(outcome: Outcome, what: string): ApplyResult {
  if ('error' in outcome) assert.fail(`${what} answers, got ${String(outcome.error)} (${(outcome.error as { code?: string }).code})`);
  return outcome;
}

/**
 * Sets up the cycle around `send` (which must lock x's book, then y's) until the ledger's
 * transaction is the deadlock's victim; resolves what `send` resolved on that attempt, after
 * checking every attempt's outcomes with `check`.
 */
async function asDeadlockVictim<T>(raw: postgres.Sql, x: number, y: number, send: (attempt: number) => Promise<T>, check: (outcome: T, attempt: number) => void): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS_MAX; attempt++) {
    const other = await raw.reserve();
    try {
      await other`BEGIN`;
      const [{ pid }] = (await other`SELECT pg_backend_pid() AS pid`) as unknown as [{ pid: number }];
      await lockBook(other, y);
      const sent = send(attempt);
      // Waits for the event: the ledger's lock waiting for this transaction.
      for (;;) {
        const [{ n }] = (await raw`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`) as unknown as [{ n: number }];
        if (n > 0) break;
        await pause(POLL_MS);
      }
      // The cycle: one of the two is aborted (40P01).
      const mine = await lockBook(other, x).then(
        () => 'granted',
        (error: { code?: string }) => error.code,
      );
      if (mine !== 'granted') assert.equal(mine, '40P01', 'the other side of the cycle was the deadlock victim');
      await other`ROLLBACK`;
      check(await sent, attempt);
      if (mine === 'granted') return;
    } finally {
      other.release();
    }
  }
  assert.fail(`in ${ATTEMPTS_MAX} attempts PostgreSQL never chose the ledger's transaction as the victim`);
}

async function seeded() {
  const store = await PostgresStore.open({ url: schemas.fresh() });
  const raw = postgres(schemas.last(), { max: 2, onnotice: () => {} });
  const { x, y, z } = (await seedStore(store, { BTC: 8 }, ['x', 'y', 'z'])) as { x: number; y: number; z: number };
  assert.ok(x < y, 'x is locked before y (the global book order)');
  const seeder = new Ledger(store, Date.now, { groupCommit: false });
  await seeder.apply({ key: 'fund', type: 'deposit', account: x, asset: 'BTC', amount: '1' });
  await seeder.apply({ key: 'fund-z', type: 'deposit', account: z, asset: 'BTC', amount: '1' });
  const transfer = { key: 't', type: 'transfer', from: x, to: y, asset: 'BTC', amount: '0.1' } as const;
  const first = await seeder.apply(transfer);
  return { store, raw, x, y, z, seeder, transfer, first };
}

test('[postgres] a replay whose lock is a deadlock victim is run again and answers as a replay, never "current transaction is aborted"', { skip }, async () => {
  const { store, raw, x, y, seeder, transfer, first } = await seeded();
  try {
    // The seeder knows BTC, x and y now: the replay's lock goes out with its lookup.
    await asDeadlockVictim(raw, x, y, () => settle(seeder.apply(transfer)), (outcome, attempt) => {
      assert.deepEqual(answered(outcome, `attempt ${attempt}: the replay`), { entry: first.entry, replayed: true });
    });
    assert.ok(store.deadlocks >= 1, 'the deadlock was counted as one (and run again)');
  } finally {
    await raw.end();
    await store.close();
  }
});

test('[postgres] a commit group whose replay\'s lock is a deadlock victim runs again: every operation of it answers', { skip }, async () => {
  const { store, raw, x, y, z, transfer, first } = await seeded();
  try {
    await asDeadlockVictim(
      raw,
      x,
      y,
      (attempt) => {
        // A ledger of its own (another instance): its lock ahead reads the names and skips the
        // replay, whose books are then locked inside its savepoint, with its key lookup.
        const ledger = new Ledger(store, Date.now, { groupCommit: {} });
        // Sent in one turn: one group.
        const fresh = settle(ledger.apply({ key: `new-${attempt}`, type: 'deposit', account: z, asset: 'BTC', amount: '0.01' }));
        const replay = settle(ledger.apply(transfer));
        return Promise.all([fresh, replay]);
      },
      ([fresh, replay], attempt) => {
        assert.equal(answered(fresh, `attempt ${attempt}: the new operation`).replayed, false);
        assert.deepEqual(answered(replay, `attempt ${attempt}: the replay`), { entry: first.entry, replayed: true });
      },
    );
    assert.ok(store.deadlocks >= 1, 'the deadlock was counted as one (and run again)');
  } finally {
    await raw.end();
    await store.close();
  }
});
