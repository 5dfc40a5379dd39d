import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { installRefusals } from '../http/refusal.js';
import { operatorRenderer } from '../operator/errors.js';
import { OPERATOR_PREFIX, operatorPlugin } from '../operator/plugin.js';
import type { VenueDialect } from '../venues/venue.js';
import { ConfigError } from './config.js';
import { consolePlugin } from './console.js';
import { httpConnections } from './http-connection.js';
import { installHttpFaults } from './http-faults.js';
import { refusalFor } from './http-surface.js';
import { registerOpenApi } from './openapi.js';
import type { Runtime } from './runtime.js';
import { installWebSockets } from './websockets.js';

export interface AppOptions {
  readonly logger?: boolean | { level: string };
}

/** Fastify's typings take no hop count, so a count is given as the function it stands for. */
function trustProxyOption(setting: false | string | number): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/**
 * Composes the server: health probes, the OpenAPI document, the operator API and every venue
 * dialect, each an encapsulated plugin with its own error handler.
 */
export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  // The runtime's venues: the ledger built their facts, so the app serves exactly those.
  const venues = runtime.venues;
  // Per-connection order, closing and lingering rules, and parser errors in each surface's shape (docs/http.md).
  const connections = httpConnections({ venues, bodyLimit: runtime.config.bodyLimitBytes });
  const app = Fastify({
    serverFactory: connections.serverFactory,
    clientErrorHandler: connections.clientErrorHandler,
    logger: options.logger ?? { level: runtime.config.logLevel },
    bodyLimit: runtime.config.bodyLimitBytes,
    // Amounts are strings: a number must never be coerced into one, nor an unknown field dropped silently.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
    // Behind a load balancer, the client address IP rate limits count by comes from X-Forwarded-For, only from these proxies.
    trustProxy: trustProxyOption(runtime.config.trustProxy),
    // A URL Fastify cannot decode never reaches a route: answer it in the shape of the venue
    // whose base path it names, or the operator API's.
    frameworkErrors: (error, request, frameworkReply) => {
      const reply = frameworkReply as unknown as FastifyReply;
      const refusal = refusalFor(venues, request.raw.url ?? '', 400, `malformed request URL (${error.code})`);
      return reply.status(refusal.status).headers(refusal.headers).send(refusal.body);
    },
  });

  await registerOpenApi(app, venues);
  // Venues' private streams: an upgrade is routed like any request (so a venue's hooks and its
  // 404 apply to it) and becomes a socket only on a route that declares a `wsHandler`.
  installWebSockets(app, {
    // Only WebSocket upgrades arrive here (http-connection.ts serves any other Upgrade as plain HTTP).
    upgrades: connections.websocketUpgrades,
    maxPayload: runtime.config.wsMessageLimitBytes,
    // A protocol error (a message over the limit, a bad frame) is already being closed by ws with
    // its status code (1009, 1002): let that close frame go. Anything else ends the socket.
    onSocketError: (error, socket, request) => {
      request.log.debug({ err: error }, 'websocket error');
      if (socket.readyState === socket.OPEN) socket.terminate();
    },
  });

  // Fault rules act here, before any venue hook or handler (docs/faults.md); one check while none is set.
  installHttpFaults(app, runtime);

  // Every body is JSON: a text/plain body is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  // Outside every venue's base paths, the operator API's shape.
  installRefusals(app, operatorRenderer);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await runtime.store.ping();
      return { status: 'ready', store: runtime.store.engine };
    } catch {
      return reply.status(503).send({ status: 'unavailable', store: runtime.store.engine });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(operatorPlugin(runtime), { prefix: OPERATOR_PREFIX });
  // The operator console's static page, which calls the operator API from the browser (docs/console.md).
  await app.register(consolePlugin());
  checkRateLimitOverrides(runtime, venues);
  checkStreamCapOverrides(runtime, venues);
  for (const venue of venues) await app.register(venue.plugin(runtime.venuePort(venue.id)));
  return app;
}

/** A `--rate-limit` rule that names no venue rule is a typo: refuse to start rather than ignore it. */
function checkRateLimitOverrides(runtime: Runtime, venues: readonly VenueDialect[]): void {
  const known = new Set(venues.flatMap((v) => v.rateLimits.map((r) => r.name)));
  for (const name of runtime.config.rateLimitOverrides.keys()) {
    if (!known.has(name)) {
      throw new ConfigError(`rate-limit: no venue rule is named "${name}" (known: ${[...known].sort().join(', ') || 'none'})`);
    }
  }
}

/** Likewise a `--stream-limit` cap that names no venue cap. */
function checkStreamCapOverrides(runtime: Runtime, venues: readonly VenueDialect[]): void {
  const known = new Set(venues.flatMap((v) => (v.streamCaps ?? []).map((c) => c.name)));
  for (const name of runtime.config.streamCapOverrides.keys()) {
    if (!known.has(name)) {
      throw new ConfigError(`stream-limit: no venue cap is named "${name}" (known: ${[...known].sort().join(', ') || 'none'})`);
    }
  }
}
