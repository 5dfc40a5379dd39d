import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { singleParam } from '../shared/query.js';
import type { LoopringContext } from './context.js';
import { loopringError } from './errors.js';
import { LOOPRING_STREAM_CAPS } from './rate-limits.js';
import { WsKeyBody } from './schemas.js';
import type { LoopringSettings } from './settings.js';
import { LoopringStreamSession } from './stream-session.js';
import { WsKeySigner } from './ws-key.js';

/** Where the stream lives: outside `/api/v3`, as on the venue (`/v3/ws/key`, `/v3/ws?wsApiKey=`). */
export const LOOPRING_WS_PREFIX = '/v3/ws';

/** What an admitted socket holds of the per-IP caps until its connection closes. */
interface Admission {
  readonly ip: string;
  unauthenticated: boolean;
}

/**
 * Loopring's WebSocket: `GET /v3/ws/key` (no credentials, as the SDK calls it) and the socket at
 * `/v3/ws?wsApiKey=<key>`. An upgrade is refused as an HTTP answer in the REST error shape, in
 * this order: `loopring.ws-connect` (429), `wsApiKey` repeated (400 100001), missing (400 104001),
 * not issued by any instance of this store or expired (400 104002), then the per-IP caps (429).
 * The session (stream-session.ts) does the rest.
 */
export const streamRoutes = (ctx: LoopringContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;
  const settings = port.settings as LoopringSettings;
  let signer: Promise<WsKeySigner> | undefined;
  // Read once from the store (or created there by the first instance to ask); a failure is asked again next time.
  const signerOf = () =>
    (signer ??= port.loadOrCreateSigningKey().then(
      (key) => new WsKeySigner(key),
      (error: unknown) => {
        signer = undefined;
        throw error;
      },
    ));
  const connections = port.streamCap(LOOPRING_STREAM_CAPS.connectionsPerIp);
  const unauthenticated = port.streamCap(LOOPRING_STREAM_CAPS.unauthenticatedPerIp);
  const topics = port.streamCap(LOOPRING_STREAM_CAPS.topicsPerConnection);
  const admissions = new WeakMap<FastifyRequest, Admission>();

  app.get('/key', { onRequest: ctx.limitPerIp('wsKey'), schema: { response: { 200: WsKeyBody } } }, async () => ({
    key: (await signerOf()).issue(port.clock() + settings.wsKeyTtlMs),
  }));

  const notAnUpgrade = () => loopringError('invalidParameter', `${LOOPRING_WS_PREFIX} is a WebSocket: send an upgrade request`);

  const admit = async (request: FastifyRequest): Promise<void> => {
    if (!request.ws) throw notAnUpgrade();
    const key = singleParam(request.query, 'wsApiKey');
    if (key === null) throw loopringError('invalidParameter', 'wsApiKey is given more than once');
    if (key === undefined || key === '') throw loopringError('emptyApiKey', 'wsApiKey is required (GET /v3/ws/key)');
    const verdict = (await signerOf()).check(key, port.clock());
    if (verdict === 'expired') throw loopringError('invalidApiKey', 'the wsApiKey has expired: get a new one from /v3/ws/key');
    if (verdict !== 'valid') throw loopringError('invalidApiKey', 'wsApiKey is not a key from /v3/ws/key');
    const { ip } = request;
    const refuse = (counter: typeof connections) => loopringError('tooManyRequests', `${counter.max} at once per IP on ${counter.cap.name}`);
    if (!connections.tryAcquire(ip)) throw refuse(connections);
    if (!unauthenticated.tryAcquire(ip)) {
      connections.release(ip);
      throw refuse(unauthenticated);
    }
    const admission: Admission = { ip, unauthenticated: true };
    admissions.set(request, admission);
    // The connection's end, however it comes (closed socket, refused or abandoned upgrade), gives the places back.
    request.raw.socket.once('close', () => {
      connections.release(ip);
      if (admission.unauthenticated) unauthenticated.release(ip);
    });
  };

  // '' is the prefix itself: `/v3/ws`, and no `/v3/ws/` beside it.
  app.route({
    method: 'GET',
    url: '',
    schema: { hide: true },
    onRequest: ctx.limitPerIp('wsConnect'),
    preHandler: admit,
    // Not reached: `admit` refuses a plain GET first.
    handler: async () => {
      throw notAnUpgrade();
    },
    wsHandler: (socket: WebSocket, request: FastifyRequest) => {
      const admission = admissions.get(request);
      if (!admission) {
        // Not reached: `admit` ran for this request. A socket without its admission is closed rather than served.
        socket.close(1011, 'not admitted');
        return;
      }
      new LoopringStreamSession(socket, {
        port,
        ctx,
        rateKey: `ws:${randomUUID()}`,
        topicsMax: topics.max,
        onAuthenticated: () => {
          if (!admission.unauthenticated) return;
          admission.unauthenticated = false;
          unauthenticated.release(admission.ip);
        },
      });
    },
  });
};
