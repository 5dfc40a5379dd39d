/**
 * The load generator: autocannon, driven programmatically, in a process the parent pins to the
 * client CPU. Reads its LoadSpec (bench/lib.ts) from BENCH_LOAD_SPEC and prints one JSON line
 * (a LoadResult).
 *
 * - Operation loads get a fresh idempotency key for every operation, made in `setupRequest` from a
 *   process-wide counter, so no request is ever a replay.
 * - CPU time (this process, the server, every CPU of the machine) is read when autocannon starts
 *   its measured run (after the warm-up) and when it ends, so the figures cover the same window.
 * - Latencies are recorded from autocannon's `response` events at microsecond resolution:
 *   autocannon's own histogram keeps whole milliseconds, too coarse for sub-millisecond reads.
 */
import autocannon, { type Options, type RequestData } from 'autocannon';
import { affinityOf, cpuBusySeconds, cpuSecondsOf, type LoadResult, type LoadSpec } from './lib.js';

const specText = process.env.BENCH_LOAD_SPEC;
if (specText === undefined) {
  console.error('BENCH_LOAD_SPEC is not set: this script is started by bench/read.ts and bench/write.ts');
  process.exit(2);
}
const spec = JSON.parse(specText) as LoadSpec;
// The parent holds our stdin open: when it closes, the benchmark is gone, so stop at once.
process.stdin.on('end', () => process.exit(1));
process.stdin.on('error', () => process.exit(1));
process.stdin.resume();

let generated = 0;
const options: Options = {
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationS,
  pipelining: 1,
  timeout: 30,
  headers: spec.headers,
  ...(spec.warmupS > 0 ? { warmup: { connections: spec.connections, duration: spec.warmupS } } : {}),
};

if (spec.kind === 'operations') {
  const { pattern, keyPrefix, batch } = spec;
  if (pattern.length === 0) throw new Error('empty operation pattern');
  const nextOperation = () => {
    const n = generated++;
    return { key: `${keyPrefix}-${n}`, ...pattern[n % pattern.length] };
  };
  const request: RequestData = {
    method: 'POST',
    path: new URL(spec.url).pathname,
    headers: { ...spec.headers, 'content-type': 'application/json' },
    setupRequest: (req) => ({
      ...req,
      body: JSON.stringify(batch === 0 ? nextOperation() : { operations: Array.from({ length: batch }, nextOperation) }),
    }),
  };
  options.requests = [request];
}

interface Snapshot {
  readonly at: number;
  readonly client: NodeJS.CpuUsage;
  readonly server: number;
  readonly cpus: number[];
}
const snapshot = (): Snapshot => ({ at: performance.now(), client: process.cpuUsage(), server: cpuSecondsOf(spec.serverPid), cpus: cpuBusySeconds() });

let start: Snapshot | undefined;
const latencies: number[] = [];
const instance = autocannon(options);
// With a warm-up, the instance returned is the measured run's tracker: its `start` and `response`
// events are the measured run's only.
instance.on('start', () => {
  start = snapshot();
});
instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
});
const result = await instance;
const end = snapshot();
if (start === undefined) throw new Error('autocannon never started its measured run');

const sorted = Float64Array.from(latencies).sort();
const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
const client = end.client.user + end.client.system - (start.client.user + start.client.system);
const out: LoadResult = {
  result,
  wallS: (end.at - start.at) / 1000,
  clientCpuS: client / 1e6,
  serverCpuS: end.server - start.server,
  cpuBusyS: end.cpus.map((busy, i) => busy - (start?.cpus[i] ?? busy)),
  latencyMs: {
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    p50: quantile(0.5),
    p97_5: quantile(0.975),
    p99: quantile(0.99),
    max: quantile(1),
  },
  ok: latencies.length,
  generatedOperations: generated,
  clientAffinity: affinityOf(process.pid),
};
console.log(JSON.stringify(out));
process.exit(0);
