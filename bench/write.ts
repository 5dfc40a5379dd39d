/**
 * Write benchmark: ledger operations per second through the operator API.
 *
 *   npm run bench:write [-- --duration 10 --connections 10 --warmup 2 --batch 100 --durability full,normal --modes single,batch]
 *   npm run bench:write -- --store sqlite,postgres --instances 1,2 --group-commit on,off
 *
 * For each configuration (store × durability for SQLite, store × instances for PostgreSQL, × group
 * commit), a fresh assetbook (a new SQLite file, or a new PostgreSQL schema with 1 or more
 * instances on it; demo scenario loaded) runs pinned to --server-cpu, and autocannon (pinned to
 * --load-cpu) drives, one after the other:
 * - single: POST /operations, one operation per request;
 * - batch:  POST /operations/batch, --batch operations per request (one transaction each).
 * With several instances, one autocannon per instance runs at the same time in the load process,
 * the connections split between them. The operations alternate deposits (every demo account,
 * USDT/BTC/ETH) and transfers of USDT between demo accounts, each with a unique idempotency key.
 * Every response must be a 2xx, and after the runs GET /verify (on the first instance) must report
 * ok:true with every acknowledged operation in the journal.
 */
import { randomBytes } from 'node:crypto';
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
  markdownTable,
  otherLoad,
  placement,
  positiveInt,
  postJson,
  requestsPerS,
  runLoad,
  runMain,
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
  type DatabaseCounters,
  type Deployment,
  type StoreKind,
} from './deployment.js';

const HELP = `Usage: npm run bench:write -- [options]
${COMMON_HELP}
  --batch <n>             operations per POST /operations/batch (default 100, at most 1000)
  --durability <list>     comma-separated SQLite durabilities, each on a fresh server (default full,normal; PostgreSQL has its own)
  --modes <list>          single, batch or both (default single,batch)
  --group-commit <list>   on, off or on,off: the servers' --group-commit, each on a fresh store (default on, the server's default)
${storeHelp(true, 26)}`;

type Mode = 'single' | 'batch';
type Operation = Record<string, unknown>;

/** One fresh store and its servers. */
interface Configuration {
  readonly store: StoreKind;
  /** SQLite's; PostgreSQL's is its server's (synchronous_commit), reported once. */
  readonly durability: string | null;
  readonly instances: number;
  readonly groupCommit: 'on' | 'off';
}

interface Row {
  readonly config: Configuration;
  readonly mode: Mode;
  readonly opsPerRequest: number;
  readonly load: LoadResult;
  /** Operations per commit over the warm-up and the measured run, from the servers' group-commit counters (single mode with group commit on). */
  readonly group: { readonly operations: number; readonly commits: number } | null;
}

interface VerifyReport {
  ok: boolean;
  entries: number;
  postings: number;
  balances: number;
  mismatches: unknown[];
}

/** Deposits into every account and small USDT transfers out of the accounts that hold USDT. */
async function operationPattern(server: RunningServer, auth: Record<string, string>): Promise<Operation[]> {
  const users = await getJson(`${server.url}${OPERATOR_PREFIX}/users`, auth);
  if (users.status !== 200) throw new Error(`GET /users answered ${users.status}`);
  const accounts = (users.json as { accounts: { id: number }[] }[]).flatMap((u) => u.accounts.map((a) => a.id));
  if (accounts.length < 2) throw new Error('the demo scenario should give at least two accounts');
  const sources: number[] = [];
  for (const id of accounts) {
    const balances = await getJson(`${server.url}${OPERATOR_PREFIX}/accounts/${id}/balances`, auth);
    if (balances.status !== 200) throw new Error(`GET balances of ${id} answered ${balances.status}`);
    const usdt = (balances.json as { assets: { asset: string; available: string }[] }).assets.find((a) => a.asset === 'USDT');
    // 100 USDT pays for 10^8 transfers of 0.000001: no run comes near it, so no transfer can be refused.
    if (usdt && Number(usdt.available) >= 100) sources.push(id);
  }
  if (sources.length === 0) throw new Error('no demo account holds USDT to transfer');
  const deposits: Operation[] = [];
  for (const account of accounts) {
    deposits.push({ type: 'deposit', account, asset: 'USDT', amount: '0.01' });
    deposits.push({ type: 'deposit', account, asset: 'BTC', amount: '0.0001' });
    deposits.push({ type: 'deposit', account, asset: 'ETH', amount: '0.001' });
  }
  const transfers: Operation[] = [];
  for (const [i, from] of sources.entries()) {
    for (const step of [1, 2, 3]) {
      const to = accounts[(accounts.indexOf(from) + step * (i + 1)) % accounts.length];
      if (to !== undefined && to !== from) transfers.push({ type: 'transfer', from, to, asset: 'USDT', amount: '0.000001' });
    }
  }
  const pattern: Operation[] = [];
  for (let i = 0; i < deposits.length; i++) {
    const deposit = deposits[i];
    const transfer = transfers[i % transfers.length];
    if (deposit) pattern.push(deposit);
    if (transfer) pattern.push(transfer);
  }
  console.log(`  operations: ${pattern.length / 2} deposits (accounts ${accounts.join(', ')}) alternating with USDT transfers (from accounts ${sources.join(', ')})`);
  return pattern;
}

async function verify(server: RunningServer, auth: Record<string, string>): Promise<VerifyReport> {
  const response = await getJson(`${server.url}${OPERATOR_PREFIX}/verify`, auth);
  if (response.status !== 200) throw new Error(`GET /verify answered ${response.status}: ${response.text}`);
  return response.json as VerifyReport;
}

async function reportDatabaseCounters(postgresUrl: string, before: DatabaseCounters): Promise<void> {
  try {
    const after = await databaseCounters(postgresUrl);
    const deadlocks = after.deadlocks - before.deadlocks;
    console.log(
      `  PostgreSQL, database-wide (every client, not only these servers) during this configuration: ${after.commits - before.commits} commits, ` +
        `${after.rollbacks - before.rollbacks} rollbacks, ${deadlocks} deadlocks`,
    );
    if (deadlocks > 0) console.log(`  WARNING: ${deadlocks} deadlocks: each one stalls its transactions for deadlock_timeout before PostgreSQL breaks it`);
  } catch (error) {
    console.log(`  (PostgreSQL counters unavailable: ${(error as Error).message})`);
  }
}

function configName(c: Configuration): string {
  return [c.store, c.durability, c.instances > 1 ? `${c.instances}x` : null, c.groupCommit === 'off' ? 'no-gc' : null].filter((p) => p !== null).join('-');
}

async function benchConfiguration(config: Configuration, modes: readonly Mode[], batch: number, flags: CommonFlags, postgresUrl: string, redis: string | undefined): Promise<Row[]> {
  const token = `bench_${randomBytes(18).toString('base64url')}`;
  const auth = { authorization: `Bearer ${token}` };
  const runId = randomBytes(4).toString('hex');
  const rows: Row[] = [];
  const label = `assetbook-${configName(config)}`;
  const countersBefore = config.store === 'postgres' ? await databaseCounters(postgresUrl) : null;
  const deployment: Deployment = await startDeployment(
    {
      store: config.store,
      instances: config.instances,
      durability: config.durability ?? 'full',
      groupCommit: config.groupCommit,
      postgresUrl,
      ...(redis !== undefined ? { redis } : {}),
      operatorToken: token,
      label,
    },
    flags,
  );
  try {
    const { servers } = deployment;
    const first = servers[0]!;
    console.log(`${label}: ${deployment.description}; demo loaded`);
    console.log(`  ${describeServers(deployment)}`);
    const pattern = await operationPattern(first, auth);

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

    const before = await verify(first, auth);
    let acknowledged = 0;
    let generated = 0;
    for (const mode of modes) {
      const opsPerRequest = mode === 'single' ? 1 : batch;
      const name = `${configName(config)}/${mode}`;
      const statsBefore = await groupCommitStats(deployment);
      const load = await runLoad(
        name,
        loadCpuOf(flags),
        {
          kind: 'operations',
          targets: servers.map((s) => ({ url: `${s.url}${OPERATOR_PREFIX}/${mode === 'single' ? 'operations' : 'operations/batch'}`, serverPid: s.pid })),
          headers: auth,
          connections: flags.connections,
          durationS: flags.durationS,
          warmupS: flags.warmupS,
          measurePostgres: config.store === 'postgres',
          batch: mode === 'single' ? 0 : batch,
          keyPrefix: `bench-${runId}-${mode}`,
          pattern,
        },
        flags.quietWaitS,
      );
      assertClean(name, load);
      const statsAfter = await groupCommitStats(deployment);
      const group =
        statsBefore && statsAfter && mode === 'single'
          ? { operations: statsAfter.operations - statsBefore.operations, commits: statsAfter.commits - statsBefore.commits }
          : null;
      const ok = count2xx(load);
      acknowledged += (ok.measured + ok.warmup) * opsPerRequest;
      generated += load.generatedOperations;
      const perInstance =
        load.results.length > 1
          ? `; per instance: ${load.results.map((r, i) => `${fmt.int(r.requests.average)} req/s, p50 ${fmt.ms(load.latencyEachMs[i]?.p50 ?? NaN)} ms`).join(' | ')}`
          : '';
      console.log(
        `  ${name}: ${fmt.int(requestsPerS(load) * opsPerRequest)} operations/s; measured run ${ok.measured} requests, all 2xx (non-2xx, errors, timeouts 0); ` +
          `warm-up ${ok.warmup} requests, all 2xx; autocannon on CPU ${load.clientAffinity}${perInstance}` +
          (group ? `; ${group.operations} operations in ${group.commits} commits (${fmt.ratio(group.operations / Math.max(1, group.commits))} per commit)` : ''),
      );
      const other = otherLoad(load);
      if (other > 0.1) console.log(`  WARNING: other processes used ${fmt.ratio(other)} CPU cores during this run: the figures are disturbed`);
      rows.push({ config, mode, opsPerRequest, load, group });
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
    await deployment.stop();
    // After the servers stopped (their backends have reported everything by then); on failure too,
    // since deadlocks are a likely reason for one.
    if (countersBefore) await reportDatabaseCounters(postgresUrl, countersBefore);
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...COMMON_OPTIONS,
      ...STORE_OPTIONS,
      batch: { type: 'string', default: '100' },
      durability: { type: 'string', default: 'full,normal' },
      modes: { type: 'string', default: 'single,batch' },
      'group-commit': { type: 'string', default: 'on' },
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
  const postgresUrl = postgresUrlFlag(values['postgres-url']);

  const configs: Configuration[] = [];
  for (const store of stores) {
    for (const groupCommit of groupCommits) {
      if (store === 'sqlite') {
        for (const durability of durabilities) configs.push({ store, durability, instances: 1, groupCommit });
      } else {
        for (const n of instances) configs.push({ store, durability: null, instances: n, groupCommit });
      }
    }
  }

  console.log(
    `write benchmark: ${flags.durationS} s measured after ${flags.warmupS} s warm-up, ${flags.connections} connections, batch ${batch}, revision ${gitRevision()}`,
  );
  console.log(`  ${placement(flags, 'every assetbook instance')}${stores.includes('postgres') ? '; PostgreSQL runs unpinned (a service of the machine, on any CPU)' : ''}`);
  if (stores.includes('sqlite') && instances.some((n) => n !== 1)) console.log('  SQLite runs one instance only (a SQLite file belongs to one process): --instances applies to PostgreSQL');
  if (stores.includes('postgres')) console.log(`  ${await preparePostgres(postgresUrl)}; --durability applies to SQLite only`);
  const rows: Row[] = [];
  for (const config of configs) rows.push(...(await benchConfiguration(config, modes, batch, flags, postgresUrl, values.redis)));

  const withPostgres = stores.includes('postgres');
  const table = markdownTable(
    [
      'store',
      'durability',
      'instances',
      'group commit',
      'mode',
      'operations/s (mean)',
      'requests/s (mean)',
      'p50 ms',
      'p97.5 ms',
      'p99 ms',
      'operations/commit',
      'server CPU µs/operation',
      'server CPU busy',
      ...(withPostgres ? ['PostgreSQL CPU busy'] : []),
      'client CPU busy',
      'other load (cores)',
    ],
    rows.map(({ config, mode, opsPerRequest, load, group }) => {
      const reqs = requestsPerS(load);
      const perCommit = group ? fmt.ratio(group.operations / Math.max(1, group.commits)) : mode === 'batch' ? `${batch} (one per request)` : '1 (no group commit)';
      return [
        config.store === 'sqlite' ? 'SQLite' : 'PostgreSQL',
        config.durability ?? '—',
        String(config.instances),
        config.groupCommit,
        mode === 'single' ? 'single (POST /operations)' : `batch of ${opsPerRequest} (POST /operations/batch)`,
        fmt.int(reqs * opsPerRequest),
        fmt.int(reqs),
        fmt.ms(load.latencyMs.p50),
        fmt.ms(load.latencyMs.p97_5),
        fmt.ms(load.latencyMs.p99),
        perCommit,
        fmt.int((load.serverCpuS * 1e6) / (load.ok * opsPerRequest)),
        fmt.pct(load.serverCpuS / load.wallS),
        ...(withPostgres ? [load.postgresCpuS === null ? '—' : fmt.pct(load.postgresCpuS / load.wallS)] : []),
        fmt.pct(load.clientCpuS / load.wallS),
        fmt.ratio(otherLoad(load)),
      ];
    }),
  );
  console.log(`\n${table}\n`);
  console.log(
    `Measured runs of ${flags.durationS} s after ${flags.warmupS} s warm-up; ${flags.connections} connections in all, pipelining 1 (split evenly between instances); ` +
      `${placement(flags, 'every assetbook instance')}; loopback. Latencies are per request (every instance merged); CPU figures cover the measured run only; ` +
      `"server CPU" sums every instance. SQLite: a WAL file in a temp dir.` +
      (withPostgres
        ? ' PostgreSQL: unpinned, its CPU is every postgres process (other clients\' backends included, so another user of the same server shows there); ' +
          'operations/commit is counted by the servers over the warm-up and the measured run.'
        : ' operations/commit is counted by the server over the warm-up and the measured run.'),
  );
}

runMain(main);
