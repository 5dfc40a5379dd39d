/**
 * Read benchmark by instructions: the same reads and baselines as bench/read.ts, each server run
 * under valgrind's callgrind, and every figure a count of the instructions the server executed per
 * response instead of a time. A count does not depend on what else the machine is doing, so its
 * ratio needs no quiet host; the time benchmark's ratios on this shared machine spread by ±0.3.
 *
 *   npm run bench:read-instructions [-- --target loopring --requests 10000 --repeat 3]
 *
 * Each server starts under callgrind with instrumentation off (valgrind's core only, ~30× slower
 * than native), answers `--warmup-requests` reads so that V8 has compiled its hot path, and then,
 * per repetition: instrumentation on, counters zeroed, `--requests` reads from autocannon at
 * `--connections`, counters dumped, instrumentation off (`callgrind_control`). Systems alternate
 * within each repetition as in bench/read.ts.
 *
 * What a count is: the instructions of the server process in user space, every thread (V8's
 * compiler and GC helpers included), over exactly the counted responses. What it leaves out: the
 * kernel (socket reads, writev, epoll), which both sides pay per response for the same bytes, so
 * the instruction ratio is stricter than the CPU-time ratio of bench/read.ts; how fast the
 * instructions run; and the CPU's own extensions valgrind does not emulate: OpenSSL hashes with its
 * AVX2 code under valgrind, with SHA-NI natively, so a read that checks an HMAC counts more
 * instructions here than it runs natively (docs/benchmarks.md). `--cache-sim on` adds callgrind's simulated caches and branch predictor
 * (another 2× slower): misses and mispredictions per response, and KCachegrind's cycle estimate
 * (instructions + 10 × (L1 misses + mispredicted branches) + 100 × last-level misses), a model of
 * how fast they run, not a measurement. Under valgrind every server is far slower than the
 * client, so each turn of its event loop finds every connection's request waiting, as at
 * saturation natively. Timers count too, ~30× more per response than natively (a SQLite store's
 * journal watch polls every few hundred ms: well under 1% here).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { fmt, gitRevision, makeTempDir, markdownTable, positiveInt, removeTempDir, runMain, type CommonFlags, type RunningServer } from './lib.js';
import { callgrindControl, callgrindWrapper, lastDump, valgrindVersion, SLOW_LITERAL_FUNCTION, type Dump } from './callgrind.js';
import { BASELINE_NAMES, BASELINES, describeBaseline, startReadSystems, type Baseline, type ReadResult } from './read-setup.js';
import { listFlag } from './deployment.js';
import { READ_TARGETS } from './targets/index.js';
import type { ReadTarget } from './targets/target.js';

const HELP = `Usage: npm run bench:read-instructions -- [options]
  --target <name>         ${READ_TARGETS.map((t) => t.name).join(', ')}, or all (default all)
  --bare <list>           baselines, comma-separated: fastify, node, schema (--target operator only) (default fastify,node)
  --requests <n>          counted responses per run (default 5000)
  --warmup-requests <n>   responses each server answers uncounted before its first counted run (default 30000);
                          then one counted run is made and dropped (see the file's comment)
  --repeat <n>            alternated repetitions (default 3)
  --connections <n>       autocannon connections (default 32)
  --server-cpu <n>        CPU every server is pinned to (default 1; --pin off: none)
  --pin on|off            pin the servers (default on)
  --cache-sim on|off      also simulate the caches and the branch predictor: misses per response and a cycle estimate (default off)
The servers run on SQLite; the baselines get assetbook's request and answer with its body and venue headers (as bench:read's defaults).
Needs valgrind (Debian: apt-get install valgrind).`;

/**
 * Node flags for every server under valgrind. V8's memory reducer starts garbage collections on a
 * timer once a process stops allocating: here every server sits idle while the others are counted,
 * and without this flag the runs after such a pause counted up to four times the others (bare
 * Fastify on the Bitget read: 82,000 to 318,000 instructions a response over five repetitions;
 * with it, 81,900 to 82,200). Under a steady load, which is what the benchmark measures, it never
 * runs. BENCH_SERVER_NODE_ARGS adds more.
 */
const VALGRIND_NODE_ARGS = ['--no-memory-reducer'];

/** The read goal of issue 14, for comparison: it is set on time, not on instructions. */
const GOAL_RATIO = 0.7;

interface Flags {
  readonly requests: number;
  readonly warmupRequests: number;
  readonly repeat: number;
  readonly connections: number;
  readonly serverCpu: number;
  readonly pin: boolean;
  readonly cacheSim: boolean;
}

/** One counted run: responses, and callgrind's events for them (Ir: instructions; with the cache simulation, misses and branches too). */
interface Count extends Dump {
  readonly responses: number;
}

interface Series {
  readonly name: string;
  readonly baseline: Baseline | null;
  readonly counts: Count[];
}

type TargetResult = ReadResult<Series>;

/** A figure of a run from callgrind's dump: instructions, misses, a cycle estimate. */
type Figure = (dump: Dump) => number;
const ev = (dump: Dump, name: string) => dump.events[name] ?? 0;
const instructions: Figure = (d) => ev(d, 'Ir');
/** The instructions outside V8's slow object-literal path (`SLOW_LITERAL_FUNCTION`), which only some processes take. */
const outsideSlowLiteral: Figure = (d) => instructions(d) - d.slowLiteral;
const l1Misses: Figure = (d) => ev(d, 'I1mr') + ev(d, 'D1mr') + ev(d, 'D1mw');
const llMisses: Figure = (d) => ev(d, 'ILmr') + ev(d, 'DLmr') + ev(d, 'DLmw');
const mispredicts: Figure = (d) => ev(d, 'Bcm') + ev(d, 'Bim');
/** KCachegrind's cycle estimation (CEst): a model, with its default weights. */
const cycleEstimate: Figure = (d) => instructions(d) + 10 * (l1Misses(d) + mispredicts(d)) + 100 * llMisses(d);

/** The instructions inside V8's slow object-literal path, callees included. */
const slowLiteral: Figure = (d) => d.slowLiteral;

const perResponse = (c: Count, figure: Figure = instructions) => figure(c) / c.responses;

/** `amount` reads at `connections`; every one must be a 2xx. Returns how many were answered. */
async function drive(name: string, url: string, headers: Readonly<Record<string, string>>, amount: number, connections: number): Promise<number> {
  const result = await autocannon({ url, headers: { ...headers }, amount, connections, pipelining: 1, timeout: 120 });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0 || result['2xx'] < amount) {
    throw new Error(`${name}: ${result['2xx']} 2xx of ${amount}, ${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result['2xx'];
}

/** One counted run of `amount` reads on a server under callgrind. */
async function count(name: string, server: RunningServer, dir: string, path: string, headers: Readonly<Record<string, string>>, flags: Flags): Promise<Count> {
  callgrindControl(server.pid, '--instr=on');
  callgrindControl(server.pid, '--zero');
  const responses = await drive(name, `${server.url}${path}`, headers, flags.requests, flags.connections);
  callgrindControl(server.pid, '--dump');
  callgrindControl(server.pid, '--instr=off');
  const run = { responses, ...lastDump(dir, server.pid) };
  const cache = flags.cacheSim ? `, ${fmt.int(perResponse(run, cycleEstimate))} estimated cycles/response` : '';
  const slow = run.slowLiteral > 0 ? `, ${fmt.int(perResponse(run, slowLiteral))} of them in ${SLOW_LITERAL_FUNCTION}` : '';
  console.log(`  ${name}: ${fmt.int(perResponse(run))} instructions/response (${fmt.int(instructions(run))} for ${responses} responses)${slow}${cache}`);
  return run;
}

async function benchTarget(target: ReadTarget, baselines: readonly Baseline[], flags: Flags): Promise<TargetResult> {
  const dir = makeTempDir('assetbook-bench-callgrind-');
  const wrapper = callgrindWrapper(dir, flags.cacheSim);
  // Starting the systems reads only where the servers go (`serverCpu`, `pin`) from these; the load is this process's own.
  const common: CommonFlags = { quietWaitS: 0, durationS: 0, connections: flags.connections, warmupS: 0, serverCpu: flags.serverCpu, loadCpu: flags.serverCpu, pin: flags.pin, repeat: flags.repeat };
  const spec = { baselines, store: 'sqlite', instances: 1, postgresUrl: '', redis: undefined, baselineRequest: 'same', baselineAnswer: 'same', wrapper, nodeArgs: VALGRIND_NODE_ARGS, readyTimeoutS: 600 } as const;
  const systems = await startReadSystems(target, spec, common);
  try {
    const { deployment, read, bareRead, bodyBytes, description } = systems;
    const server = deployment.servers[0]!;
    console.log(`\n[${target.name}] assetbook under callgrind: ${deployment.description}, pid ${server.pid} on CPU ${server.affinity}`);
    console.log(`  ${description} -> 200, ${bodyBytes} bytes (and refused without credentials)`);
    for (const { baseline, server: bare } of systems.bareServers) console.log(`  ${describeBaseline(systems, baseline, bare, 'same')}`);

    const runs = [
      { series: { name: 'assetbook', baseline: null, counts: [] } as Series, server, request: read },
      ...systems.bareServers.map(({ baseline, server: bare }) => ({ series: { name: BASELINE_NAMES[baseline], baseline, counts: [] } as Series, server: bare, request: bareRead })),
    ];
    for (const { series, server: s, request } of runs) {
      const started = Date.now();
      await drive(`${series.name} warm-up`, `${s.url}${request.path}`, request.headers, flags.warmupRequests, flags.connections);
      console.log(`  ${series.name}: ${flags.warmupRequests} warm-up responses, not counted, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      // The first counted run after the warm-up costs about twice the runs after it, on every
      // server alike (bare node:http: 110,000–133,000 instructions a response, then 57,000–59,000)
      // after 20,000 warm-up responses, and more after 1,000: callgrind's profile of it has V8's optimizing
      // compiler on top, likely for the code run once per connection, which the warm-up ran for
      // 32 connections only. So it is run and dropped.
      await count(`${target.name} ${series.name}, settling run (dropped)`, s, dir, request.path, request.headers, flags);
    }
    for (let rep = 1; rep <= flags.repeat; rep++) {
      console.log(` repetition ${rep}/${flags.repeat}`);
      for (const { series, server: s, request } of runs) series.counts.push(await count(`${target.name} ${series.name} #${rep}`, s, dir, request.path, request.headers, flags));
    }
    return { target, description, bodyBytes, assetbook: runs[0]!.series, baselines: runs.slice(1).map((r) => r.series) };
  } finally {
    await systems.stop();
    removeTempDir(dir);
  }
}

/** A figure per response over every counted run of a series (all of them summed, then divided): a major GC lands in some runs and not others, and counts here at its own rate. */
function overall(series: Series, figure: Figure = instructions): number {
  return series.counts.reduce((sum, c) => sum + figure(c), 0) / series.counts.reduce((sum, c) => sum + c.responses, 0);
}

/** The baseline's figure per response ÷ assetbook's (1.00: as few), over every run, and per repetition for the spread. */
function ratio(result: TargetResult, baseline: Series, figure: Figure = instructions): { overall: number; perRepetition: number[] } {
  return {
    overall: overall(baseline, figure) / overall(result.assetbook, figure),
    perRepetition: result.assetbook.counts.map((c, i) => perResponse(baseline.counts[i]!, figure) / perResponse(c, figure)),
  };
}

/** `0.83 (0.82–0.84)`: over every run, then the per-repetition spread. */
function ratioText(r: { overall: number; perRepetition: number[] }): string {
  return r.perRepetition.length > 1 ? `${fmt.ratio(r.overall)} (${fmt.ratio(Math.min(...r.perRepetition))}–${fmt.ratio(Math.max(...r.perRepetition))})` : fmt.ratio(r.overall);
}

function printSummary(results: readonly TargetResult[], flags: Flags): void {
  const cacheHeader = flags.cacheSim ? ['L1 misses/response', 'LL misses/response', 'mispredicted branches/response', 'estimated cycles/response'] : [];
  const cacheCells = (c: Count) => (flags.cacheSim ? [l1Misses, llMisses, mispredicts, cycleEstimate].map((f) => fmt.int(perResponse(c, f))) : []);
  const everyRun = results.flatMap((r) =>
    [r.assetbook, ...r.baselines].flatMap((s) =>
      s.counts.map((c, i) => [r.target.name, s.name, String(i + 1), fmt.int(c.responses), fmt.int(instructions(c)), fmt.int(perResponse(c)), fmt.int(perResponse(c, slowLiteral)), ...cacheCells(c)]),
    ),
  );
  const runHeader = ['target', 'system', 'repetition', 'responses', 'instructions', 'instructions/response', 'of which slow literals/response', ...cacheHeader];
  console.log(`\n## Every run\n\n${markdownTable(runHeader, everyRun)}\n`);

  const find = (r: TargetResult, b: Baseline) => r.baselines.find((s) => s.baseline === b);
  const rows = results.map((r) => {
    const fastify = find(r, 'fastify');
    const node = find(r, 'node');
    const per = (s: Series | undefined) => (s ? fmt.int(overall(s)) : '—');
    return [
      r.target.name,
      String(r.bodyBytes),
      per(r.assetbook),
      per(fastify),
      per(node),
      fastify ? ratioText(ratio(r, fastify)) : '—',
      node ? ratioText(ratio(r, node)) : '—',
      fastify ? (ratio(r, fastify).overall >= GOAL_RATIO ? 'yes' : 'no') : '—',
      fmt.int(overall(r.assetbook, slowLiteral)),
      fastify ? ratioText(ratio(r, fastify, outsideSlowLiteral)) : '—',
      ...(flags.cacheSim ? [fastify ? ratioText(ratio(r, fastify, cycleEstimate)) : '—', node ? ratioText(ratio(r, node, cycleEstimate)) : '—'] : []),
    ];
  });
  const header = [
    'target',
    'body bytes',
    'assetbook instr/resp',
    'bare Fastify instr/resp',
    'bare node:http instr/resp',
    'Fastify ÷ assetbook',
    'node:http ÷ assetbook',
    `≥ ${GOAL_RATIO} of Fastify`,
    'assetbook slow literals/resp',
    'Fastify ÷ assetbook, slow literals left out',
    ...(flags.cacheSim ? ['estimated cycles: Fastify ÷ assetbook', 'estimated cycles: node:http ÷ assetbook'] : []),
  ];
  console.log(`## Summary: instructions per response over ${flags.repeat} alternated repetitions\n\n${markdownTable(header, rows)}\n`);
  console.log(
    `Instructions per response: every counted run's instructions summed over the repetitions ÷ their responses (a major GC, some 60 million instructions, ` +
      `lands in some runs and not in others: so it counts at its own rate). Ratios: the baseline's ÷ assetbook's, so, then (min–max) per repetition. ` +
      `User-space instructions of the server process (every thread) counted by callgrind over ${flags.requests} responses per run after ${flags.warmupRequests} uncounted ` +
      `and one counted run dropped, ${flags.connections} connections, node flags ${VALGRIND_NODE_ARGS.join(' ')}; the kernel's share of a response is not counted, so these ratios ` +
      `are stricter than bench:read's CPU ratios. Slow literals: instructions in ${SLOW_LITERAL_FUNCTION} (callees included), V8's slow path for an object literal ` +
      `with a computed key, which some processes under callgrind take on every process.nextTick and others never (docs/benchmarks.md).${flags.cacheSim ? ' Estimated cycles: KCachegrind\'s model, Ir + 10 × (L1 misses + mispredicted branches) + 100 × LL misses, on callgrind\'s simulated caches.' : ''} ` +
      `Revision ${gitRevision()}.`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'all' },
      bare: { type: 'string', default: 'fastify,node' },
      requests: { type: 'string', default: '5000' },
      'warmup-requests': { type: 'string', default: '30000' },
      repeat: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      'server-cpu': { type: 'string', default: '1' },
      pin: { type: 'string', default: 'on' },
      'cache-sim': { type: 'string', default: 'off' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.pin !== 'on' && values.pin !== 'off') throw new Error(`--pin must be on or off (got ${values.pin})`);
  if (values['cache-sim'] !== 'on' && values['cache-sim'] !== 'off') throw new Error(`--cache-sim must be on or off (got ${values['cache-sim']})`);
  const flags: Flags = {
    requests: positiveInt('requests', values.requests),
    warmupRequests: positiveInt('warmup-requests', values['warmup-requests'], true),
    repeat: positiveInt('repeat', values.repeat),
    connections: positiveInt('connections', values.connections),
    serverCpu: positiveInt('server-cpu', values['server-cpu'], true),
    pin: values.pin === 'on',
    cacheSim: values['cache-sim'] === 'on',
  };
  if (flags.pin && flags.serverCpu >= availableParallelism()) throw new Error(`CPU ${flags.serverCpu} does not exist here (${availableParallelism()} available)`);
  const targets = values.target === 'all' ? READ_TARGETS : READ_TARGETS.filter((t) => t.name === values.target);
  if (targets.length === 0) throw new Error(`--target must be one of ${READ_TARGETS.map((t) => t.name).join(', ')} or all (got ${values.target})`);
  const baselines = listFlag('bare', values.bare, BASELINES);
  if (baselines.includes('schema') && targets.some((t) => t.name !== 'operator')) throw new Error('--bare schema fits only --target operator: a venue body has its own shape');
  // Its work is a spin on the clock: under valgrind, a count of how fast valgrind runs, not of a server.
  if (baselines.includes('slowed')) throw new Error('--bare slowed is for bench:read (a spin on the clock counts nothing here)');

  console.log(
    `read benchmark by instructions (${valgrindVersion()}, callgrind): targets ${targets.map((t) => t.name).join(', ')}; baselines ${baselines.map((b) => BASELINE_NAMES[b]).join(', ')}; ` +
      `${flags.repeat} alternated repetitions of ${flags.requests} counted responses after ${flags.warmupRequests} uncounted, ${flags.connections} connections; ` +
      `${flags.pin ? `servers pinned to CPU ${flags.serverCpu}` : 'nothing pinned'}; revision ${gitRevision()}`,
  );
  const results: TargetResult[] = [];
  for (const target of targets) results.push(await benchTarget(target, baselines, flags));
  printSummary(results, flags);
}

runMain(main);
