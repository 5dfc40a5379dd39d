import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { OperatorClient, OPERATOR_PATH } from '../client/operator-client.js';
import { demoScenario } from '../scenario/demo.js';
import { buildCredentialsFile, type CredentialsFile } from '../scenario/credentials-file.js';
import { loadScenario, type LoadedUser } from '../scenario/load.js';
import { buildApp } from '../server/app.js';
import { resolveConfig, type ConfigFlags } from '../server/config.js';
import { openRuntime, type Clock, type Runtime } from '../server/runtime.js';
import { VENUES } from '../venues/index.js';
import type { VenueDialect } from '../venues/venue.js';

/**
 * assetbook inside a test suite's own process (docs/testing-with-assetbook.md): the server `serve`
 * runs (the same runtime and app), on a free loopback port, over an in-memory store by default,
 * with the demo or a scenario loaded, and what a test needs to point clients at it.
 */

export interface StartOptions {
  /** Load the built-in demo (examples/demo.json with each venue's demo keys). Default: true unless `scenario` is given. */
  readonly demo?: boolean;
  /** A scenario to load (docs/scenarios.md): a file's path, or the scenario itself. Loaded after the demo when both are asked for. */
  readonly scenario?: string | Readonly<Record<string, unknown>>;
  /** The store: `:memory:` (default), a SQLite file, or a `postgres://` URL. It must not hold the scenario's users already. */
  readonly db?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default: a random one (`operatorToken` in the result). */
  readonly operatorToken?: string;
  /**
   * The master key for sealed secrets (64 hex digits). Default: a random one, so a snapshot saved
   * by this server restores only into this server; give a fixed key to keep snapshot files that
   * restore across runs.
   */
  readonly secretKey?: string;
  /**
   * Any other setting by its option name in camelCase (docs/configuration.md), as text: e.g.
   * `{ rateLimits: 'on' }`, `{ bitgetTimestampWindow: '5' }`. Rate limits are off unless turned on here.
   */
  readonly settings?: Readonly<Record<string, string | readonly string[]>>;
  /** The server's clock (ms since the epoch): every time it shows or checks is this one's. Default `Date.now`. */
  readonly clock?: Clock;
}

/** Where each surface is: the origin, the operator API, and each venue's base URL as its clients take it. */
export interface AssetbookUrls {
  /** The server's origin, e.g. http://127.0.0.1:43123. */
  readonly base: string;
  /** The operator API: `${base}/_assetbook/v1`. */
  readonly operator: string;
  /** ccxt bitget's `urls.api.*` and bitget-api's `baseUrl`: the origin. */
  readonly bitget: string;
  /** ccxt bullish's `urls.api.public` and `.private`: `${base}/trading-api`. */
  readonly bullish: string;
  /** The Loopring SDK's `baseUrl`: the origin. */
  readonly loopring: string;
  /** Every venue served, by id (the three above, and any other venue a build serves). */
  readonly [venue: string]: string;
}

export interface Assetbook {
  readonly urls: AssetbookUrls;
  readonly operatorToken: string;
  /**
   * The loaded users' venue keys: the document `serve --credentials-file` writes. Per user, each
   * venue's keys of the main account (with the ids its clients name the account by), then
   * `subAccounts` with theirs.
   */
  readonly credentials: CredentialsFile;
  /** The operator API, typed: operations, balances, snapshots, reset, verify. */
  readonly operator: OperatorClient;
  /**
   * One account's keys on one venue, e.g. `keys('alice', 'bitget')` gives `{ apiKey, secretKey,
   * passphrase, uid }`; `account` is a sub-account's label (default: the main account). Throws
   * when the scenario gave that account no key on that venue.
   */
  keys(user: string, venue: string, account?: string): Readonly<Record<string, string>>;
  /** A loaded account's ledger id, what operations name (`account`, `from`, `to`): `account` is a sub-account's label (default: the main account). */
  account(user: string, account?: string): number;
  /** Stops the server and closes the store (an in-memory ledger is gone). */
  stop(): Promise<void>;
}

const DEMO_FILE = fileURLToPath(new URL('../../examples/demo.json', import.meta.url));

/** Starts assetbook in this process and resolves once it listens, the scenario loaded. */
export async function startAssetbook(options: StartOptions = {}): Promise<Assetbook> {
  const operatorToken = options.operatorToken ?? `abk_test_${randomBytes(16).toString('hex')}`;
  const flags = {
    rateLimits: 'off',
    logLevel: 'warn',
    ...options.settings,
    db: options.db ?? ':memory:',
    operatorToken,
    secretKey: options.secretKey ?? randomBytes(32).toString('hex'),
  } as ConfigFlags;
  const venues: readonly VenueDialect[] = VENUES;
  const runtime = await openRuntime(resolveConfig(flags, {}, venues), { venues, clock: options.clock, completeVenueFacts: true });
  let app: FastifyInstance | undefined;
  try {
    const users = await loadStartScenarios(runtime, options);
    app = await buildApp(runtime, { logger: false });
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    const server = app;
    const { address, port } = server.server.address() as AddressInfo;
    const base = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    const credentials = buildCredentialsFile(venues, operatorToken, users);
    const urls = {
      base,
      operator: `${base}${OPERATOR_PATH}`,
      ...Object.fromEntries(venues.map((v) => [v.id, v.clientUrl?.(base) ?? base])),
    } as AssetbookUrls;
    return {
      urls,
      operatorToken,
      credentials,
      operator: new OperatorClient({ url: base, token: operatorToken }),
      keys: (user, venue, account = 'main') => keysOf(credentials, user, venue, account),
      account: (user, account = 'main') => accountIdOf(users, user, account),
      stop: async () => {
        await server.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await app?.close();
    await runtime.close();
    throw error;
  }
}

async function loadStartScenarios(runtime: Runtime, options: StartOptions): Promise<LoadedUser[]> {
  const scenarios: unknown[] = [];
  if (options.demo ?? options.scenario === undefined) scenarios.push(demoScenario(runtime.venues, readJson(DEMO_FILE)));
  if (options.scenario !== undefined) scenarios.push(typeof options.scenario === 'string' ? readJson(options.scenario) : options.scenario);
  const users: LoadedUser[] = [];
  for (const scenario of scenarios) users.push(...(await loadScenario(runtime.ledger, runtime.keyring, runtime.venues, scenario)).users);
  return users;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function keysOf(credentials: CredentialsFile, userName: string, venue: string, account: string): Readonly<Record<string, string>> {
  const user = credentials.users.find((u) => u.name === userName);
  if (!user) throw new Error(`assetbook: no user ${userName} was loaded (users: ${credentials.users.map((u) => u.name).join(', ')})`);
  const holder = account === 'main' ? user : user.subAccounts.find((s) => s.label === account);
  const keys = (holder as Record<string, unknown> | undefined)?.[venue];
  if (typeof keys !== 'object' || keys === null) throw new Error(`assetbook: ${userName}/${account} has no ${venue} key in the scenario`);
  return Object.fromEntries(Object.entries(keys).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
}

function accountIdOf(users: readonly LoadedUser[], userName: string, label: string): number {
  const user = users.find((u) => u.user.name === userName);
  if (!user) throw new Error(`assetbook: no user ${userName} was loaded (users: ${users.map((u) => u.user.name).join(', ')})`);
  const found = user.accounts.find((a) => (label === 'main' ? a.kind === 'main' : a.kind === 'sub' && a.label === label));
  if (!found) throw new Error(`assetbook: ${userName} has no account ${label} (accounts: main, ${user.accounts.filter((a) => a.kind === 'sub').map((a) => a.label).join(', ')})`);
  return found.id;
}
