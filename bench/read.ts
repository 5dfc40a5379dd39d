/**
 * Read benchmark: one authenticated balance read (the operator API's, or a venue's: `--target`,
 * `all` for every one) beside two baselines serving the same bytes, measured in the same run:
 * bare Fastify (a pre-built string; optionally through a response schema) and bare node:http.
 *
 *   npm run bench:read [-- --target all --repeat 3 --duration 10 --connections 32]
 *   npm run bench:read -- --target bitget --store postgres --instances 2
 *
 * For each target, assetbook and the baseline servers are started once (each pinned to
 * --server-cpu; only the one under load does any work), then the loads alternate A,B,C,A,B,C…
 * (--repeat times), each from autocannon in a child pinned to --load-cpu, so that drift on a
 * shared machine falls on every side. The ratios are computed per repetition (assetbook's run
 * against the baseline runs of the same repetition) and summarized as median (min–max). Every run
 * must be all 2xx with no errors, or the script fails.
 *
 * Goals (issue 14): requests/s and server CPU per response ≥ 0.70 × bare Fastify's, p99 ≤ 5 ms.
 */
import { parseArgs } from 'node:util';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  assertClean,
  commonFlags,
  count2xx,
  fmt,
  gitRevision,
  goal,
  loadCpuOf,
  markdownTable,
  median,
  otherLoad,
  placement,
  ratioSummary,
  requestsPerS,
  runLoad,
  runMain,
  type CommonFlags,
  type LoadResult,
  type RunningServer,
} from './lib.js';
import { STORES, STORE_OPTIONS, describeServers, instancesFlag, listFlag, postgresUrlFlag, preparePostgres, storeHelp } from './deployment.js';
import { BASELINES, BASELINE_ANSWERS, BASELINE_NAMES, BASELINE_REQUESTS, SLOWED_US_DEFAULT, describeBaseline, startReadSystems, type Baseline, type ReadResult, type ReadSetupSpec } from './read-setup.js';
import { READ_TARGETS } from './targets/index.js';
import type { ReadTarget } from './targets/target.js';

/** The read goals of issue 14. */
const GOAL_RATIO = 0.7;
const GOAL_P99_MS = 5;

const HELP = `Usage: npm run bench:read -- [options]
${COMMON_HELP}
  --target <name>     the read to measure: ${READ_TARGETS.map((t) => t.name).join(', ')}, or all (default operator)
  --bare <list>       baselines, comma-separated: fastify (bare Fastify, pre-built string), node (bare node:http),
                      schema (bare Fastify through the operator API's response schema; --target operator only),
                      slowed (bare Fastify spinning --slowed-us per request: what a server that much slower
                      than bare Fastify measures on this host), or none (default fastify,node)
  --slowed-us <n>     µs of work the slowed baseline adds to each request (default ${SLOWED_US_DEFAULT})
  --baseline-request <same|plain>
                      same (default): the baselines get assetbook's request, path, query and headers;
                      plain: a bare GET /balances with no headers
  --baseline-answer <same|body>
                      same (default): the baselines answer with assetbook's body and the headers it sent
                      besides Node's and Fastify's own (Bullish's x-ratelimit-*, Bitget's x-mbx-used-remain-limit);
                      body: with the body alone
${storeHelp(false, 22)}`;

/** One system measured: assetbook or a baseline, with one load per repetition. */
interface Series {
  readonly name: string;
  readonly baseline: Baseline | null;
  readonly loads: LoadResult[];
}

type TargetResult = ReadResult<Series>;

const cpuUsPerResponse = (l: LoadResult) => (l.serverCpuS / l.ok) * 1e6;

async function measure(name: string, servers: readonly RunningServer[], path: string, headers: Record<string, string>, flags: CommonFlags, measurePostgres: boolean): Promise<LoadResult> {
  const load = await runLoad(
    name,
    loadCpuOf(flags),
    {
      kind: 'get',
      targets: servers.map((s) => ({ url: `${s.url}${path}`, serverPid: s.pid })),
      headers,
      connections: flags.connections,
      durationS: flags.durationS,
      warmupS: flags.warmupS,
      measurePostgres,
    },
    flags.quietWaitS,
  );
  assertClean(name, load);
  const ok = count2xx(load);
  const perInstance =
    load.results.length > 1
      ? `; per instance: ${load.results.map((r, i) => `${fmt.int(r.requests.average)} req/s, p50 ${fmt.ms(load.latencyEachMs[i]?.p50 ?? NaN)} ms`).join(' | ')}`
      : '';
  console.log(
    `  ${name}: ${fmt.int(requestsPerS(load))} req/s, ${fmt.int(cpuUsPerResponse(load))} µs server CPU/response, p50 ${fmt.ms(load.latencyMs.p50)} ms, p99 ${fmt.ms(load.latencyMs.p99)} ms; ` +
      `${ok.measured} responses (warm-up ${ok.warmup}), all 2xx; autocannon on CPU ${load.clientAffinity}${perInstance}`,
  );
  const other = otherLoad(load);
  if (other > 0.1) console.log(`  WARNING: other processes used ${fmt.ratio(other)} CPU cores during this run: the figures are disturbed`);
  return load;
}

interface Setup extends ReadSetupSpec {
  readonly flags: CommonFlags;
  readonly slowedUs: number;
}

/** One target: assetbook and every baseline started, then the alternated repetitions. */
async function benchTarget(target: ReadTarget, setup: Setup): Promise<TargetResult> {
  const { flags, store, instances } = setup;
  const systems = await startReadSystems(target, setup, flags);
  try {
    const { deployment, read, bareRead, bodyBytes, description } = systems;
    const { servers } = deployment;
    console.log(`\n[${target.name}] assetbook: ${deployment.description}; demo loaded`);
    console.log(`  ${describeServers(deployment)}`);
    console.log(`  ${description} -> 200, ${bodyBytes} bytes${servers.length > 1 ? ' on every instance' : ''} (and refused without credentials)`);
    for (const { baseline, server } of systems.bareServers) console.log(`  ${describeBaseline(systems, baseline, server, setup.baselineRequest)}`);

    const assetbook: Series = { name: `assetbook${store === 'postgres' ? ` (PostgreSQL, ${instances} instance${instances > 1 ? 's' : ''})` : ''}`, baseline: null, loads: [] };
    const nameOf = (b: Baseline) => (b === 'slowed' ? `${BASELINE_NAMES[b]} by ${setup.slowedUs} µs` : BASELINE_NAMES[b]);
    const baselines: Series[] = systems.bareServers.map(({ baseline }) => ({ name: nameOf(baseline), baseline, loads: [] }));
    for (let rep = 1; rep <= flags.repeat; rep++) {
      console.log(` repetition ${rep}/${flags.repeat}`);
      assetbook.loads.push(await measure(`${target.name} assetbook #${rep}`, servers, read.path, { ...read.headers }, flags, store === 'postgres'));
      for (const [i, { baseline, server }] of systems.bareServers.entries()) {
        baselines[i]!.loads.push(await measure(`${target.name} bare-${baseline} #${rep}`, [server], bareRead.path, { ...bareRead.headers }, flags, false));
      }
    }
    return { target, description, bodyBytes, assetbook, baselines };
  } finally {
    await systems.stop();
  }
}

/** Per repetition, assetbook's figure against the baseline's of the same repetition. */
function ratios(result: TargetResult, baseline: Series): { requests: number[]; cpu: number[] } {
  const a = result.assetbook.loads;
  return {
    requests: a.map((l, i) => requestsPerS(l) / requestsPerS(baseline.loads[i]!)),
    cpu: a.map((l, i) => cpuUsPerResponse(baseline.loads[i]!) / cpuUsPerResponse(l)),
  };
}

function printTarget(result: TargetResult, withPostgres: boolean, slowedUs: number): void {
  const header = [
    'system',
    'repetition',
    'requests/s',
    'server CPU µs/response',
    'p50 ms',
    'p99 ms',
    'server CPU busy',
    ...(withPostgres ? ['PostgreSQL CPU µs/response'] : []),
    'client CPU busy',
    'other load (cores)',
  ];
  const rows: string[][] = [];
  for (const series of [result.assetbook, ...result.baselines]) {
    for (const [i, load] of series.loads.entries()) {
      rows.push([
        series.name,
        String(i + 1),
        fmt.int(requestsPerS(load)),
        fmt.int(cpuUsPerResponse(load)),
        fmt.ms(load.latencyMs.p50),
        fmt.ms(load.latencyMs.p99),
        fmt.pct(load.serverCpuS / load.wallS),
        ...(withPostgres ? [load.postgresCpuS === null ? '—' : fmt.int((load.postgresCpuS * 1e6) / load.ok)] : []),
        fmt.pct(load.clientCpuS / load.wallS),
        fmt.ratio(otherLoad(load)),
      ]);
    }
  }
  console.log(`\n[${result.target.name}] ${result.description}, ${result.bodyBytes} bytes: every run\n\n${markdownTable(header, rows)}\n`);
  for (const baseline of result.baselines) {
    const r = ratios(result, baseline);
    console.log(
      `[${result.target.name}] assetbook ÷ ${baseline.name}: requests/s ${ratioSummary(r.requests)}; ` +
        `CPU (baseline µs ÷ assetbook µs) ${ratioSummary(r.cpu)}  [median (min–max) of ${r.requests.length} repetitions]`,
    );
  }
  printSlowdownCost(result, slowedUs);
}

/**
 * The calibration the `slowed` baseline is for: how much more than its added work a server that is
 * only slower than bare Fastify costs per response on this host, and the ratio bare Fastify ÷ it,
 * against the ratio of the work alone.
 */
function printSlowdownCost(result: TargetResult, slowedUs: number): void {
  const fastify = result.baselines.find((s) => s.baseline === 'fastify');
  const slowed = result.baselines.find((s) => s.baseline === 'slowed');
  if (fastify === undefined || slowed === undefined) return;
  const bare = median(fastify.loads.map(cpuUsPerResponse));
  const beyond = slowed.loads.map((l, i) => cpuUsPerResponse(l) - cpuUsPerResponse(fastify.loads[i]!) - slowedUs);
  const cpu = slowed.loads.map((l, i) => cpuUsPerResponse(fastify.loads[i]!) / cpuUsPerResponse(l));
  console.log(
    `[${result.target.name}] ${slowed.name} costs ${ratioSummary(beyond)} µs per response more than its ${slowedUs} µs of work; ` +
      `bare Fastify ÷ it by CPU ${ratioSummary(cpu)}, against ${fmt.ratio(bare / (bare + slowedUs))} for the work alone`,
  );
}

function printSummary(results: readonly TargetResult[], flags: CommonFlags): void {
  const med = (series: Series, f: (l: LoadResult) => number) => median(series.loads.map(f));
  const find = (r: TargetResult, b: Baseline) => r.baselines.find((s) => s.baseline === b);
  const header = [
    'target',
    'assetbook req/s',
    'assetbook CPU µs/resp',
    'assetbook p50 ms',
    'assetbook p99 ms',
    'bare Fastify req/s',
    'bare Fastify CPU µs/resp',
    'bare node:http req/s',
    'bare node:http CPU µs/resp',
    'req/s ÷ Fastify',
    'CPU ratio vs Fastify',
    'req/s ÷ node:http',
    'CPU ratio vs node:http',
    `goal: ≥ ${GOAL_RATIO} × Fastify (req/s and CPU)`,
    `goal: p99 ≤ ${GOAL_P99_MS} ms`,
  ];
  const rows = results.map((r) => {
    const fastify = find(r, 'fastify');
    const node = find(r, 'node');
    const rf = fastify ? ratios(r, fastify) : null;
    const rn = node ? ratios(r, node) : null;
    const p99 = med(r.assetbook, (l) => l.latencyMs.p99);
    return [
      r.target.name,
      fmt.int(med(r.assetbook, requestsPerS)),
      fmt.int(med(r.assetbook, cpuUsPerResponse)),
      fmt.ms(med(r.assetbook, (l) => l.latencyMs.p50)),
      fmt.ms(p99),
      fastify ? fmt.int(med(fastify, requestsPerS)) : '—',
      fastify ? fmt.int(med(fastify, cpuUsPerResponse)) : '—',
      node ? fmt.int(med(node, requestsPerS)) : '—',
      node ? fmt.int(med(node, cpuUsPerResponse)) : '—',
      rf ? ratioSummary(rf.requests) : '—',
      rf ? ratioSummary(rf.cpu) : '—',
      rn ? ratioSummary(rn.requests) : '—',
      rn ? ratioSummary(rn.cpu) : '—',
      goal(rf ? median(rf.requests) >= GOAL_RATIO && median(rf.cpu) >= GOAL_RATIO : null),
      goal(p99 <= GOAL_P99_MS),
    ];
  });
  console.log(`\n## Summary: reads beside their baselines (medians of ${flags.repeat} alternated repetitions)\n\n${markdownTable(header, rows)}\n`);
  console.log(
    'Ratios: req/s ÷ baseline = assetbook requests/s ÷ the baseline\'s; CPU ratio = baseline server CPU µs per response ÷ assetbook\'s (1.00 = as cheap as the baseline). ' +
      'Each is computed per repetition from runs of the same repetition, then summarized as median (min–max); the other columns are medians of the runs.',
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...COMMON_OPTIONS, ...STORE_OPTIONS, target: { type: 'string', default: 'operator' }, bare: { type: 'string', default: 'fastify,node' }, 'baseline-request': { type: 'string', default: 'same' }, 'baseline-answer': { type: 'string', default: 'same' }, 'slowed-us': { type: 'string', default: String(SLOWED_US_DEFAULT) } } });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const flags = commonFlags(values);
  const targets = values.target === 'all' ? READ_TARGETS : READ_TARGETS.filter((t) => t.name === values.target);
  if (targets.length === 0) throw new Error(`--target must be one of ${READ_TARGETS.map((t) => t.name).join(', ')} or all (got ${values.target})`);
  const baselines = values.bare === 'none' ? [] : listFlag('bare', values.bare, BASELINES);
  // The schema baseline serializes through the operator API's schema, so it only fits the operator's body.
  if (baselines.includes('schema') && targets.some((t) => t.name !== 'operator')) throw new Error('--bare schema fits only --target operator: a venue body has its own shape');
  const stores = listFlag('store', values.store, STORES);
  const instancesList = instancesFlag(values.instances);
  if (stores.length !== 1 || instancesList.length !== 1) throw new Error('bench:read takes one --store and one --instances (bench:write takes lists)');
  const store = stores[0]!;
  const instances = instancesList[0]!;
  if (store === 'sqlite' && instances !== 1) throw new Error('--instances > 1 needs --store postgres (a SQLite file belongs to one process)');
  const postgresUrl = postgresUrlFlag(values['postgres-url']);
  const slowedUs = Number(values['slowed-us']);
  if (!Number.isInteger(slowedUs) || slowedUs < 1) throw new Error(`--slowed-us must be a whole number of µs, at least 1 (got ${values['slowed-us']})`);
  const baselineRequest = BASELINE_REQUESTS.find((r) => r === values['baseline-request']);
  if (baselineRequest === undefined) throw new Error(`--baseline-request must be same or plain (got ${values['baseline-request']})`);
  const baselineAnswer = BASELINE_ANSWERS.find((a) => a === values['baseline-answer']);
  if (baselineAnswer === undefined) throw new Error(`--baseline-answer must be same or body (got ${values['baseline-answer']})`);

  console.log(
    `read benchmark: targets ${targets.map((t) => t.name).join(', ')}; baselines ${baselines.map((b) => BASELINE_NAMES[b]).join(', ') || 'none'}; ` +
      `baselines sent ${baselineRequest === 'same' ? "assetbook's request" : 'a plain GET /balances'}, answering with ${baselineAnswer === 'same' ? "assetbook's body and headers" : "assetbook's body alone"}; ` +
      `${flags.repeat} alternated repetitions of ${flags.durationS} s measured after ${flags.warmupS} s warm-up, ${flags.connections} connections, revision ${gitRevision()}`,
  );
  console.log(`  ${placement(flags, instances > 1 ? 'every assetbook instance and the bare servers' : 'assetbook and the bare servers')}${store === 'postgres' ? '; PostgreSQL runs unpinned (a service of the machine, on any CPU)' : ''}`);
  if (store === 'postgres') console.log(`  ${await preparePostgres(postgresUrl)}`);

  const setup: Setup = { flags, baselines, store, instances, postgresUrl, redis: values.redis, baselineRequest, baselineAnswer, slowedUs };
  const results: TargetResult[] = [];
  for (const target of targets) {
    const result = await benchTarget(target, setup);
    printTarget(result, store === 'postgres', slowedUs);
    results.push(result);
  }
  printSummary(results, flags);
  console.log(
    `Measured runs of ${flags.durationS} s after ${flags.warmupS} s warm-up; ${flags.connections} connections in all, pipelining 1` +
      `${instances > 1 ? ', split evenly between the instances' : ''}; ${placement(flags, 'the servers')}; loopback. ` +
      `Latencies and CPU figures cover the measured run only${instances > 1 ? ' (latencies of every instance merged; "server CPU" sums them)' : ''}; ` +
      `"busy" is CPU seconds / wall seconds (100% = one core); "other load" is CPU used by every other process and the kernel outside ` +
      `${store === 'postgres' ? 'the servers, autocannon and PostgreSQL' : 'the server and autocannon'}, in cores.`,
  );
}

runMain(main);
