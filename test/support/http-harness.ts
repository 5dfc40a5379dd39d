import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.js';
import { readFileSync } from 'node:fs';
import type { Account } from '../../src/ledger/types.js';
import type { OperationRequest } from '../../src/ledger/operations.js';
import { demoScenario } from '../../src/scenario/demo.js';
import { loadScenario, type LoadResult } from '../../src/scenario/load.js';
import { resolveConfig, type ConfigFlags } from '../../src/server/config.js';
import { openRuntime, type Clock, type Runtime } from '../../src/server/runtime.js';
import type { VenueDialect } from '../../src/venues/venue.js';
import type { Sleep } from '../../src/faults/fault-set.js';

/**
 * A real assetbook server on 127.0.0.1 (an ephemeral port) over an in-memory store, and a small
 * fetch client for it. Requests carry the operator token unless told otherwise.
 */

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** Sent as JSON with content-type application/json. */
  readonly body?: unknown;
  /** Sent byte for byte; set the content-type yourself in `headers`. */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The bearer token to present: the harness token when omitted, no authorization header when null. */
  readonly token?: string | null;
}

export interface HttpResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** The raw response text. */
  readonly text: string;
  /** The response parsed as JSON; undefined when it is not JSON. */
  readonly body: T;
}

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface HarnessOptions {
  /** Settings as the CLI would give them (`rateLimits: 'off'`, a venue's `bitgetTimestampWindow: '5'`, ...). */
  readonly flags?: ConfigFlags | Readonly<Record<string, string | readonly string[]>>;
  /** A scenario file to load before listening: `DEMO` for examples/demo.json. */
  readonly scenario?: string;
  /** The server's clock: a `ManualClock`'s `now` makes every time-dependent answer the test's to decide. */
  readonly clock?: Clock;
  /** The venues to serve: the registry's by default; a test-only venue comes in here. */
  readonly venues?: readonly VenueDialect[];
  /** How fault latency waits (runtime option `faultSleep`): a test's own, released when it says. */
  readonly faultSleep?: Sleep;
}

export const DEMO = new URL('../../examples/demo.json', import.meta.url).pathname;

/** A scenario file as `serve` loads it: `DEMO` is the demo file with each venue's demo credentials merged in. */
export function readScenario(runtime: Pick<Runtime, 'venues'>, path: string): unknown {
  const file = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  return path === DEMO ? demoScenario(runtime.venues, file) : file;
}

/** Loads a scenario file (the demo with its venue credentials) into the runtime, as `serve --scenario`/`--demo` would. */
export function loadScenarioFile(runtime: Pick<Runtime, 'venues' | 'ledger' | 'keyring'>, path: string): Promise<LoadResult> {
  return loadScenario(runtime.ledger, runtime.keyring, runtime.venues, readScenario(runtime, path));
}

export class HttpHarness {
  private constructor(
    readonly app: FastifyInstance,
    readonly runtime: Runtime,
    readonly baseUrl: string,
    readonly token: string,
    /** What the scenario load created, with every credential's plaintext; null without a scenario. */
    readonly loaded: LoadResult | null,
    /** Every request the server answered, in order: what a real client actually called. */
    readonly seen: SeenRequest[],
  ) {}

  static async start(operatorToken: string, options: HarnessOptions = {}): Promise<HttpHarness> {
    const flags = { db: ':memory:', operatorToken, ...options.flags } as ConfigFlags;
    const runtime = await openRuntime(resolveConfig(flags, {}, options.venues), { clock: options.clock, venues: options.venues, faultSleep: options.faultSleep });
    const loaded = options.scenario === undefined ? null : await loadScenarioFile(runtime, options.scenario);
    const app = await buildApp(runtime, { logger: false });
    const seen: SeenRequest[] = [];
    app.addHook('onResponse', async (request, reply) => {
      seen.push({ method: request.method, url: request.url, status: reply.statusCode, headers: request.headers });
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return new HttpHarness(app, runtime, `http://127.0.0.1:${port}`, operatorToken, loaded, seen);
  }

  /** A loaded account by user name and label (`main` for the main account). */
  account(user: string, label = 'main'): Account {
    const found = this.loaded?.users.find((u) => u.user.name === user)?.accounts.find((a) => (label === 'main' ? a.kind === 'main' : a.label === label));
    if (!found) throw new Error(`harness: no loaded account ${user}/${label}`);
    return found;
  }

  /** The plaintext secrets of a loaded credential of `user` on `venue`, for the given account label. */
  secrets(user: string, venue: string, label = 'main'): Readonly<Record<string, string>> {
    const account = this.account(user, label);
    const found = this.loaded?.users.find((u) => u.user.name === user)?.credentials.find((c) => c.venue === venue && c.accountId === account.id);
    if (!found) throw new Error(`harness: no ${venue} credential for ${user}/${label}`);
    return found.secrets;
  }

  /** Applies one operation through the operator API, as an operator would; fails loudly when refused. */
  async operate(request: OperationRequest): Promise<void> {
    const response = await this.post('/_assetbook/v1/operations', request);
    if (response.status !== 201 && response.status !== 200) throw new Error(`harness: operation refused ${response.status} ${response.text}`);
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = {};
    const token = req.token === undefined ? this.token : req.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (req.rawBody !== undefined) {
      body = req.rawBody;
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, req.headers ?? {});
    const response = await fetch(`${this.baseUrl}${req.path}`, { method: req.method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  get<T = unknown>(path: string, token?: string | null): Promise<HttpResponse<T>> {
    return this.request<T>({ method: 'GET', path, token });
  }

  post<T = unknown>(path: string, body?: unknown): Promise<HttpResponse<T>> {
    return this.request<T>({ method: 'POST', path, body });
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.runtime.close();
  }
}
