/**
 * assetbook as the benchmarks run it (from the build in dist/ unless BENCH_ASSETBOOK_CODE=src, ./built.ts): the store given (a SQLite file in --data-dir, or PostgreSQL
 * with --db), the demo scenario loaded, venue rate limits off, the Fastify logger off, listening on
 * 127.0.0.1 at a free port. The operator token comes from BENCH_OPERATOR_TOKEN. Prints one JSON
 * line once it listens. Stops on SIGTERM/SIGINT, and when its stdin closes (so it never outlives
 * the benchmark).
 *
 *   node --import tsx bench/assetbook-server.ts --data-dir <dir> [--durability full|normal|off] [options]
 *   node --import tsx bench/assetbook-server.ts --db postgres://…?search_path=<schema> --secret-key <64 hex> [options]
 *
 * Options: --group-commit on|off, --redis <url>, --secret-key <key> (or ASSETBOOK_SECRET_KEY),
 * and for the demo scenario:
 *   (default)               load it; fails if its users exist already (a fresh store is expected)
 *   --skip-demo-if-loaded   load it unless its first user exists, as `assetbook serve --demo` does:
 *                           a second instance on the same PostgreSQL schema
 *   --no-demo               do not load it
 *   --scenario <file>       after the demo, also load this scenario file (the write benchmark's
 *                           spread workload: 10,000 accounts); its account ids are in the ready
 *                           line as `scenarioAccounts`
 *
 * Besides the app, a tiny HTTP server on another free port (`statsUrl` in the ready line) answers
 * GET with this process's group-commit counters (`Ledger.groupCommitStats`: operations and
 * commits), so the write benchmark can report operations per commit, its memory (after a garbage
 * collection with `?gc=1`), so the stream benchmark can count what a connection costs, and the requests being
 * handled (`handling`), so it can wait for the work a stopped run left behind. It is not part of the app
 * and sees no benchmark traffic.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type * as AppModule from '../src/server/app.js';
import type * as ConfigModule from '../src/server/config.js';
import type * as RuntimeModule from '../src/server/runtime.js';
import type * as LoadModule from '../src/scenario/load.js';
import type { LoadedUser } from '../src/scenario/load.js';
import type * as DemoModule from '../src/cli/demo.js';
import { assetbookCode, assetbookModule } from './built.js';
import { exitOnStop } from './exit-on-stop.js';

// The build npm start runs, unless BENCH_ASSETBOOK_CODE=src (built.ts; the benchmark built it).
const [{ buildApp }, { isPostgresUrl, redactUrl, resolveConfig }, { openRuntime }, { checkScenario, loadScenario }, { readDemoScenario, usersFromStore }] = await Promise.all([
  assetbookModule<typeof AppModule>('server/app.js'),
  assetbookModule<typeof ConfigModule>('server/config.js'),
  assetbookModule<typeof RuntimeModule>('server/runtime.js'),
  assetbookModule<typeof LoadModule>('scenario/load.js'),
  assetbookModule<typeof DemoModule>('cli/demo.js'),
]);

const USAGE =
  'usage: BENCH_OPERATOR_TOKEN=... assetbook-server.ts (--data-dir <dir> [--durability full|normal|off] | --db postgres://… [--secret-key <key>]) ' +
  '[--group-commit on|off] [--redis <url>] [--skip-demo-if-loaded | --no-demo] [--scenario <file>] [--count-handling]';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    db: { type: 'string' },
    durability: { type: 'string', default: 'full' },
    'group-commit': { type: 'string' },
    redis: { type: 'string' },
    'secret-key': { type: 'string' },
    'skip-demo-if-loaded': { type: 'boolean', default: false },
    'no-demo': { type: 'boolean', default: false },
    scenario: { type: 'string' },
    'count-handling': { type: 'boolean', default: false },
  },
});
const dataDir = values['data-dir'];
const db = values.db;
const token = process.env.BENCH_OPERATOR_TOKEN;
const postgres = db !== undefined && isPostgresUrl(db);
if (token === undefined || token === '' || (dataDir === undefined && !postgres) || (db !== undefined && !postgres)) {
  console.error(USAGE);
  process.exit(2);
}

const config = resolveConfig(
  {
    host: '127.0.0.1',
    port: '0',
    ...(postgres ? { db } : { db: join(dataDir!, 'assetbook.db'), dataDir }),
    durability: values.durability,
    groupCommit: values['group-commit'],
    redis: values.redis,
    secretKey: values['secret-key'],
    operatorToken: token,
    rateLimits: 'off',
    logLevel: 'silent',
  },
  // Venue settings (a Bitget signature window, say) come from ASSETBOOK_* variables a read target
  // sets; the secret key and the PostgreSQL pool size may too.
  process.env,
);
const runtime = await openRuntime(config);

// The demo as `serve --demo` loads it: examples/demo.json with each venue's demo credentials.
const demo = checkScenario(runtime.venues, readDemoScenario(runtime.venues));
let users: readonly LoadedUser[] = [];
let demoState: 'loaded' | 'already there' | 'not loaded';
let openingOperations = 0;
const firstUser = demo.users[0];
const present = firstUser !== undefined && (await runtime.store.getUserByName(firstUser.name)) !== undefined;
if (values['no-demo']) {
  demoState = 'not loaded';
  if (present) users = await usersFromStore(runtime, runtime.venues, demo);
} else if (present && values['skip-demo-if-loaded']) {
  demoState = 'already there';
  users = await usersFromStore(runtime, runtime.venues, demo);
} else {
  // On a store that holds the demo already, this fails (its users exist): the benchmark expects a fresh store.
  const loaded = await loadScenario(runtime.ledger, runtime.keyring, runtime.venues, demo);
  users = loaded.users;
  openingOperations = loaded.operations;
  demoState = 'loaded';
}

// The extra scenario, loaded as `assetbook scenario load` would (one transaction).
let scenarioAccounts: number[] = [];
let scenarioLoadS: number | null = null;
if (values.scenario !== undefined) {
  const started = performance.now();
  const extra = checkScenario(runtime.venues, JSON.parse(readFileSync(values.scenario, 'utf8')));
  const loaded = await loadScenario(runtime.ledger, runtime.keyring, runtime.venues, extra);
  scenarioAccounts = loaded.users.flatMap((u) => u.accounts.map((a) => a.id));
  scenarioLoadS = (performance.now() - started) / 1000;
}

const app = await buildApp(runtime, { logger: false });
// With --count-handling (the write benchmark's): requests received and not yet answered by their
// handler (or refused). When autocannon stops, the requests in flight are dropped by the client,
// but their handlers still run (a closed socket does not cancel them): after a collapsed batch run
// that is minutes of work, which the write benchmark waits out (this count back to 0) before it
// measures anything else. onSend runs once the handler has answered, whether or not the client is
// still there. Off for the read benchmark: assetbook has no onSend hook of its own, and one added
// here would put Fastify's onSend hook runner on every answer, charged to assetbook's read and
// not to the bare servers'.
const countHandling = values['count-handling'];
let handling = 0;
if (countHandling) {
  // The callback forms: an async hook would cost every request two promises and microtask turns.
  app.addHook('onRequest', (_request, _reply, done) => {
    handling++;
    done();
  });
  app.addHook('onSend', (_request, _reply, payload, done) => {
    handling--;
    done(null, payload);
  });
}
const url = await app.listen({ host: config.host, port: config.port });

// `?gc=1` collects garbage first, so that the stream benchmark's memory figures count what is
// held, not what is waiting to be collected (V8's gc, reached without --expose-gc on the command line).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const stats = createServer((request, response) => {
  if (request.url?.includes('gc=1')) collect();
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ groupCommit: runtime.ledger.groupCommitStats, handling: countHandling ? handling : null, memory: process.memoryUsage() }));
});
await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
const statsUrl = `http://127.0.0.1:${(stats.address() as AddressInfo).port}/`;

exitOnStop(async () => {
  stats.close();
  await app.close();
  await runtime.close();
});

console.log(
  JSON.stringify({
    ready: true,
    url,
    statsUrl,
    pid: process.pid,
    code: assetbookCode(),
    store: postgres ? 'postgres' : 'sqlite',
    durability: config.durability,
    groupCommit: config.groupCommit,
    postgresPoolSize: postgres ? config.postgresPoolSize : null,
    redis: config.redis === null ? null : redactUrl(config.redis),
    db: postgres ? redactUrl(config.db) : config.db,
    demo: demoState,
    accounts: users.flatMap((u) => u.accounts.map((a) => ({ id: a.id, user: u.user.name, kind: a.kind, label: a.label }))),
    openingOperations,
    scenarioAccounts,
    scenarioLoadS,
  }),
);
