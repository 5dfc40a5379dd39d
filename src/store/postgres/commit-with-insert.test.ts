import { test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { addAsset, addUser } from '../seed.case.js';
import { PostgresStore } from './postgres-store.js';
import { Ledger } from '../../ledger/ledger.js';
import { LedgerError } from '../../ledger/errors.js';
import { skipWithoutPostgres } from '../../../test/support/services.js';
import { postgresSchemas } from '../../../test/support/postgres-schemas.js';
import { collectEvents } from '../../../test/support/events.js';
import type { LedgerEntryEvent } from '../../ledger/events.js';

/**
 * Claims on a single operation whose entry's insert and COMMIT go out together (Ledger.apply on
 * PostgreSQL): a failed insert is reported as itself and commits nothing.
 */
const schemas = postgresSchemas();
const skip = skipWithoutPostgres;

async function seed(store: PostgresStore) {
  return store.transaction(async (tx) => {
    await addAsset(tx, 'WEI', 18);
    return [(await addUser(tx, 'alice')).main.id, (await addUser(tx, 'bob')).main.id] as const;
  });
}

for (const groupCommit of [false, true]) {
  const options = groupCommit ? { groupCommit: {} } : {};
  const mode = groupCommit ? 'with group commit' : 'alone';

  test(`[postgres] ${mode}: a deposit that takes the world book past the limit is refused INVALID_AMOUNT, and nothing of it lands`, { skip }, async () => {
    const store = await PostgresStore.open({ url: schemas.fresh() });
    try {
      const ledger = new Ledger(store, Date.now, options);
      const [alice, bob] = await seed(store);
      // 9e59 WEI at 18 decimals: 9e77 base units, so two of them take world past 78 digits.
      const huge = `9${'0'.repeat(59)}`;
      await ledger.apply({ key: 'a', type: 'deposit', account: alice, asset: 'WEI', amount: huge });
      await assert.rejects(
        ledger.apply({ key: 'b', type: 'deposit', account: bob, asset: 'WEI', amount: huge }),
        (error) => error instanceof LedgerError && error.code === 'INVALID_AMOUNT',
      );
      assert.deepEqual(await ledger.balances(bob), []);
      assert.equal((await ledger.journal(0, 10)).entries.length, 1);
      // The connection is fine afterwards: the next operation lands.
      const next = await ledger.apply({ key: 'c', type: 'deposit', account: bob, asset: 'WEI', amount: '1' });
      assert.equal(next.replayed, false);
    } finally {
      await store.close();
    }
  });

  test(`[postgres] ${mode}: one key sent to two instances at once lands once: one is answered with the entry, the other with its replay`, { skip }, async () => {
    const url = schemas.fresh();
    const [a, b] = [await PostgresStore.open({ url }), await PostgresStore.open({ url })];
    try {
      const [alice] = await seed(a);
      const ledgers = [new Ledger(a, Date.now, options), new Ledger(b, Date.now, options)] as const;
      for (let i = 0; i < 20; i += 1) {
        const request = { key: `k${i}`, type: 'deposit' as const, account: alice, asset: 'WEI', amount: '1' };
        const [x, y] = await Promise.all([ledgers[0].apply(request), ledgers[1].apply(request)]);
        assert.equal(x.entry.id, y.entry.id);
        assert.deepEqual([x.replayed, y.replayed].sort(), [false, true]);
      }
      assert.equal((await ledgers[0].balances(alice))[0]?.amount, 20n * 10n ** 18n);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
}

test('[postgres] in a commit group, an operation whose key another transaction takes meanwhile is refused alone, and the rest of its group lands', { skip }, async () => {
  const url = schemas.fresh();
  const store = await PostgresStore.open({ url });
  const raw = postgres(url, { onnotice: () => {}, max: 2 });
  try {
    const ledger = new Ledger(store, Date.now, { groupCommit: {} });
    const [alice] = await seed(store);
    // Another transaction holds the key 'taken', not committed yet: the group finds it absent.
    const other = await raw.reserve();
    await other`BEGIN`;
    await other`INSERT INTO operations (key, hash, type, at_ms, request) VALUES ('taken', 'another request', 'deposit', 0, '{}')`;
    const deposit = (key: string) => ledger.apply({ key, type: 'deposit', account: alice, asset: 'WEI', amount: '1' });
    // Sent in one turn of the event loop: one group of three.
    const results = Promise.allSettled([deposit('first'), deposit('taken'), deposit('last')]);
    // The group's insert of 'taken' waits for the other transaction's row.
    while ((await raw`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`).length === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await other`COMMIT`;
    other.release();
    const [first, taken, last] = await results;
    assert.equal(first.status, 'fulfilled');
    assert.equal(last.status, 'fulfilled');
    assert.equal(taken.status, 'rejected');
    assert.ok(taken.reason instanceof LedgerError && taken.reason.code === 'IDEMPOTENCY_CONFLICT', String(taken.reason));
    assert.equal((await ledger.balances(alice))[0]?.amount, 2n * 10n ** 18n);
    // One group: the three shared one transaction (run again once the key was taken).
    assert.deepEqual(ledger.groupCommitStats, { operations: 3, commits: 1 });
  } finally {
    await raw.end();
    await store.close();
  }
});

test('[postgres] in a commit group, a refused operation is refused alone, a key sent twice lands once, and the others land', { skip }, async () => {
  const store = await PostgresStore.open({ url: schemas.fresh() });
  try {
    const ledger = new Ledger(store, Date.now, { groupCommit: {} });
    const [alice, bob] = await seed(store);
    const deposit = (key: string) => ledger.apply({ key, type: 'deposit', account: alice, asset: 'WEI', amount: '1' });
    // Sent in one turn of the event loop: one group of four.
    const [first, overdraft, again, last] = await Promise.allSettled([
      deposit('a'),
      ledger.apply({ key: 'b', type: 'transfer', from: bob, to: alice, asset: 'WEI', amount: '1' }),
      deposit('a'),
      deposit('c'),
    ]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(again.status, 'fulfilled');
    assert.equal(last.status, 'fulfilled');
    assert.ok(overdraft.status === 'rejected' && overdraft.reason instanceof LedgerError && overdraft.reason.code === 'INSUFFICIENT_FUNDS');
    assert.equal(again.value.entry.id, first.value.entry.id);
    assert.deepEqual([first.value.replayed, again.value.replayed, last.value.replayed], [false, true, false]);
    assert.deepEqual(ledger.groupCommitStats, { operations: 4, commits: 1 });
    assert.equal((await ledger.balances(alice))[0]?.amount, 2n * 10n ** 18n);
    assert.deepEqual(await ledger.balances(bob), []);
    assert.equal((await ledger.verify()).mismatches.length, 0);
  } finally {
    await store.close();
  }
});

test("[postgres] this process's events carry each book's balance as of its entry around a refusal in a commit group", { skip }, async () => {
  const store = await PostgresStore.open({ url: schemas.fresh() });
  try {
    const ledger = new Ledger(store, Date.now, { groupCommit: {} });
    const [alice, bob] = await seed(store);
    const seen = collectEvents(ledger);
    await seen.subscription.ready;
    const deposit = (key: string) => ledger.apply({ key, type: 'deposit', account: alice, asset: 'WEI', amount: '1' });
    // One group: deposits around refusals (bob has nothing), so savepoints roll back while entries are in flight.
    const overdraft = (key: string) => ledger.apply({ key, type: 'transfer', from: bob, to: alice, asset: 'WEI', amount: '1' });
    const results = await Promise.allSettled([deposit('d1'), overdraft('o1'), deposit('d2'), overdraft('o2'), deposit('d3')]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    await seen.untilPosition(3);
    const events = seen.events.filter((e): e is LedgerEntryEvent => (e as LedgerEntryEvent).type === 'entry');
    assert.deepEqual(events.map((e) => [e.entry.key, e.balancesAsOf, e.balances.find((b) => b.account === alice)?.amount]), [
      ['d1', 'entry', 1n * 10n ** 18n],
      ['d2', 'entry', 2n * 10n ** 18n],
      ['d3', 'entry', 3n * 10n ** 18n],
    ]);
  } finally {
    await store.close();
  }
});
