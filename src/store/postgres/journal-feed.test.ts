import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { addAccount, addAsset, addUser, seedStore } from '../seed.case.js';
import { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
import { journalChannel, type GapPassed } from './journal-feed.js';
import { Ledger } from '../../ledger/ledger.js';
import type { LedgerEntryEvent } from '../../ledger/events.js';
import type { OperationRequest } from '../../ledger/operations.js';
import type { JournalNotice } from '../store.js';
import { TEST_POSTGRES_URL, skipWithoutPostgres as skip } from '../../../test/support/services.js';
import { collectEvents } from '../../../test/support/events.js';

/** Each test's instances share one schema of their own, dropped at the end. */
const schemas: string[] = [];
function freshUrl(): string {
  const schema = `ab_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  const url = new URL(TEST_POSTGRES_URL ?? 'postgres://unset');
  url.searchParams.set('search_path', schema);
  return url.toString();
}
after(async () => {
  if (!TEST_POSTGRES_URL || schemas.length === 0) return;
  const sql = postgres(TEST_POSTGRES_URL, { onnotice: () => {} });
  for (const schema of schemas) await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
  await sql.end();
});

/** Two instances on one fresh schema, with BTC and ETH and two accounts. */
async function twoInstances(optionsOfA: Omit<PostgresStoreOptions, 'url'> = {}) {
  const url = freshUrl();
  const a = await PostgresStore.open({ url, ...optionsOfA });
  const b = await PostgresStore.open({ url });
  const ledgers = [new Ledger(a), new Ledger(b)] as const;
  const { main, sub } = await a.transaction(async (tx) => {
    await addAsset(tx, 'BTC', 8);
    await addAsset(tx, 'ETH', 18);
    const { main } = await addUser(tx, 'alice');
    return { main, sub: await addAccount(tx, main.userId, 'sub', 'bot') };
  });
  const close = async () => {
    await Promise.all(ledgers.map((l) => l.events.close()));
    await Promise.all([a.close(), b.close()]);
  };
  return { a, b, ledgers, main, sub, close };
}

const deposit = (key: string, account: number, asset = 'BTC') => ({ key, type: 'deposit' as const, account, asset, amount: '1' });

test('[postgres] the journal channel is named after the schema, and a long schema name still fits an identifier', () => {
  assert.notEqual(journalChannel('tenant_a'), journalChannel('tenant_b'));
  const long = journalChannel('s'.repeat(63));
  assert.ok(Buffer.byteLength(long) <= 63);
  assert.notEqual(long, journalChannel(`${'s'.repeat(62)}t`));
});

test('[postgres] a settled journal read never skips an entry that commits after a later one', { skip }, async () => {
  const { a, ledgers, main, sub, close } = await twoInstances();
  try {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
    // Entry 1 is inserted, then its transaction waits; entry 2 (other books) commits meanwhile.
    const slow = ledgers[0].session(async (s) => {
      await s.apply(deposit('first', main.id, 'BTC'));
      inserted();
      await gate;
    });
    await firstInserted;
    await ledgers[1].apply(deposit('second', sub.id, 'ETH'));
    assert.deepEqual((await a.listJournal(0, 10)).entries.map((e) => e.key), ['second'], 'a plain read would skip entry 1 for good');
    const waitsBefore = a.journalSettleWaits;
    let answered = false;
    const settled = a.listSettledJournal(0, 10).finally(() => (answered = true));
    while (a.journalSettleWaits === waitsBefore && !answered) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false, 'the read waits while entry 1 is under way');
    release();
    await slow;
    assert.deepEqual((await settled).entries.map((e) => `${e.id}:${e.key}`), ['1:first', '2:second']);
  } finally {
    await close();
  }
});

test('[postgres] a gap still open after the settle bound (a session idle in transaction) is passed and reported, not waited for forever', { skip, timeout: 120_000 }, async () => {
  const passed: GapPassed[] = [];
  // A bound of 0: one look at the running transactions, then the gap is passed, whatever the machine's speed.
  const { a, ledgers, main, sub, close } = await twoInstances({ settleMaxWaitMs: 0, onGapPassed: (gap) => passed.push(gap) });
  try {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
    const stuck = ledgers[0].session(async (s) => {
      await s.apply(deposit('stuck', main.id, 'BTC'));
      inserted();
      await gate;
    });
    await firstInserted;
    await ledgers[1].apply(deposit('second', sub.id, 'ETH'));
    const page = await a.listSettledJournal(0, 10);
    assert.deepEqual(page.entries.map((e) => `${e.id}:${e.key}`), ['2:second'], 'the read passes the gap instead of waiting');
    assert.deepEqual(passed.map((g) => [g.fromId, g.toId]), [[1, 1]]);
    release();
    await stuck;
    // What a reader already past the gap misses: the late entry is not after its position.
    assert.deepEqual((await a.listSettledJournal(2, 10)).entries, []);
    assert.deepEqual((await a.listSettledJournal(0, 10)).entries.map((e) => e.key), ['stuck', 'second'], 'it is in the journal all the same');
  } finally {
    await close();
  }
});

test('[postgres] a gap that never fills (a rolled-back batch burnt its ids) is passed once its transaction ended', { skip }, async () => {
  const { a, ledgers, main, close } = await twoInstances();
  try {
    await assert.rejects(ledgers[0].applyBatch([deposit('burnt', main.id), { key: 'over', type: 'withdraw', account: main.id, asset: 'ETH', amount: '5' } as unknown as OperationRequest]));
    await ledgers[0].apply(deposit('after', main.id));
    const page = await a.listSettledJournal(0, 10);
    assert.deepEqual(page.entries.map((e) => e.key), ['after']);
    assert.ok(page.entries[0]!.id > 1, 'the rolled-back entry burnt id 1');
    assert.equal(page.next, null);
  } finally {
    await close();
  }
});

test('[postgres] commits through one instance reach a subscriber on the other, in journal order, once each (delay measured)', { skip }, async (t) => {
  const { ledgers, main, sub, close } = await twoInstances();
  try {
    const arrivedAtMs = new Map<number, number>();
    const seen = collectEvents(ledgers[1], {}, (event) => {
      if (event.type === 'entry') arrivedAtMs.set(event.position, performance.now());
    });
    await seen.subscription.ready;
    const committedAtMs = new Map<number, number>();
    const commits = 200;
    for (let i = 0; i < commits; i += 1) {
      const { entry } = await ledgers[0].apply(deposit(`d${i}`, i % 2 === 0 ? main.id : sub.id));
      committedAtMs.set(entry.id, performance.now());
    }
    // And some concurrent ones, from both instances, so that ids commit out of order.
    const concurrent = await Promise.all(
      Array.from({ length: 40 }, (_, i) => ledgers[i % 2]!.apply(deposit(`c${i}`, i % 2 === 0 ? main.id : sub.id, i % 4 < 2 ? 'BTC' : 'ETH'))),
    );
    const last = Math.max(...concurrent.map((r) => r.entry.id));
    await seen.untilPosition(last);
    const journal = await ledgers[0].journal(0, 500);
    assert.deepEqual(seen.positions(), journal.entries.map((e) => e.id), 'every committed entry, in order, once');
    const event = seen.events.find((e): e is LedgerEntryEvent => e.type === 'entry')!;
    assert.equal(event.balancesAsOf, 'read');
    const delays = [...committedAtMs].map(([id, at]) => arrivedAtMs.get(id)! - at).sort((x, y) => x - y);
    const pick = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!.toFixed(2);
    t.diagnostic(`cross-instance delay over ${delays.length} sequential commits: p50 ${pick(0.5)} ms, p99 ${pick(0.99)} ms, max ${delays.at(-1)!.toFixed(2)} ms`);
  } finally {
    await close();
  }
});

test('[postgres] a reset on one instance is one reset event on the other, then its new entries', { skip }, async () => {
  const { ledgers, main, close } = await twoInstances();
  try {
    const seen = collectEvents(ledgers[1], { after: 0 });
    await seen.subscription.ready;
    await ledgers[0].apply(deposit('old', main.id));
    await seen.untilPosition(1);
    await ledgers[0].reset();
    await seen.until((events) => events.some((e) => e.type === 'reset'));
    await seedStore(ledgers[0].store, { BTC: 8 }, ['bob']);
    await ledgers[0].apply(deposit('new', 1));
    await seen.until((events) => events.some((e) => e.type === 'entry' && e.entry.key === 'new'));
    assert.deepEqual(
      seen.events.map((e) => (e.type === 'entry' ? `${e.position}:${e.entry.key}` : e.type)),
      ['1:old', 'reset', '1:new'],
    );
  } finally {
    await close();
  }
});

test("[postgres] a store's watcher hears the other instance's commits but never its own (they already bumped their own accounts)", { skip }, async () => {
  const { a, b, ledgers, main, sub, close } = await twoInstances();
  const heardBy = { a: [] as JournalNotice[], b: [] as JournalNotice[] };
  const waiters: (() => void)[] = [];
  const hear = (who: 'a' | 'b') => (notice: JournalNotice) => {
    heardBy[who].push(notice);
    for (const wake of waiters.splice(0)) wake();
  };
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const commitAt = (list: JournalNotice[], position: number) => list.some((n) => n.kind === 'commit' && n.position === position);
  const stops = [await a.watchJournal(hear('a')), await b.watchJournal(hear('b'))];
  try {
    const { entry: first } = await ledgers[0].apply(deposit('by-a', main.id));
    await until(() => commitAt(heardBy.b, first.id));
    // A's own notice, had it been delivered, sits before B's in A's LISTEN queue: B's arriving proves A's was dropped.
    const { entry: second } = await ledgers[1].apply(deposit('by-b', sub.id));
    await until(() => commitAt(heardBy.a, second.id));
    assert.equal(commitAt(heardBy.a, first.id), false, "A never hears its own commit");
    assert.equal(commitAt(heardBy.b, second.id), false, "B never hears its own commit");
  } finally {
    await Promise.all(stops.map((stop) => stop()));
    await close();
  }
});
