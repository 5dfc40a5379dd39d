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
 * A reserving operation (here `deposit.pending`, whose reservation is named by its key) sent with
 * the same key to two instances at once. Both look the key up (absent), then wait for the lock of
 * the bucket the reservation is in. The first commits; the second, after its wait, sees the
 * reservation committed (READ COMMITTED) and used to refuse with 422 "reservation … exists
 * already" instead of answering the first's replay: idempotency broken across instances.
 * The claim: the second answers as a replay, alone and inside a commit group (a savepoint), and
 * a different key naming a taken reservation is still refused.
 *
 * Staged without timing: a third transaction holds the bucket's book; the two instances are sent
 * one after the other, each once the previous one is seen waiting, so PostgreSQL's lock queue
 * (first come, first served) lets the first one commit first.
 */

const schemas = postgresSchemas();
/** Pacing of the look for a lock wait, not a synchronisation: the loop waits for the event. */
const POLL_MS = 5;

type Outcome = ApplyResult | { error: unknown };
const settle = <T>(applied: Promise<T>): Promise<T | { error: unknown }> => applied.then((result) => result, (error: unknown) => ({ error }));

function answered(outcome: Outcome, what: string): ApplyResult {
  if ('error' in outcome) assert.fail(`${what} answers, got ${String(outcome.error)}`);
  return outcome;
}

/** Waits until a backend other than `known` waits for a lock one of `blockers` holds; resolves its pid. */
async function waitingBehind(raw: postgres.Sql, blockers: readonly number[], known: readonly number[]): Promise<number> {
  for (;;) {
    const rows = (await raw`SELECT pid FROM pg_stat_activity WHERE pg_blocking_pids(pid) && ${blockers}::int[] AND NOT (pid = ANY(${known}::int[]))`) as unknown as { pid: number }[];
    if (rows[0]) return rows[0].pid;
    await pause(POLL_MS);
  }
}

async function twoInstances() {
  const url = schemas.fresh();
  const a = await PostgresStore.open({ url });
  const b = await PostgresStore.open({ url: schemas.last() });
  const raw = postgres(schemas.last(), { max: 2, onnotice: () => {} });
  const { x, z } = (await seedStore(a, { BTC: 8 }, ['x', 'z'])) as { x: number; z: number };
  // The books used below exist from now on: a transaction that finds a book missing creates it
  // and runs again (books.ts), and that rerun would look the key up after the wait.
  const seeder = new Ledger(a, Date.now, { groupCommit: false });
  await seeder.apply({ key: 'p0', type: 'deposit.pending', account: x, asset: 'BTC', amount: '1' });
  await seeder.apply({ key: 'fund-x', type: 'deposit', account: x, asset: 'BTC', amount: '1' });
  await seeder.apply({ key: 'fund-z', type: 'deposit', account: z, asset: 'BTC', amount: '1' });
  const close = async () => {
    await raw.end();
    await a.close();
    await b.close();
  };
  return { a, b, raw, x, z, close };
}

/**
 * Holds x's `bucket` book of BTC, sends `first`, waits until it waits, sends `second`, waits until
 * it waits too, then lets go; resolves both outcomes.
 */
async function behindOneLock<A, B>(raw: postgres.Sql, x: number, first: () => Promise<A>, second: () => Promise<B>, bucket = 'pendingDeposit'): Promise<[A, B]> {
  const other = await raw.reserve();
  try {
    await other`BEGIN`;
    const [{ pid }] = (await other`SELECT pg_backend_pid() AS pid`) as unknown as [{ pid: number }];
    await other`SELECT 1 FROM balances WHERE account_id = ${x} AND asset = 'BTC' AND bucket = ${bucket} FOR UPDATE`;
    const one = first();
    const onePid = await waitingBehind(raw, [pid], []);
    const two = second();
    await waitingBehind(raw, [pid, onePid], [onePid]);
    await other`ROLLBACK`;
    return [await one, await two];
  } finally {
    other.release();
  }
}

test('[postgres] a deposit.pending sent to two instances at once with one key: the slower answers the replay, not "reservation exists already"', { skip }, async () => {
  const { a, b, raw, x, close } = await twoInstances();
  try {
    const request = { key: 'p1', type: 'deposit.pending', account: x, asset: 'BTC', amount: '1' } as const;
    const [la, lb] = [new Ledger(a, Date.now, { groupCommit: false }), new Ledger(b, Date.now, { groupCommit: false })];
    const [first, second] = await behindOneLock(raw, x, () => settle(la.apply(request)), () => settle(lb.apply(request)));
    const original = answered(first, 'the first instance');
    assert.equal(original.replayed, false);
    assert.deepEqual(answered(second, 'the second instance'), { entry: original.entry, replayed: true });
    assert.ok(b.retried >= 1, 'the second instance ran its transaction again');
    // A different operation naming the taken reservation is a genuine clash, refused as before.
    await assert.rejects(lb.apply({ key: 'h1', type: 'hold', account: x, asset: 'BTC', amount: '0.1', reservation: 'p1' }), {
      code: 'INVALID_ARGUMENT',
      message: 'reservation p1 exists already',
    });
  } finally {
    await close();
  }
});

test('[postgres] the same, the slower instance running it in a commit group: its savepoint runs again and every operation of the group answers', { skip }, async () => {
  const { a, b, raw, x, z, close } = await twoInstances();
  try {
    const request = { key: 'p1', type: 'deposit.pending', account: x, asset: 'BTC', amount: '1' } as const;
    const la = new Ledger(a, Date.now, { groupCommit: false });
    const lb = new Ledger(b, Date.now, { groupCommit: {} });
    const [first, [fresh, second]] = await behindOneLock(
      raw,
      x,
      () => settle(la.apply(request)),
      // Sent in one turn: one group of two, each operation in its own savepoint.
      () => Promise.all([settle(lb.apply({ key: 'new', type: 'deposit', account: z, asset: 'BTC', amount: '0.01' })), settle(lb.apply(request))]),
    );
    const original = answered(first, 'the first instance');
    assert.equal(original.replayed, false);
    assert.equal(answered(fresh, 'the group\'s new operation').replayed, false);
    assert.deepEqual(answered(second, 'the group\'s replay'), { entry: original.entry, replayed: true });
    assert.equal(b.retried, 0, 'only the replay\'s savepoint ran again, not the whole group');
  } finally {
    await close();
  }
});

test('[postgres] a commit group whose deposit loses its key to another instance, with a later operation of the group refused: the deposit answers the replay, the refusal stays a refusal, the rest applies', { skip }, async () => {
  const { a, b, raw, x, z, close } = await twoInstances();
  try {
    const deposit = { key: 'd1', type: 'deposit', account: x, asset: 'BTC', amount: '0.5' } as const;
    const la = new Ledger(a, Date.now, { groupCommit: false });
    const lb = new Ledger(b, Date.now, { groupCommit: {} });
    const [first, [raced, refused, fresh]] = await behindOneLock(
      raw,
      x,
      () => settle(la.apply(deposit)),
      // Sent in one turn: one group of three. The deposit's key was looked up (absent) before the
      // group waited for x's book; by the time its entry is inserted, the first instance has
      // committed it. The transfer after it is refused (z holds 1 BTC).
      () =>
        Promise.all([
          settle(lb.apply(deposit)),
          settle(lb.apply({ key: 't1', type: 'transfer', from: z, to: x, asset: 'BTC', amount: '5' })),
          settle(lb.apply({ key: 'd2', type: 'deposit', account: z, asset: 'BTC', amount: '0.25' })),
        ]),
      'available',
    );
    const original = answered(first, 'the first instance');
    assert.equal(original.replayed, false);
    assert.deepEqual(answered(raced, "the group's raced deposit"), { entry: original.entry, replayed: true });
    assert.ok('error' in refused, 'the transfer is refused');
    assert.equal((refused.error as { code?: string }).code, 'INSUFFICIENT_FUNDS');
    assert.equal(answered(fresh, "the group's other deposit").replayed, false);
    const balances = new Map((await b.readBalances(x)).map((row) => [`${row.asset}/${row.bucket}`, row.amount]));
    // fund-x (1 BTC) and d1 once.
    assert.equal(balances.get('BTC/available'), 150_000_000n);
    const report = await lb.verify();
    assert.ok(report.ok, JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  } finally {
    await close();
  }
});
