import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.js';
import { resolveConfig } from '../../src/server/config.js';
import { openRuntime, type Runtime } from '../../src/server/runtime.js';

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

export class HttpHarness {
  private constructor(
    readonly app: FastifyInstance,
    readonly runtime: Runtime,
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async start(operatorToken: string): Promise<HttpHarness> {
    const runtime = await openRuntime(resolveConfig({ db: ':memory:', operatorToken }, {}));
    const app = await buildApp(runtime, { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return new HttpHarness(app, runtime, `http://127.0.0.1:${port}`, operatorToken);
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
