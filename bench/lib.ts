/**
 * What bench/read.ts and bench/write.ts share: pinned child processes (servers on one CPU, the
 * autocannon client on another), their cleanup on every path, flags, and table printing.
 *
 * Every child is started as `taskset -c <cpu> node --import tsx <script>`: taskset sets the CPU
 * affinity and then execs node, so the child's pid is node's pid and every thread node starts
 * (libuv pool, V8 helpers, better-sqlite3 calls) inherits the affinity.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from 'autocannon';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OPERATOR_PREFIX = '/_assetbook/v1';

// ---------------------------------------------------------------------------------------------
// Cleanup on every path: children are SIGKILLed and temp dirs removed on process exit, and a
// signal turns into an exit (which runs the same handler).

const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();

process.on('exit', () => {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping child processes`);
    process.exit(130);
  });
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

export function spawnPinned(
  name: string,
  cpu: number,
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  nodeArgs: readonly string[] = [],
): PinnedChild {
  const proc = spawn('taskset', ['-c', String(cpu), process.execPath, ...nodeArgs, '--import', 'tsx', join(ROOT, script), ...args], {
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

/**
 * Starts a server script pinned to `cpu` and waits for the one JSON line it prints once it listens
 * (`{"ready":true,"url":...}`). Fails if it exits or stays silent for a minute.
 */
export async function startServer(name: string, cpu: number, script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const nodeArgs = serverNodeArgs();
  if (nodeArgs.length > 0) console.log(`  ${name}: extra node flags ${nodeArgs.join(' ')}`);
  const child = spawnPinned(name, cpu, script, args, env, nodeArgs);
  const stop = async () => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
    await child.exited;
    clearTimeout(timer);
  };
  try {
    const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: not listening after 60 s`)), 60_000);
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

interface LoadTarget {
  readonly serverPid: number;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly connections: number;
  readonly durationS: number;
  readonly warmupS: number;
}

export type LoadSpec =
  | (LoadTarget & { readonly kind: 'get' })
  | (LoadTarget & {
      readonly kind: 'operations';
      /** 0: one operation per POST /operations; N: POST /operations/batch with N operations. */
      readonly batch: number;
      readonly keyPrefix: string;
      /** Operations without keys, used in turn. */
      readonly pattern: readonly Record<string, unknown>[];
    });

/**
 * What bench/load.ts reports. Everything but `result.warmup` covers the measured run only: the
 * snapshots are taken when autocannon starts its measured run and when it ends.
 */
export interface LoadResult {
  readonly result: Result;
  /** Wall seconds of the measured run. */
  readonly wallS: number;
  /** CPU seconds the autocannon process used during the measured run. */
  readonly clientCpuS: number;
  /** CPU seconds the server process used during the measured run. */
  readonly serverCpuS: number;
  /** Busy seconds of each CPU of the machine during the measured run (every process, kernel included). */
  readonly cpuBusyS: readonly number[];
  /** Latencies of the measured run's 2xx responses in ms, at microsecond resolution (autocannon's own are whole ms). */
  readonly latencyMs: { readonly mean: number; readonly p50: number; readonly p97_5: number; readonly p99: number; readonly max: number };
  /** 2xx responses in the measured run. */
  readonly ok: number;
  /** Operations the client generated (operation loads only), warm-up included. */
  readonly generatedOperations: number;
  readonly clientAffinity: string;
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

export async function runLoad(name: string, cpu: number, spec: LoadSpec, quietWaitS = 0): Promise<LoadResult> {
  await waitQuiet(quietWaitS);
  // stdin stays open: the load generator stops if it closes, i.e. if this process dies.
  const child = spawnPinned(`autocannon ${name}`, cpu, 'bench/load.ts', [], { BENCH_LOAD_SPEC: JSON.stringify(spec) });
  const code = await child.exited;
  if (code !== 0) throw new Error(`autocannon ${name}: exited with ${code}\n${child.stderr()}`);
  const line = child.stdout().trim().split('\n').at(-1);
  if (line === undefined || !line.startsWith('{')) throw new Error(`autocannon ${name}: no result on stdout`);
  return JSON.parse(line) as LoadResult;
}

/** CPU seconds used on the machine by anything other than the server and the client, per second of the run. */
export function otherLoad(load: LoadResult): number {
  const busy = load.cpuBusyS.reduce((x, y) => x + y, 0);
  return Math.max(0, busy - load.serverCpuS - load.clientCpuS) / load.wallS;
}

/** Fails loudly unless every response of the run (warm-up included) was a 2xx and nothing errored. */
export function assertClean(name: string, r: Result): void {
  const problems: string[] = [];
  for (const [label, run] of [['measured', r], ['warm-up', r.warmup]] as const) {
    if (!run) continue;
    if (run.non2xx !== 0) problems.push(`${label}: ${run.non2xx} non-2xx responses (${JSON.stringify(run.statusCodeStats)})`);
    if (run.errors !== 0) problems.push(`${label}: ${run.errors} errors`);
    if (run.timeouts !== 0) problems.push(`${label}: ${run.timeouts} timeouts`);
  }
  if (r['2xx'] === 0) problems.push('measured: no 2xx response at all');
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
}

export const COMMON_OPTIONS = {
  duration: { type: 'string', default: '10' },
  connections: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '2' },
  'server-cpu': { type: 'string', default: '1' },
  'load-cpu': { type: 'string', default: '0' },
  'quiet-wait': { type: 'string', default: '60' },
  help: { type: 'boolean', default: false },
} as const;

export const COMMON_HELP = `  --duration <s>      measured seconds per run (default 10)
  --connections <n>   autocannon connections (default 10)
  --warmup <s>        warm-up seconds before each measured run, not counted (default 2, 0 for none)
  --server-cpu <n>    CPU the server is pinned to (default 1)
  --load-cpu <n>      CPU autocannon is pinned to (default 0)
  --quiet-wait <s>    before each run, wait up to this long for other processes to go quiet (default 60, 0: no wait)`;

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
}): CommonFlags {
  const flags = {
    quietWaitS: positiveInt('quiet-wait', values['quiet-wait'], true),
    durationS: positiveInt('duration', values.duration),
    connections: positiveInt('connections', values.connections),
    warmupS: positiveInt('warmup', values.warmup, true),
    serverCpu: positiveInt('server-cpu', values['server-cpu'], true),
    loadCpu: positiveInt('load-cpu', values['load-cpu'], true),
  };
  checkCpus(flags.serverCpu, flags.loadCpu);
  return flags;
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_h, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => n.toFixed(n < 10 ? 2 : 1),
  ratio: (n: number) => n.toFixed(2),
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

type JsonResponse = { status: number; text: string; json: unknown };

async function readJson(response: Response): Promise<JsonResponse> {
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: callers check status and text
  }
  return { status: response.status, text, json };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return readJson(await fetch(url, { headers }));
}

export async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<JsonResponse> {
  return readJson(await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}
