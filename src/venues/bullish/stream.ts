import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { every } from '../shared/stream.js';
import { singleParam } from '../shared/query.js';
import type { BullishContext } from './context.js';
import { BULLISH_RATE_LIMITS, BULLISH_STREAM_CAPS } from './rate-limits.js';
import type { BullishSettings } from './settings.js';
import { authenticateUpgrade, tooManyConnections, upgradeRequired, type StreamSession } from './stream-auth.js';
import { StreamConnection } from './stream-connection.js';

/**
 * Bullish's private-data WebSocket, `/trading-api/v1/private-data` (docs/venues/bullish.md,
 * Stream): the upgrade is authenticated by its JWT (cookie or bearer) and admitted under the
 * stream caps before the handshake; each socket is then a `StreamConnection`. One timer for all
 * sockets looks at the injected clock once a second for expired, logged-out and idle sessions.
 */

export const STREAM_PATH = '/v1/private-data';
/** How often sessions are looked at: an expiry or a logout on this instance closes the stream within this (plus the clock's own step). */
export const SWEEP_MS = 1_000;

interface Admission {
  readonly session: StreamSession;
}

export function registerStreamRoute(app: FastifyInstance, ctx: BullishContext): void {
  const { port } = ctx;
  const settings = port.settings as BullishSettings;
  const perKey = port.streamCap(BULLISH_STREAM_CAPS.connectionsPerKey);
  const unauthenticated = port.streamCap(BULLISH_STREAM_CAPS.unauthenticatedPerIp);
  const limits = {
    commands: port.limiter(BULLISH_RATE_LIMITS.wsCommands),
    subscriptions: port.streamCap(BULLISH_STREAM_CAPS.subscriptionsPerConnection),
    idleMs: settings.wsIdleMs,
  };
  const admitted = new WeakMap<FastifyRequest, Admission>();
  const live = new Set<StreamConnection>();
  const stopSweep = every(SWEEP_MS, () => {
    const nowMs = port.clock();
    for (const connection of live) connection.sweep(nowMs);
  });
  app.addHook('onClose', async () => stopSweep());

  /**
   * Before the handshake: a token is required (none at all drops the connection, as Bullish
   * documents; a bad one is Bullish's 401 with the cookie cleared), the upgrade counts as
   * unauthenticated for its IP while its token is checked, then against its key's connections.
   * Places are given back when the TCP connection closes, whatever became of the handshake.
   */
  const admit = async (request: FastifyRequest, reply: { hijack(): void }): Promise<void> => {
    if (!request.ws) return; // A plain GET: the handler answers 426.
    const connection = request.raw.socket;
    if (!unauthenticated.tryAcquire(request.ip)) throw tooManyConnections('from this IP waiting for authentication');
    let session: StreamSession | undefined;
    try {
      session = await authenticateUpgrade(ctx, request);
    } finally {
      unauthenticated.release(request.ip);
    }
    // No token: dropped. A client gone while its token was checked: nothing to admit (its close has fired already).
    if (session === undefined || connection.destroyed) {
      reply.hijack();
      connection.destroy();
      return;
    }
    const key = `key:${session.claims.publicKey}`;
    if (!perKey.tryAcquire(key)) throw tooManyConnections(`for this API key (at most ${perKey.max})`);
    connection.once('close', () => perKey.release(key));
    admitted.set(request, { session });
  };

  app.route({
    method: 'GET',
    url: STREAM_PATH,
    schema: { hide: true },
    preHandler: admit,
    handler: async () => {
      throw upgradeRequired();
    },
    wsHandler: (socket: WebSocket, request: FastifyRequest) => {
      const admission = admitted.get(request);
      if (admission === undefined) {
        socket.close(1011, 'not admitted');
        return;
      }
      const single = singleParam(request.query, 'tradingAccountId');
      const connection = new StreamConnection(socket, ctx, admission.session, limits, {
        ...(typeof single === 'string' ? { defaultTradingAccountId: single } : {}),
      });
      live.add(connection);
      socket.on('close', () => live.delete(connection));
    },
  });
}
