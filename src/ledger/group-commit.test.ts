import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ledger } from './ledger.js';
import { LedgerError } from './errors.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { BalanceWrite, LedgerStore, NewOperation, StoreTx } from '../store/store.js';
import { CommitRecorder } from './commit-recorder.js';

// Group commit is off unless asked for (LedgerOptions): these tests ask for it.
async function funded(store: LedgerStore, options: ConstructorParameters<typeof Ledger>[2] = { groupCommit: {} }) {
  const ledger = new Ledger(store, Date.now, options);
  const { main, sub } = await ledger.session(async (s) => {
    await s.createAsset({ symbol: 'BTC', scale: 8 });
    const { main } = await s.createUser({ name: 'alice' });
    return { main, sub: await s.createSubAccount(main.userId, { label: 'bot' }) };
  });
  await ledger.apply({ key: 'fund', type: 'deposit', account: main.id, asset: 'BTC', amount: '5' });
  return { ledger, main, sub };
}

const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof LedgerError ? e.code : `crash: ${String(e)}`));

test('concurrent single operations share commits: fewer commits than operations, every one acknowledged', async () => {
  const { ledger, main } = await funded(SqliteStore.open({ path: ':memory:' }));
  const before = ledger.groupCommitStats!;
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => ledger.apply({ key: `d${i}`, type: 'deposit', account: main.id, asset: 'BTC', amount: '1' })),
  );
  const after = ledger.groupCommitStats!;
  assert.equal(results.length, 50);
  assert.equal(new Set(results.map((r) => r.entry.id)).size, 50);
  assert.equal(after.operations - before.operations, 50);
  assert.ok(after.commits - before.commits < 10, `50 operations in ${after.commits - before.commits} commits`);
  assert.equal((await ledger.verify()).ok, true);
});

test('a refused operation in a group is refused alone: the others in its commit land', async () => {
  const { ledger, main, sub } = await funded(SqliteStore.open({ path: ':memory:' }));
  const transfers = Array.from({ length: 12 }, (_, i) =>
    outcome(ledger.apply({ key: `t${i}`, type: 'transfer', from: main.id, to: sub.id, asset: 'BTC', amount: '0.5' })),
  );
  const outcomes = await Promise.all(transfers);
  assert.equal(outcomes.filter((o) => o === 'ok').length, 10);
  assert.equal(outcomes.filter((o) => o === 'INSUFFICIENT_FUNDS').length, 2);
  assert.equal((await ledger.store.readBalances(sub.id)).find((b) => b.bucket === 'available')?.amount, 5n * 10n ** 8n);
  const report = await ledger.verify();
  assert.equal(report.ok, true);
  assert.equal(report.entries, 11, 'the deposit and ten transfers; the refused two wrote nothing');
});

test('one key twice in one group: applied once, and the second caller gets the first result', async () => {
  const { ledger, main } = await funded(SqliteStore.open({ path: ':memory:' }));
  const request = { key: 'same', type: 'deposit' as const, account: main.id, asset: 'BTC', amount: '1' };
  const [a, b, c] = await Promise.all([ledger.apply(request), ledger.apply(request), ledger.apply({ ...request, amount: '2' }).catch((e: LedgerError) => e.code)]);
  assert.equal(typeof a === 'object' && typeof b === 'object' && a.entry.id === b.entry.id, true);
  assert.deepEqual([a.replayed, b.replayed], [false, true]);
  assert.equal(c, 'IDEMPOTENCY_CONFLICT');
});

test('no operation is acknowledged before its commit: a commit that fails fails every operation of its group', async () => {
  const inner = SqliteStore.open({ path: ':memory:' });
  let failCommits = false;
  // A store whose commit fails after the work is done, as a full disk would.
  const failing: LedgerStore = Object.assign(Object.create(inner) as LedgerStore, {
    transaction: <T>(fn: (tx: StoreTx) => Promise<T>) =>
      inner.transaction(async (tx) => {
        const result = await fn(tx);
        if (failCommits) throw new Error('disk full');
        return result;
      }),
  });
  const { ledger, main } = await funded(failing);
  failCommits = true;
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, (_, i) => outcome(ledger.apply({ key: `d${i}`, type: 'deposit', account: main.id, asset: 'BTC', amount: '1' }))),
  );
  assert.deepEqual(new Set(outcomes), new Set(['crash: Error: disk full']));
  assert.equal((await ledger.verify()).entries, 1, 'only the funding deposit, from before');
});

test('with group commit off, every operation commits alone', async () => {
  const { ledger, main } = await funded(SqliteStore.open({ path: ':memory:' }), { groupCommit: false });
  await Promise.all(Array.from({ length: 5 }, (_, i) => ledger.apply({ key: `d${i}`, type: 'deposit', account: main.id, asset: 'BTC', amount: '1' })));
  assert.equal(ledger.groupCommitStats, null);
  assert.equal((await ledger.verify()).entries, 6);
});

test('group commit is off when the ledger is given no options (the product turns it on: --group-commit, on by default)', async () => {
  const { ledger, main } = await funded(SqliteStore.open({ path: ':memory:' }), {});
  await Promise.all(Array.from({ length: 5 }, (_, i) => ledger.apply({ key: `d${i}`, type: 'deposit', account: main.id, asset: 'BTC', amount: '1' })));
  assert.equal(ledger.groupCommitStats, null);
  assert.equal((await ledger.verify()).entries, 6);
});

test('a savepoint the store runs twice (a lost key race) records only the attempt it keeps: the next entry carries no rolled-back balance', async () => {
  const book = (account: number, amount: bigint): BalanceWrite => ({ account, bucket: 'available', asset: 'BTC', amount, atMs: 1 });
  let nextId = 1;
  // A tx whose savepoint reruns fn after a retryable error, as PgTx.savepoint does after a key race.
  const fake = {
    writeBalances: async () => {},
    insertOperation: async () => nextId++,
    savepoint: async <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch {
        return fn();
      }
    },
  } as unknown as StoreTx;
  const recorder = new CommitRecorder();
  const tx = recorder.wrap(fake);
  let attempts = 0;
  // Op A: its first attempt writes account 9 and loses the race; its rerun answers as a replay, writing nothing.
  await tx.savepoint(async () => {
    attempts += 1;
    if (attempts === 1) {
      await tx.writeBalances([book(9, 999n)]);
      throw Object.assign(new Error('duplicate key'), { code: '23505', constraint_name: 'operations_key_key' });
    }
  });
  // Op B: writes account 1, then its entry.
  await tx.savepoint(async () => {
    await tx.writeBalances([book(1, 5n)]);
    await tx.insertOperation({} as NewOperation);
  });
  assert.equal(attempts, 2);
  assert.deepEqual(recorder.entries, [{ id: 1, balances: [book(1, 5n)] }]);
});

test('a writer killed in the middle of group commits loses nothing it acknowledged (SQLite file, durability full)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'assetbook-crash-'));
  const path = join(dir, 'ledger.db');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./group-commit.crash-writer.ts', import.meta.url)), path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let buffered = '';
    // Killed once it has acknowledged 300 operations: whatever it was committing then is cut short.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('k')) acknowledged.push(line);
        if (acknowledged.length >= 300) resolve();
      });
    });
    child.kill('SIGKILL');
    await exited;
    const store = SqliteStore.open({ path });
    try {
      const ledger = new Ledger(store);
      const missing = [];
      for (const key of acknowledged) if (!(await store.getOperation(key))) missing.push(key);
      assert.deepEqual(missing, [], 'every acknowledged operation is in the journal');
      const report = await ledger.verify();
      assert.deepEqual(report.mismatches, []);
      assert.ok(report.entries >= acknowledged.length);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
