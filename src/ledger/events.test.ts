import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger, type LedgerOptions } from './ledger.js';
import { LedgerError } from './errors.js';
import { LedgerEvents, type LedgerEntryEvent } from './events.js';
import type { OperationRequest } from './operations.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { JournalNotice, LedgerStore } from '../store/store.js';
import { collectEvents } from '../../test/support/events.js';

const dir = mkdtempSync(join(tmpdir(), 'assetbook-events-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function seeded(store: LedgerStore = SqliteStore.open({ path: ':memory:' }), options: LedgerOptions = {}) {
  const ledger = new Ledger(store, Date.now, options);
  const { main, sub } = await ledger.session(async (s) => {
    await s.createAsset({ symbol: 'BTC', scale: 8 });
    const { main } = await s.createUser({ name: 'alice' });
    return { main, sub: await s.createSubAccount(main.userId, { label: 'bot' }) };
  });
  return { ledger, main, sub };
}

const deposit = (key: string, account: number, amount = '1') => ({ key, type: 'deposit' as const, account, asset: 'BTC', amount });
const entries = (events: readonly unknown[]) => events.filter((e): e is LedgerEntryEvent => (e as LedgerEntryEvent).type === 'entry');
const available = (event: LedgerEntryEvent, account: number) => event.balances.find((b) => b.account === account && b.bucket === 'available')?.amount;

test('every write path publishes its entries in journal order, once each, and each is already readable by others when it arrives', async () => {
  const { ledger, main, sub } = await seeded(undefined, { groupCommit: {} });
  const unreadable: string[] = [];
  const seen = collectEvents(ledger, { after: 0 }, async (event) => {
    // The store's readers see committed data only: an event before its commit would not be found.
    if (event.type === 'entry' && !(await ledger.store.getOperation(event.entry.key))) unreadable.push(event.entry.key);
  });
  await seen.subscription.ready;
  await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.apply(deposit(`g${i}`, main.id)))); // group commit
  await ledger.applyBatch([deposit('b1', main.id), { key: 'b2', type: 'transfer', from: main.id, to: sub.id, asset: 'BTC', amount: '2' }]);
  await ledger.session((s) => s.apply(deposit('s1', sub.id))); // a scenario load's path
  await seen.untilPosition(23);
  assert.deepEqual(seen.positions(), Array.from({ length: 23 }, (_, i) => i + 1));
  assert.deepEqual(unreadable, []);
  const journal = await ledger.journal(0, 100);
  assert.deepEqual(entries(seen.events).map((e) => e.entry), journal.entries, 'each event carries its journal entry');
  const transfer = entries(seen.events).find((e) => e.entry.key === 'b2')!;
  assert.deepEqual(transfer.accounts, [main.id, sub.id]);
  assert.deepEqual(
    transfer.balances.map((b) => `${b.account}/${b.asset}/${b.bucket}`),
    [`${main.id}/BTC/available`, `${sub.id}/BTC/available`],
  );
});

test('a refused operation and a rolled-back batch publish nothing', async () => {
  const { ledger, main, sub } = await seeded();
  const seen = collectEvents(ledger);
  await seen.subscription.ready;
  await assert.rejects(ledger.apply({ key: 'over', type: 'withdraw', account: main.id, asset: 'BTC', amount: '1' } as unknown as OperationRequest), LedgerError);
  await assert.rejects(ledger.applyBatch([deposit('in', main.id), { key: 'out', type: 'transfer', from: sub.id, to: main.id, asset: 'BTC', amount: '1' }]), LedgerError);
  await assert.rejects(ledger.session(async (s) => {
    await s.apply(deposit('thrown', main.id));
    throw new Error('the load failed after it');
  }), /load failed/);
  await ledger.apply(deposit('landed', main.id));
  await seen.until((events) => entries(events).some((e) => e.entry.key === 'landed'));
  assert.deepEqual(entries(seen.events).map((e) => e.entry.key), ['landed']);
});

test("this process's events carry each book's balance as of that entry, even when operations share a commit group", async () => {
  const { ledger, main } = await seeded(undefined, { groupCommit: {} });
  const seen = collectEvents(ledger);
  await seen.subscription.ready;
  const before = ledger.groupCommitStats!;
  await Promise.all(Array.from({ length: 30 }, (_, i) => ledger.apply(deposit(`d${i}`, main.id))));
  assert.ok(ledger.groupCommitStats!.commits - before.commits < 30, 'some operations shared a commit');
  await seen.untilPosition(30);
  entries(seen.events).forEach((event, i) => {
    assert.equal(event.balancesAsOf, 'entry');
    assert.equal(available(event, main.id), BigInt(i + 1) * 10n ** 8n, `entry ${event.position} shows the balance it left`);
  });
});

test('a subscriber from position N gets N+1 onward then live entries; one without a position starts at the head', async () => {
  const { ledger, main } = await seeded();
  for (let i = 1; i <= 5; i += 1) await ledger.apply(deposit(`d${i}`, main.id));
  const fromTwo = collectEvents(ledger, { after: 2 });
  const fromHead = collectEvents(ledger);
  assert.equal(await fromHead.subscription.ready, 5);
  await ledger.apply(deposit('d6', main.id));
  await Promise.all([fromTwo.untilPosition(6), fromHead.untilPosition(6)]);
  assert.deepEqual(fromTwo.positions(), [3, 4, 5, 6]);
  assert.deepEqual(fromHead.positions(), [6]);
  assert.equal(entries(fromTwo.events)[0]!.balancesAsOf, 'read', 'history is read: its balances are the latest');
  assert.throws(() => ledger.events.subscribe(() => {}, { after: -1 }), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT');
});

test('a stuck subscriber delays neither commits nor other subscribers, and later gets every entry once, in order', async () => {
  const { ledger, main } = await seeded(undefined, { events: { recentMax: 4, pageSize: 3 } });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const stuck = collectEvents(ledger, {}, () => gate);
  const fast = collectEvents(ledger);
  await Promise.all([stuck.subscription.ready, fast.subscription.ready]);
  for (let i = 1; i <= 30; i += 1) await ledger.apply(deposit(`d${i}`, main.id));
  await fast.untilPosition(30);
  assert.equal(stuck.events.length, 0, 'the stuck one is still on its first event');
  release();
  await stuck.untilPosition(30);
  assert.deepEqual(stuck.positions(), Array.from({ length: 30 }, (_, i) => i + 1), 'far behind the recent window, it read the store');
  assert.deepEqual(fast.positions(), stuck.positions());
});

test('a reset is one reset event, then positions restart at the new journal', async () => {
  const { ledger, main } = await seeded();
  const seen = collectEvents(ledger);
  await seen.subscription.ready;
  await ledger.apply(deposit('a1', main.id));
  await ledger.apply(deposit('a2', main.id));
  await seen.untilPosition(2);
  await ledger.reset();
  const again = await seeded(ledger.store);
  await again.ledger.apply(deposit('b1', again.main.id)); // another ledger on the store: like another writer
  await ledger.apply(deposit('b2', again.main.id));
  await seen.until((events) => events.length === 5);
  assert.deepEqual(
    seen.events.map((e) => (e.type === 'entry' ? `${e.position}:${e.entry.key}` : e.type)),
    ['1:a1', '2:a2', 'reset', '1:b1', '2:b2'],
  );
});

test('a listener that throws is unsubscribed with its error handed over; the others go on', async () => {
  const { ledger, main } = await seeded();
  const errors: unknown[] = [];
  const failing = collectEvents(ledger, { onError: (e) => errors.push(e) }, () => {
    throw new Error('listener broke');
  });
  const healthy = collectEvents(ledger);
  await Promise.all([failing.subscription.ready, healthy.subscription.ready]);
  await ledger.apply(deposit('d1', main.id));
  await ledger.apply(deposit('d2', main.id));
  await healthy.untilPosition(2);
  assert.equal(errors.length, 1);
  assert.deepEqual(healthy.positions(), [1, 2]);
});

test("another process's commits and reset on the same SQLite file reach the subscriber, with balances read", async () => {
  const path = join(dir, 'shared.db');
  const server = await seeded(SqliteStore.open({ path, watchIntervalMs: 5 }));
  const cli = new Ledger(SqliteStore.open({ path }));
  try {
    const seen = collectEvents(server.ledger);
    await seen.subscription.ready;
    await cli.apply(deposit('op1', server.main.id, '3'));
    await seen.untilPosition(1);
    const first = entries(seen.events)[0]!;
    assert.equal(first.balancesAsOf, 'read');
    assert.equal(available(first, server.main.id), 3n * 10n ** 8n);
    await cli.reset();
    const again = await seeded(cli.store);
    await again.ledger.apply(deposit('op2', again.main.id));
    await seen.until((events) => events.some((e) => e.type === 'entry' && e.entry.key === 'op2'));
    assert.deepEqual(
      seen.events.map((e) => (e.type === 'entry' ? `${e.position}:${e.entry.key}` : e.type)),
      ['1:op1', 'reset', '1:op2'],
    );
  } finally {
    await server.ledger.events.close();
    await Promise.all([server.ledger.store.close(), cli.store.close()]);
  }
});

/** A subscriber on a bare LedgerEvents (no ledger of its own: the test says what this process committed). */
const collectFrom = (events: LedgerEvents) => collectEvents({ events } as unknown as Ledger);

test("an own commit recorded while the tailer reads balances keeps its as-of balances, and its record is dropped once published: later own commits still carry theirs", async () => {
  const inner = SqliteStore.open({ path: ':memory:' });
  const { ledger, main } = await seeded(inner);
  let gate: Promise<void> | null = null;
  let release!: () => void;
  let entered!: () => void;
  const readStarted = new Promise<void>((resolve) => (entered = resolve));
  // A store whose balance reads wait on the test while `gate` is set.
  const store = Object.assign(Object.create(inner) as LedgerStore, {
    readBalances: async (account: number) => {
      if (gate) {
        entered();
        await gate;
      }
      return inner.readBalances(account);
    },
  });
  // One record at most, so that a single record left behind shows at once (the product keeps 10,000).
  const events = new LedgerEvents(store, { asOfMax: 1 });
  const seen = collectFrom(events);
  await seen.subscription.ready;
  const record = async () => (await inner.readBalances(main.id)).map((b) => ({ account: b.account, bucket: b.bucket, asset: b.asset, amount: b.amount, atMs: b.updatedAtMs }));
  gate = new Promise<void>((resolve) => (release = resolve));
  await ledger.apply(deposit('other', main.id)); // another writer's entry: the tailer reads balances for it
  const own = await ledger.apply(deposit('own', main.id)); // this process's, committed, its record not yet handed over
  events.committed(null);
  await readStarted;
  events.committed([{ id: own.entry.id, balances: await record() }]);
  gate = null;
  release();
  await seen.untilPosition(own.entry.id);
  assert.equal(entries(seen.events).find((e) => e.position === own.entry.id)?.balancesAsOf, 'entry', 'the record that came during the read is used');
  const later = await ledger.apply(deposit('later', main.id));
  events.committed([{ id: later.entry.id, balances: await record() }]);
  await seen.untilPosition(later.entry.id);
  assert.equal(entries(seen.events).at(-1)?.balancesAsOf, 'entry', 'no stale record took the room of this one');
  await events.close();
});

test('unsubscribing before the subscription is live stops the journal watcher it started; a later subscriber gets a working one', async () => {
  const inner = SqliteStore.open({ path: ':memory:' });
  const { ledger, main } = await seeded(inner);
  let watchers = 0;
  let releaseWatch!: () => void;
  const watchGate = new Promise<void>((resolve) => (releaseWatch = resolve));
  const store = Object.assign(Object.create(inner) as LedgerStore, {
    watchJournal: async (onNotice: (notice: JournalNotice) => void) => {
      await watchGate;
      const stop = await inner.watchJournal(onNotice);
      watchers += 1;
      return async () => {
        watchers -= 1;
        await stop();
      };
    },
  });
  const events = new LedgerEvents(store);
  const early = events.subscribe(() => {});
  early();
  releaseWatch();
  await early.ready;
  assert.equal(watchers, 0, 'nobody listens: no watcher left running');
  const seen = collectFrom(events);
  await seen.subscription.ready;
  assert.equal(watchers, 1);
  const { entry } = await ledger.apply(deposit('after', main.id));
  events.committed(null);
  await seen.untilPosition(entry.id);
  await events.close();
  assert.equal(watchers, 0);
});
