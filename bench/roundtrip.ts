/**
 * What one round trip to PostgreSQL costs the client process on this machine, beside what the
 * same query costs when it does not wait: the figure that bounds a write made of several
 * dependent statements (docs/benchmarks.md, "Where the PostgreSQL write goes").
 *
 *   npm run bench:roundtrip [-- --count 3000 --repeat 3 --postgres-url postgres://…]
 *
 * Three measurements, alternated, in this one process (pinned with `taskset` by the caller if
 * wanted), each as CPU µs of this process per query (user + system, from `process.cpuUsage`) and
 * wall µs per query:
 * - `tcp echo`: one byte to a node:net echo server in a child process and back, awaited each
 *   time: what a wake-up on loopback costs, with no PostgreSQL at all (the floor);
 * - `awaited`: `SELECT $1::int` through postgres.js, each awaited before the next is sent (one
 *   round trip per query, as a statement that depends on the previous one's answer);
 * - `pipelined`: the same queries all sent before any answer is read (postgres.js writes what is
 *   issued in one turn together): PostgreSQL's and the driver's work without the waits.
 */
import { fork } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import postgres from 'postgres';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '3000' },
    repeat: { type: 'string', default: '3' },
    'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'echo-server': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const HELP = `npm run bench:roundtrip [-- --count <n> --repeat <n> --postgres-url <url>]
  --count          queries per run (default 3000)
  --repeat         alternated runs of each measurement, after one untimed round (default 3)
  --postgres-url   the server (default $BENCH_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test)
Pin it with taskset to compare with the other benchmarks, e.g. taskset -c 1 npx tsx bench/roundtrip.ts`;

interface Figure {
  readonly cpuUs: number;
  readonly wallUs: number;
}

async function measure(count: number, run: () => Promise<void>): Promise<Figure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / count, wallUs: (wall * 1000) / count };
}

async function echoClient(port: number): Promise<{ socket: Socket; ping: () => Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let waiting: (() => void) | null = null;
  socket.on('data', () => waiting?.());
  const ping = () =>
    new Promise<void>((resolve) => {
      waiting = resolve;
      socket.write('x');
    });
  return { socket, ping };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const count = Number(values.count);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(repeat) || repeat < 1) throw new Error('--count and --repeat must be positive integers');

  const child = fork(new URL(import.meta.url), ['--echo-server'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve((m as { port: number }).port)));
  const echo = await echoClient(port);
  const sql = postgres(values['postgres-url'], { max: 1, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    const results: Record<'tcp echo' | 'awaited' | 'pipelined', Figure[]> = { 'tcp echo': [], awaited: [], pipelined: [] };
    // One untimed round of each first: the driver's and V8's warm-up.
    for (let round = 0; round <= repeat; round++) {
      const echoed = await measure(count, async () => {
        for (let i = 0; i < count; i++) await echo.ping();
      });
      const awaited = await measure(count, async () => {
        for (let i = 0; i < count; i++) await sql`SELECT ${i}::int AS x`;
      });
      const pipelined = await measure(count, async () => {
        await Promise.all(Array.from({ length: count }, (_, i) => sql`SELECT ${i}::int AS x`));
      });
      if (round === 0) continue;
      results['tcp echo'].push(echoed);
      results.awaited.push(awaited);
      results.pipelined.push(pipelined);
    }
    console.log(`${count} queries per run, ${repeat} alternated runs; medians (min–max) of this process's CPU and wall time per query`);
    console.log('| measurement | CPU µs/query | wall µs/query |');
    console.log('| --- | ---: | ---: |');
    for (const [name, figures] of Object.entries(results)) {
      const cpu = figures.map((f) => f.cpuUs);
      const wall = figures.map((f) => f.wallUs);
      const range = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
      console.log(`| ${name} | ${range(cpu)} | ${range(wall)} |`);
    }
    const awaitedCpu = median(results.awaited.map((f) => f.cpuUs));
    const pipelinedCpu = median(results.pipelined.map((f) => f.cpuUs));
    console.log(`a wait for an answer costs the client about ${(awaitedCpu - pipelinedCpu).toFixed(0)} µs of CPU beyond the query's own ${pipelinedCpu.toFixed(0)} µs`);
  } finally {
    echo.socket.destroy();
    await sql.end({ timeout: 1 });
    child.disconnect();
  }
}

if (values.help) {
  console.log(HELP);
} else if (values['echo-server']) {
  // The child: echoes every chunk, reports its port, stops when the parent goes.
  const server = createServer((socket) => socket.on('data', (chunk) => socket.write(chunk)));
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port }));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}
