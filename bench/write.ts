/**
 * Write benchmark: ledger operations per second through the operator API.
 *
 *   npm run bench:write [-- --duration 10 --connections 10 --warmup 2 --batch 100 --durability full,normal --modes single,batch]
 *
 * For each durability, a fresh assetbook (SQLite file store, demo scenario loaded) runs pinned to
 * --server-cpu, and autocannon (pinned to --load-cpu) drives, one after the other:
 * - single: POST /operations, one operation per request;
 * - batch:  POST /operations/batch, --batch operations per request (one transaction each).
 * The operations alternate deposits (every demo account, USDT/BTC/ETH) and transfers of USDT
 * between demo accounts, each with a unique idempotency key. Every response must be a 2xx, and
 * after the runs GET /verify must report ok:true with every acknowledged operation in the journal.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  OPERATOR_PREFIX,
  assertClean,
  commonFlags,
  fmt,
  getJson,
  gitRevision,
  makeTempDir,
  markdownTable,
  otherLoad,
  positiveInt,
  postJson,
  removeTempDir,
  runLoad,
  runMain,
  startServer,
  type CommonFlags,
  type LoadResult,
  type RunningServer,
} from './lib.js';

const HELP = `Usage: npm run bench:write -- [options]
${COMMON_HELP}
  --batch <n>             operations per POST /operations/batch (default 100, at most 1000)
  --durability <list>     comma-separated SQLite durabilities, each on a fresh server (default full,normal)
  --modes <list>          single, batch or both (default single,batch)`;

type Mode = 'single' | 'batch';
type Operation = Record<string, unknown>;

interface Row {
  readonly durability: string;
  readonly mode: Mode;
  readonly opsPerRequest: number;
  readonly load: LoadResult;
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

async function benchDurability(durability: string, modes: readonly Mode[], batch: number, flags: CommonFlags): Promise<Row[]> {
  const dir = makeTempDir(`assetbook-bench-write-${durability}-`);
  const token = `bench_${randomBytes(18).toString('base64url')}`;
  const auth = { authorization: `Bearer ${token}` };
  const runId = randomBytes(4).toString('hex');
  const rows: Row[] = [];
  const server = await startServer(`assetbook-${durability}`, flags.serverCpu, 'bench/assetbook-server.ts', ['--data-dir', dir, '--durability', durability], {
    BENCH_OPERATOR_TOKEN: token,
  });
  try {
    console.log(`assetbook (durability ${durability}) pid ${server.pid} on CPU ${server.affinity}, ${server.url}, demo loaded, store ${String(server.info.db)}`);
    const pattern = await operationPattern(server, auth);

    // Before measuring: one operation of each kind, and a batch, must be accepted.
    const [deposit, transfer] = pattern;
    for (const [i, op] of [deposit, transfer].entries()) {
      const response = await postJson(`${server.url}${OPERATOR_PREFIX}/operations`, { key: `bench-${runId}-check-${i}`, ...op }, auth);
      if (response.status !== 201) throw new Error(`POST /operations (${String(op?.type)}) answered ${response.status}: ${response.text}`);
    }
    const checkBatch = pattern.slice(0, 4).map((op, i) => ({ key: `bench-${runId}-check-batch-${i}`, ...op }));
    const batchResponse = await postJson(`${server.url}${OPERATOR_PREFIX}/operations/batch`, { operations: checkBatch }, auth);
    if (batchResponse.status !== 201) throw new Error(`POST /operations/batch answered ${batchResponse.status}: ${batchResponse.text}`);
    console.log('  POST /operations (deposit, transfer) -> 201, POST /operations/batch -> 201');

    const before = await verify(server, auth);
    let acknowledged = 0;
    let generated = 0;
    for (const mode of modes) {
      const opsPerRequest = mode === 'single' ? 1 : batch;
      const name = `${durability}/${mode}`;
      const load = await runLoad(
        name,
        flags.loadCpu,
        {
          kind: 'operations',
          serverPid: server.pid,
          url: `${server.url}${OPERATOR_PREFIX}/${mode === 'single' ? 'operations' : 'operations/batch'}`,
          headers: auth,
          connections: flags.connections,
          durationS: flags.durationS,
          warmupS: flags.warmupS,
          batch: mode === 'single' ? 0 : batch,
          keyPrefix: `bench-${runId}-${mode}`,
          pattern,
        },
        flags.quietWaitS,
      );
      const r = load.result;
      assertClean(name, r);
      acknowledged += (r['2xx'] + (r.warmup?.['2xx'] ?? 0)) * opsPerRequest;
      generated += load.generatedOperations;
      console.log(
        `  ${name}: ${fmt.int(r.requests.average * opsPerRequest)} operations/s; measured run ${r['2xx']} requests, all 2xx (non-2xx ${r.non2xx}, errors ${r.errors}, ` +
          `timeouts ${r.timeouts}); warm-up ${r.warmup?.['2xx'] ?? 0} requests, non-2xx ${r.warmup?.non2xx ?? 0}; autocannon on CPU ${load.clientAffinity}`,
      );
      const other = otherLoad(load);
      if (other > 0.1) console.log(`  WARNING: other processes used ${fmt.ratio(other)} CPU cores during this run: the figures are disturbed`);
      rows.push({ durability, mode, opsPerRequest, load });
    }

    const after = await verify(server, auth);
    console.log(`  GET ${OPERATOR_PREFIX}/verify -> ${JSON.stringify(after)}`);
    if (after.ok !== true) throw new Error(`verify is not ok after the ${durability} runs: ${JSON.stringify(after.mismatches)}`);
    const added = after.entries - before.entries;
    // Requests still in flight when autocannon stops may land without being counted as acknowledged.
    if (added < acknowledged || added > generated) {
      throw new Error(`the journal gained ${added} entries; acknowledged ${acknowledged}, generated ${generated}`);
    }
    console.log(`  journal: +${added} entries; ${acknowledged} operations acknowledged with a 2xx, ${generated} sent (the rest were in flight at the stop)`);
  } finally {
    await server.stop();
    removeTempDir(dir);
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...COMMON_OPTIONS,
      batch: { type: 'string', default: '100' },
      durability: { type: 'string', default: 'full,normal' },
      modes: { type: 'string', default: 'single,batch' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const flags = commonFlags(values);
  const batch = positiveInt('batch', values.batch);
  if (batch > 1000) throw new Error('--batch is at most 1000 (the API limit)');
  const durabilities = (values.durability ?? '').split(',').filter((d) => d !== '');
  for (const d of durabilities) if (!['full', 'normal', 'off'].includes(d)) throw new Error(`unknown durability ${d}`);
  const modes = (values.modes ?? '').split(',').filter((m) => m !== '');
  for (const m of modes) if (m !== 'single' && m !== 'batch') throw new Error(`unknown mode ${m}`);
  if (durabilities.length === 0 || modes.length === 0) throw new Error('nothing to run');

  console.log(
    `write benchmark: ${flags.durationS} s measured after ${flags.warmupS} s warm-up, ${flags.connections} connections, batch ${batch}, revision ${gitRevision()}`,
  );
  const rows: Row[] = [];
  for (const durability of durabilities) rows.push(...(await benchDurability(durability, modes as Mode[], batch, flags)));

  const table = markdownTable(
    [
      'durability',
      'mode',
      'operations/s (mean)',
      'requests/s (mean)',
      'p50 ms',
      'p97.5 ms',
      'p99 ms',
      'server CPU µs/operation',
      'server CPU busy',
      'client CPU busy',
      'other load (cores)',
    ],
    rows.map(({ durability, mode, opsPerRequest, load }) => {
      const r = load.result;
      return [
        durability,
        mode === 'single' ? 'single (POST /operations)' : `batch of ${opsPerRequest} (POST /operations/batch)`,
        fmt.int(r.requests.average * opsPerRequest),
        fmt.int(r.requests.average),
        fmt.ms(load.latencyMs.p50),
        fmt.ms(load.latencyMs.p97_5),
        fmt.ms(load.latencyMs.p99),
        fmt.int((load.serverCpuS * 1e6) / (load.ok * opsPerRequest)),
        fmt.pct(load.serverCpuS / load.wallS),
        fmt.pct(load.clientCpuS / load.wallS),
        fmt.ratio(otherLoad(load)),
      ];
    }),
  );
  console.log(`\n${table}\n`);
  console.log(
    `Measured runs of ${flags.durationS} s after ${flags.warmupS} s warm-up; ${flags.connections} connections, pipelining 1; server pinned to CPU ${flags.serverCpu}, ` +
      `autocannon to CPU ${flags.loadCpu}; loopback; SQLite WAL file in a temp dir. Latencies are per request; CPU figures cover the measured run only.`,
  );
}

runMain(main);
