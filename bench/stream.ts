/**
 * Stream benchmark (issue 15): how long a committed change takes to reach a client watching the
 * account, with 1, 1,000 and 10,000 subscriptions open on the instance, and how many idle
 * authenticated connections one instance holds within 1 GiB.
 *
 *   npm run bench:stream [-- --subscriptions 1,1000,10000 --samples 300 --idle 10000]
 *
 * Latency: one probe socket watches an account over Bitget's private stream (logged in, spot
 * `account` channel), while the other subscriptions watch other accounts and stay quiet. For each
 * sample the benchmark POSTs a deposit to the probe's account through the operator API and times
 * two things from the moment it sends: the HTTP answer (the commit, acknowledged: the baseline, in
 * the same run on the same connection) and the stream's update frame (the commit, pushed). The
 * ratio push ÷ answer is what the stream adds; samples run one at a time, so neither waits on
 * another sample.
 *
 * Memory (measured first, before the latency runs have grown the heap): the server's heap and RSS after a garbage collection, before and after `--idle`
 * connections each log in (as a different account) and subscribe; the difference divided by
 * `--idle` is what a connection costs, and 1 GiB divided by it is the figure asked for.
 *
 * The server is bench/assetbook-server.ts (SQLite, durability full, or PostgreSQL; rate limits and
 * stream caps off), pinned to --server-cpu; this process, the clients, is pinned to nothing. With
 * `--store postgres --instances 2` the deposits go through the second instance and the probe
 * watches through the first: the push then carries the cross-instance delay (NOTIFY, LISTEN, a
 * read), and the answer is still the baseline.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OPERATOR_PREFIX, fmt, getJson, gitRevision, makeTempDir, markdownTable, positiveInt, removeTempDir, runMain, type CommonFlags, type RunningServer } from './lib.js';
import { DEFAULT_POSTGRES_URL, preparePostgres, startDeployment, type StoreKind } from './deployment.js';
import { closeAll, openWatch, openWatches, type Watch } from './stream-client.js';
import { keyOf, writeStreamScenario } from './stream-scenario.js';

const HELP = `Usage: npm run bench:stream -- [options]
  --subscriptions <list>  open subscriptions to measure the push with, comma-separated (default 1,1000,10000)
  --samples <n>           deposits timed at each level (default 300), after 30 not counted
  --idle <n>              idle logged-in, subscribed connections for the memory figure (default 10000; 0: skip)
  --store sqlite|postgres the store (default sqlite)
  --instances 1|2         with postgres, 2: the probe watches through the first instance while the deposits go
                          through the second, so every push crosses instances through PostgreSQL (default 1)
  --postgres-url <url>    (default ${DEFAULT_POSTGRES_URL})
  --server-cpu <n>        CPU the servers are pinned to (default 1); --pin off pins nothing
  --pin on|off`;

const GIB = 1024 ** 3;
const WARMUP_SAMPLES = 30;

interface Sample {
  readonly answerMs: number;
  readonly pushMs: number;
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** One deposit to the probe's account: when its answer came, and when the probe's update frame came. */
async function sample(server: RunningServer, auth: Record<string, string>, probe: Watch, account: number, key: string): Promise<Sample> {
  const started = performance.now();
  const pushed = new Promise<number>((resolve) => {
    probe.onPush = (push) => {
      if (push.action === 'update' && push.data.some((d) => d.coin === 'USDT')) resolve(performance.now() - started);
    };
  });
  const response = await fetch(`${server.url}${OPERATOR_PREFIX}/operations`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ key, type: 'deposit', account, asset: 'USDT', amount: '0.01' }),
  });
  const answerMs = performance.now() - started;
  if (response.status !== 201 && response.status !== 200) throw new Error(`deposit answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
  return { answerMs, pushMs: await pushed };
}

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
}

async function serverMemory(server: RunningServer): Promise<Memory> {
  // Twice: a collection can leave what a finalizer frees to the next one.
  await getJson(`${String(server.info.statsUrl)}?gc=1`);
  const stats = await getJson(`${String(server.info.statsUrl)}?gc=1`);
  return (stats.json as { memory: Memory }).memory;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subscriptions: { type: 'string', default: '1,1000,10000' },
      samples: { type: 'string', default: '300' },
      idle: { type: 'string', default: '10000' },
      store: { type: 'string', default: 'sqlite' },
      instances: { type: 'string', default: '1' },
      'postgres-url': { type: 'string', default: DEFAULT_POSTGRES_URL },
      'server-cpu': { type: 'string', default: '1' },
      pin: { type: 'string', default: 'on' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(HELP);
  const levels = values.subscriptions.split(',').map((x) => positiveInt('subscriptions', x));
  const samples = positiveInt('samples', values.samples);
  const idle = positiveInt('idle', values.idle, true);
  const store = values.store as StoreKind;
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`--store must be sqlite or postgres (got ${values.store})`);
  const instances = positiveInt('instances', values.instances);
  if (instances > 2 || (instances === 2 && store !== 'postgres')) throw new Error('--instances 2 needs --store postgres; more than 2 says nothing more');
  const pin = values.pin !== 'off';
  const flags: CommonFlags = { quietWaitS: 0, durationS: 1, connections: 1, warmupS: 0, serverCpu: positiveInt('server-cpu', values['server-cpu'], true), loadCpu: 0, pin, repeat: 1 };
  const accounts = Math.max(...levels, idle + 1);

  const dir = makeTempDir('assetbook-bench-stream-');
  const token = randomBytes(16).toString('hex');
  const auth = { authorization: `Bearer ${token}` };
  console.log(`stream benchmark at ${gitRevision()}: ${accounts.toLocaleString('en-US')} accounts, each with its own Bitget key`);
  if (store === 'postgres') console.log(`  ${await preparePostgres(values['postgres-url'])}`);
  const deployment = await startDeployment(
    {
      store,
      instances,
      durability: 'full',
      postgresUrl: values['postgres-url'],
      operatorToken: token,
      label: 'assetbook',
      firstArgs: ['--scenario', writeStreamScenario(dir, accounts)],
      readyTimeoutS: 600,
    },
    flags,
  );
  console.log(`  ${deployment.description}${instances === 2 ? '; the probe watches through the first instance, deposits go through the second' : ''}`);
  const server = deployment.servers[0]!;
  const writer = deployment.servers.at(-1)!;
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/v2/ws/private`;
  const ids = server.info.scenarioAccounts as number[];
  try {
    const probe = await openWatch(wsUrl, keyOf(0));
    // Memory first, while the server has held no other sockets: RSS does not shrink back after a burst.
    if (idle > 0) {
      const before = await serverMemory(server);
      const held = await openWatches(wsUrl, Array.from({ length: idle }, (_x, i) => keyOf(1 + i)), true);
      const after = await serverMemory(server);
      const perRss = (after.rss - before.rss) / idle;
      const perHeap = (after.heapUsed - before.heapUsed) / idle;
      console.log(`\nIdle connections, each logged in as its own account and subscribed (server memory after a GC)\n`);
      console.log(
        markdownTable(
          ['connections', 'RSS before', 'RSS after', 'per connection (RSS)', 'per connection (heap)', 'within 1 GiB (RSS)'],
          [[idle.toLocaleString('en-US'), `${fmt.int(before.rss / 2 ** 20)} MiB`, `${fmt.int(after.rss / 2 ** 20)} MiB`, `${(perRss / 1024).toFixed(1)} KiB`, `${(perHeap / 1024).toFixed(1)} KiB`, fmt.int(GIB / perRss)]],
        ),
      );
      await closeAll(held);
    }
    const quiet: Watch[] = [];
    const rows: string[][] = [];
    let n = 0;
    for (const level of [...levels].sort((a, b) => a - b)) {
      const more = level - 1 - quiet.length;
      if (more > 0) quiet.push(...(await openWatches(wsUrl, Array.from({ length: more }, (_x, i) => keyOf(quiet.length + 1 + i)), true)));
      await sleep(1_000); // let the burst of logins settle before timing anything
      const taken: Sample[] = [];
      for (let i = 0; i < WARMUP_SAMPLES + samples; i++) {
        const s = await sample(writer, auth, probe, ids[0]!, `stream-${level}-${n++}`);
        if (i >= WARMUP_SAMPLES) taken.push(s);
      }
      const push = taken.map((s) => s.pushMs);
      const answer = taken.map((s) => s.answerMs);
      rows.push([
        level.toLocaleString('en-US'),
        fmt.ms(percentile(answer, 50)),
        fmt.ms(percentile(push, 50)),
        fmt.ratio(percentile(push, 50) / percentile(answer, 50)),
        fmt.ms(percentile(answer, 99)),
        fmt.ms(percentile(push, 99)),
        fmt.ratio(percentile(push, 99) / percentile(answer, 99)),
      ]);
      console.log(`  ${level} subscriptions: push p50 ${fmt.ms(percentile(push, 50))} ms, answer p50 ${fmt.ms(percentile(answer, 50))} ms`);
    }
    console.log(`\nCommit to frame, ${samples} deposits per level, one at a time (ms from sending the deposit)\n`);
    console.log(markdownTable(['subscriptions', 'answer p50', 'push p50', 'push ÷ answer p50', 'answer p99', 'push p99', 'push ÷ answer p99'], rows));
    await closeAll(quiet);

    probe.close();
  } finally {
    await deployment.stop();
    removeTempDir(dir);
  }
}

runMain(main);
