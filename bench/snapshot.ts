/**
 * How long a snapshot takes to save and to restore, as a test suite does it: assetbook started in
 * this process (`startAssetbook`, the demo loaded), the ledger grown by `--sizes` extra operations,
 * then `operator.snapshot()` (GET /snapshot) and `operator.restore(file)` (PUT /snapshot) timed
 * over loopback HTTP, `--repeat` times each after 3 untimed runs. `check` is the part of a restore
 * spent reading the file before anything is written (shape, digest, references, verify), timed
 * alone in this process. Every restore is followed by nothing: each one empties and writes the
 * whole ledger, whatever changed since.
 *
 *   npm run bench:snapshot -- [--stores memory,file,postgres] [--sizes 0,1000,10000] [--repeat 30]
 *                             [--postgres-url <url>]
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { startAssetbook, type Assetbook } from '../src/index.js';
import type { OperationRequest } from '../src/ledger/operation-types.js';
import { readSnapshotFile } from '../src/snapshot/file.js';
import { fmt, gitRevision, makeTempDir, markdownTable, median, onSignalCleanup, positiveInt, runMain } from './lib.js';

const STORES = ['memory', 'file', 'postgres'] as const;
type Store = (typeof STORES)[number];
const WARMUP = 3;
const BATCH = 1000;

interface Timings {
  readonly save: number[];
  readonly restore: number[];
  readonly check: number[];
}

function summary(values: readonly number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)] ?? NaN;
  return `${fmt.ms(median(values))} (${fmt.ms(sorted[0] ?? NaN)}–${fmt.ms(p90)})`;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** `count` operations on the demo accounts, in batches: deposits, then transfers back and forth. */
async function grow(ab: Assetbook, count: number): Promise<void> {
  const alice = ab.account('alice');
  const bob = ab.account('bob');
  for (let done = 0; done < count; done += BATCH) {
    const batch: OperationRequest[] = [];
    for (let i = done; i < Math.min(count, done + BATCH); i++) {
      batch.push(
        i % 2 === 0
          ? { key: `bench-${i}`, type: 'deposit', account: alice, asset: 'USDT', amount: '1.5' }
          : { key: `bench-${i}`, type: 'transfer', from: alice, to: bob, asset: 'USDT', amount: '0.25' },
      );
    }
    await ab.operator.applyBatch(batch);
  }
}

async function measure(db: string, extra: number, repeat: number): Promise<Timings & { bytes: number; entries: number }> {
  const ab = await startAssetbook({ db, secretKey: randomBytes(32).toString('hex') });
  try {
    await grow(ab, extra);
    const file = await ab.operator.snapshot();
    const bytes = Buffer.byteLength(JSON.stringify(file));
    const timings: Timings = { save: [], restore: [], check: [] };
    for (let i = 0; i < WARMUP + repeat; i++) {
      const save = await timed(() => ab.operator.snapshot());
      const check = await timed(() => readSnapshotFile(file));
      const restore = await timed(() => ab.operator.restore(file));
      if (i < WARMUP) continue;
      timings.save.push(save);
      timings.check.push(check);
      timings.restore.push(restore);
    }
    const report = await ab.operator.verify();
    if (!report.ok || report.entries !== file.ledger.journal.length) throw new Error(`verify after the restores: ${JSON.stringify(report)}`);
    return { ...timings, bytes, entries: file.ledger.journal.length };
  } finally {
    await ab.stop();
  }
}

/** A fresh schema on the server, dropped at the end (and on a signal). */
async function withSchema<T>(url: string, fn: (schemaUrl: string) => Promise<T>): Promise<T> {
  const schema = `ab_bench_snapshot_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { onnotice: () => {} });
  const drop = async () => {
    await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  };
  const unregister = onSignalCleanup(drop);
  try {
    const schemaUrl = new URL(url);
    schemaUrl.searchParams.set('search_path', schema);
    return await fn(schemaUrl.toString());
  } finally {
    unregister();
    await drop();
    await admin.end();
  }
}

async function postgresVersion(url: string): Promise<string> {
  const sql = postgres(url, { onnotice: () => {} });
  try {
    const [row] = await sql<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
    return row?.v ?? 'unknown';
  } finally {
    await sql.end();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stores: { type: 'string', default: STORES.join(',') },
      sizes: { type: 'string', default: '0,1000,10000' },
      repeat: { type: 'string', default: '30' },
      'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    },
  });
  const stores = values.stores.split(',').map((s) => s.trim()) as Store[];
  for (const s of stores) if (!STORES.includes(s)) throw new Error(`--stores takes ${STORES.join(', ')}; got ${s}`);
  const sizes = values.sizes.split(',').map((s) => positiveInt('--sizes', s.trim(), true));
  const repeat = positiveInt('--repeat', values.repeat);
  const pgUrl = values['postgres-url'];

  const cpu = cpus();
  console.log(`# snapshot save and restore, ${new Date().toISOString()}`);
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; assetbook ${gitRevision()}`);
  if (stores.includes('postgres')) console.log(`PostgreSQL ${await postgresVersion(pgUrl)} at ${new URL(pgUrl).host}`);
  console.log(`each figure: median (min–p90) of ${repeat} runs after ${WARMUP} untimed, in ms, over loopback HTTP in one process\n`);

  const rows: string[][] = [];
  const dir = makeTempDir('assetbook-bench-snapshot-');
  for (const store of stores) {
    for (const extra of sizes) {
      const run = (db: string) => measure(db, extra, repeat);
      const result =
        store === 'memory' ? await run(':memory:') : store === 'file' ? await run(join(dir, `bench-${extra}.db`)) : await withSchema(pgUrl, run);
      const name = { memory: 'SQLite :memory:', file: 'SQLite file (durability full)', postgres: 'PostgreSQL' }[store];
      rows.push([name, fmt.int(result.entries), `${fmt.int(result.bytes / 1024)} KiB`, summary(result.save), summary(result.restore), summary(result.check)]);
      console.log(`${name}, ${fmt.int(result.entries)} entries: save ${summary(result.save)}, restore ${summary(result.restore)}, of which check ${summary(result.check)}`);
    }
  }
  console.log(`\n${markdownTable(['store', 'journal entries', 'file', 'save (GET)', 'restore (PUT)', 'check (in restore)'], rows)}`);
}

runMain(main);
