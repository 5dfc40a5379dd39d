import { connect, type Socket } from 'node:net';
import type { HttpRequest } from './http-harness.js';

/**
 * HTTP/1.1 at the byte level, for what a client library hides: pipelining several requests in one
 * write, malformed bytes, and whether the server closed the connection. The response parser
 * knows just what the server sends: a status line, headers, then a body by content-length or
 * chunked; interim 1xx answers are counted apart. Requests must not be HEAD (its answer's
 * content-length describes no body).
 */

export interface RawResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The response's body as JSON, or undefined when it is not JSON. */
export function jsonOf(response: RawResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}

/** One request as bytes: the harness's request shape plus a Host header; a JSON body gets its content-length. */
export function requestBytes(req: HttpRequest, extraHeaders: Readonly<Record<string, string>> = {}): Buffer {
  const headers: Record<string, string> = { host: '127.0.0.1' };
  if (req.token !== undefined && req.token !== null) headers.authorization = `Bearer ${req.token}`;
  let body = '';
  if (req.rawBody !== undefined) body = req.rawBody;
  else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  Object.assign(headers, req.headers ?? {}, extraHeaders);
  if (body !== '' || req.method === 'POST' || req.method === 'PUT') headers['content-length'] ??= String(Buffer.byteLength(body));
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return Buffer.from(`${head}\r\n${body}`);
}

/** Parses as many whole responses as `buffer` holds; returns them and the bytes left over. */
function parseResponses(buffer: Buffer): { responses: RawResponse[]; interim: number; rest: Buffer } {
  const responses: RawResponse[] = [];
  let interim = 0;
  let at = 0;
  for (;;) {
    const headEnd = buffer.indexOf('\r\n\r\n', at);
    if (headEnd === -1) break;
    const lines = buffer.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
    if (!Number.isInteger(status)) throw new Error(`raw-http: not a status line: ${JSON.stringify(lines[0])}`);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let next = headEnd + 4;
    if (status < 200) {
      interim += 1;
      at = next;
      continue;
    }
    let body: Buffer;
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const chunks: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = buffer.indexOf('\r\n', next);
        if (lineEnd === -1) break;
        const size = parseInt(buffer.subarray(next, lineEnd).toString('latin1'), 16);
        if (buffer.length < lineEnd + 2 + size + 2) break;
        chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        next = lineEnd + 2 + size + 2;
        if (size === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) break;
      body = Buffer.concat(chunks);
    } else {
      const length = Number(headers['content-length'] ?? '0');
      if (buffer.length < next + length) break;
      body = buffer.subarray(next, next + length);
      next += length;
    }
    responses.push({ status, headers, body: body.toString('utf8') });
    at = next;
  }
  return { responses, interim, rest: buffer.subarray(at) };
}

/** A client connection that records every response and whether, and when, the server closed it. */
export class RawConnection {
  readonly responses: RawResponse[] = [];
  /** 1xx answers seen (100 Continue). */
  interim = 0;
  /** Set once the server has closed its side (or reset the connection). */
  ended = false;
  /** The socket error, if the connection failed instead of closing. */
  error: Error | undefined;
  private pending = Buffer.alloc(0);
  private readonly waiters: (() => void)[] = [];
  private readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data: Buffer) => {
      const parsed = parseResponses(Buffer.concat([this.pending, data]));
      this.pending = Buffer.from(parsed.rest);
      this.interim += parsed.interim;
      this.responses.push(...parsed.responses);
      this.wake();
    });
    socket.on('error', (error) => {
      this.error = error;
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      });
    });
  }

  /** `allowHalfOpen`: keep sending after the server has closed its side (else Node ends ours at once). */
  static open(port: number, options: { readonly allowHalfOpen?: boolean } = {}): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes bytes; resolves once they are handed to the kernel (or the connection failed). */
  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) resolve();
      else this.socket.write(bytes, () => resolve());
    });
  }

  /** Resolves once `count` responses have arrived, or the connection closed with fewer. */
  async responsesAtLeast(count: number): Promise<RawResponse[]> {
    while (this.responses.length < count && !this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.responses;
  }

  /** Resolves with every response once the server has closed the connection. */
  async untilClosed(): Promise<RawResponse[]> {
    await this.closedPromise;
    return this.responses;
  }

  /** Ends our side (FIN) and resolves once the connection is closed. */
  async end(): Promise<void> {
    this.socket.end();
    await this.closedPromise;
  }

  /** Closes our side when the server kept the connection open. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.closedPromise;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
