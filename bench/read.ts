/**
 * Read benchmark: one authenticated balance read (the operator API's, or a venue's: `--target`)
 * against a bare Fastify route serving a body of the same bytes.
 *
 *   npm run bench:read [-- --target operator --duration 10 --connections 10 --warmup 2 --bare both]
 *   npm run bench:read -- --target bitget --store postgres --instances 2
 *
 * Servers run one after the other, each alone, pinned to --server-cpu; autocannon runs in a child
 * pinned to --load-cpu. With --store postgres, assetbook reads from a fresh PostgreSQL schema
 * (dropped after), through --instances instances at once, all pinned to --server-cpu, each driven
 * by its own autocannon (the connections split between them). Every run must be all 2xx with no
 * errors, or the script fails.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  assertClean,
  commonFlags,
  count2xx,
  fmt,
  getJson,
  gitRevision,
  loadCpuOf,
  makeTempDir,
  markdownTable,
  otherLoad,
  placement,
  removeTempDir,
  requestsPerS,
  runLoad,
  runMain,
  serverCpuOf,
  startServer,
  type CommonFlags,
  type LoadResult,
  type RunningServer,
} from './lib.js';
import { STORES, STORE_OPTIONS, describeServers, instancesFlag, listFlag, postgresUrlFlag, preparePostgres, startDeployment, storeHelp } from './deployment.js';
import { READ_TARGETS } from './targets/index.js';

const HELP = `Usage: npm run bench:read -- [options]
${COMMON_HELP}
  --target <name>     the read to measure: ${READ_TARGETS.map((t) => t.name).join(', ')} (default operator)
  --bare <mode>       baseline: string (pre-built body), schema (response schema, operator only), both (default for operator; string for venues), none
${storeHelp(false, 22)}`;

interface Row {
  readonly target: string;
  readonly load: LoadResult;
  readonly bodyBytes: number;
}

async function measure(
  name: string,
  servers: readonly RunningServer[],
  path: string,
  headers: Record<string, string>,
  flags: CommonFlags,
  measurePostgres = false,
): Promise<LoadResult> {
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
    `  ${name}: ${fmt.int(requestsPerS(load))} req/s; measured run ${ok.measured} responses, all 2xx (non-2xx, errors, timeouts 0); ` +
      `warm-up ${ok.warmup} responses, all 2xx; autocannon on CPU ${load.clientAffinity}${perInstance}`,
  );
  const other = otherLoad(load);
  if (other > 0.1) console.log(`  WARNING: other processes used ${fmt.ratio(other)} CPU cores during this run: the figures are disturbed`);
  return load;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...COMMON_OPTIONS, ...STORE_OPTIONS, target: { type: 'string', default: 'operator' }, bare: { type: 'string' } } });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const flags = commonFlags(values);
  const target = READ_TARGETS.find((t) => t.name === values.target);
  if (!target) throw new Error(`--target must be one of ${READ_TARGETS.map((t) => t.name).join(', ')} (got ${values.target})`);
  // The schema baseline serializes through the operator API's schema, so it only fits the operator's body.
  const bare = values.bare ?? (target.name === 'operator' ? 'both' : 'string');
  const bareModes = bare === 'both' ? (['string', 'schema'] as const) : bare === 'none' ? [] : bare === 'string' || bare === 'schema' ? [bare] : null;
  if (bareModes === null) throw new Error(`--bare must be string, schema, both or none (got ${bare})`);
  if (target.name !== 'operator' && bareModes.includes('schema')) throw new Error('--bare schema fits only --target operator: a venue body has its own shape');
  const stores = listFlag('store', values.store, STORES);
  const instancesList = instancesFlag(values.instances);
  if (stores.length !== 1 || instancesList.length !== 1) throw new Error('bench:read takes one --store and one --instances (bench:write takes lists)');
  const store = stores[0]!;
  const instances = instancesList[0]!;
  if (store === 'sqlite' && instances !== 1) throw new Error('--instances > 1 needs --store postgres (a SQLite file belongs to one process)');
  const postgresUrl = postgresUrlFlag(values['postgres-url']);

  const dir = makeTempDir('assetbook-bench-read-');
  const token = `bench_${randomBytes(18).toString('base64url')}`;
  const rows: Row[] = [];
  console.log(`read benchmark: ${flags.durationS} s measured after ${flags.warmupS} s warm-up, ${flags.connections} connections, revision ${gitRevision()}`);
  console.log(`  ${placement(flags, instances > 1 ? 'every assetbook instance and the bare server' : 'the server')}${store === 'postgres' ? '; PostgreSQL runs unpinned (a service of the machine, on any CPU)' : ''}`);
  if (store === 'postgres') console.log(`  ${await preparePostgres(postgresUrl)}`);

  // (a) assetbook
  let body: string;
  const storeLabel = store === 'sqlite' ? '' : ` (PostgreSQL, ${instances} instance${instances > 1 ? 's' : ''})`;
  const deployment = await startDeployment(
    {
      store,
      instances,
      durability: 'full',
      postgresUrl,
      ...(values.redis !== undefined ? { redis: values.redis } : {}),
      operatorToken: token,
      ...(target.serverEnv ? { env: target.serverEnv } : {}),
      label: store === 'sqlite' ? 'assetbook' : 'assetbook-pg',
    },
    flags,
  );
  try {
    const { servers } = deployment;
    const first = servers[0]!;
    console.log(`assetbook: ${deployment.description}; demo loaded`);
    console.log(`  ${describeServers(deployment)}`);
    const { path, headers, description } = await target.prepare(first, token);
    const answer = await getJson(`${first.url}${path}`, { ...headers });
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text}`);
    body = answer.text;
    // Every instance must serve the same read with the same credentials (the store is shared).
    for (const server of servers.slice(1)) {
      const other = await getJson(`${server.url}${path}`, { ...headers });
      if (other.status !== 200) throw new Error(`${server.name}: GET ${path} answered ${other.status}: ${other.text}`);
      if (Buffer.byteLength(other.text) !== Buffer.byteLength(body)) throw new Error(`${server.name} serves ${Buffer.byteLength(other.text)} bytes, ${first.name} ${Buffer.byteLength(body)}`);
    }
    console.log(`  ${description} -> 200, ${Buffer.byteLength(body)} bytes${servers.length > 1 ? ' on every instance' : ''} (and refused without credentials)`);
    rows.push({
      target: `assetbook${storeLabel}, ${description}`,
      load: await measure('assetbook', servers, path, { ...headers }, flags, store === 'postgres'),
      bodyBytes: Buffer.byteLength(body),
    });
  } finally {
    await deployment.stop();
  }

  // (b) bare Fastify, started only after assetbook has exited
  const bodyFile = join(dir, 'balances.json');
  writeFileSync(bodyFile, body);
  for (const mode of bareModes) {
    const bare = await startServer(`bare-${mode}`, serverCpuOf(flags), 'bench/bare-server.ts', ['--body-file', bodyFile, '--mode', mode]);
    try {
      console.log(`bare Fastify (${mode}) pid ${bare.pid} on CPU ${bare.affinity}, ${bare.url}`);
      const check = await getJson(`${bare.url}/balances`);
      if (check.status !== 200) throw new Error(`bare ${mode} answered ${check.status}`);
      if (Buffer.byteLength(check.text) !== Buffer.byteLength(body)) {
        throw new Error(`bare ${mode} serves ${Buffer.byteLength(check.text)} bytes, assetbook ${Buffer.byteLength(body)}`);
      }
      console.log(`  GET /balances -> 200, ${Buffer.byteLength(check.text)} bytes${check.text === body ? ' (identical to assetbook\'s body)' : ''}`);
      const target = mode === 'string' ? 'bare Fastify, pre-built string' : 'bare Fastify, response schema';
      rows.push({ target, load: await measure(`bare-${mode}`, [bare], '/balances', {}, flags), bodyBytes: Buffer.byteLength(check.text) });
    } finally {
      await bare.stop();
    }
  }
  removeTempDir(dir);

  const [assetbookRow, baseline] = rows;
  if (!assetbookRow) throw new Error('no results');
  const cpuPerResponse = (l: LoadResult) => l.serverCpuS / l.ok;
  const withPostgres = store === 'postgres';
  const table = markdownTable(
    [
      'target',
      'requests/s (mean)',
      'p50 ms',
      'p97.5 ms',
      'p99 ms',
      'body bytes',
      'bytes/response on the wire',
      'server CPU µs/response',
      'server CPU busy',
      ...(withPostgres ? ['PostgreSQL CPU µs/response', 'PostgreSQL CPU busy'] : []),
      'client CPU busy',
      'other load (cores)',
      ...(baseline ? [`req/s ÷ ${baseline.target}`] : []),
    ],
    rows.map(({ target, load, bodyBytes }) => {
      const bytes = load.results.reduce((sum, r) => sum + r.throughput.total, 0);
      const requests = load.results.reduce((sum, r) => sum + r.requests.total, 0);
      const pg = load.postgresCpuS;
      return [
        target,
        fmt.int(requestsPerS(load)),
        fmt.ms(load.latencyMs.p50),
        fmt.ms(load.latencyMs.p97_5),
        fmt.ms(load.latencyMs.p99),
        String(bodyBytes),
        fmt.int(bytes / requests),
        fmt.int(cpuPerResponse(load) * 1e6),
        fmt.pct(load.serverCpuS / load.wallS),
        ...(withPostgres ? (pg === null ? ['—', '—'] : [fmt.int((pg * 1e6) / load.ok), fmt.pct(pg / load.wallS)]) : []),
        fmt.pct(load.clientCpuS / load.wallS),
        fmt.ratio(otherLoad(load)),
        ...(baseline ? [fmt.ratio(requestsPerS(load) / requestsPerS(baseline.load))] : []),
      ];
    }),
  );
  console.log(`\n${table}\n`);
  if (baseline) {
    const a = assetbookRow.load;
    const b = baseline.load;
    console.log(
      `assetbook/bare (${baseline.target}): requests/s ${fmt.ratio(requestsPerS(a) / requestsPerS(b))}, ` +
        `p50 latency ${fmt.ratio(a.latencyMs.p50 / b.latencyMs.p50)}, server CPU per response ${fmt.ratio(cpuPerResponse(a) / cpuPerResponse(b))}.`,
    );
  }
  console.log(
    `Measured runs of ${flags.durationS} s after ${flags.warmupS} s warm-up; ${flags.connections} connections in all, pipelining 1` +
      `${instances > 1 ? ', split evenly between the instances' : ''}; ${placement(flags, instances > 1 ? 'every assetbook instance and the bare server' : 'server')}; loopback. ` +
      `Latencies and CPU figures cover the measured run only${instances > 1 ? ' (latencies of every instance merged; "server CPU" sums them)' : ''}; ` +
      `"busy" is CPU seconds / wall seconds (100% = one core); "other load" is CPU used by every other process and the kernel outside ` +
      `${withPostgres ? 'the servers, autocannon and PostgreSQL' : 'both'}, in cores.` +
      (withPostgres ? ' PostgreSQL runs unpinned; its CPU is every postgres process (other clients\' backends included).' : ''),
  );
}

runMain(main);
