/**
 * The load generator: autocannon, driven programmatically, in a process the parent pins to the
 * client CPU. Reads its LoadSpec (bench/lib.ts) from the file BENCH_LOAD_SPEC_FILE names and prints one JSON line
 * (a LoadResult).
 *
 * - Operation loads get a fresh idempotency key for every operation, made in `setupRequest` from a
 *   process-wide counter, so no request is ever a replay.
 * - CPU time (this process, the servers, every `postgres` process when asked, every CPU of the
 *   machine) is read when autocannon starts its measured run (after the warm-up) and when it ends,
 *   so the figures cover the same window.
 * - Latencies are recorded from autocannon's `response` events at microsecond resolution:
 *   autocannon's own histogram keeps whole milliseconds, too coarse for sub-millisecond reads.
 * - Several targets (instances of assetbook on one store): one autocannon instance each, started
 *   together in this process, the connections split between them; the operation keys come from
 *   one counter, so they stay unique across the instances.
 */
import { readFileSync } from 'node:fs';
import autocannon, { type Options, type RequestData } from 'autocannon';
import { affinityOf, cpuBusySeconds, cpuSecondsOf, postgresCpuSeconds, splitConnections, type Latencies, type LoadResult, type LoadSpec } from './lib.js';

const specFile = process.env.BENCH_LOAD_SPEC_FILE;
if (specFile === undefined) {
  console.error('BENCH_LOAD_SPEC_FILE is not set: this script is started by bench/read.ts and bench/write.ts');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as LoadSpec;
// The parent holds our stdin open: when it closes, the benchmark is gone, so stop at once.
process.stdin.on('end', () => process.exit(1));
process.stdin.on('error', () => process.exit(1));
process.stdin.resume();

let generated = 0;
const nextOperation = () => {
  if (spec.kind !== 'operations') throw new Error('not an operation load');
  const n = generated++;
  return { key: `${spec.keyPrefix}-${n}`, ...spec.pattern[n % spec.pattern.length] };
};
if (spec.kind === 'operations' && spec.pattern.length === 0) throw new Error('empty operation pattern');

function optionsFor(url: string, connections: number): Options {
  const options: Options = {
    url,
    connections,
    duration: spec.durationS,
    pipelining: 1,
    timeout: 30,
    headers: spec.headers,
    ...(spec.warmupS > 0 ? { warmup: { connections, duration: spec.warmupS } } : {}),
  };
  if (spec.kind === 'operations') {
    const { batch } = spec;
    const request: RequestData = {
      method: 'POST',
      path: new URL(url).pathname,
      headers: { ...spec.headers, 'content-type': 'application/json' },
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify(batch === 0 ? nextOperation() : { operations: Array.from({ length: batch }, nextOperation) }),
      }),
    };
    options.requests = [request];
  }
  return options;
}

interface Snapshot {
  readonly at: number;
  readonly client: NodeJS.CpuUsage;
  readonly servers: number[];
  readonly postgres: Record<number, number> | null;
  readonly cpus: number[];
}
const snapshot = (): Snapshot => ({
  at: performance.now(),
  client: process.cpuUsage(),
  servers: spec.targets.map((t) => cpuSecondsOf(t.serverPid)),
  postgres: spec.measurePostgres ? postgresCpuSeconds() : null,
  cpus: cpuBusySeconds(),
});

function summarize(latencies: readonly number[]): Latencies {
  const sorted = Float64Array.from(latencies).sort();
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return {
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    p50: quantile(0.5),
    p97_5: quantile(0.975),
    p99: quantile(0.99),
    max: quantile(1),
    count: latencies.length,
  };
}

// Every target's autocannon starts in the same tick, in this one process (so on one CPU), with its
// share of the connections. With a warm-up, the instance returned is the measured run's tracker:
// its `start` and `response` events are the measured run's only.
let start: Snapshot | undefined;
const connections = splitConnections(spec.connections, spec.targets.length);
const latencies: number[][] = spec.targets.map(() => []);
const instances = spec.targets.map((target, i) => {
  const instance = autocannon(optionsFor(target.url, connections[i] ?? 1));
  instance.on('start', () => {
    start ??= snapshot();
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies[i]?.push(responseTimeMs);
  });
  return instance;
});
const results = await Promise.all(instances);
const end = snapshot();
if (start === undefined) throw new Error('autocannon never started its measured run');
const begin = start;

const client = end.client.user + end.client.system - (begin.client.user + begin.client.system);
const serverCpuEachS = end.servers.map((cpu, i) => cpu - (begin.servers[i] ?? cpu));
let postgresCpuS: number | null = null;
if (end.postgres !== null) {
  // A backend started during the run counts from zero; one that ended during it is lost (the
  // servers' pools keep theirs open, so those are not).
  postgresCpuS = Object.entries(end.postgres).reduce((sum, [pid, cpu]) => sum + cpu - (begin.postgres?.[Number(pid)] ?? 0), 0);
}
const out: LoadResult = {
  results,
  wallS: (end.at - begin.at) / 1000,
  clientCpuS: client / 1e6,
  serverCpuS: serverCpuEachS.reduce((a, b) => a + b, 0),
  serverCpuEachS,
  postgresCpuS,
  cpuBusyS: end.cpus.map((busy, i) => busy - (begin.cpus[i] ?? busy)),
  latencyMs: summarize(latencies.flat()),
  latencyEachMs: latencies.map(summarize),
  ok: latencies.reduce((sum, l) => sum + l.length, 0),
  generatedOperations: generated,
  clientAffinity: affinityOf(process.pid),
};
console.log(JSON.stringify(out));
process.exit(0);
