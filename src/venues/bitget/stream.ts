import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { verdictFor } from '../../rate-limit/rate-limiter.js';
import type { VenuePort } from '../port.js';
import { every } from '../shared/stream.js';
import type { BitgetAuthenticator } from './auth.js';
import { bitgetError } from './errors.js';
import { BITGET_STREAM_CAPS, BITGET_WS_RATE_LIMITS } from './rate-limits.js';
import type { BitgetSettings } from './settings.js';
import { CLOSES } from './stream-frames.js';
import { BitgetSocket, type StreamShared } from './stream-socket.js';

/**
 * Bitget's v2 WebSocket (docs/venues/bitget.md, Stream): `/v2/ws/private` (login, the spot
 * `account` channel) and `/v2/ws/public` (no channel served: every subscribe is the venue's 30001).
 * An upgrade is admitted here or refused with the venue's HTTP 429: over the connection-request
 * rate, or with the IP already holding its cap of sockets (or of sockets not logged in). A socket
 * that sends nothing for `--bitget-ws-ping-timeout` is closed with 1000 `no ping`.
 */

export const WS_PREFIX = '/v2/ws';

/** How often silent sockets are looked for; the timeout is measured with the server clock. */
const SILENCE_SWEEP_MS = 1000;

export const streamRoutes = (port: VenuePort, auth: BitgetAuthenticator): FastifyPluginAsync => async (app) => {
  const shared: StreamShared = {
    port,
    auth,
    caps: {
      connections: port.streamCap(BITGET_STREAM_CAPS.connectionsPerIp),
      channels: port.streamCap(BITGET_STREAM_CAPS.channelsPerConnection),
      unauthenticated: port.streamCap(BITGET_STREAM_CAPS.unauthenticatedPerIp),
    },
    messages: port.limiter(BITGET_WS_RATE_LIMITS.wsMessages),
    subscribes: port.limiter(BITGET_WS_RATE_LIMITS.wsSubscribe),
  };
  const connects = port.limiter(BITGET_WS_RATE_LIMITS.wsConnect);
  const { connections, unauthenticated } = shared.caps;
  const open = new Set<BitgetSocket>();

  const timeoutMs = (port.settings as BitgetSettings).wsPingTimeoutMs;
  const stopSweep = every(SILENCE_SWEEP_MS, () => {
    const now = port.clock();
    for (const socket of open) if (now - socket.lastHeardMs > timeoutMs) socket.end(CLOSES.noPing);
  });
  app.addHook('onClose', async () => stopSweep());

  /** Before the upgrade: the connection-request rate, then the IP's caps, each refused with HTTP 429. */
  const admit = async (request: FastifyRequest): Promise<void> => {
    if (!request.ws) return;
    const verdict = await verdictFor(connects, request.ip);
    if (!verdict.allowed) throw bitgetError('tooManyRequests');
    if (connections.count(request.ip) >= connections.max || unauthenticated.count(request.ip) >= unauthenticated.max) throw bitgetError('tooManyRequests');
  };

  const serve = (isPrivate: boolean) => (socket: WebSocket, request: FastifyRequest) => {
    // Checked again: another upgrade from the same IP may have been admitted meanwhile.
    if (!connections.tryAcquire(request.ip)) return socket.close(CLOSES.tooManyConnections.code, CLOSES.tooManyConnections.reason);
    if (!unauthenticated.tryAcquire(request.ip)) {
      connections.release(request.ip);
      return socket.close(CLOSES.tooManyConnections.code, CLOSES.tooManyConnections.reason);
    }
    open.add(new BitgetSocket(socket, shared, request.ip, isPrivate, (closed) => open.delete(closed)));
  };

  for (const [path, isPrivate] of [['/private', true], ['/public', false]] as const) {
    app.route({
      method: 'GET',
      url: path,
      schema: { hide: true },
      preHandler: admit,
      // A plain GET (no upgrade) is not a WebSocket: the venue's not-found answer.
      handler: async () => {
        throw bitgetError('notFound');
      },
      wsHandler: serve(isPrivate),
    });
  }
};
