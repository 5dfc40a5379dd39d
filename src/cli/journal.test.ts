import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../ledger/ledger.js';
import type { JournalEntry } from '../ledger/types.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { JournalPage, LedgerStore } from '../store/store.js';
import { followJournal } from './journal.js';

/** Three real entries (ids 1 to 3) to serve from a scripted store. */
async function threeEntries(): Promise<JournalEntry[]> {
  const ledger = new Ledger(SqliteStore.open({ path: ':memory:' }));
  await ledger.session(async (s) => {
    await s.createAsset({ symbol: 'BTC', scale: 8 });
    await s.createUser({ name: 'alice' });
  });
  for (const key of ['a', 'b', 'c']) await ledger.apply({ key, type: 'deposit', account: 1, asset: 'BTC', amount: '1' });
  return [...(await ledger.journal(0, 10)).entries];
}

/**
 * A store whose journal the test scripts: `visible` is what a plain read sees (on PostgreSQL, a
 * higher id can be visible while a lower one is still being committed), `settledThrough` the id up
 * to which a settled read answers.
 */
function scriptedStore() {
  const state = { visible: [] as JournalEntry[], settledThrough: Number.MAX_SAFE_INTEGER };
  const page = (entries: JournalEntry[], limit: number): JournalPage => ({
    entries: entries.slice(0, limit),
    next: entries.length > limit ? entries[limit - 1]!.id : null,
  });
  const store: Pick<LedgerStore, 'listJournal' | 'listSettledJournal'> = {
    listJournal: async (after, limit) => page(state.visible.filter((e) => e.id > after), limit),
    listSettledJournal: async (after, limit) => page(state.visible.filter((e) => e.id > after && e.id <= state.settledThrough), limit),
  };
  return { state, store };
}

/** Follows until the script is done: each step changes the store between two looks. */
async function follow(store: Pick<LedgerStore, 'listJournal' | 'listSettledJournal'>, steps: (() => void)[]): Promise<string[]> {
  const printed: string[] = [];
  const stop = new AbortController();
  await followJournal(store, null, 0, {
    signal: stop.signal,
    print: (line) => printed.push(line.startsWith('#') ? line.split(' ').slice(0, 3).join(' ') : line),
    wait: async () => {
      const step = steps.shift();
      if (step) step();
      else stop.abort();
    },
  });
  return printed;
}

test('journal --follow prints an entry that commits after a higher one (PostgreSQL), instead of skipping it', async () => {
  const [e1, e2, e3] = await threeEntries();
  const { state, store } = scriptedStore();
  state.visible = [e1!];
  const printed = await follow(store, [
    () => {
      // #3 committed while #2 is still being committed: #2 is not settled yet.
      state.visible = [e1!, e3!];
      state.settledThrough = 1;
    },
    () => {
      state.visible = [e1!, e2!, e3!];
      state.settledThrough = Number.MAX_SAFE_INTEGER;
    },
  ]);
  assert.deepEqual(printed.map((line) => line.split(' ')[0]), ['#1', '#2', '#3']);
});

test('journal --follow spots a reset followed by a reload that reused the same ids and keys: the new entries differ in time', async () => {
  const [e1] = await threeEntries();
  const { state, store } = scriptedStore();
  state.visible = [e1!];
  const reloaded: JournalEntry = { ...e1!, atMs: e1!.atMs + 1 };
  const printed = await follow(store, [() => (state.visible = [reloaded])]);
  assert.equal(printed.length, 3, printed.join('\n'));
  assert.match(printed[1]!, /the journal was emptied/);
  assert.equal(printed[2]!.split(' ')[0], '#1');
});
