import { test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { runStoreSuite } from '../store.case.js';
import { addAccount, addAsset, addUser } from '../seed.case.js';
import { PostgresStore } from './postgres-store.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { Ledger } from '../../ledger/ledger.js';
import { BalanceFeed } from '../../ledger/balance-feed.js';
import { LedgerError } from '../../ledger/errors.js';
import type { Account } from '../../ledger/types.js';
import { skipWithoutPostgres } from '../../../test/support/services.js';
import { postgresSchemas } from '../../../test/support/postgres-schemas.js';

/** Every store here lives in its own schema, dropped at the end, so test files never meet. */
const schemas = postgresSchemas();
const freshUrl = schemas.fresh;

const openFresh = () => PostgresStore.open({ url: freshUrl() });
const skip = skipWithoutPostgres;
/** Turns a lost update (the watcher would wait for ever) into a failure; far beyond what a loaded machine needs. */
const HANG_MS = 300_000;

runStoreSuite('postgres', openFresh, { skip });

async function seeded(store: PostgresStore) {
  const ledger = new Ledger(store);
  const { main, sub } = await store.transaction(async (tx) => {
    await addAsset(tx, 'BTC', 8);
    const { main } = await addUser(tx, 'alice');
    return { main, sub: await addAccount(tx, main.userId, 'sub', 'bot') };
  });
  return { ledger, main, sub };
}

/** Two stores (two instances) on one fresh schema, seeded through the first, each with its ledger; both closed after. */
async function onTwoInstances(
  fn: (t: { a: PostgresStore; b: PostgresStore; main: Account; sub: Account; ledgers: Ledger[] }) => Promise<void>,
  second: { migrate?: boolean } = {},
): Promise<void> {
  const url = freshUrl();
  const [a, b] = await Promise.all([PostgresStore.open({ url }), PostgresStore.open({ url, ...second })]);
  try {
    const { main, sub } = await seeded(a);
    await fn({ a, b, main, sub, ledgers: [new Ledger(a), new Ledger(b)] });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

test('[postgres] the journal refuses edits at the database itself, and reset still empties it', { skip }, async () => {
  const store = await openFresh();
  try {
    const { ledger, main } = await seeded(store);
    await ledger.apply({ key: 'd', type: 'deposit', account: main.id, asset: 'BTC', amount: '1' });
    const raw = postgres(schemas.last(), { onnotice: () => {} });
    await assert.rejects(raw`UPDATE postings SET amount = 999`, /append-only/);
    await assert.rejects(raw`DELETE FROM operations`, /append-only/);
    await assert.rejects(raw`TRUNCATE operations CASCADE`, /append-only/);
    await raw.end();
    await store.reset();
    assert.equal((await ledger.verify()).entries, 0);
  } finally {
    await store.close();
  }
});

test('[postgres] two stores on one schema (two instances) never overdraw, lose an update or apply a key twice', { skip }, async () => {
  await onTwoInstances(async ({ a, main, sub, ledgers }) => {
    await ledgers[0]!.apply({ key: 'fund', type: 'deposit', account: main.id, asset: 'BTC', amount: '10' });
    // 60 transfers of 0.25 out of 10 (40 fit), in both directions so that lock order matters, and
    // every key sent twice, once to each instance.
    const attempts = Array.from({ length: 60 }, (_, i) => {
      const request = i % 3 === 2
        ? { key: `back${i}`, type: 'transfer' as const, from: sub.id, to: main.id, asset: 'BTC', amount: '0.25' }
        : { key: `t${i}`, type: 'transfer' as const, from: main.id, to: sub.id, asset: 'BTC', amount: '0.25' };
      return [0, 1].map((n) =>
        ledgers[(i + n) % 2]!.apply(request).then(
          (r) => ({ key: request.key, id: r.entry.id as number | null, replayed: r.replayed }),
          (error: unknown) => ({ key: request.key, id: null, replayed: false, code: error instanceof LedgerError ? error.code : String(error) }),
        ),
      );
    }).flat();
    const outcomes = await Promise.all(attempts);
    const byKey = new Map<string, typeof outcomes>();
    for (const o of outcomes) byKey.set(o.key, [...(byKey.get(o.key) ?? []), o]);
    for (const [key, pair] of byKey) {
      const landed = pair.filter((o) => o.id !== null);
      if (landed.length > 0) {
        assert.equal(new Set(landed.map((o) => o.id)).size, 1, `${key}: both callers got the one entry`);
        assert.equal(landed.filter((o) => !o.replayed).length, 1, `${key}: applied once, replayed otherwise`);
      }
      for (const o of pair) if (o.id === null) assert.equal((o as { code?: string }).code, 'INSUFFICIENT_FUNDS', `${key}: only refused for funds`);
    }
    const report = await ledgers[1]!.verify();
    assert.equal(report.ok, true, JSON.stringify(report.mismatches));
    const total = [...(await a.readBalances(main.id)), ...(await a.readBalances(sub.id))].reduce((sum, x) => sum + x.amount, 0n);
    assert.equal(total, 10n * 10n ** 8n, 'nothing created or lost between the two accounts');
  }, { migrate: true });
});

test('[postgres] a transaction that keeps losing its race is refused with CONCURRENCY_EXHAUSTED, not retried forever', { skip }, async () => {
  const store = await PostgresStore.open({ url: freshUrl(), retries: 2 });
  try {
    let runs = 0;
    await assert.rejects(
      store.transaction(async () => {
        runs += 1;
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      }),
      (error: unknown) => error instanceof LedgerError && error.code === 'CONCURRENCY_EXHAUSTED',
    );
    assert.equal(runs, 3, 'the first run and two retries');
  } finally {
    await store.close();
  }
});

test('[postgres] instances starting at once migrate once, and a newer schema is refused', { skip }, async () => {
  const url = freshUrl();
  const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open({ url })));
  await Promise.all(stores.map((s) => s.close()));
  const raw = postgres(url, { onnotice: () => {} });
  assert.deepEqual(Array.from(await raw`SELECT version FROM schema_migrations ORDER BY version`, (r) => r.version), POSTGRES_MIGRATIONS.map((m) => m.version));
  await raw`INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (999, 'future', 0)`;
  await raw.end();
  await assert.rejects(PostgresStore.open({ url }), /newer than this assetbook/);
});

test('[postgres] without migrating, a store behind the newest schema is refused with the command to run', { skip }, async () => {
  await assert.rejects(PostgresStore.open({ url: freshUrl(), migrate: false }), /run assetbook migrate/);
});

test('[postgres] batches touching the same books in opposite orders, on two instances, never deadlock (no transaction is run again)', { skip }, async () => {
  await onTwoInstances(async ({ a, b, main, sub, ledgers }) => {
    // Every book the batches touch exists before they run: only a book's first creation may still race.
    await ledgers[0]!.applyBatch([
      { key: 'f1', type: 'deposit', account: main.id, asset: 'BTC', amount: '100' },
      { key: 'f2', type: 'deposit', account: sub.id, asset: 'BTC', amount: '100' },
      { key: 'h1', type: 'hold', account: main.id, asset: 'BTC', amount: '1' },
      { key: 'h2', type: 'hold', account: sub.id, asset: 'BTC', amount: '1' },
    ]);
    const before = a.retried + b.retried;
    // A hold locks only its own account's books: one batch holds on main then sub, the next on
    // sub then main, so operation-by-operation locking would take them in opposite orders.
    const batches = Array.from({ length: 24 }, (_, i) => {
      const order = i % 2 === 0 ? [main.id, sub.id] : [sub.id, main.id];
      return ledgers[i % 2]!.applyBatch(
        Array.from({ length: 6 }, (_, j) => ({ key: `b${i}-${j}`, type: 'hold', account: order[j % 2]!, asset: 'BTC', amount: '0.1' })),
      );
    });
    await Promise.all(batches);
    assert.equal(a.retried + b.retried - before, 0, 'no deadlock, so nothing was run again');
    assert.equal((await ledgers[1]!.verify()).ok, true);
  });
});

test('[postgres] concurrent posts on one reservation from two instances never post more than it holds', { skip }, async () => {
  await onTwoInstances(async ({ a, main, sub, ledgers }) => {
    await ledgers[0]!.apply({ key: 'f', type: 'deposit', account: main.id, asset: 'BTC', amount: '10' });
    await ledgers[0]!.apply({ key: 'h', type: 'hold', account: main.id, asset: 'BTC', amount: '5', reservation: 'order-1' });
    // 12 posts of 1 race for a reservation of 5: the reservation row is locked before it is read.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => ledgers[i % 2]!.apply({ key: `p${i}`, type: 'reservation.post', reservation: 'order-1', to: sub.id, amount: '1' })),
    );
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    assert.equal(outcomes.length - refused.length, 5, 'exactly what it held was posted');
    for (const error of refused) assert.ok(error instanceof LedgerError && ['INSUFFICIENT_FUNDS', 'PENDING_CLOSED'].includes(error.code), String(error));
    const r = await a.getReservation('order-1');
    assert.deepEqual([r?.posted, r?.state], [500_000_000n, 'posted']);
    assert.deepEqual((await ledgers[1]!.verify()).mismatches, []);
  });
});

test('[postgres] 32 concurrent batches of 100 deposits and transfers on two instances all commit, with no deadlock, and the books add up', { skip }, async () => {
  await onTwoInstances(async ({ a, b, main, sub, ledgers }) => {
    await ledgers[0]!.applyBatch([
      { key: 'f1', type: 'deposit', account: main.id, asset: 'BTC', amount: '1000' },
      { key: 'f2', type: 'deposit', account: sub.id, asset: 'BTC', amount: '1000' },
    ]);
    // Every deposit adds to the one world book of BTC: it used to be locked by each batch for its
    // whole run, so batches ran one at a time and waited on each other.
    const batches = Array.from({ length: 32 }, (_, i) =>
      ledgers[i % 2]!.applyBatch(
        Array.from({ length: 100 }, (_, j) => {
          const key = `b${i}-${j}`;
          if (j % 2 === 0) return { key, type: 'deposit' as const, account: (i + j) % 4 < 2 ? main.id : sub.id, asset: 'BTC', amount: '0.01' };
          const [from, to] = (i + j) % 4 < 2 ? [main.id, sub.id] : [sub.id, main.id];
          return { key, type: 'transfer' as const, from, to, asset: 'BTC', amount: '0.001' };
        }),
      ),
    );
    const results = await Promise.all(batches);
    assert.equal(results.flat().length, 3200, 'every operation of every batch landed');
    assert.equal(a.deadlocks + b.deadlocks, 0, 'PostgreSQL found no deadlock');
    const world = (await a.readBalances(0)).find((x) => x.asset === 'BTC' && (x.bucket as string) === 'world');
    assert.equal(world?.amount, -(2000n * 10n ** 8n + 1600n * 10n ** 6n), 'world is minus every deposit');
    assert.deepEqual((await ledgers[1]!.verify()).mismatches, []);
  });
});

test('[postgres] in a commit group, an operation taking a system book past the limit is refused alone; the others land', { skip }, async () => {
  const store = await openFresh();
  try {
    const { main, sub } = await seeded(store);
    // 36 decimals: a balance's 78 digits hold 42 before the point.
    await store.transaction((tx) => addAsset(tx, 'FINE', 36));
    await new Ledger(store).apply({ key: 'big', type: 'deposit', account: main.id, asset: 'FINE', amount: '9'.repeat(41) });
    const ledger = new Ledger(store, Date.now, { groupCommit: { lanes: 1 } });
    const outcomes = await Promise.allSettled([
      ledger.apply({ key: 'ok1', type: 'deposit', account: sub.id, asset: 'FINE', amount: '1' }),
      // sub's own book would hold it; world, minus every deposit, would not.
      ledger.apply({ key: 'over', type: 'deposit', account: sub.id, asset: 'FINE', amount: '9'.repeat(42) }),
      ledger.apply({ key: 'ok2', type: 'deposit', account: main.id, asset: 'FINE', amount: '1' }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    const refused = (outcomes[1] as PromiseRejectedResult).reason as unknown;
    assert.ok(refused instanceof LedgerError && refused.code === 'INVALID_AMOUNT', String(refused));
    assert.equal(await store.getOperation('over'), undefined);
    assert.ok((await store.getOperation('ok1')) && (await store.getOperation('ok2')));
    assert.deepEqual((await ledger.verify()).mismatches, []);
  } finally {
    await store.close();
  }
});

test('[postgres] a balance watch on one instance sees every commit made through the other, even one racing the watch start', { skip, timeout: HANG_MS }, async () => {
  await onTwoInstances(async ({ main, ledgers }) => {
    const [a, b] = ledgers as [Ledger, Ledger];
    const feed = new BalanceFeed(a.events, (id) => a.balances(id));
    try {
      for (let round = 1; round <= 10; round += 1) {
        let newest = -1n;
        let moved = () => {};
        const stop = feed.watch(main.id, (change) => {
          if (change.kind !== 'snapshot' && change.kind !== 'update') return;
          newest = change.balances.find((x) => x.asset === 'BTC' && x.bucket === 'available')?.amount ?? 0n;
          moved();
        });
        // Committed through B while A's watch is starting: it must reach the watcher in its snapshot or in an update.
        await b.apply({ key: `race-${round}`, type: 'deposit', account: main.id, asset: 'BTC', amount: '1' });
        const expected = BigInt(round) * 10n ** 8n;
        while (newest !== expected) await new Promise<void>((resolve) => (moved = resolve));
        stop();
      }
    } finally {
      feed.close();
    }
  });
});
