/**
 * assetbook as the benchmarks run it: a SQLite file store in --data-dir, the demo scenario loaded,
 * venue rate limits off, the Fastify logger off, listening on 127.0.0.1 at a free port.
 * The operator token comes from BENCH_OPERATOR_TOKEN. Prints one JSON line once it listens.
 * Stops on SIGTERM/SIGINT, and when its stdin closes (so it never outlives the benchmark).
 *
 *   node --import tsx bench/assetbook-server.ts --data-dir <dir> [--durability full|normal|off]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/server/app.js';
import { resolveConfig } from '../src/server/config.js';
import { openRuntime } from '../src/server/runtime.js';
import { loadScenario } from '../src/scenario/load.js';
import { exitOnStop } from './exit-on-stop.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    durability: { type: 'string', default: 'full' },
  },
});
const dataDir = values['data-dir'];
const token = process.env.BENCH_OPERATOR_TOKEN;
if (dataDir === undefined || token === undefined || token === '') {
  console.error('usage: BENCH_OPERATOR_TOKEN=... assetbook-server.ts --data-dir <dir> [--durability full|normal|off]');
  process.exit(2);
}

const config = resolveConfig(
  {
    host: '127.0.0.1',
    port: '0',
    db: join(dataDir, 'assetbook.db'),
    dataDir,
    durability: values.durability,
    operatorToken: token,
    rateLimits: 'off',
    logLevel: 'silent',
  },
  // Venue settings (a Bitget signature window, say) come from ASSETBOOK_* variables a read target sets.
  process.env,
);
const runtime = await openRuntime(config);
const demo = JSON.parse(readFileSync(new URL('../examples/demo.json', import.meta.url), 'utf8')) as unknown;
const loaded = await loadScenario(runtime.ledger, runtime.keyring, demo);
const app = await buildApp(runtime, { logger: false });
const url = await app.listen({ host: config.host, port: config.port });

exitOnStop(async () => {
  await app.close();
  await runtime.close();
});

console.log(
  JSON.stringify({
    ready: true,
    url,
    pid: process.pid,
    durability: config.durability,
    db: config.db,
    accounts: loaded.users.flatMap((u) => u.accounts.map((a) => ({ id: a.id, user: u.user.name, kind: a.kind, label: a.label }))),
    openingOperations: loaded.operations,
  }),
);
