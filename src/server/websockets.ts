import type { EventEmitter } from 'node:events';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * WebSocket upgrades routed through Fastify, with `ws` for the protocol: an upgrade is routed like
 * any request, so a venue's hooks, error handler and 404 answer it in HTTP (refused, or not found),
 * and it becomes a socket only on a route that declares a `wsHandler`.
 *
 * This is the part of `@fastify/websocket` assetbook used, without what that plugin costs every
 * other request: it adds a global `onRequest` hook (to mark upgrades) and a global `onResponse`
 * hook (to close an upgrade answered in HTTP), and Fastify sets up two response listeners on every
 * request of every route once any `onResponse` hook exists. Counted on a venue's balance read,
 * that was 5,800 instructions of about 121,000 per response (docs/benchmarks.md, issue 14's
 * eleventh session). Here an upgrade is marked where it arrives, its answer closes the connection
 * by the response's own `finish`, and only stream routes are wrapped; a plain request pays nothing.
 */

/** What a stream route does with the socket once the handshake is done. */
export type WebSocketHandler = (socket: WebSocket, request: FastifyRequest) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every open socket is in its `clients`. */
    readonly websocketServer: WebSocketServer;
  }
  interface FastifyRequest {
    /** True for a WebSocket upgrade request, on every route (a hook can refuse it in HTTP). */
    readonly ws: boolean;
  }
  interface RouteShorthandOptions {
    /** Makes the route a stream: an upgrade runs this after the route's hooks; a plain GET runs `handler`. */
    wsHandler?: WebSocketHandler;
  }
}

export interface WebSocketOptions {
  /** Emits `upgrade` (request, socket, head) for WebSocket upgrades only (http-connection.ts). */
  readonly upgrades: EventEmitter;
  /** The largest message a client may send; a larger one closes the socket with 1009. */
  readonly maxPayload: number;
  /** An error on an open socket, or thrown by its handler. */
  readonly onSocketError: (error: Error, socket: WebSocket, request: FastifyRequest) => void;
}

/** An upgrade waiting for its route: the connection and the bytes read past the request's head. */
interface PendingUpgrade {
  readonly socket: Socket;
  readonly head: Buffer;
}

/** Node takes its own error listener off a socket before emitting `upgrade`: until `ws` adds one, an error ends it. */
function destroyOnError(this: Socket): void {
  this.destroy();
}

/** Routes the upgrades `options.upgrades` emits through `app`. Call before any route is added. */
export function installWebSockets(app: FastifyInstance, options: WebSocketOptions): void {
  const upgrades = new WeakMap<IncomingMessage, PendingUpgrade>();
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false });
  app.decorate('websocketServer', server);

  // A getter: read only by the hooks of stream routes, never computed for a plain request.
  app.decorateRequest('ws', {
    getter(this: FastifyRequest) {
      return upgrades.has(this.raw);
    },
  });

  const onUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    socket.on('error', destroyOnError);
    upgrades.set(request, { socket, head });
    const response = new ServerResponse(request);
    response.assignSocket(socket);
    // Answered in HTTP (refused, not found, a plain route): `Connection: close`, and the
    // connection ends once the answer is written, so a keep-alive client does not reuse it.
    response.shouldKeepAlive = false;
    response.on('finish', () => socket.destroySoon());
    try {
      app.routing(request, response);
    } catch (error) {
      app.log.warn({ err: error }, 'websocket upgrade failed');
      socket.destroy();
    }
  };
  options.upgrades.on('upgrade', onUpgrade);

  app.addHook('onRoute', (route: RouteOptions) => {
    const wsHandler = route.wsHandler;
    if (wsHandler === undefined) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // The HEAD route Fastify adds beside a GET keeps the plain handler: a HEAD cannot be upgraded.
    if (methods.every((method) => method === 'HEAD')) return;
    if (methods.some((method) => method !== 'GET' && method !== 'HEAD')) throw new Error(`a wsHandler route is a GET: ${route.url}`);
    const handler = route.handler;
    route.handler = function streamOrPlain(this: FastifyInstance, request, reply) {
      const upgrade = upgrades.get(request.raw);
      if (upgrade === undefined) return handler.call(this, request, reply);
      reply.hijack();
      // `ws` adds its own error listener to the socket as it takes it, synchronously.
      upgrade.socket.removeListener('error', destroyOnError);
      server.handleUpgrade(request.raw, upgrade.socket, upgrade.head, (socket) => {
        socket.on('error', (error) => options.onSocketError(error, socket, request));
        try {
          const running = wsHandler(socket, request);
          if (running instanceof Promise) running.catch((error: unknown) => options.onSocketError(error as Error, socket, request));
        } catch (error) {
          options.onSocketError(error as Error, socket, request);
        }
      });
    };
  });

  // A shutdown closes every socket with 1001 (going away) before the HTTP server stops.
  app.addHook('preClose', (done) => {
    options.upgrades.removeListener('upgrade', onUpgrade);
    for (const socket of server.clients) socket.close(1001, 'server shutting down');
    server.close(() => done());
  });
}
