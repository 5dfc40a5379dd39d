/**
 * What bench/read.ts and bench/write.ts share: pinned child processes (servers on one CPU, the
 * autocannon client on another), their cleanup on every path, flags, and table printing.
 *
 * Every child is started as `taskset -c <cpu> node --import tsx <script>`: taskset sets the CPU
 * affinity and then execs node, so the child's pid is node's pid and every thread node starts
 * (libuv pool, V8 helpers, better-sqlite3 calls) inherits the affinity. With `--pin off`, children
 * are started as plain `node --import tsx <script>` and the kernel schedules them anywhere.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from 'autocannon';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OPERATOR_PREFIX = '/_assetbook/v1';

// ---------------------------------------------------------------------------------------------
// Cleanup on every path: children are SIGKILLed and temp dirs removed on process exit, and a
// signal turns into an exit (which runs the same handler). A signal first kills the children, then
// runs the asynchronous cleanups still registered (dropping a PostgreSQL schema), at most 20 s.

const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const asyncCleanups = new Set<() => Promise<void>>();

function killChildren(): void {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', () => {
  killChildren();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (signalled) process.exit(130);
    signalled = true;
    console.error(`\n${signal}: stopping child processes`);
    killChildren();
    if (asyncCleanups.size === 0) process.exit(130);
    const timer = setTimeout(() => {
      console.error('cleanup did not finish within 20 s: exiting anyway');
      process.exit(130);
    }, 20_000);
    void Promise.allSettled([...asyncCleanups].map((fn) => fn())).then(() => {
      clearTimeout(timer);
      process.exit(130);
    });
  });
}

/**
 * Registers an asynchronous cleanup to run if a signal stops the benchmark (the normal and failing
 * paths run their own `finally`). Returns the function that unregisters it.
 */
export function onSignalCleanup(fn: () => Promise<void>): () => void {
  asyncCleanups.add(fn);
  return () => asyncCleanups.delete(fn);
}

/** Waits until the children are gone (after a signal killed them): a cleanup that needs them gone first. */
export async function childrenGone(): Promise<void> {
  for (let i = 0; i < 100 && liveChildren.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Runs `main`, prints a failure loudly, and always ends the process (no handle can keep it up). */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`\nBENCHMARK FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Pinned children

export interface PinnedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  readonly exited: Promise<number | string>;
  /** Everything the child wrote to stdout so far. */
  stdout(): string;
  stderr(): string;
}

/**
 * `cpu` null: not pinned (`--pin off`). `wrapper`: a command that runs node in the same process
 * (exec, as taskset does), so that the child's pid stays node's: valgrind, for
 * bench/read-instructions.ts.
 */
export function spawnPinned(
  name: string,
  cpu: number | null,
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  nodeArgs: readonly string[] = [],
  wrapper: readonly string[] = [],
): PinnedChild {
  const nodeCommand = [...wrapper, process.execPath, ...nodeArgs, '--import', 'tsx', join(ROOT, script), ...args];
  const [command, ...commandArgs] = cpu === null ? nodeCommand : ['taskset', '-c', String(cpu), ...nodeCommand];
  const proc = spawn(command!, commandArgs, {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not start (is taskset installed?)`);
  liveChildren.add(proc);
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    // Children only write to stderr when something is wrong: show it as it happens.
    process.stderr.write(chunk.replace(/^/gm, `[${name}] `));
  });
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      liveChildren.delete(proc);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { name, process: proc, pid: proc.pid, exited, stdout: () => out, stderr: () => err };
}

/** The CPU list the kernel reports for a pid, as taskset prints it ("1", "0-1"). */
export function affinityOf(pid: number): string {
  const text = execFileSync('taskset', ['-cp', String(pid)], { encoding: 'utf8' });
  return text.trim().replace(/^.*:\s*/, '');
}

let clockTicksCache: number | undefined;
/** USER_HZ, the unit of /proc CPU times (100 on every usual Linux). */
function clockTicks(): number {
  clockTicksCache ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicksCache;
}

/** User + system CPU seconds a process has used so far (Linux /proc, clock-tick resolution). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/**
 * CPU seconds used so far by every process named `postgres` (the server, its background workers and
 * one backend per connection), by pid. Backends of every client count, not only assetbook's.
 */
export function postgresCpuSeconds(): Record<number, number> {
  const out: Record<number, number> = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      out[Number(entry)] = cpuSecondsOf(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Busy seconds of every CPU since boot (Linux /proc/stat; busy is everything but idle and iowait). */
export function cpuBusySeconds(): number[] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu[0-9]+ /.test(line))
    .map((line) => {
      const n = line.trim().split(/\s+/).slice(1, 9).map(Number);
      const total = n.reduce((a, b) => a + b, 0);
      return (total - (n[3] ?? 0) - (n[4] ?? 0)) / clockTicks();
    });
}

/** Checks both CPUs exist, so that a one-core machine fails loudly instead of measuring nonsense. */
export function checkCpus(serverCpu: number, loadCpu: number): void {
  const cpus = availableParallelism();
  for (const cpu of [serverCpu, loadCpu]) {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= cpus) throw new Error(`CPU ${cpu} does not exist here (${cpus} available)`);
  }
  if (serverCpu === loadCpu) throw new Error('the server and the load generator must be pinned to different CPUs');
}

export interface RunningServer {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly affinity: string;
  readonly info: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Extra node flags for the servers, from BENCH_SERVER_NODE_ARGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a server under the benchmark's own load.
 */
export function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
}

export interface ServerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** How long the server may take to listen (default 60 s). */
  readonly readyTimeoutS?: number;
  /** A command node runs under, in the same process (`spawnPinned`). */
  readonly wrapper?: readonly string[];
  /** Node flags, before BENCH_SERVER_NODE_ARGS's. */
  readonly nodeArgs?: readonly string[];
}

/**
 * Starts a server script pinned to `cpu` (null: unpinned) and waits for the one JSON line it prints
 * once it listens (`{"ready":true,"url":...}`). Fails if it exits or stays silent for `readyTimeoutS`.
 */
export async function startServer(name: string, cpu: number | null, script: string, args: readonly string[], options: ServerOptions = {}): Promise<RunningServer> {
  const { env = {}, readyTimeoutS = 60, wrapper = [] } = options;
  const nodeArgs = [...(options.nodeArgs ?? []), ...serverNodeArgs()];
  if (nodeArgs.length > 0) console.log(`  ${name}: extra node flags ${nodeArgs.join(' ')}`);
  const child = spawnPinned(name, cpu, script, args, env, nodeArgs, wrapper);
  const stop = async () => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
    await child.exited;
    clearTimeout(timer);
  };
  try {
    const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: not listening after ${readyTimeoutS} s`)), readyTimeoutS * 1000);
      const onData = () => {
        const line = child.stdout().split('\n').find((l) => l.startsWith('{') && l.includes('"ready"'));
        if (line === undefined) return;
        clearTimeout(timer);
        child.process.stdout?.off('data', onData);
        resolve(JSON.parse(line) as Record<string, unknown>);
      };
      child.process.stdout?.on('data', onData);
      void child.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name}: exited (${code}) before listening\n${child.stderr()}`));
      });
    });
    if (typeof info.url !== 'string') throw new Error(`${name}: ready line has no url`);
    return { name, url: info.url, pid: child.pid, affinity: affinityOf(child.pid), info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The load generator: bench/load.ts in a child pinned to the client CPU.

/** One server the load drives: with several (instances on one store), the connections are split between them. */
export interface LoadTarget {
  readonly url: string;
  readonly serverPid: number;
}

interface LoadCommon {
  readonly targets: readonly LoadTarget[];
  readonly headers: Record<string, string>;
  /** In all, split as evenly as possible between the targets (at least one each). */
  readonly connections: number;
  readonly durationS: number;
  readonly warmupS: number;
  /** Also measure the CPU of every process named `postgres`. */
  readonly measurePostgres?: boolean;
}

export type LoadSpec =
  | (LoadCommon & { readonly kind: 'get' })
  | (LoadCommon & {
      readonly kind: 'operations';
      /** 0: one operation per POST /operations; N: POST /operations/batch with N operations. */
      readonly batch: number;
      readonly keyPrefix: string;
      /** Operations without keys, used in turn. */
      readonly pattern: readonly Record<string, unknown>[];
    });

/** Latencies of 2xx responses in ms, at microsecond resolution (autocannon's own are whole ms). */
export interface Latencies {
  readonly mean: number;
  readonly p50: number;
  readonly p97_5: number;
  readonly p99: number;
  readonly max: number;
  /** 2xx responses they cover. */
  readonly count: number;
}

/**
 * What bench/load.ts reports. Everything but `results[i].warmup` covers the measured run only: the
 * snapshots are taken when the first autocannon instance starts its measured run and when the last
 * one ends (with one target, exactly its measured run; with several, started in the same tick, the
 * runs differ by milliseconds).
 */
export interface LoadResult {
  /** autocannon's result for each target, in `targets` order. */
  readonly results: readonly Result[];
  /** Wall seconds of the measured run. */
  readonly wallS: number;
  /** CPU seconds the autocannon process used during the measured run. */
  readonly clientCpuS: number;
  /** CPU seconds the server processes used during the measured run, in all. */
  readonly serverCpuS: number;
  /** The same for each server, in `targets` order. */
  readonly serverCpuEachS: readonly number[];
  /** CPU seconds every `postgres` process used during the measured run (when measured), other clients' backends included. */
  readonly postgresCpuS: number | null;
  /** Busy seconds of each CPU of the machine during the measured run (every process, kernel included). */
  readonly cpuBusyS: readonly number[];
  /** Latencies of the measured run's 2xx responses, every target merged. */
  readonly latencyMs: Latencies;
  /** The same for each target. */
  readonly latencyEachMs: readonly Latencies[];
  /** 2xx responses in the measured run, every target. */
  readonly ok: number;
  /** Operations the client generated (operation loads only), warm-up included. */
  readonly generatedOperations: number;
  readonly clientAffinity: string;
}

/** Requests per second of a load: autocannon's mean of per-second counts, summed over the targets. */
export function requestsPerS(load: LoadResult): number {
  return load.results.reduce((sum, r) => sum + r.requests.average, 0);
}

/** 2xx responses of a load, measured run (and warm-up), every target. */
export function count2xx(load: LoadResult): { readonly measured: number; readonly warmup: number } {
  return {
    measured: load.results.reduce((sum, r) => sum + r['2xx'], 0),
    warmup: load.results.reduce((sum, r) => sum + (r.warmup?.['2xx'] ?? 0), 0),
  };
}

/** Connections for each of `targets` servers, `total` in all. */
export function splitConnections(total: number, targets: number): number[] {
  if (total < targets) throw new Error(`--connections ${total} is fewer than the ${targets} servers to drive`);
  return Array.from({ length: targets }, (_t, i) => Math.floor(total / targets) + (i < total % targets ? 1 : 0));
}

/**
 * On a shared machine, waits until the other processes leave the CPUs alone (under 0.15 of a core
 * for 3 s in a row), at most `maxWaitS` seconds; then carries on, saying how busy it was.
 */
export async function waitQuiet(maxWaitS: number): Promise<void> {
  if (maxWaitS <= 0) return;
  const deadline = performance.now() + maxWaitS * 1000;
  let quiet = 0;
  let said = false;
  for (;;) {
    const before = cpuBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busy = cpuBusySeconds().reduce((sum, b, i) => sum + b - (before[i] ?? b), 0);
    quiet = busy < 0.15 ? quiet + 1 : 0;
    if (quiet >= 3) return;
    if (!said && quiet === 0) {
      console.log(`  waiting up to ${maxWaitS} s for other processes to leave the CPUs (busy: ${busy.toFixed(2)} cores)`);
      said = true;
    }
    if (performance.now() > deadline) {
      console.log(`  WARNING: the machine is still busy (${busy.toFixed(2)} cores used by others): measuring anyway`);
      return;
    }
  }
}

export async function runLoad(name: string, cpu: number | null, spec: LoadSpec, quietWaitS = 0): Promise<LoadResult> {
  await waitQuiet(quietWaitS);
  // The spec goes through a file: a spread workload's operation pattern (thousands of accounts) is
  // larger than the kernel lets one environment variable be (128 KiB).
  const dir = makeTempDir('assetbook-bench-load-');
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  // stdin stays open: the load generator stops if it closes, i.e. if this process dies.
  const child = spawnPinned(`autocannon ${name}`, cpu, 'bench/load.ts', [], { BENCH_LOAD_SPEC_FILE: specFile });
  const code = await child.exited;
  removeTempDir(dir);
  if (code !== 0) throw new Error(`autocannon ${name}: exited with ${code}\n${child.stderr()}`);
  const line = child.stdout().trim().split('\n').at(-1);
  if (line === undefined || !line.startsWith('{')) throw new Error(`autocannon ${name}: no result on stdout`);
  // A run without a single response has NaN latencies, which JSON carries as null: make them NaN again.
  const latencyKeys = new Set(['mean', 'p50', 'p97_5', 'p99', 'max']);
  return JSON.parse(line, (key, value: unknown) => (value === null && latencyKeys.has(key) ? NaN : value)) as LoadResult;
}

/**
 * CPU seconds used on the machine by anything other than the servers, the client and (when
 * measured) PostgreSQL, per second of the run.
 */
export function otherLoad(load: LoadResult): number {
  const busy = load.cpuBusyS.reduce((x, y) => x + y, 0);
  return Math.max(0, busy - load.serverCpuS - load.clientCpuS - (load.postgresCpuS ?? 0)) / load.wallS;
}

/**
 * Fails loudly unless every response of the run (warm-up included), on every target, was a 2xx and
 * nothing errored. `requireResponses` false: a measured run in which no response came back at all
 * (every request still in flight at the stop: a write path that collapsed) is reported, not fatal.
 */
export function assertClean(name: string, load: LoadResult, requireResponses = true): void {
  const problems: string[] = [];
  for (const [i, r] of load.results.entries()) {
    const where = load.results.length > 1 ? ` (server ${i + 1})` : '';
    for (const [label, run] of [['measured', r], ['warm-up', r.warmup]] as const) {
      if (!run) continue;
      if (run.non2xx !== 0) problems.push(`${label}${where}: ${run.non2xx} non-2xx responses (${JSON.stringify(run.statusCodeStats)})`);
      if (run.errors !== 0) problems.push(`${label}${where}: ${run.errors} errors`);
      if (run.timeouts !== 0) problems.push(`${label}${where}: ${run.timeouts} timeouts`);
    }
    if (r['2xx'] === 0 && requireResponses) problems.push(`measured${where}: no 2xx response at all`);
  }
  if (problems.length > 0) throw new Error(`${name}: ${problems.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------
// Flags and printing

export interface CommonFlags {
  readonly quietWaitS: number;
  readonly durationS: number;
  readonly connections: number;
  readonly warmupS: number;
  readonly serverCpu: number;
  readonly loadCpu: number;
  /** False with `--pin off`: nothing pinned, the kernel schedules every process anywhere. */
  readonly pin: boolean;
  /** Alternated repetitions (`--repeat`): A,B,A,B… so that drift on a shared machine hits both sides. */
  readonly repeat: number;
}

/** The CPU to pin servers to, or null when nothing is pinned. */
export function serverCpuOf(flags: CommonFlags): number | null {
  return flags.pin ? flags.serverCpu : null;
}

/** The CPU to pin the load generator to, or null when nothing is pinned. */
export function loadCpuOf(flags: CommonFlags): number | null {
  return flags.pin ? flags.loadCpu : null;
}

/** How the processes are placed, for the report. */
export function placement(flags: CommonFlags, servers = 'server'): string {
  return flags.pin ? `${servers} pinned to CPU ${flags.serverCpu}, autocannon to CPU ${flags.loadCpu}` : `nothing pinned (--pin off): ${servers} and autocannon run on any CPU`;
}

export const COMMON_OPTIONS = {
  duration: { type: 'string', default: '10' },
  connections: { type: 'string', default: '32' },
  warmup: { type: 'string', default: '2' },
  'server-cpu': { type: 'string', default: '1' },
  'load-cpu': { type: 'string', default: '0' },
  'quiet-wait': { type: 'string', default: '60' },
  pin: { type: 'string', default: 'on' },
  repeat: { type: 'string', default: '3' },
  help: { type: 'boolean', default: false },
} as const;

export const COMMON_HELP = `  --duration <s>      measured seconds per run (default 10)
  --connections <n>   autocannon connections, in all (default 32, the figure of issue 14)
  --warmup <s>        warm-up seconds before each measured run, not counted (default 2, 0 for none)
  --server-cpu <n>    CPU the server (every instance) is pinned to (default 1)
  --load-cpu <n>      CPU autocannon is pinned to (default 0)
  --quiet-wait <s>    before each run, wait up to this long for other processes to go quiet (default 60, 0: no wait)
  --pin on|off        on (default): taskset the servers to --server-cpu and autocannon to --load-cpu; off: pin nothing
  --repeat <n>        alternated repetitions A,B,A,B… of assetbook and its baselines; ratios are the median of the
                      per-repetition ratios, with their spread (min–max) (default 3)`;

export function positiveInt(name: string, text: string | undefined, allowZero = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new Error(`--${name} must be an integer ${allowZero ? '>= 0' : '>= 1'} (got ${text})`);
  return value;
}

export function commonFlags(values: {
  duration?: string;
  connections?: string;
  warmup?: string;
  'server-cpu'?: string;
  'load-cpu'?: string;
  'quiet-wait'?: string;
  pin?: string;
  repeat?: string;
}): CommonFlags {
  if (values.pin !== 'on' && values.pin !== 'off') throw new Error(`--pin must be on or off (got ${values.pin})`);
  const flags = {
    quietWaitS: positiveInt('quiet-wait', values['quiet-wait'], true),
    durationS: positiveInt('duration', values.duration),
    connections: positiveInt('connections', values.connections),
    warmupS: positiveInt('warmup', values.warmup, true),
    serverCpu: positiveInt('server-cpu', values['server-cpu'], true),
    loadCpu: positiveInt('load-cpu', values['load-cpu'], true),
    pin: values.pin === 'on',
    repeat: positiveInt('repeat', values.repeat),
  };
  if (flags.pin) checkCpus(flags.serverCpu, flags.loadCpu);
  return flags;
}

/** The median of a non-empty list (the mean of the middle two for an even count); NaN if any value is NaN (not measured). */
export function median(values: readonly number[]): number {
  if (values.some((v) => Number.isNaN(v))) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A ratio over repetitions: its median and its spread, `0.62 (0.58–0.66)`; one repetition prints alone. */
export function ratioSummary(values: readonly number[]): string {
  if (values.length === 0) return '—';
  if (values.length === 1) return fmt.ratio(values[0]!);
  return `${fmt.ratio(median(values))} (${fmt.ratio(Math.min(...values))}–${fmt.ratio(Math.max(...values))})`;
}

/** `met`, `missed` or `—` (not measured) for a goal in a summary table. */
export function goal(met: boolean | null): string {
  return met === null ? '—' : met ? 'met' : 'MISSED';
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_h, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—'),
  ms: (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '—'),
  ratio: (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—'),
  pct: (n: number) => `${Math.round(n * 100)}%`,
};

export function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['--no-optional-locks', 'status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${rev} (+ uncommitted changes under src/)` : rev;
  } catch {
    return 'unknown';
  }
}

/** A response read whole: its status, body (as text and, when it parses, as JSON) and headers (names in lower case). */
export type JsonResponse = { status: number; text: string; json: unknown; headers: Record<string, string> };

async function readJson(response: Response): Promise<JsonResponse> {
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: callers check status and text
  }
  return { status: response.status, text, json, headers: Object.fromEntries(response.headers) };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return readJson(await fetch(url, { headers }));
}

export async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<JsonResponse> {
  return readJson(await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}
