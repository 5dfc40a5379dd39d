/**
 * What the raw write baselines share: the operations they apply (the benchmark's own operation
 * pattern, turned into two books and an amount in base units), their spec, their result, and
 * running one in a child pinned to the server CPU.
 *
 * A raw baseline does the work one assetbook operation does, with nothing around it: the
 * idempotency-key check, reading and locking the two books, the not-negative check on a user's
 * book, updating both, the journal row with the request's JSON text and its hash, two postings.
 * What it leaves out is exactly what the ratio measures: HTTP, validation, the ledger's model
 * (buckets, reservations, venue facts) and the store's abstraction.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenGone, makeTempDir, onSignalCleanup, removeTempDir, spawnPinned } from '../lib.js';
import { dropSchemasOf } from '../deployment.js';

/** The system account and the book a deposit comes from (src/ledger: SYSTEM_ACCOUNT, 'world'). */
export const SYSTEM_ACCOUNT = 0;
export const WORLD_BUCKET = 'world';
/** What every user book of the pattern opens with: far more than any run can transfer out. */
export const OPENING_BALANCE = 10n ** 30n;

/** One operation as a raw baseline applies it: `amount` moves from `debit` to `credit`. */
export interface RawOperation {
  readonly type: string;
  readonly asset: string;
  readonly debitAccount: number;
  readonly debitBucket: string;
  readonly creditAccount: number;
  readonly creditBucket: string;
  /** Base units, decimal text (never a JavaScript number). */
  readonly amount: string;
  /** The operation's JSON as assetbook receives it, without its key (the key is added per use). */
  readonly request: string;
}

export interface RawSpec {
  readonly engine: 'sqlite' | 'postgres';
  readonly operations: readonly RawOperation[];
  /** Unique per run: operation keys are `<keyPrefix>-<n>`. */
  readonly keyPrefix: string;
  readonly durationS: number;
  readonly warmupS: number;
  /** SQLite: operations per commit (1, 100). PostgreSQL: 1 = one function call per operation, N = batches of N in one transaction. */
  readonly opsPerCommit: number;
  /** SQLite: PRAGMA synchronous (FULL for durability full). */
  readonly synchronous?: string;
  /** SQLite: the directory of the database file. */
  readonly dir?: string;
  /** PostgreSQL: the server (no search_path: the baseline makes its own scratch schema and drops it). */
  readonly postgresUrl?: string;
  /**
   * PostgreSQL batches: `calls` (the books locked, then one single-operation call per operation,
   * pipelined, in one transaction) or `set` (one set-based call per batch).
   */
  readonly batchStyle?: 'calls' | 'set';
  /** PostgreSQL: concurrent clients, each with its own connection, each with one call (or batch) in flight. */
  readonly clients?: number;
}

export interface RawResult {
  /** Operations committed in the measured run. */
  readonly operations: number;
  readonly commits: number;
  readonly wallS: number;
  /** CPU seconds of the baseline's own process (the driver) in the measured run. */
  readonly processCpuS: number;
  /** CPU seconds of every `postgres` process in the measured run (PostgreSQL only). */
  readonly postgresCpuS: number | null;
  /** Latency of one commit (SQLite) or one call / batch (PostgreSQL), ms. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** PostgreSQL: deadlocks reported to a client (the operation is then not counted). */
  readonly deadlocks: number;
  readonly description: string;
}

/** Parses a decimal amount into base units at `scale` (exact, no float): '0.01' at 6 is 10000n. */
export function toBaseUnits(text: string, scale: number): bigint {
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!match) throw new Error(`not a plain decimal amount: ${text}`);
  const fraction = match[2] ?? '';
  if (fraction.length > scale) throw new Error(`${text} has more than ${scale} decimals`);
  return BigInt(match[1]! + fraction.padEnd(scale, '0'));
}

/** The benchmark's operations (deposits and transfers of the operator API) as raw operations. */
export function rawOperations(pattern: readonly Record<string, unknown>[], scales: ReadonlyMap<string, number>): RawOperation[] {
  return pattern.map((op) => {
    const asset = String(op.asset);
    const scale = scales.get(asset);
    if (scale === undefined) throw new Error(`no scale for asset ${asset}`);
    const amount = toBaseUnits(String(op.amount), scale).toString();
    const request = JSON.stringify(op);
    if (op.type === 'deposit') {
      return { type: 'deposit', asset, debitAccount: SYSTEM_ACCOUNT, debitBucket: WORLD_BUCKET, creditAccount: Number(op.account), creditBucket: 'available', amount, request };
    }
    if (op.type === 'transfer') {
      return { type: 'transfer', asset, debitAccount: Number(op.from), debitBucket: 'available', creditAccount: Number(op.to), creditBucket: 'available', amount, request };
    }
    throw new Error(`raw baselines apply deposits and transfers, not ${String(op.type)}`);
  });
}

/** Every book the operations touch, once: what a baseline creates before it starts. */
export function booksOf(operations: readonly RawOperation[]): { account: number; asset: string; bucket: string }[] {
  const seen = new Map<string, { account: number; asset: string; bucket: string }>();
  for (const op of operations) {
    for (const [account, bucket] of [
      [op.debitAccount, op.debitBucket],
      [op.creditAccount, op.creditBucket],
    ] as const) {
      seen.set(`${account}/${op.asset}/${bucket}`, { account, asset: op.asset, bucket });
    }
  }
  return [...seen.values()];
}

/** What assetbook stores beside a request to tell a replay from a conflicting reuse of its key. */
export function requestHash(request: string): string {
  return createHash('sha256').update(request).digest('hex');
}

/** The request's JSON with its key, as the journal stores it. */
export function keyedRequest(key: string, request: string): string {
  return `{"key":${JSON.stringify(key)},${request.slice(1)}`;
}

export function quantiles(latencies: readonly number[]): RawResult['latencyMs'] {
  const sorted = Float64Array.from(latencies).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), max: q(1) };
}

/** Runs a raw baseline in a child (pinned to `cpu`, the server's) and returns its result line. */
export async function runRaw(name: string, cpu: number | null, spec: RawSpec): Promise<RawResult> {
  const dir = makeTempDir('assetbook-bench-raw-');
  try {
    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify({ ...spec, dir: spec.dir ?? dir }));
    const script = spec.engine === 'sqlite' ? 'bench/baselines/sqlite-raw.ts' : 'bench/baselines/postgres-raw.ts';
    const child = spawnPinned(name, cpu, script, ['--spec', specFile]);
    // A signal kills the child at once (SIGKILL): its scratch schema is then dropped from here
    // (by the signal's cleanup, or below when the failure path gets there first).
    const unregister =
      spec.engine === 'postgres'
        ? onSignalCleanup(async () => {
            await childrenGone();
            await dropSchemasOf(spec.postgresUrl!, child.pid);
          })
        : () => true;
    const code = await child.exited;
    unregister();
    if (code !== 0) {
      // Killed (or failed) before it dropped its scratch schema: drop it before the failure ends the process.
      if (spec.engine === 'postgres') await dropSchemasOf(spec.postgresUrl!, child.pid).catch(() => undefined);
      throw new Error(`${name}: exited with ${code}\n${child.stderr()}`);
    }
    const line = child.stdout().trim().split('\n').at(-1);
    if (line === undefined || !line.startsWith('{')) throw new Error(`${name}: no result on stdout`);
    return JSON.parse(line) as RawResult;
  } finally {
    removeTempDir(dir);
  }
}
