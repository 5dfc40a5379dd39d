/**
 * Read benchmark: one authenticated balance read (the operator API's, or a venue's: `--target`)
 * against a bare Fastify route serving a body of the same bytes.
 *
 *   npm run bench:read [-- --target operator --duration 10 --connections 10 --warmup 2 --bare both]
 *
 * Servers run one after the other, each alone, pinned to --server-cpu; autocannon runs in a child
 * pinned to --load-cpu. Every run must be all 2xx with no errors, or the script fails.
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
  fmt,
  getJson,
  gitRevision,
  makeTempDir,
  markdownTable,
  otherLoad,
  removeTempDir,
  runLoad,
  runMain,
  startServer,
  type CommonFlags,
  type LoadResult,
  type RunningServer,
} from './lib.js';
import { READ_TARGETS } from './targets/index.js';

const HELP = `Usage: npm run bench:read -- [options]
${COMMON_HELP}
  --target <name>     the read to measure: ${READ_TARGETS.map((t) => t.name).join(', ')} (default operator)
  --bare <mode>       baseline: string (pre-built body), schema (response schema, operator only), both (default for operator; string for venues)`;

interface Row {
  readonly target: string;
  readonly load: LoadResult;
  readonly bodyBytes: number;
}

async function measure(name: string, server: RunningServer, path: string, headers: Record<string, string>, flags: CommonFlags): Promise<LoadResult> {
  const load = await runLoad(name, flags.loadCpu, {
    kind: 'get',
    serverPid: server.pid,
    url: `${server.url}${path}`,
    headers,
    connections: flags.connections,
    durationS: flags.durationS,
    warmupS: flags.warmupS,
  }, flags.quietWaitS);
  const r = load.result;
  assertClean(name, r);
  console.log(
    `  ${name}: ${fmt.int(r.requests.average)} req/s; measured run ${r['2xx']} responses, all 2xx (non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}); ` +
      `warm-up ${r.warmup?.['2xx'] ?? 0} responses, non-2xx ${r.warmup?.non2xx ?? 0}; autocannon on CPU ${load.clientAffinity}`,
  );
  const other = otherLoad(load);
  if (other > 0.1) console.log(`  WARNING: other processes used ${fmt.ratio(other)} CPU cores during this run: the figures are disturbed`);
  return load;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...COMMON_OPTIONS, target: { type: 'string', default: 'operator' }, bare: { type: 'string' } } });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const flags = commonFlags(values);
  const target = READ_TARGETS.find((t) => t.name === values.target);
  if (!target) throw new Error(`--target must be one of ${READ_TARGETS.map((t) => t.name).join(', ')} (got ${values.target})`);
  // The schema baseline serializes through the operator API's schema, so it only fits the operator's body.
  const bare = values.bare ?? (target.name === 'operator' ? 'both' : 'string');
  const bareModes = bare === 'both' ? (['string', 'schema'] as const) : bare === 'string' || bare === 'schema' ? [bare] : null;
  if (bareModes === null) throw new Error(`--bare must be string, schema or both (got ${bare})`);
  if (target.name !== 'operator' && bareModes.includes('schema')) throw new Error('--bare schema fits only --target operator: a venue body has its own shape');

  const dir = makeTempDir('assetbook-bench-read-');
  const token = `bench_${randomBytes(18).toString('base64url')}`;
  const rows: Row[] = [];
  console.log(`read benchmark: ${flags.durationS} s measured after ${flags.warmupS} s warm-up, ${flags.connections} connections, revision ${gitRevision()}`);

  // (a) assetbook
  let body: string;
  const assetbook = await startServer('assetbook', flags.serverCpu, 'bench/assetbook-server.ts', ['--data-dir', dir, '--durability', 'full'], {
    BENCH_OPERATOR_TOKEN: token,
    ...target.serverEnv,
  });
  try {
    console.log(`assetbook pid ${assetbook.pid} on CPU ${assetbook.affinity}, ${assetbook.url}, durability full, demo loaded, store ${String(assetbook.info.db)}`);
    const { path, headers, description } = await target.prepare(assetbook, token);
    const first = await getJson(`${assetbook.url}${path}`, { ...headers });
    if (first.status !== 200) throw new Error(`GET ${path} answered ${first.status}: ${first.text}`);
    body = first.text;
    console.log(`  ${description} -> 200, ${Buffer.byteLength(body)} bytes (and refused without credentials)`);
    rows.push({ target: `assetbook, ${description}`, load: await measure('assetbook', assetbook, path, { ...headers }, flags), bodyBytes: Buffer.byteLength(body) });
  } finally {
    await assetbook.stop();
  }

  // (b) bare Fastify, started only after assetbook has exited
  const bodyFile = join(dir, 'balances.json');
  writeFileSync(bodyFile, body);
  for (const mode of bareModes) {
    const bare = await startServer(`bare-${mode}`, flags.serverCpu, 'bench/bare-server.ts', ['--body-file', bodyFile, '--mode', mode]);
    try {
      console.log(`bare Fastify (${mode}) pid ${bare.pid} on CPU ${bare.affinity}, ${bare.url}`);
      const check = await getJson(`${bare.url}/balances`);
      if (check.status !== 200) throw new Error(`bare ${mode} answered ${check.status}`);
      if (Buffer.byteLength(check.text) !== Buffer.byteLength(body)) {
        throw new Error(`bare ${mode} serves ${Buffer.byteLength(check.text)} bytes, assetbook ${Buffer.byteLength(body)}`);
      }
      console.log(`  GET /balances -> 200, ${Buffer.byteLength(check.text)} bytes${check.text === body ? ' (identical to assetbook\'s body)' : ''}`);
      const target = mode === 'string' ? 'bare Fastify, pre-built string' : 'bare Fastify, response schema';
      rows.push({ target, load: await measure(`bare-${mode}`, bare, '/balances', {}, flags), bodyBytes: Buffer.byteLength(check.text) });
    } finally {
      await bare.stop();
    }
  }
  removeTempDir(dir);

  const [assetbookRow, baseline] = rows;
  if (!assetbookRow || !baseline) throw new Error('no results');
  const cpuPerResponse = (l: LoadResult) => l.serverCpuS / l.ok;
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
      'client CPU busy',
      'other load (cores)',
      `req/s ÷ ${baseline.target}`,
    ],
    rows.map(({ target, load, bodyBytes }) => {
      const r = load.result;
      return [
        target,
        fmt.int(r.requests.average),
        fmt.ms(load.latencyMs.p50),
        fmt.ms(load.latencyMs.p97_5),
        fmt.ms(load.latencyMs.p99),
        String(bodyBytes),
        fmt.int(r.throughput.total / r.requests.total),
        fmt.int(cpuPerResponse(load) * 1e6),
        fmt.pct(load.serverCpuS / load.wallS),
        fmt.pct(load.clientCpuS / load.wallS),
        fmt.ratio(otherLoad(load)),
        fmt.ratio(r.requests.average / baseline.load.result.requests.average),
      ];
    }),
  );
  const a = assetbookRow.load;
  const b = baseline.load;
  console.log(`\n${table}\n`);
  console.log(
    `assetbook/bare (${baseline.target}): requests/s ${fmt.ratio(a.result.requests.average / b.result.requests.average)}, ` +
      `p50 latency ${fmt.ratio(a.latencyMs.p50 / b.latencyMs.p50)}, server CPU per response ${fmt.ratio(cpuPerResponse(a) / cpuPerResponse(b))}.`,
  );
  console.log(
    `Measured runs of ${flags.durationS} s after ${flags.warmupS} s warm-up; ${flags.connections} connections, pipelining 1; server pinned to CPU ${flags.serverCpu}, ` +
      `autocannon to CPU ${flags.loadCpu}; loopback. Latencies and CPU figures cover the measured run only; "busy" is CPU seconds / wall seconds ` +
      `(100% = one core); "other load" is CPU used by every other process and the kernel outside both, in cores.`,
  );
}

runMain(main);
