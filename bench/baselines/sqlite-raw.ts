/**
 * The raw SQLite write baseline: better-sqlite3 doing the work of one assetbook operation on the
 * same schema shape (src/store/sqlite/migrations.ts: balances with TEXT amounts, operations with
 * key/hash/type/at_ms/request, postings with their foreign key checked and the by-account index
 * the account history reads, both of which assetbook maintains on every write), nothing else: per
 * operation, the idempotency-key check, reading the two books, the not-negative check, updating
 * both, inserting the journal row with its request JSON and two postings; `opsPerCommit`
 * operations per transaction, WAL, and the synchronous setting asked for (FULL = durability full:
 * every commit is fsynced).
 *
 * Started by bench/write.ts (through baselines/raw.ts) pinned to the server CPU, one thread, as the
 * server runs its SQLite calls. Prints one JSON line, a RawResult.
 *
 *   node --import tsx bench/baselines/sqlite-raw.ts --spec <file>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { OPENING_BALANCE, SYSTEM_ACCOUNT, booksOf, keyedRequest, quantiles, requestHash, type RawOperation, type RawResult, type RawSpec } from './raw.js';

const { values } = parseArgs({ options: { spec: { type: 'string' } } });
if (values.spec === undefined) {
  console.error('usage: sqlite-raw.ts --spec <file> (started by bench/write.ts)');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(values.spec, 'utf8')) as RawSpec;
const synchronous = spec.synchronous ?? 'FULL';
if (!['FULL', 'NORMAL', 'OFF'].includes(synchronous)) throw new Error(`synchronous ${synchronous}?`);

const db = new Database(join(spec.dir!, 'raw.db'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous}`);
// As assetbook's store opens its connections (src/store/sqlite/sqlite-store.ts): each posting's operation is checked.
db.pragma('foreign_keys = ON');
db.exec(`
CREATE TABLE balances (
  account_id INTEGER NOT NULL, asset TEXT NOT NULL, bucket TEXT NOT NULL, amount TEXT NOT NULL, updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, asset, bucket)
) WITHOUT ROWID;
CREATE TABLE operations (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, hash TEXT NOT NULL, type TEXT NOT NULL, at_ms INTEGER NOT NULL, request TEXT NOT NULL);
CREATE TABLE postings (
  operation_id INTEGER NOT NULL REFERENCES operations(id), seq INTEGER NOT NULL, account_id INTEGER NOT NULL,
  bucket TEXT NOT NULL, asset TEXT NOT NULL, amount TEXT NOT NULL,
  PRIMARY KEY (operation_id, seq)
) WITHOUT ROWID;
CREATE INDEX postings_by_account ON postings (account_id, operation_id);
`);
const seed = db.prepare('INSERT INTO balances (account_id, asset, bucket, amount, updated_at_ms) VALUES (?, ?, ?, ?, ?)');
db.transaction(() => {
  for (const b of booksOf(spec.operations)) seed.run(b.account, b.asset, b.bucket, b.account === SYSTEM_ACCOUNT ? '0' : OPENING_BALANCE.toString(), Date.now());
})();

const findKey = db.prepare('SELECT id FROM operations WHERE key = ?').pluck();
const readBook = db.prepare('SELECT amount FROM balances WHERE account_id = ? AND asset = ? AND bucket = ?').pluck();
const writeBook = db.prepare('UPDATE balances SET amount = ?, updated_at_ms = ? WHERE account_id = ? AND asset = ? AND bucket = ?');
const insertOperation = db.prepare('INSERT INTO operations (key, hash, type, at_ms, request) VALUES (?, ?, ?, ?, ?)');
const insertPosting = db.prepare('INSERT INTO postings (operation_id, seq, account_id, bucket, asset, amount) VALUES (?, ?, ?, ?, ?, ?)');

function apply(key: string, op: RawOperation): void {
  if (findKey.get(key) !== undefined) return; // a replay changes nothing
  const debit = readBook.get(op.debitAccount, op.asset, op.debitBucket) as string | undefined;
  const credit = readBook.get(op.creditAccount, op.asset, op.creditBucket) as string | undefined;
  if (debit === undefined || credit === undefined) throw new Error(`no book for ${key}`);
  const amount = BigInt(op.amount);
  const debitAfter = BigInt(debit) - amount;
  if (op.debitAccount !== SYSTEM_ACCOUNT && debitAfter < 0n) throw new Error(`${key}: insufficient balance`);
  const now = Date.now();
  writeBook.run(debitAfter.toString(), now, op.debitAccount, op.asset, op.debitBucket);
  writeBook.run((BigInt(credit) + amount).toString(), now, op.creditAccount, op.asset, op.creditBucket);
  const request = keyedRequest(key, op.request);
  const id = insertOperation.run(key, requestHash(request), op.type, now, request).lastInsertRowid;
  insertPosting.run(id, 0, op.debitAccount, op.debitBucket, op.asset, (-amount).toString());
  insertPosting.run(id, 1, op.creditAccount, op.creditBucket, op.asset, amount.toString());
}

let next = 0;
const commitGroup = db.transaction((count: number) => {
  for (let i = 0; i < count; i++) {
    const n = next++;
    apply(`${spec.keyPrefix}-${n}`, spec.operations[n % spec.operations.length]!);
  }
});

/** Commits groups until `seconds` have passed; returns the latency of each commit (ms). */
function runFor(seconds: number): number[] {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let t = performance.now(); t < end; ) {
    commitGroup(spec.opsPerCommit);
    const after = performance.now();
    latencies.push(after - t);
    t = after;
  }
  return latencies;
}

runFor(spec.warmupS);
const startOps = next;
const startCpu = process.cpuUsage();
const startAt = performance.now();
const latencies = runFor(spec.durationS);
const wallS = (performance.now() - startAt) / 1000;
const cpu = process.cpuUsage(startCpu);
db.close();

const result: RawResult = {
  operations: next - startOps,
  commits: latencies.length,
  wallS,
  processCpuS: (cpu.user + cpu.system) / 1e6,
  postgresCpuS: null,
  latencyMs: quantiles(latencies),
  deadlocks: 0,
  description: `better-sqlite3, WAL, synchronous=${synchronous}, ${spec.opsPerCommit} operation${spec.opsPerCommit > 1 ? 's' : ''} per commit, one thread`,
};
console.log(JSON.stringify(result));
