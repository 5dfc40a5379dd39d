/**
 * What bench/write.ts measured, and its summary: assetbook beside the raw baselines with the
 * ratios against issue 14's goals, the HTTP floor (bare Fastify given the same requests), and the
 * throughput of 2 instances against 1.
 */
import { fmt, goal, markdownTable, median, otherLoad, ratioSummary, requestsPerS, type LoadResult } from './lib.js';
import type { StoreKind } from './deployment.js';
import type { RawResult } from './baselines/raw.js';
import type { Workload } from './workloads.js';

export type Mode = 'single' | 'batch';

/** One fresh store and its servers. */
export interface Configuration {
  readonly store: StoreKind;
  /** SQLite's; PostgreSQL's is its server's (synchronous_commit), reported once. */
  readonly durability: string | null;
  readonly instances: number;
  readonly groupCommit: 'on' | 'off';
  readonly workload: Workload;
}

/** One assetbook run. */
export interface Row {
  readonly config: Configuration;
  readonly mode: Mode;
  readonly rep: number;
  readonly opsPerRequest: number;
  readonly load: LoadResult;
  /** Operations per commit over the warm-up and the measured run, from the servers' group-commit counters (single mode with group commit on). */
  readonly group: { readonly operations: number; readonly commits: number } | null;
}

/**
 * The raw baselines: `single` (SQLite: 1 operation per commit; PostgreSQL: one call per operation,
 * 32 clients) and `batch` (SQLite: --batch operations per commit; PostgreSQL: 32 concurrent batches).
 */
export interface RawRow {
  readonly config: Configuration;
  readonly kind: Mode;
  readonly rep: number;
  readonly result: RawResult;
}

/** The HTTP floor: bare Fastify given the requests of `mode`, answering with assetbook's bytes and doing nothing else. */
export interface FloorRow {
  readonly config: Configuration;
  readonly mode: Mode;
  readonly rep: number;
  readonly opsPerRequest: number;
  readonly load: LoadResult;
}

/** Deadlocks PostgreSQL detected during a configuration, with the raw baseline's own taken out. */
export interface ConfigDeadlocks {
  readonly config: Configuration;
  readonly database: number;
  readonly raw: number;
}

export function configName(c: Configuration): string {
  return [c.store, c.durability, c.instances > 1 ? `${c.instances}x` : null, c.groupCommit === 'off' ? 'no-gc' : null, c.workload].filter((p) => p !== null).join('-');
}

const opsPerS = (row: Row | FloorRow) => requestsPerS(row.load) * row.opsPerRequest;
const rawOpsPerS = (raw: RawRow) => raw.result.operations / raw.result.wallS;
/** CPU µs per operation of the whole path: the servers' (or the raw driver's) plus PostgreSQL's when it is the store. */
const cpuPerOp = (row: Row | FloorRow) => ((row.load.serverCpuS + (row.load.postgresCpuS ?? 0)) * 1e6) / (row.load.ok * row.opsPerRequest);
const rawCpuPerOp = (raw: RawRow) => ((raw.result.processCpuS + (raw.result.postgresCpuS ?? 0)) * 1e6) / raw.result.operations;

/** The goals: which baseline a mode is held against, and the ratio it must reach. */
function goalFor(store: StoreKind, mode: Mode): { baseline: Mode; ratio: number } {
  if (store === 'sqlite') return mode === 'single' ? { baseline: 'batch', ratio: 0.5 } : { baseline: 'batch', ratio: 0.8 };
  return { baseline: mode, ratio: 0.8 };
}

function rawName(store: StoreKind, kind: Mode, batch: number): string {
  if (store === 'sqlite') return kind === 'single' ? 'raw SQLite, 1 op/commit' : `raw SQLite, ${batch} ops/commit`;
  return kind === 'single' ? 'raw PostgreSQL, 1 call/op' : `raw PostgreSQL, batches of ${batch}`;
}

const sameConfig = (a: Configuration, b: Configuration) => configName(a) === configName(b);

/** One HTTP-driven run's cells (assetbook's or the HTTP floor's) in the runs table. */
function loadCells(row: Row | FloorRow, system: string, perCommit: string, withPostgres: boolean): string[] {
  const { load } = row;
  const ops = load.ok * row.opsPerRequest;
  return [
    configName(row.config),
    String(row.rep),
    system,
    fmt.int(opsPerS(row)),
    fmt.ms(load.latencyMs.p50),
    fmt.ms(load.latencyMs.p99),
    perCommit,
    fmt.int((load.serverCpuS * 1e6) / ops),
    fmt.pct(load.serverCpuS / load.wallS),
    ...(withPostgres ? [load.postgresCpuS === null ? '—' : fmt.int((load.postgresCpuS * 1e6) / ops)] : []),
    fmt.ratio(otherLoad(load)),
  ];
}

/** Per repetition, a run's operations/s ÷ the baseline run of the same repetition (none when that one is missing). */
function ratiosTo(baseline: readonly RawRow[], runs: readonly (Row | FloorRow)[]): number[] {
  return runs.flatMap((run) => {
    const b = baseline.find((r) => r.rep === run.rep);
    return b ? [opsPerS(run) / rawOpsPerS(b)] : [];
  });
}

/** Every run, as it was measured: assetbook's, the HTTP floor's and the baselines'. */
export function runsTable(rows: readonly Row[], raws: readonly RawRow[], floors: readonly FloorRow[], batch: number, withPostgres: boolean): string {
  const header = [
    'configuration',
    'repetition',
    'system',
    'operations/s',
    'p50 ms',
    'p99 ms',
    'operations/commit',
    'server (or raw driver) CPU µs/op',
    'server CPU busy',
    ...(withPostgres ? ['PostgreSQL CPU µs/op'] : []),
    'other load (cores)',
  ];
  // In the order they ran: configuration, then repetition (assetbook's runs, the HTTP floor's, then the baselines').
  const order = [...new Set([...rows, ...raws, ...floors].map((r) => configName(r.config)))];
  const keyed: { key: [number, number, number]; cells: string[] }[] = [];
  const lines = {
    push: (cells: string[], config: Configuration, rep: number, side: number) => keyed.push({ key: [order.indexOf(configName(config)), rep, side], cells }),
  };
  for (const row of rows) {
    const perCommit = row.group
      ? fmt.ratio(row.group.operations / Math.max(1, row.group.commits))
      : row.mode === 'batch'
        ? `${row.opsPerRequest} (one per request)`
        : '1 (no group commit)';
    const system = row.mode === 'single' ? 'assetbook single (POST /operations)' : `assetbook batch of ${row.opsPerRequest}`;
    lines.push(loadCells(row, system, perCommit, withPostgres), row.config, row.rep, 0);
  }
  for (const floor of floors) {
    const system = floor.mode === 'single' ? 'HTTP floor: bare Fastify, single' : `HTTP floor: bare Fastify, batch of ${floor.opsPerRequest}`;
    lines.push(loadCells(floor, system, '—', withPostgres), floor.config, floor.rep, 1);
  }
  for (const raw of raws) {
    const r = raw.result;
    lines.push([
      configName(raw.config),
      String(raw.rep),
      rawName(raw.config.store, raw.kind, batch),
      fmt.int(rawOpsPerS(raw)),
      fmt.ms(r.latencyMs.p50),
      fmt.ms(r.latencyMs.p99),
      fmt.ratio(r.operations / Math.max(1, r.commits)),
      fmt.int((r.processCpuS * 1e6) / Math.max(1, r.operations)),
      fmt.pct(r.processCpuS / r.wallS),
      ...(withPostgres ? [r.postgresCpuS === null ? '—' : fmt.int((r.postgresCpuS * 1e6) / Math.max(1, r.operations))] : []),
      '—',
    ], raw.config, raw.rep, 2);
  }
  // A stable sort keeps the modes in the order they ran within each side.
  keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
  return markdownTable(header, keyed.map((k) => k.cells));
}

/** The summary: per configuration and mode, assetbook beside its baseline, the ratio and the goals. */
export function summaryTable(rows: readonly Row[], raws: readonly RawRow[], floors: readonly FloorRow[], deadlocks: readonly ConfigDeadlocks[], batch: number): string {
  const header = [
    'store',
    'durability',
    'instances',
    'group commit',
    'workload',
    'mode',
    'assetbook ops/s',
    'assetbook p99 ms',
    'baseline',
    'baseline ops/s',
    'ratio (median, min–max)',
    'goal',
    'CPU µs/op, assetbook / baseline',
    'HTTP floor ops/s (CPU µs/op)',
    'floor ÷ baseline',
    'batch p99 < 2 s',
    'deadlocks (assetbook)',
  ];
  const lines: string[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const id = `${configName(row.config)}/${row.mode}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const { config, mode } = row;
    const mine = rows.filter((r) => sameConfig(r.config, config) && r.mode === mode);
    const target = goalFor(config.store, mode);
    const baseline = raws.filter((r) => sameConfig(r.config, config) && r.kind === target.baseline);
    const ratios = ratiosTo(baseline, mine);
    const floor = floors.filter((f) => sameConfig(f.config, config) && f.mode === mode);
    const floorRatios = ratiosTo(baseline, floor);
    const p99 = median(mine.map((m) => m.load.latencyMs.p99));
    const d = deadlocks.find((x) => sameConfig(x.config, config));
    const pgBatch = config.store === 'postgres' && mode === 'batch';
    lines.push([
      config.store === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      config.durability ?? '—',
      String(config.instances),
      config.groupCommit,
      config.workload,
      mode === 'single' ? 'single' : `batch of ${mine[0]?.opsPerRequest ?? batch}`,
      fmt.int(median(mine.map(opsPerS))),
      fmt.ms(p99),
      baseline.length > 0 ? rawName(config.store, target.baseline, batch) : '—',
      baseline.length > 0 ? fmt.int(median(baseline.map(rawOpsPerS))) : '—',
      ratioSummary(ratios),
      ratios.length > 0 ? `≥ ${target.ratio}: ${goal(median(ratios) >= target.ratio)}` : '—',
      `${fmt.int(median(mine.map(cpuPerOp)))} / ${baseline.length > 0 ? fmt.int(median(baseline.map(rawCpuPerOp))) : '—'}`,
      floor.length > 0 ? `${fmt.int(median(floor.map(opsPerS)))} (${fmt.int(median(floor.map(cpuPerOp)))})` : '—',
      floorRatios.length > 0 ? ratioSummary(floorRatios) : '—',
      pgBatch ? goal(p99 < 2000) : '—',
      config.store === 'postgres' && d ? `${Math.max(0, d.database - d.raw)}${d.database - d.raw > 0 ? ' (goal 0: MISSED)' : ''}` : '—',
    ]);
  }
  return markdownTable(header, lines);
}

/** PostgreSQL with several instance counts: total operations/s of N instances ÷ 1 instance's (goal ≥ 1.0). */
export function instancesTable(rows: readonly Row[]): string | null {
  const pg = rows.filter((r) => r.config.store === 'postgres');
  const counts = [...new Set(pg.map((r) => r.config.instances))].sort((a, b) => a - b);
  if (!counts.includes(1) || counts.length < 2) return null;
  const lines: string[][] = [];
  const keys = new Set(pg.map((r) => `${r.config.groupCommit}/${r.config.workload}/${r.mode}`));
  for (const key of keys) {
    const [groupCommit, workload, mode] = key.split('/');
    const of = (n: number) => pg.filter((r) => r.config.instances === n && r.config.groupCommit === groupCommit && r.config.workload === workload && r.mode === mode);
    const one = median(of(1).map(opsPerS));
    for (const n of counts.filter((c) => c > 1)) {
      const many = of(n);
      if (many.length === 0 || Number.isNaN(one)) continue;
      const ratio = median(many.map(opsPerS)) / one;
      // 0 ÷ 0 (no request finished in either) is not a ratio: shown as —, goal not judged.
      lines.push([String(groupCommit), String(workload), String(mode), fmt.int(one), `${n}: ${fmt.int(median(many.map(opsPerS)))}`, fmt.ratio(ratio), goal(Number.isFinite(ratio) ? ratio >= 1 : null)]);
    }
  }
  return markdownTable(['group commit', 'workload', 'mode', '1 instance ops/s', 'N instances: ops/s (total)', 'N ÷ 1', 'goal ≥ 1.0'], lines);
}
