/**
 * The assetbook servers a benchmark configuration runs against, on either store:
 *
 * - sqlite: one instance (a SQLite file is one process's), its file in a fresh temp directory;
 * - postgres: 1 to N instances on one fresh PostgreSQL schema (`ab_bench_<host>_<pid>_<random>`,
 *   created by the first instance through `?search_path=`), sharing a random secret key; the first
 *   loads the demo scenario, the others find it there (`--skip-demo-if-loaded`). The schema is
 *   dropped when the deployment stops, on a signal too (lib.ts `onSignalCleanup`), and a schema
 *   left by a benchmark killed with SIGKILL on this host is dropped by the next run.
 *
 * Every instance is pinned to the same server CPU (or nothing is pinned, `--pin off`). PostgreSQL
 * and Redis are services of the machine: never pinned by the benchmark.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import postgres from 'postgres';
import { redactUrl } from '../src/server/config.js';
import { ensureBuilt } from './built.js';
import {
  childrenGone,
  getJson,
  makeTempDir,
  onSignalCleanup,
  removeTempDir,
  serverCpuOf,
  startServer,
  type CommonFlags,
  type RunningServer,
  type ServerOptions,
} from './lib.js';

export type StoreKind = 'sqlite' | 'postgres';
export const STORES: readonly StoreKind[] = ['sqlite', 'postgres'];

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Flags both benchmarks take for the store (read takes one value each, write comma-separated lists). */
export const STORE_OPTIONS = {
  store: { type: 'string', default: 'sqlite' },
  instances: { type: 'string', default: '1' },
  'postgres-url': { type: 'string' },
  redis: { type: 'string' },
} as const;

/** Help lines for the store flags; `width` is the column the descriptions start at in the script's help. */
export function storeHelp(list: boolean, width: number): string {
  const many = list ? 'comma-separated: ' : '';
  const lines: [string, string][] = [
    [`--store <${list ? 'list' : 'name'}>`, `${many}sqlite (default: a SQLite file in a temp dir) or postgres (a fresh schema per configuration, dropped after)`],
    [`--instances <${list ? 'list' : 'n'}>`, `${many}assetbook instances on one PostgreSQL schema, driven together (default 1; SQLite is always 1)`],
    ['--postgres-url <url>', `PostgreSQL for --store postgres, without search_path (default $BENCH_POSTGRES_URL, else ${DEFAULT_POSTGRES_URL})`],
    ['--redis <url>', 'give every instance --redis <url> (rate limits stay off in the benchmarks, so nothing is counted)'],
  ];
  return lines.map(([flag, text]) => `  ${flag.padEnd(width - 3)} ${text}`).join('\n');
}

/** Parses a comma-separated flag whose values must be among `allowed`. */
export function listFlag<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T[] {
  const items = (text ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (items.length === 0) throw new Error(`--${name} is empty`);
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new Error(`--${name}: ${item} is not one of ${allowed.join(', ')}`);
  return [...new Set(items)] as T[];
}

export function instancesFlag(text: string | undefined): number[] {
  return listFlag('instances', text, ['1', '2', '3', '4'] as const).map(Number);
}

export function postgresUrlFlag(text: string | undefined): string {
  const url = text ?? process.env.BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`--postgres-url must be a postgres:// URL (got ${url})`);
  if (new URL(url).searchParams.has('search_path')) throw new Error('--postgres-url must not carry search_path: each configuration gets its own schema');
  return url;
}

// ---------------------------------------------------------------------------------------------
// Schemas

const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 6);
const SCHEMA_PATTERN = /^ab_bench_([0-9a-f]{6})_([0-9]+)_[0-9a-f]+$/;

function admin(baseUrl: string) {
  return postgres(baseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
}

/**
 * A fresh schema name for this process: `ab_bench_<host>_<pid>_<random>`, so that a later run on
 * this host drops it (preparePostgres) if this process is killed before it drops it itself.
 */
export function scratchSchemaName(): string {
  return `ab_bench_${HOST_TAG}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function schemaUrl(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('search_path', schema);
  return url.toString();
}

export async function dropSchema(baseUrl: string, schema: string): Promise<void> {
  const sql = admin(baseUrl);
  try {
    // The servers are gone: their backends end as soon as they see the closed sockets.
    await sql`SET lock_timeout = '15s'`;
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Drops every schema a process on this host made with scratchSchemaName(): for a child (a raw
 * baseline) that a signal killed before it could drop its own.
 */
export async function dropSchemasOf(baseUrl: string, pid: number): Promise<void> {
  const sql = admin(baseUrl);
  try {
    const mine = await sql<{ nspname: string }[]>`SELECT nspname FROM pg_namespace WHERE nspname LIKE ${`ab\\_bench\\_${HOST_TAG}\\_${pid}\\_%`}`;
    for (const { nspname } of mine) await sql`DROP SCHEMA IF EXISTS ${sql(nspname)} CASCADE`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What the PostgreSQL server is, for the report; also drops the schemas a benchmark on this host
 * left behind when it was killed with SIGKILL (its pid is gone).
 */
export async function preparePostgres(baseUrl: string): Promise<string> {
  const sql = admin(baseUrl);
  try {
    const settings = await sql<{ name: string; setting: string }[]>`
      SELECT name, current_setting(name) AS setting FROM pg_settings
      WHERE name IN ('server_version', 'synchronous_commit', 'fsync', 'wal_sync_method', 'max_connections', 'shared_buffers') ORDER BY name`;
    const stale = await sql<{ nspname: string }[]>`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ab\\_bench\\_%'`;
    for (const { nspname } of stale) {
      const match = SCHEMA_PATTERN.exec(nspname);
      if (!match || match[1] !== HOST_TAG || alive(Number(match[2]))) continue;
      await sql`DROP SCHEMA IF EXISTS ${sql(nspname)} CASCADE`;
      console.log(`  dropped schema ${nspname}, left by a benchmark (pid ${match[2]}) that no longer runs`);
    }
    return `PostgreSQL ${redactUrl(baseUrl)}: ${settings.map((s) => `${s.name} ${s.setting}`).join(', ')}`;
  } catch (error) {
    throw new Error(`PostgreSQL at ${redactUrl(baseUrl)}: ${(error as Error).message}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Counters of the whole database (every client of it, not only the benchmark's servers). */
export interface DatabaseCounters {
  readonly commits: number;
  readonly rollbacks: number;
  readonly deadlocks: number;
}

/**
 * pg_stat_database's counters for the database of `baseUrl`. A backend reports its counts when it
 * goes idle (at most every second, else after 10 s) and when it ends: read them after the servers
 * stopped to have all of theirs.
 */
export async function databaseCounters(baseUrl: string): Promise<DatabaseCounters> {
  const sql = admin(baseUrl);
  try {
    await sql`SELECT pg_stat_clear_snapshot()`;
    const [row] = await sql<{ commits: string; rollbacks: string; deadlocks: string }[]>`
      SELECT xact_commit::text AS commits, xact_rollback::text AS rollbacks, deadlocks::text AS deadlocks
      FROM pg_stat_database WHERE datname = current_database()`;
    return { commits: Number(row?.commits ?? NaN), rollbacks: Number(row?.rollbacks ?? NaN), deadlocks: Number(row?.deadlocks ?? NaN) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// ---------------------------------------------------------------------------------------------
// Deployments

export interface DeploymentSpec {
  readonly store: StoreKind;
  readonly instances: number;
  /** SQLite only. */
  readonly durability: string;
  /** Unset: the server's default (on). */
  readonly groupCommit?: 'on' | 'off';
  readonly postgresUrl: string;
  readonly redis?: string;
  readonly operatorToken: string;
  /** Extra environment for every instance (a read target's venue settings). */
  readonly env?: Readonly<Record<string, string>>;
  /** Names the servers in the output. */
  readonly label: string;
  /** Extra arguments for the first instance only (the one that loads the demo): `--scenario <file>`. */
  readonly firstArgs?: readonly string[];
  /** How long an instance may take to listen (default 60 s; loading 10,000 accounts takes longer). */
  readonly readyTimeoutS?: number;
  /** Count the requests each instance is handling, for `waitIdle` (two hooks on every request: off for reads). */
  readonly countHandling?: boolean;
  /** A command every instance's node runs under (`startServer`), and node flags: valgrind, to count instructions. */
  readonly wrapper?: readonly string[];
  readonly nodeArgs?: readonly string[];
}

export interface Deployment {
  /** In start order: the first loaded the demo. */
  readonly servers: readonly RunningServer[];
  /** One line: the store, where it is, and how the instances are placed. */
  readonly description: string;
  /** Stops every instance, then drops the schema or removes the temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

function serverOptions(spec: DeploymentSpec): ServerOptions {
  return { readyTimeoutS: spec.readyTimeoutS, wrapper: spec.wrapper, nodeArgs: spec.nodeArgs };
}

export async function startDeployment(spec: DeploymentSpec, flags: CommonFlags): Promise<Deployment> {
  // Once here, before any instance starts: two instances must not build dist/ at once.
  ensureBuilt();
  const cpu = serverCpuOf(flags);
  const common = [
    ...(spec.groupCommit ? ['--group-commit', spec.groupCommit] : []),
    ...(spec.redis ? ['--redis', spec.redis] : []),
    ...(spec.countHandling ? ['--count-handling'] : []),
  ];
  const env = { BENCH_OPERATOR_TOKEN: spec.operatorToken, ...spec.env };
  const servers: RunningServer[] = [];
  const stopServers = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };

  if (spec.store === 'sqlite') {
    if (spec.instances !== 1) throw new Error('a SQLite store runs one instance');
    const dir = makeTempDir(`assetbook-bench-${spec.label}-`);
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await stopServers();
      removeTempDir(dir);
    };
    try {
      const args = ['--data-dir', dir, '--durability', spec.durability, ...common, ...(spec.firstArgs ?? [])];
      servers.push(await startServer(spec.label, cpu, 'bench/assetbook-server.ts', args, { env, ...serverOptions(spec) }));
    } catch (error) {
      await stop();
      throw error;
    }
    const s = servers[0]!;
    return {
      servers,
      description: `SQLite WAL file ${String(s.info.db)}, durability ${spec.durability}, group commit ${s.info.groupCommit ? 'on' : 'off'}, 1 instance`,
      stop,
    };
  }

  const schema = scratchSchemaName();
  const url = schemaUrl(spec.postgresUrl, schema);
  const secretKey = randomBytes(32).toString('hex');
  const unregister = onSignalCleanup(async () => {
    await childrenGone();
    await dropSchema(spec.postgresUrl, schema);
    console.error(`dropped schema ${schema}`);
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await stopServers();
    } finally {
      await dropSchema(spec.postgresUrl, schema);
      unregister();
    }
  };
  try {
    for (let i = 0; i < spec.instances; i++) {
      const name = spec.instances > 1 ? `${spec.label}-${i + 1}` : spec.label;
      const args = ['--db', url, ...common, ...(i > 0 ? ['--skip-demo-if-loaded'] : (spec.firstArgs ?? []))];
      const server = await startServer(name, cpu, 'bench/assetbook-server.ts', args, { env: { ...env, ASSETBOOK_SECRET_KEY: secretKey }, ...serverOptions(spec) });
      servers.push(server);
      const expected = i === 0 ? 'loaded' : 'already there';
      if (server.info.demo !== expected) throw new Error(`${name}: the demo scenario is "${String(server.info.demo)}", expected "${expected}"`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const first = servers[0]!;
  return {
    servers,
    description:
      `PostgreSQL ${redactUrl(spec.postgresUrl)}, schema ${schema} (fresh, dropped after), group commit ${first.info.groupCommit ? 'on' : 'off'}, ` +
      `${spec.instances} instance${spec.instances > 1 ? 's' : ''} with a pool of ${String(first.info.postgresPoolSize)} connections each` +
      (spec.redis ? `, Redis ${String(first.info.redis)}` : ''),
    stop,
  };
}

/** Where each instance runs, for the report. */
export function describeServers(deployment: Deployment): string {
  return deployment.servers.map((s) => `${s.name} (code from ${String(s.info.code)}/) pid ${s.pid} on CPU ${s.affinity} at ${s.url}`).join('; ');
}

export interface GroupCommitStats {
  readonly operations: number;
  readonly commits: number;
}

/**
 * Waits until no instance is handling a request (the `handling` count of its stats endpoint): the
 * work a stopped run left in flight is done. Gives up after `maxS` seconds with a warning.
 */
export async function waitIdle(deployment: Deployment, maxS = 300): Promise<void> {
  const started = performance.now();
  let said = false;
  for (;;) {
    let handling = 0;
    for (const server of deployment.servers) {
      const response = await getJson(String(server.info.statsUrl));
      const count = (response.json as { handling?: number | null } | undefined)?.handling;
      if (typeof count !== 'number') throw new Error(`${server.name} does not count the requests it handles: start the deployment with countHandling`);
      handling += count;
    }
    if (handling <= 0) {
      if (said) console.log(`  ... done after ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    if (!said) {
      console.log(`  waiting for the ${handling} requests a stopped run left in flight to finish on the server${deployment.servers.length > 1 ? 's' : ''}`);
      said = true;
    }
    if (performance.now() - started > maxS * 1000) {
      console.log(`  WARNING: ${handling} requests still in flight after ${maxS} s: measuring anyway`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The group-commit counters of every instance, summed; null when group commit is off. */
export async function groupCommitStats(deployment: Deployment): Promise<GroupCommitStats | null> {
  let operations = 0;
  let commits = 0;
  for (const server of deployment.servers) {
    const response = await getJson(String(server.info.statsUrl));
    const stats = (response.json as { groupCommit?: GroupCommitStats | null } | undefined)?.groupCommit;
    if (response.status !== 200 || stats === undefined) throw new Error(`${server.name}: the stats endpoint answered ${response.status} ${response.text}`);
    if (stats === null) return null;
    operations += stats.operations;
    commits += stats.commits;
  }
  return { operations, commits };
}
