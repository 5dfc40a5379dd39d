import { EventEmitter } from 'node:events';
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { Socket } from 'node:net';
import type { ConnectionError } from 'fastify';
import type { VenueDialect } from '../venues/venue.js';
import { rawResponse, refusalFor, targetOfParseError, type Refusal } from './http-surface.js';

/**
 * The HTTP/1.1 connection rules Node and Fastify leave open (docs/http.md):
 *
 * - Requests on one connection are handled one after another: a request's handler starts only
 *   once the previous response on the same connection has been sent. Node already writes
 *   responses in request order; this also makes a request wait for the answer before it.
 * - Once a response closes the connection (`connection: close`, a body refused half-read), no
 *   later request on that connection runs (RFC 9112 §9.6), even if it was already received.
 * - Bytes the parser refuses (a malformed request line, headers over the limit, a timeout) or a
 *   CONNECT are answered after every request before them, in the shape of the surface the
 *   request line names, and then the connection closes.
 * - A connection closed while the client may still be sending (a body over the limit, pipelined
 *   requests behind a close) first reads and discards what comes, for a bounded time, so that the
 *   client reads the answer instead of a reset (a lingering close).
 * - Memory per connection is bounded: reading stops while QUEUE_PAUSE_AT requests wait their turn,
 *   and a closing connection that keeps receiving requests is dropped after LINGER_MAX_REQUESTS.
 */

/** A lingering close ends when the client closes, after this long without a byte from it, ... */
export const LINGER_IDLE_MS = 5_000;
/** ... or after this long in all, whatever the client still sends (nginx's lingering_timeout and lingering_time). */
export const LINGER_MAX_MS = 30_000;
/** How often a lingering close looks whether the client sent a byte (its idle time is counted in these steps). */
const LINGER_TICK_MS = 1_000;
/**
 * Requests waiting behind the one in progress at which the connection stops reading. Node pauses a
 * socket only when answers pile up; waiting requests have no answer yet, so without this one
 * client pipelining behind a slow request could fill memory. Node's parser finishes the read it is
 * in, so at most one read (64 KiB) of requests more is held.
 */
export const QUEUE_PAUSE_AT = 16;
/**
 * Requests received on a closing connection after which it is destroyed: each one Node parses is
 * kept by Node until the socket closes, and the client was told to stop. A client that pipelined
 * a few requests behind the closing answer still gets the lingering close.
 */
export const LINGER_MAX_REQUESTS = 32;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Waiting {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly run: Handler;
}

const kConnection = Symbol('assetbook.httpConnection');

/** Node's own back-pressure flag: while set, Node pauses its parser after each read and resumes it only on 'drain'. */
type TrackedSocket = Socket & { [kConnection]?: Connection; _paused?: boolean; parser?: { pause(): void; resume(): void } | null };
type Refuse = (url: string, status: number, message: string) => Refusal;

const ignore = (): void => {};

class Connection {
  /** A request's handler has started and its response has not closed yet. */
  private busy = false;
  /** The connection is closing: no later request on it is handled. */
  private closed = false;
  /** Set when no request can follow (a parse error, a CONNECT): what to write once the requests before it are answered, null for nothing. */
  private final: Buffer | null | undefined;
  private lingering = false;
  /** After a CONNECT, Node's parser no longer reads this socket: lingering must read it itself. */
  private handedOver = false;
  private current: IncomingMessage | undefined;
  private currentRes: ServerResponse | undefined;
  private readonly waiting: Waiting[] = [];
  /** This connection stopped reading because too many requests wait (not Node, for answers piling up). */
  private pausedForQueue = false;
  /** Requests Node parsed on this connection once it was closing. */
  private receivedWhileClosing = 0;
  private readonly responseClosed = (): void => this.next();

  constructor(private readonly socket: TrackedSocket) {
    // Node closes the connection after a closing answer with `socket.destroySoon()` (which
    // destroys it once the answer is written, resetting a client still sending): this
    // connection decides instead.
    socket.destroySoon = () => this.close();
  }

  static of(socket: Socket): Connection {
    const tracked = socket as TrackedSocket;
    return (tracked[kConnection] ??= new Connection(tracked));
  }

  /** Runs the request now when nothing on this connection is in progress, later when something is, never when it is closing. */
  admit(req: IncomingMessage, res: ServerResponse, run: Handler): void {
    if (this.closed || this.final !== undefined) {
      if (++this.receivedWhileClosing > LINGER_MAX_REQUESTS) this.socket.destroy();
      return;
    }
    if (this.busy) {
      this.waiting.push({ req, res, run });
      if (this.waiting.length >= QUEUE_PAUSE_AT) this.pauseReading();
      return;
    }
    this.start(req, res, run);
  }

  private start(req: IncomingMessage, res: ServerResponse, run: Handler): void {
    this.busy = true;
    this.current = req;
    this.currentRes = res;
    // 'close' comes after Node has finished with the response, including closing the socket when it said so.
    res.on('close', this.responseClosed);
    run(req, res);
  }

  private next(): void {
    this.busy = false;
    this.current = undefined;
    this.currentRes = undefined;
    if (this.socket.destroyed || !this.socket.writable) {
      // The answer closed the connection (or the client went away): what was received after it never runs.
      this.closed = true;
      this.waiting.length = 0;
      return;
    }
    const waiting = this.waiting.shift();
    if (this.pausedForQueue && this.waiting.length < QUEUE_PAUSE_AT) this.resumeReading();
    if (waiting !== undefined) this.start(waiting.req, waiting.res, waiting.run);
    else if (this.final !== undefined) this.answerAndClose(this.final);
  }

  /**
   * Stops reading the way Node does for answers piling up: `socket.pause()` alone does not stop a
   * parser that reads the socket's handle directly; with `_paused` set, Node also pauses the
   * parser once it has executed the current read, and nothing more is read.
   */
  private pauseReading(): void {
    if (this.pausedForQueue) return;
    this.pausedForQueue = true;
    this.socket._paused = true;
    this.socket.pause();
  }

  /** Reads again, as Node's 'drain' handler does, unless Node holds the socket for answers not yet flushed (its 'drain' will resume it). */
  private resumeReading(): void {
    this.pausedForQueue = false;
    const socket = this.socket;
    if (socket.destroyed || socket.writableNeedDrain || !socket._paused) return;
    socket._paused = false;
    socket.parser?.resume();
    socket.resume();
  }

  /**
   * Nothing more can be read as requests: answer `refusal` after the requests already admitted,
   * then close. When the refused bytes are the current request's own (inside its body), that
   * request gets this answer instead of one of its own, unless its answer has begun.
   */
  refuse(refusal: Refusal | ((url: string) => Refusal), handedOver = false, parserStopped = true): void {
    this.handedOver ||= handedOver;
    if (this.final !== undefined || this.closed) return;
    const render = (url: string) => rawResponse(typeof refusal === 'function' ? refusal(url) : refusal);
    const last = this.waiting.at(-1);
    if (last !== undefined && !last.req.complete) {
      // The refused bytes are the body of a request still waiting its turn: it is never run
      // (its body would never end), and this answer takes its place in the order.
      this.waiting.pop();
      this.final = render(last.req.url ?? '');
      return;
    }
    const current = this.current;
    if (current !== undefined && !current.complete) {
      if (this.currentRes?.headersSent) {
        this.final = null;
        return;
      }
      // Its handler waits for a body that will never come; whatever it writes once the socket is gone is dropped.
      this.final = null;
      this.closed = true;
      this.answerAndClose(render(current.url ?? ''));
      // After a timeout the parser is still healthy: a body finished during the lingering close
      // would reach the handler after its 408. Destroying the request fails its body read (and
      // closes the connection at once, as the client stopped sending in time anyway).
      if (!parserStopped) current.destroy();
      return;
    }
    this.final = render('');
    if (!this.busy) this.answerAndClose(this.final);
  }

  private answerAndClose(answer: Buffer | null): void {
    if (!this.socket.writable) {
      this.socket.destroy();
      return;
    }
    if (answer !== null) this.socket.write(answer);
    this.linger();
  }

  /** Node's `destroySoon` after a closing response: a plain close, or a lingering one when the client may still be sending. */
  private close(): void {
    const mayStillSend = this.waiting.length > 0 || (this.current !== undefined && !this.current.complete);
    if (mayStillSend) this.linger();
    else Socket.prototype.destroySoon.call(this.socket);
  }

  private linger(): void {
    if (this.lingering) return;
    this.lingering = true;
    this.closed = true;
    const socket = this.socket;
    if (socket.readableEnded) {
      Socket.prototype.destroySoon.call(socket);
      return;
    }
    const destroy = (): void => {
      socket.destroy();
    };
    socket.end();
    socket.on('error', ignore);
    socket.once('end', destroy);
    // Idle means no byte from the client: counted on the bytes read, not on socket.setTimeout,
    // which Node resets (or clears) for every request it parses.
    let bytesSeen = socket.bytesRead;
    let quietTicks = 0;
    const idle = setInterval(() => {
      if (socket.bytesRead !== bytesSeen) {
        bytesSeen = socket.bytesRead;
        quietTicks = 0;
      } else if (++quietTicks * LINGER_TICK_MS >= LINGER_IDLE_MS) destroy();
    }, LINGER_TICK_MS);
    const cap = setTimeout(destroy, LINGER_MAX_MS);
    idle.unref();
    cap.unref();
    socket.once('close', () => {
      clearInterval(idle);
      clearTimeout(cap);
    });
    // Reading is what discards: Node's parser does it, except after a CONNECT. It reads again if
    // this connection stopped it for a full queue (not if Node did, for answers piling up).
    if (this.pausedForQueue) this.resumeReading();
    if (this.handedOver) socket.resume();
  }
}

export interface HttpConnectionOptions {
  readonly venues: readonly VenueDialect[];
  /** The body limit Fastify enforces: a request declaring more gets no `100 Continue`. */
  readonly bodyLimit: number;
}

/** Node's parse error codes and the status each is answered with; anything else is a 400. */
const PARSE_ERROR_STATUS: Readonly<Record<string, [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'request headers too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request not received in time'],
};

/**
 * Fastify's `serverFactory` and `clientErrorHandler` carrying the connection rules above. The
 * factory makes the same server Fastify would (its timeouts), with each request admitted through
 * its connection first; the client-error handler replaces Fastify's, which writes straight to the
 * socket ahead of the answers still owed.
 */
export function httpConnections(options: HttpConnectionOptions): {
  serverFactory: (handler: Handler, fastifyOptions: Record<string, unknown>) => Server;
  clientErrorHandler: (error: ConnectionError, socket: Socket) => void;
  /** Emits `upgrade` for WebSocket upgrades only: what the WebSocket plugin listens to instead of the server. */
  websocketUpgrades: EventEmitter;
} {
  const websocketUpgrades = new EventEmitter();
  const refuse: Refuse = (url, status, message) => refusalFor(options.venues, url, status, message);
  const send = (res: ServerResponse, refusal: Refusal, close: boolean): void => {
    const body = JSON.stringify(refusal.body);
    res.writeHead(refusal.status, {
      ...refusal.headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(body);
  };

  const serverFactory = (handler: Handler, fastifyOptions: Record<string, unknown>): Server => {
    const admitted: Handler = (req, res) => {
      // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400. Node would answer it itself, bare
      // and outside the order of this connection; here it is answered in turn and in shape.
      if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
        send(res, refuse(req.url ?? '', 400, 'missing Host header'), true);
        return;
      }
      handler(req, res);
    };
    const server = createServer({ requireHostHeader: false }, (req, res) => Connection.of(req.socket).admit(req, res, admitted));
    // Without a listener Node sends `100 Continue` at once; a body over the limit should not be sent at all.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      Connection.of(req.socket).admit(req, res, (r, s) => {
        if (!(Number(r.headers['content-length']) > options.bodyLimit)) s.writeContinue();
        admitted(r, s);
      });
    });
    server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
      Connection.of(req.socket).admit(req, res, (r, s) => send(s, refuse(r.url ?? '', 417, 'the only expectation served is 100-continue'), false));
    });
    // Node hands a CONNECT's socket over, or destroys it (losing the answers still owed) when nobody takes it.
    server.on('connect', (_req: IncomingMessage, socket: Socket) => {
      socket.on('error', ignore);
      Connection.of(socket).refuse(refuse('', 400, 'CONNECT is not served'), true);
    });
    // With an `upgrade` listener Node hands over every request carrying an Upgrade header. Only a
    // WebSocket upgrade is one assetbook takes; any other (curl's `Upgrade: h2c`, say) is the
    // plain HTTP/1.1 request it also is (RFC 9110 §7.8 lets a server ignore Upgrade), answered in
    // turn on a connection that then closes, since Node's parser has let go of the socket.
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (String(req.headers.upgrade).toLowerCase() === 'websocket') {
        websocketUpgrades.emit('upgrade', req, socket, head);
        return;
      }
      socket.on('error', ignore);
      const res = new ServerResponse(req);
      res.assignSocket(socket);
      res.shouldKeepAlive = false;
      res.on('finish', () => socket.end());
      const hasBody = head.length > 0 || Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      Connection.of(socket).admit(req, res, hasBody ? (r, s) => send(s, refuse(r.url ?? '', 400, 'a request with a body and an Upgrade header is not served'), true) : admitted);
    });
    // The settings Fastify applies to the server it makes itself (its defaults are always present).
    const { keepAliveTimeout, requestTimeout, connectionTimeout, maxRequestsPerSocket } = fastifyOptions;
    if (typeof keepAliveTimeout === 'number') server.keepAliveTimeout = keepAliveTimeout;
    if (typeof requestTimeout === 'number') server.requestTimeout = requestTimeout;
    if (typeof connectionTimeout === 'number') server.setTimeout(connectionTimeout);
    if (typeof maxRequestsPerSocket === 'number' && maxRequestsPerSocket > 0) server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };

  const clientErrorHandler = (error: ConnectionError, socket: Socket): void => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, message] = PARSE_ERROR_STATUS[error.code] ?? [400, `malformed request (${error.code})`];
    const parsed = error as ConnectionError & { rawPacket?: unknown; bytesParsed?: unknown };
    // A timeout comes from Node's connection checker, not from the parser, which can still parse.
    const parserStopped = error.code !== 'ERR_HTTP_REQUEST_TIMEOUT';
    Connection.of(socket).refuse((currentUrl) => refuse(currentUrl || targetOfParseError(parsed), status, message), false, parserStopped);
  };

  return { serverFactory, clientErrorHandler, websocketUpgrades };
}
