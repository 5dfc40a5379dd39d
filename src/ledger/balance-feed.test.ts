import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalanceFeed, type BalanceChange } from './balance-feed.js';
import { Ledger } from './ledger.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

async function seeded() {
  const ledger = new Ledger(SqliteStore.open({ path: ':memory:' }), Date.now);
  const { main, sub } = await ledger.session(async (s) => {
    await s.createAsset({ symbol: 'BTC', scale: 8 });
    await s.createAsset({ symbol: 'ETH', scale: 18 });
    const { main } = await s.createUser({ name: 'alice' });
    return { main, sub: await s.createSubAccount(main.userId, { label: 'bot' }) };
  });
  let reads = 0;
  const feed = new BalanceFeed(ledger.events, (id) => {
    reads += 1;
    return ledger.balances(id);
  });
  return { ledger, feed, main, sub, reads: () => reads };
}

const deposit = (key: string, account: number, asset = 'BTC', amount = '1') => ({ key, type: 'deposit' as const, account, asset, amount });

/** A watcher that keeps what it is told and lets the test wait for the change it expects. */
function watcher(feed: BalanceFeed, accountId: number) {
  const changes: BalanceChange[] = [];
  let wake = () => {};
  const stop = feed.watch(accountId, (change) => {
    changes.push(change);
    wake();
  });
  const keepAlive = setInterval(() => {}, 1_000);
  return {
    changes,
    stop: () => {
      stop();
      clearInterval(keepAlive);
    },
    async until(done: (changes: readonly BalanceChange[]) => boolean): Promise<void> {
      while (!done(changes)) await new Promise<void>((resolve) => (wake = resolve));
    },
  };
}

const availableOf = (change: BalanceChange | undefined, asset: string) =>
  change && 'balances' in change ? change.balances.find((b) => b.asset === asset && b.bucket === 'available')?.amount : undefined;

test('a watcher is told the balances when it starts, then after every commit touching its account, with the assets touched', async () => {
  const { ledger, feed, main } = await seeded();
  await ledger.apply(deposit('before', main.id, 'BTC', '5'));
  const w = watcher(feed, main.id);
  await w.until((c) => c.length === 1);
  assert.equal(w.changes[0]!.kind, 'snapshot');
  assert.equal(availableOf(w.changes[0], 'BTC'), 500_000_000n);
  await ledger.apply(deposit('eth', main.id, 'ETH', '2'));
  await w.until((c) => c.some((x) => x.kind === 'update' && availableOf(x, 'ETH') === 2n * 10n ** 18n));
  const update = w.changes.at(-1)!;
  assert.ok(update.kind === 'update');
  assert.deepEqual([...update.assets], ['ETH']);
  assert.equal(availableOf(update, 'BTC'), 500_000_000n, 'an update carries every balance of the account, not only the changed ones');
  w.stop();
  feed.close();
});

test('commits to other accounts tell a watcher nothing, and every watcher of one account shares one read per change', async () => {
  const { ledger, feed, main, sub, reads } = await seeded();
  const watchers = Array.from({ length: 50 }, () => watcher(feed, main.id));
  await Promise.all(watchers.map((w) => w.until((c) => c.length === 1)));
  const readsAfterSnapshots = reads();
  assert.ok(readsAfterSnapshots <= 2, `50 snapshots of one account took ${readsAfterSnapshots} reads`);
  await ledger.apply(deposit('other', sub.id));
  await ledger.apply(deposit('mine', main.id));
  await Promise.all(watchers.map((w) => w.until((c) => c.some((x) => x.kind === 'update'))));
  for (const w of watchers) {
    assert.deepEqual(w.changes.map((c) => c.kind), ['snapshot', 'update'], 'the deposit to the sub-account is not an update of the main account');
  }
  assert.equal(reads() - readsAfterSnapshots, 1, 'one read for 50 watchers of the changed account, none for the other');
  for (const w of watchers) w.stop();
  feed.close();
});

test('a burst of commits ends with an update carrying the newest balances, and updates never go back in time', async () => {
  const { ledger, feed, main } = await seeded();
  const w = watcher(feed, main.id);
  await w.until((c) => c.length === 1);
  for (let i = 0; i < 30; i += 1) await ledger.apply(deposit(`d${i}`, main.id));
  await w.until((c) => availableOf(c.at(-1), 'BTC') === 30n * 100_000_000n);
  const seen = w.changes.map((c) => availableOf(c, 'BTC') ?? 0n);
  assert.deepEqual(seen, [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  w.stop();
  feed.close();
});

test('a stopped watch is told nothing more, and the feed lets go of the ledger events when nobody watches', async () => {
  const { ledger, feed, main } = await seeded();
  const w = watcher(feed, main.id);
  await w.until((c) => c.length === 1);
  w.stop();
  assert.equal(feed.watchedAccounts, 0);
  assert.equal(ledger.events.active, false, 'no subscription is left behind');
  await ledger.apply(deposit('after-stop', main.id));
  const check = watcher(feed, main.id); // a new watch: its snapshot shows the deposit, so the old one had its chance
  await check.until((c) => c.length === 1);
  assert.equal(w.changes.length, 1);
  check.stop();
  feed.close();
});

test('a reset ends every watch with a reset change, and a failed read ends the watch with the error', async () => {
  const { ledger, feed, main } = await seeded();
  const w = watcher(feed, main.id);
  await w.until((c) => c.length === 1);
  await ledger.reset();
  await w.until((c) => c.at(-1)?.kind === 'reset');
  const gone = watcher(feed, main.id); // the account no longer exists: its read fails
  await gone.until((c) => c.length === 1);
  assert.equal(gone.changes[0]!.kind, 'failed');
  w.stop();
  gone.stop();
  feed.close();
});

/** Ledger events whose subscription goes live when the test says so. */
function eventsLiveOnCue() {
  let goLive: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const ready = new Promise<number>((resolve, reject) => {
    goLive = () => resolve(0);
    fail = reject;
  });
  ready.catch(() => {});
  const events = { subscribe: () => Object.assign(() => {}, { ready }) };
  return { events, goLive, fail };
}

test('a snapshot is read only once the events subscription is live, so no commit falls between the snapshot and the first update', async () => {
  const { events, goLive } = eventsLiveOnCue();
  const reads: number[] = [];
  const feed = new BalanceFeed(events, async (id) => {
    reads.push(id);
    return [];
  });
  const changes: BalanceChange[] = [];
  let told = () => {};
  const stop = feed.watch(7, (change) => {
    changes.push(change);
    told();
  });
  // Let every queued microtask and timer run: nothing may be read while the subscription is not live.
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(reads, [], 'no read before the subscription is live');
  const snapshot = new Promise<void>((resolve) => (told = resolve));
  goLive();
  await snapshot;
  assert.deepEqual(reads, [7]);
  assert.equal(changes[0]!.kind, 'snapshot');
  stop();
  feed.close();
});

test('a subscription that never goes live ends the watches waiting for their snapshot with the error', async () => {
  const { events, fail } = eventsLiveOnCue();
  const feed = new BalanceFeed(events, async () => [], { onError: () => {} });
  const ended = new Promise<BalanceChange>((resolve) => feed.watch(7, resolve));
  fail(new Error('LISTEN refused'));
  const change = await ended;
  assert.equal(change.kind, 'failed');
  assert.match(String((change as { error: unknown }).error), /LISTEN refused/);
  feed.close();
});
