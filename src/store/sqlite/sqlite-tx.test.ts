import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.js';
import { Ledger } from '../../ledger/ledger.js';
import { LedgerError } from '../../ledger/errors.js';
import type { OperationRequest } from '../../ledger/operations.js';
import { addAsset, addUser } from '../seed.case.js';

/**
 * Claims on a SQLite transaction's writes kept back (sqlite-tx.ts) and on the catalog cache of
 * writes over a file another process may reset (ledger/catalog-cache.ts).
 */
const dir = mkdtempSync(join(tmpdir(), 'assetbook-sqlite-tx-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** BTC at `scale` and alice's main account, on an empty ledger. */
async function seed(store: SqliteStore, scale: number): Promise<number> {
  return store.transaction(async (tx) => {
    await addAsset(tx, 'BTC', scale);
    return (await addUser(tx, 'alice')).main.id;
  });
}

const deposit = (key: string, account: number, amount = '1.5'): OperationRequest => ({ key, type: 'deposit', account, asset: 'BTC', amount });

test('[sqlite] a batch\'s entries take consecutive ids after the stored ones, and a key given twice in it is the replay of its first', async () => {
  const store = SqliteStore.open({ path: join(dir, `ids-${++n}.db`) });
  const ledger = new Ledger(store);
  try {
    const account = await seed(store, 8);
    await ledger.apply(deposit('first', account));
    const results = await ledger.applyBatch([deposit('a', account), deposit('b', account), deposit('a', account), deposit('c', account)]);
    assert.deepEqual(
      results.map((r) => [r.entry.key, r.entry.id, r.replayed]),
      [['a', 2, false], ['b', 3, false], ['a', 2, true], ['c', 4, false]],
    );
    const page = await ledger.journal(0, 10);
    assert.deepEqual(page.entries.map((e) => [e.id, e.key, e.postings.length]), [[1, 'first', 2], [2, 'a', 2], [3, 'b', 2], [4, 'c', 2]]);
    const [balance] = await ledger.balances(account);
    assert.equal(balance?.amount, 600_000_000n);
    assert.equal((await ledger.verify()).ok, true);
  } finally {
    await store.close();
  }
});

test('[sqlite] a batch longer than one multi-row insert lands whole, every posting in order', async () => {
  const store = SqliteStore.open({ path: join(dir, `long-${++n}.db`) });
  const ledger = new Ledger(store);
  try {
    const account = await seed(store, 8);
    // 64 + 16 + 4 + 1 + 1 entries, and twice as many postings: every statement shape once.
    const results = await ledger.applyBatch(Array.from({ length: 86 }, (_, i) => deposit(`k${i}`, account, '0.00000001')));
    assert.deepEqual(results.map((r) => r.entry.id), Array.from({ length: 86 }, (_, i) => i + 1));
    const page = await ledger.journal(0, 100);
    assert.deepEqual(page.entries.map((e) => e.key), Array.from({ length: 86 }, (_, i) => `k${i}`));
    assert.ok(page.entries.every((e) => e.postings.map((p) => p.amount).join() === '-1,1'));
    assert.equal((await ledger.verify()).ok, true);
  } finally {
    await store.close();
  }
});

for (const how of ['a batch', 'a commit group'] as const) {
  test(`[sqlite] an entry the database refuses at the end of ${how} fails it whole: nothing of it is written`, async () => {
    const path = join(dir, `refused-${++n}.db`);
    const store = SqliteStore.open({ path });
    const ledger = new Ledger(store, Date.now, how === 'a commit group' ? { groupCommit: {} } : {});
    try {
      const account = await seed(store, 8);
      await ledger.apply(deposit('before', account));
      const raw = new Database(path);
      raw.exec("CREATE TRIGGER refuse_boom BEFORE INSERT ON operations WHEN NEW.key = 'boom' BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END");
      raw.close();
      const sent = [deposit('ok-1', account), deposit('boom', account), deposit('ok-2', account)];
      const outcomes = how === 'a batch' ? [await ledger.applyBatch(sent).then(() => 'applied', () => 'refused')] : (await Promise.allSettled(sent.map((op) => ledger.apply(op)))).map((o) => o.status);
      assert.ok(outcomes.every((o) => o === 'refused' || o === 'rejected'), `every operation refused: ${outcomes.join()}`);
      assert.deepEqual((await ledger.journal(0, 10)).entries.map((e) => e.key), ['before']);
      const [balance] = await ledger.balances(account);
      assert.equal(balance?.amount, 150_000_000n);
      assert.equal((await ledger.verify()).ok, true);
      // The ledger goes on: the next transaction starts from what is stored.
      assert.equal((await ledger.apply(deposit('after', account))).entry.id, 2);
    } finally {
      await store.close();
    }
  });
}

for (const groupCommit of [false, true]) {
  const mode = groupCommit ? 'with group commit' : 'alone';
  test(`[sqlite] ${mode}: after another process resets the file, a ledger never plans with the assets and accounts it cached before`, async () => {
    const path = join(dir, `epoch-${++n}.db`);
    const store = SqliteStore.open({ path });
    const elsewhere = SqliteStore.open({ path });
    const cached = new Ledger(store, Date.now, groupCommit ? { groupCommit: {} } : {});
    try {
      const account = await seed(store, 8);
      await cached.apply(deposit('warm', account));
      await cached.apply(deposit('warm-again', account));
      await elsewhere.reset();
      // Nothing there any more: refused as missing, not planned on the cached account.
      await assert.rejects(cached.apply(deposit('gone', account)), (error) => error instanceof LedgerError && error.code === 'ACCOUNT_NOT_FOUND');
      await elsewhere.reset();
      // Recreated with another scale: 1.5 BTC is 150 base units now, not 150,000,000.
      assert.equal(await seed(elsewhere, 2), account);
      const results = await Promise.all([cached.apply(deposit('new-1', account)), cached.apply(deposit('new-2', account))]);
      assert.deepEqual(results.map((r) => r.entry.postings.find((p) => p.account === account)?.amount), [150n, 150n]);
      const batch = await cached.applyBatch([deposit('b1', account), deposit('b2', account, '0.01')]);
      assert.deepEqual(batch.map((r) => r.entry.postings.find((p) => p.account === account)?.amount), [150n, 1n]);
    } finally {
      await Promise.all([store.close(), elsewhere.close()]);
    }
  });
}

test('[sqlite] in a commit group, an operation refused after it sent a statement is undone alone: what was kept back before and after it lands', async () => {
  const store = SqliteStore.open({ path: join(dir, `group-${++n}.db`) });
  const ledger = new Ledger(store, Date.now, { groupCommit: {} });
  try {
    const account = await seed(store, 8);
    await ledger.apply(deposit('fund', account, '5'));
    await ledger.apply({ key: 'open-r1', type: 'hold', account, asset: 'BTC', amount: '1', reservation: 'r1' });
    const before = ledger.groupCommitStats!;
    const outcomes = await Promise.all(
      [
        deposit('a', account, '1'),
        // Moves 2 to held (kept apart), then asks for r1 (a statement: its SAVEPOINT goes out first), finds it and is refused.
        { key: 'clash', type: 'hold', account, asset: 'BTC', amount: '2', reservation: 'r1' } as OperationRequest,
        deposit('c', account, '1'),
        // Sends statements too (the lookup and the reservation's insert), and lands.
        { key: 'open-r2', type: 'hold', account, asset: 'BTC', amount: '0.5', reservation: 'r2' } as OperationRequest,
      ].map((op) => ledger.apply(op).then(() => 'ok', (e: unknown) => (e instanceof LedgerError ? e.code : String(e)))),
    );
    assert.deepEqual(outcomes, ['ok', 'INVALID_ARGUMENT', 'ok', 'ok']);
    assert.equal(ledger.groupCommitStats!.commits - before.commits, 1, 'the four shared one commit');
    const books = Object.fromEntries((await ledger.balances(account)).map((b) => [b.bucket, b.amount]));
    assert.deepEqual(books, { available: 550_000_000n, held: 150_000_000n });
    assert.deepEqual((await ledger.journal(0, 10)).entries.map((e) => e.key), ['fund', 'open-r1', 'a', 'c', 'open-r2']);
    assert.equal((await ledger.verify()).ok, true);
  } finally {
    await store.close();
  }
});
