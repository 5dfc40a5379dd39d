/**
 * Write benchmark: ledger operations per second through the operator API, beside raw baselines
 * doing the same work, measured in the same run.
 *
 *   npm run bench:write [-- --repeat 3 --duration 10 --connections 32 --batch 100 --modes single,batch]
 *   npm run bench:write -- --store postgres --workload hot,spread --instances 1,2
 *
 * For each configuration (store × workload × group commit × durability for SQLite or instances for
 * PostgreSQL), a fresh assetbook (a new SQLite file, or a new PostgreSQL schema with 1 or more
 * instances on it; the demo scenario loaded, and for the spread workload 10,000 more accounts
 * from a generated scenario file) runs pinned to --server-cpu, and, --repeat times:
 * - A: autocannon (pinned to --load-cpu) drives assetbook in each mode: single (POST /operations,
 *   one operation per request) and batch (POST /operations/batch, --batch operations per request,
 *   one transaction each);
 * - B: the raw baselines (bench/baselines/), pinned to --server-cpu, apply the very same
 *   operations: SQLite at 1 and --batch operations per commit; PostgreSQL one function call per
 *   operation from --connections clients, and --connections concurrent batches;
 * - C: the HTTP floor (bench/bare-write-server.ts), pinned to --server-cpu: bare Fastify gets the
 *   same requests and answers each with bytes assetbook answered, doing nothing else, so that the
 *   summary shows how much of the gap to the raw baselines is HTTP on that core before any work.
 * With several instances, one autocannon per instance runs at the same time in the load process,
 * the connections split between them. Every operation has a unique idempotency key. Every
 * response must be a 2xx, and after the runs GET /verify (on the first instance) must report
 * ok:true with every acknowledged operation in the journal. The summary prints each figure beside
 * its baseline, the ratio (median and spread over the repetitions) and issue 14's goals.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  OPERATOR_PREFIX,
  assertClean,
  commonFlags,
  count2xx,
  fmt,
  getJson,
  gitRevision,
  loadCpuOf,
  makeTempDir,
  otherLoad,
  placement,
  positiveInt,
  postJson,
  removeTempDir,
  requestsPerS,
  runLoad,
  runMain,
  serverCpuOf,
  startServer,
  waitQuiet,
  type CommonFlags,
  type LoadResult,
  type RunningServer,
} from './lib.js';
import {
  STORES,
  STORE_OPTIONS,
  databaseCounters,
  describeServers,
  groupCommitStats,
  instancesFlag,
  listFlag,
  postgresUrlFlag,
  preparePostgres,
  startDeployment,
  storeHelp,
  waitIdle,
  type DatabaseCounters,
  type Deployment,
  type StoreKind,
} from './deployment.js';
import { rawOperations, runRaw, type RawOperation } from './baselines/raw.js';
import { WORKLOADS, assetScales, hotPattern, spreadPattern, writeSpreadScenario, type Operation } from './workloads.js';
import { configName, instancesTable, runsTable, summaryTable, type ConfigDeadlocks, type Configuration, type FloorRow, type Mode, type RawRow, type Row } from './write-results.js';

const HELP = `Usage: npm run bench:write -- [options]
${COMMON_HELP}
  --batch <n>             operations per POST /operations/batch (default 100, at most 1000)
  --durability <list>     comma-separated SQLite durabilities, each on a fresh server (default full, the issue's goals; also normal, off)
  --modes <list>          single, batch or both (default single,batch)
  --group-commit <list>   on, off or on,off: the servers' --group-commit, each on a fresh store (default on, the server's default)
  --workload <list>       hot (deposits and transfers among the demo accounts), spread (among --spread-accounts
                          accounts created for the run), or hot,spread; each on a fresh store (default hot)
  --spread-accounts <n>   accounts of the spread workload (default 10000)
  --baseline on|off       run the raw baselines beside assetbook, alternated, and print the ratios (default on):
                          SQLite: better-sqlite3 at 1 and --batch operations per commit (bench/baselines/sqlite-raw.ts);
                          PostgreSQL: a plpgsql function per operation, --connections clients, and --connections
                          concurrent batches (bench/baselines/postgres-raw.ts)
  --floor on|off          also drive a bare Fastify server with the same requests, pinned where assetbook runs, answering each
                          with a response assetbook gave (bench/bare-write-server.ts): the HTTP floor, the highest ratio any
                          Fastify server on that core could show against the raw baselines (default on)
  --raw-batch calls|set   PostgreSQL raw batches: calls (the books locked, then one call per operation, pipelined, in one
                          transaction; default) or set (one set-based call per batch)
${storeHelp(true, 26)}`;

interface Options {
  readonly modes: readonly Mode[];
  readonly batch: number;
  readonly flags: CommonFlags;
  readonly postgresUrl: string;
  readonly redis: string | undefined;
  readonly baseline: boolean;
  readonly floor: boolean;
  readonly rawBatch: 'calls' | 'set';
  readonly spreadAccounts: number;
}

interface VerifyReport {
  ok: boolean;
  entries: number;
  postings: number;
  balances: number;
  mismatches: unknown[];
}

async function verify(server: RunningServer, auth: Record<string, string>): Promise<VerifyReport> {
  const response = await getJson(`${server.url}${OPERATOR_PREFIX}/verify`, auth);
  if (response.status !== 200) throw new Error(`GET /verify answered ${response.status}: ${response.text}`);
  return response.json as VerifyReport;
}

/** Prints the database's counters over a configuration; returns its deadlocks (null when unavailable). */
async function reportDatabaseCounters(postgresUrl: string, before: DatabaseCounters, rawDeadlocks: number): Promise<number | null> {
  try {
    const after = await databaseCounters(postgresUrl);
    const deadlocks = after.deadlocks - before.deadlocks;
    console.log(
      `  PostgreSQL, database-wide (every client, not only these servers) during this configuration: ${after.commits - before.commits} commits, ` +
        `${after.rollbacks - before.rollbacks} rollbacks, ${deadlocks} deadlocks (${rawDeadlocks} of them reported to the raw baseline)`,
    );
    if (deadlocks > rawDeadlocks) {
      console.log(`  WARNING: ${deadlocks - rawDeadlocks} deadlocks outside the raw baseline: each one stalls its transactions for deadlock_timeout before PostgreSQL breaks it`);
    }
    return deadlocks;
  } catch (error) {
    console.log(`  (PostgreSQL counters unavailable: ${(error as Error).message})`);
    return null;
  }
}

interface Measured {
  readonly rows: Row[];
  readonly raws: RawRow[];
  readonly floors: FloorRow[];
  readonly deadlocks: ConfigDeadlocks | null;
}

async function benchConfiguration(config: Configuration, options: Options): Promise<Measured> {
  const { modes, flags, postgresUrl } = options;
  const token = `bench_${randomBytes(18).toString('base64url')}`;
  const auth = { authorization: `Bearer ${token}` };
  const runId = randomBytes(4).toString('hex');
  const rows: Row[] = [];
  const raws: RawRow[] = [];
  const floors: FloorRow[] = [];
  let floorServer: RunningServer | null = null;
  const label = `assetbook-${configName(config)}`;
  const countersBefore = config.store === 'postgres' ? await databaseCounters(postgresUrl) : null;
  let rawDeadlocks = 0;
  let deadlocks: ConfigDeadlocks | null = null;
  const scenarioDir = makeTempDir('assetbook-bench-scenario-');
  const spread = config.workload === 'spread';
  const firstArgs = spread ? ['--scenario', writeSpreadScenario(scenarioDir, options.spreadAccounts)] : [];
  const deployment: Deployment = await startDeployment(
    {
      store: config.store,
      instances: config.instances,
      durability: config.durability ?? 'full',
      groupCommit: config.groupCommit,
      postgresUrl,
      ...(options.redis !== undefined ? { redis: options.redis } : {}),
      operatorToken: token,
      label,
      firstArgs,
      // 10,000 accounts with their opening deposits are one transaction of 10,000 operations.
      readyTimeoutS: spread ? 900 : 60,
      // A run that stops with batches in flight leaves work behind, waited out before the next (waitIdle).
      countHandling: true,
    },
    flags,
  );
  try {
    const { servers } = deployment;
    const first = servers[0]!;
    console.log(`\n${label}: ${deployment.description}; demo loaded`);
    console.log(`  ${describeServers(deployment)}`);
    let pattern: Operation[];
    if (spread) {
      const accounts = first.info.scenarioAccounts as number[];
      console.log(`  spread workload: ${accounts.length} accounts loaded from a scenario file in ${fmt.ms(Number(first.info.scenarioLoadS))} s`);
      pattern = spreadPattern(accounts);
      console.log(`  operations: ${pattern.length / 2} USDT deposits alternating with USDT transfers, among accounts ${accounts[0]}–${accounts.at(-1)}`);
    } else {
      pattern = await hotPattern(first, auth);
    }
    const rawOps = options.baseline ? rawOperations(pattern, await assetScales(first, auth)) : [];

    // Before measuring, on every instance: one operation of each kind, and a batch, must be accepted.
    const [deposit, transfer] = pattern;
    for (const [s, server] of servers.entries()) {
      for (const [i, op] of [deposit, transfer].entries()) {
        const response = await postJson(`${server.url}${OPERATOR_PREFIX}/operations`, { key: `bench-${runId}-check-${s}-${i}`, ...op }, auth);
        if (response.status !== 201) throw new Error(`${server.name}: POST /operations (${String(op?.type)}) answered ${response.status}: ${response.text}`);
      }
      const checkBatch = pattern.slice(0, 4).map((op, i) => ({ key: `bench-${runId}-check-batch-${s}-${i}`, ...op }));
      const batchResponse = await postJson(`${server.url}${OPERATOR_PREFIX}/operations/batch`, { operations: checkBatch }, auth);
      if (batchResponse.status !== 201) throw new Error(`${server.name}: POST /operations/batch answered ${batchResponse.status}: ${batchResponse.text}`);
    }
    console.log(`  POST /operations (deposit, transfer) -> 201, POST /operations/batch -> 201${servers.length > 1 ? ', on every instance' : ''}`);
    if (options.floor) floorServer = await startFloor(first, pattern, `bench-${runId}-floor`, auth, scenarioDir, options);

    const before = await verify(first, auth);
    let acknowledged = 0;
    let generated = 0;
    for (let rep = 1; rep <= flags.repeat; rep++) {
      // A: assetbook in every mode; C: the HTTP floor; B: the raw baselines. Alternated A,C,B,A,C,B… so drift hits all three.
      for (const mode of modes) {
        const run = await runAssetbook(deployment, { config, mode, rep, pattern, keyPrefix: `bench-${runId}-${mode}-${rep}`, auth, options });
        rows.push(run.row);
        acknowledged += run.acknowledged;
        generated += run.generated;
      }
      if (floorServer) {
        for (const mode of modes) floors.push(await runFloor(floorServer, { config, mode, rep, pattern, keyPrefix: `bench-${runId}-floor-${mode}-${rep}`, auth, options }));
      }
      if (!options.baseline) continue;
      for (const kind of rawKinds(config.store, modes)) {
        const raw = await runBaseline(config, kind, rep, rawOps, `raw-${runId}-${kind}-${rep}`, options);
        rawDeadlocks += raw.result.deadlocks;
        raws.push(raw);
      }
    }

    const after = await verify(first, auth);
    console.log(`  GET ${OPERATOR_PREFIX}/verify on ${first.name} -> ${JSON.stringify(after)}`);
    if (after.ok !== true) throw new Error(`verify is not ok after the ${configName(config)} runs: ${JSON.stringify(after.mismatches)}`);
    const added = after.entries - before.entries;
    // Requests still in flight when autocannon stops may land without being counted as acknowledged.
    if (added < acknowledged || added > generated) {
      throw new Error(`the journal gained ${added} entries; acknowledged ${acknowledged}, generated ${generated}`);
    }
    console.log(`  journal: +${added} entries; ${acknowledged} operations acknowledged with a 2xx, ${generated} sent (the rest were in flight at the stop)`);
  } finally {
    await floorServer?.stop();
    await deployment.stop();
    removeTempDir(scenarioDir);
    // After the servers stopped (their backends have reported everything by then); on failure too,
    // since deadlocks are a likely reason for one.
    if (countersBefore) {
      const database = await reportDatabaseCounters(postgresUrl, countersBefore, rawDeadlocks);
      if (database !== null) deadlocks = { config, database, raw: rawDeadlocks };
    }
  }
  return { rows, raws, floors, deadlocks };
}

/**
 * The HTTP floor's server, pinned where assetbook runs, answering with the bytes assetbook gave
 * to one operation and to one batch of --batch (sent here with their own keys, before the
 * journal count that `verify` checks starts).
 */
async function startFloor(
  first: RunningServer,
  pattern: readonly Operation[],
  keyPrefix: string,
  auth: Record<string, string>,
  dir: string,
  options: Options,
): Promise<RunningServer> {
  const single = await postJson(`${first.url}${OPERATOR_PREFIX}/operations`, { key: `${keyPrefix}-single`, ...pattern[0] }, auth);
  const operations = Array.from({ length: options.batch }, (_, i) => ({ key: `${keyPrefix}-batch-${i}`, ...pattern[i % pattern.length] }));
  const batch = await postJson(`${first.url}${OPERATOR_PREFIX}/operations/batch`, { operations }, auth);
  if (single.status !== 201 || batch.status !== 201) throw new Error(`the floor's sample responses answered ${single.status} and ${batch.status}`);
  const singleFile = join(dir, 'floor-single.json');
  const batchFile = join(dir, 'floor-batch.json');
  writeFileSync(singleFile, single.text);
  writeFileSync(batchFile, batch.text);
  const server = await startServer('bare-fastify-write', serverCpuOf(options.flags), 'bench/bare-write-server.ts', [
    '--single-body-file',
    singleFile,
    '--batch-body-file',
    batchFile,
    '--prefix',
    OPERATOR_PREFIX,
  ]);
  const check = await postJson(`${server.url}${OPERATOR_PREFIX}/operations`, { key: `${keyPrefix}-check`, ...pattern[0] }, auth);
  if (check.status !== 201 || check.text !== single.text) throw new Error(`the HTTP floor's server answered ${check.status} with other bytes than assetbook's`);
  console.log(
    `  HTTP floor: bare Fastify (bench/bare-write-server.ts) pid ${server.pid} on CPU ${server.affinity}, answering the same requests with assetbook's ` +
      `${Buffer.byteLength(single.text)} bytes (one operation) and ${Buffer.byteLength(batch.text)} bytes (a batch of ${options.batch})`,
  );
  return server;
}

/** What one measured run of a repetition sends: assetbook's and the HTTP floor's are the same requests. */
interface RunInput {
  readonly config: Configuration;
  readonly mode: Mode;
  readonly rep: number;
  readonly pattern: readonly Operation[];
  readonly keyPrefix: string;
  readonly auth: Record<string, string>;
  readonly options: Options;
}

/**
 * Drives `servers` with the requests of the run's mode: every operation with a fresh key, the
 * pattern in turn; `measurePostgres` adds the CPU of every postgres process to the figures.
 */
function driveOperations(name: string, servers: readonly RunningServer[], run: RunInput, measurePostgres: boolean): Promise<LoadResult> {
  const { flags, batch } = run.options;
  const route = run.mode === 'single' ? 'operations' : 'operations/batch';
  return runLoad(
    name,
    loadCpuOf(flags),
    {
      kind: 'operations',
      targets: servers.map((s) => ({ url: `${s.url}${OPERATOR_PREFIX}/${route}`, serverPid: s.pid })),
      headers: run.auth,
      connections: flags.connections,
      durationS: flags.durationS,
      warmupS: flags.warmupS,
      measurePostgres,
      batch: run.mode === 'single' ? 0 : batch,
      keyPrefix: run.keyPrefix,
      pattern: run.pattern,
    },
    flags.quietWaitS,
  );
}

/** One run of the HTTP floor: the requests assetbook gets in the run's mode, sent to the bare server. */
async function runFloor(server: RunningServer, run: RunInput): Promise<FloorRow> {
  const { config, mode, rep } = run;
  const opsPerRequest = mode === 'single' ? 1 : run.options.batch;
  const name = `${configName(config)}/floor-${mode} #${rep}`;
  const load = await driveOperations(name, [server], run, false);
  assertClean(name, load);
  console.log(
    `  ${name}: ${fmt.int(requestsPerS(load) * opsPerRequest)} operations/s, p50 ${fmt.ms(load.latencyMs.p50)} ms, p99 ${fmt.ms(load.latencyMs.p99)} ms, ` +
      `${fmt.int((load.serverCpuS * 1e6) / (load.ok * opsPerRequest))} µs server CPU/op (bare Fastify, no work)`,
  );
  return { config, mode, rep, opsPerRequest, load };
}

/** The raw runs of one repetition: SQLite always both (the goals hold both modes against N per commit); PostgreSQL the modes run. */
function rawKinds(store: StoreKind, modes: readonly Mode[]): Mode[] {
  return store === 'sqlite' ? ['single', 'batch'] : [...modes];
}

async function runAssetbook(deployment: Deployment, run: RunInput): Promise<{ row: Row; acknowledged: number; generated: number }> {
  const { config, mode, rep } = run;
  const { batch } = run.options;
  const { servers } = deployment;
  const opsPerRequest = mode === 'single' ? 1 : batch;
  const name = `${configName(config)}/${mode} #${rep}`;
  const statsBefore = await groupCommitStats(deployment);
  const load = await driveOperations(name, servers, run, config.store === 'postgres');
  // Requests in flight at the stop are still being applied: wait, so that the next run starts clean.
  await waitIdle(deployment);
  assertClean(name, load, false);
  if (load.ok === 0) console.log(`  WARNING: ${name}: not one request finished within the measured run (each waits up to 30 s): 0 operations/s, no latency`);
  const statsAfter = await groupCommitStats(deployment);
  const group =
    statsBefore && statsAfter && mode === 'single' ? { operations: statsAfter.operations - statsBefore.operations, commits: statsAfter.commits - statsBefore.commits } : null;
  const ok = count2xx(load);
  const perInstance =
    load.results.length > 1
      ? `; per instance: ${load.results.map((r, i) => `${fmt.int(r.requests.average * opsPerRequest)} ops/s, p50 ${fmt.ms(load.latencyEachMs[i]?.p50 ?? NaN)} ms`).join(' | ')}`
      : '';
  console.log(
    `  ${name}: ${fmt.int(requestsPerS(load) * opsPerRequest)} operations/s, p50 ${fmt.ms(load.latencyMs.p50)} ms, p99 ${fmt.ms(load.latencyMs.p99)} ms, ` +
      `${fmt.int((load.serverCpuS * 1e6) / (load.ok * opsPerRequest))} µs server CPU/op; ${ok.measured} requests (warm-up ${ok.warmup}), all 2xx; ` +
      `autocannon on CPU ${load.clientAffinity}${perInstance}` +
      (group ? `; ${group.operations} operations in ${group.commits} commits (${fmt.ratio(group.operations / Math.max(1, group.commits))} per commit)` : ''),
  );
  const other = otherLoad(load);
  if (other > 0.1) console.log(`  WARNING: other processes used ${fmt.ratio(other)} CPU cores during this run: the figures are disturbed`);
  return { row: { config, mode, rep, opsPerRequest, load, group }, acknowledged: (ok.measured + ok.warmup) * opsPerRequest, generated: load.generatedOperations };
}

/** One raw baseline run, pinned to the server CPU (the assetbook servers are idle meanwhile). */
async function runBaseline(config: Configuration, kind: Mode, rep: number, operations: readonly RawOperation[], keyPrefix: string, options: Options): Promise<RawRow> {
  const { flags, batch } = options;
  await waitQuiet(flags.quietWaitS);
  const opsPerCommit = kind === 'single' ? 1 : batch;
  const name = `${configName(config)}/raw-${kind} #${rep}`;
  const result = await runRaw(name, serverCpuOf(flags), {
    engine: config.store,
    operations,
    keyPrefix,
    durationS: flags.durationS,
    warmupS: flags.warmupS,
    opsPerCommit,
    synchronous: (config.durability ?? 'full').toUpperCase(),
    postgresUrl: options.postgresUrl,
    clients: flags.connections,
    batchStyle: options.rawBatch,
  });
  console.log(
    `  ${name}: ${fmt.int(result.operations / result.wallS)} operations/s, p50 ${fmt.ms(result.latencyMs.p50)} ms, p99 ${fmt.ms(result.latencyMs.p99)} ms per ${opsPerCommit === 1 ? 'operation' : 'commit'}, ` +
      `${fmt.int((result.processCpuS * 1e6) / Math.max(1, result.operations))} µs driver CPU/op` +
      (result.postgresCpuS !== null ? `, ${fmt.int((result.postgresCpuS * 1e6) / Math.max(1, result.operations))} µs PostgreSQL CPU/op, ${result.deadlocks} deadlocks` : '') +
      `; ${result.description}`,
  );
  return { config, kind, rep, result };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...COMMON_OPTIONS,
      ...STORE_OPTIONS,
      batch: { type: 'string', default: '100' },
      durability: { type: 'string', default: 'full' },
      modes: { type: 'string', default: 'single,batch' },
      'group-commit': { type: 'string', default: 'on' },
      workload: { type: 'string', default: 'hot' },
      'spread-accounts': { type: 'string', default: '10000' },
      baseline: { type: 'string', default: 'on' },
      floor: { type: 'string', default: 'on' },
      'raw-batch': { type: 'string', default: 'calls' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const flags = commonFlags(values);
  const batch = positiveInt('batch', values.batch);
  if (batch > 1000) throw new Error('--batch is at most 1000 (the API limit)');
  const durabilities = listFlag('durability', values.durability, ['full', 'normal', 'off'] as const);
  const modes = listFlag('modes', values.modes, ['single', 'batch'] as const);
  const stores = listFlag('store', values.store, STORES);
  const instances = instancesFlag(values.instances);
  const groupCommits = listFlag('group-commit', values['group-commit'], ['on', 'off'] as const);
  const workloads = listFlag('workload', values.workload, WORKLOADS);
  const [baseline] = listFlag('baseline', values.baseline, ['on', 'off'] as const);
  const [floor] = listFlag('floor', values.floor, ['on', 'off'] as const);
  const [rawBatch] = listFlag('raw-batch', values['raw-batch'], ['calls', 'set'] as const);
  const spreadAccounts = positiveInt('spread-accounts', values['spread-accounts']);
  if (spreadAccounts < 2 || spreadAccounts > 1_000_000) throw new Error('--spread-accounts must be between 2 and 1,000,000 (a scenario holds at most 10,000 users of 100 accounts)');
  const postgresUrl = postgresUrlFlag(values['postgres-url']);
  const options: Options = { modes, batch, flags, postgresUrl, redis: values.redis, baseline: baseline === 'on', floor: floor === 'on', rawBatch: rawBatch ?? 'calls', spreadAccounts };

  const configs: Configuration[] = [];
  for (const store of stores) {
    for (const workload of workloads) {
      for (const groupCommit of groupCommits) {
        if (store === 'sqlite') {
          for (const durability of durabilities) configs.push({ store, durability, instances: 1, groupCommit, workload });
        } else {
          for (const n of instances) configs.push({ store, durability: null, instances: n, groupCommit, workload });
        }
      }
    }
  }

  console.log(
    `write benchmark: ${flags.repeat} alternated repetitions of ${flags.durationS} s measured after ${flags.warmupS} s warm-up, ${flags.connections} connections, ` +
      `batch ${batch}, workloads ${workloads.join(', ')}, baselines ${options.baseline ? 'on' : 'off'}, HTTP floor ${options.floor ? 'on' : 'off'}, revision ${gitRevision()}`,
  );
  console.log(`  ${placement(flags, 'every assetbook instance and the raw baselines')}${stores.includes('postgres') ? '; PostgreSQL runs unpinned (a service of the machine, on any CPU)' : ''}`);
  if (stores.includes('sqlite') && instances.some((n) => n !== 1)) console.log('  SQLite runs one instance only (a SQLite file belongs to one process): --instances applies to PostgreSQL');
  if (stores.includes('postgres')) console.log(`  ${await preparePostgres(postgresUrl)}; --durability applies to SQLite only`);
  const rows: Row[] = [];
  const raws: RawRow[] = [];
  const floors: FloorRow[] = [];
  const deadlocks: ConfigDeadlocks[] = [];
  for (const config of configs) {
    const measured = await benchConfiguration(config, options);
    rows.push(...measured.rows);
    raws.push(...measured.raws);
    floors.push(...measured.floors);
    if (measured.deadlocks) deadlocks.push(measured.deadlocks);
  }

  const withPostgres = stores.includes('postgres');
  console.log(`\n## Every run\n\n${runsTable(rows, raws, floors, batch, withPostgres)}\n`);
  console.log(`## Summary: assetbook beside the raw baselines (medians of ${flags.repeat} alternated repetitions)\n\n${summaryTable(rows, raws, floors, deadlocks, batch)}\n`);
  console.log(
    'Ratio: assetbook operations/s ÷ the baseline\'s, per repetition (runs of the same repetition), median (min–max). Goals (issue 14): SQLite single ≥ 0.5 × raw at ' +
      `${batch} ops/commit, batch ≥ 0.8 × the same; PostgreSQL single ≥ 0.8 × raw one call per op, batch ≥ 0.8 × raw batches, batch p99 < 2 s, no deadlock. ` +
      'CPU µs/op: the servers\' (or the raw driver\'s) CPU plus, on PostgreSQL, every postgres process\'s, per operation of the measured run. ' +
      'HTTP floor: bare Fastify answering the same requests on the same CPU with assetbook\'s bytes and doing nothing else; floor ÷ baseline is the highest ratio ' +
      'an HTTP server on that core could show. ' +
      'Deadlocks (assetbook) = the database\'s deadlock counter over the configuration minus those the raw baseline was told of (other clients of the database count too).',
  );
  const scaling = instancesTable(rows);
  if (scaling) console.log(`\n## Several instances on one PostgreSQL: total throughput ÷ one instance's\n\n${scaling}\n`);
  console.log(
    `\nMeasured runs of ${flags.durationS} s after ${flags.warmupS} s warm-up; ${flags.connections} connections in all, pipelining 1 (split evenly between instances); ` +
      `${placement(flags, 'every assetbook instance and the raw baselines')}; loopback. Latencies are per request (every instance merged); CPU figures cover the measured run only; ` +
      `"server CPU" sums every instance. SQLite: a WAL file in a temp dir.` +
      (withPostgres
        ? ' PostgreSQL: unpinned, its CPU is every postgres process (other clients\' backends included, so another user of the same server shows there); ' +
          'operations/commit is counted by the servers over the warm-up and the measured run.'
        : ' operations/commit is counted by the server over the warm-up and the measured run.'),
  );
}

runMain(main);
