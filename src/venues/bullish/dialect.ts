import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { VenuePort } from '../port.js';
import { QUERY_LENGTH_MAX, isQueryTooLong } from '../shared/query.js';
import { installVenueErrors } from '../shared/venue-error.js';
import { hookOf } from '../shared/sync-hook.js';
import { BULLISH_OPENAPI } from './openapi.js';
import type { VenueDialect } from '../venue.js';
import { createBullishContext } from './context.js';
import { bullishError, bullishErrorRenderer } from './errors.js';
import { BULLISH_RATE_LIMITS, BULLISH_STREAM_CAPS, consumeOrRefuse } from './rate-limits.js';
import { registerAccountRoutes } from './routes-accounts.js';
import { registerCommandRoutes } from './routes-command.js';
import { registerHistoryRoutes } from './routes-history.js';
import { registerPublicRoutes } from './routes-public.js';
import { registerSessionRoutes } from './routes-session.js';
import { registerStreamRoute } from './stream.js';
import { bullishCredentials } from './credentials.js';
import { bullishDemo } from './demo.js';
import { bullishFaults } from './faults.js';
import { BULLISH, bullishIdentity } from './identity.js';
import { BULLISH_SETTINGS } from './settings.js';
import { bullishBalanceView } from './balance-view.js';

export const BULLISH_PREFIX = '/trading-api';

/**
 * Everything under /trading-api: Bullish's error shape on every answer (unknown paths included),
 * the per-IP limit and the query-length check before any route, then the routes, each of which
 * admits itself into its rate-limit category (and, when private, checks the bearer token).
 *
 * The per-IP budget is counted before the query length is checked, the other way round from
 * Bitget, on purpose: Bullish documents the IP limit over every request and its 60 s block, so a
 * flood of oversized queries must use the budget up and get the IP blocked like any other; and
 * every Bullish answer, the oversized-query refusal included, carries the x-ratelimit headers.
 * Neither step reads the query, so the order costs nothing either way.
 */
const bullishApi =
  (port: VenuePort): FastifyPluginAsync =>
  async (app) => {
    installVenueErrors(app, bullishErrorRenderer);
    const ctx = await createBullishContext(port);
    const refuseLongQuery = (request: FastifyRequest) => {
      if (isQueryTooLong(request.url)) {
        throw bullishError('BAD_INCOMING_REQUEST', `Query string longer than ${QUERY_LENGTH_MAX} characters`);
      }
    };
    // A callback hook (hookOf): with limits off it passes the request on in the same turn.
    app.addHook(
      'onRequest',
      hookOf((request, reply) => {
        const counted = consumeOrRefuse(ctx.limiters.ip, request.ip, reply);
        if (counted !== undefined) return counted.then(() => refuseLongQuery(request));
        refuseLongQuery(request);
      }),
    );
    registerPublicRoutes(app, ctx);
    registerSessionRoutes(app, ctx);
    registerAccountRoutes(app, ctx);
    registerHistoryRoutes(app, ctx);
    registerCommandRoutes(app, ctx);
    registerStreamRoute(app, ctx);
  };

export const bullish: VenueDialect<'bullish'> = {
  id: BULLISH,
  identity: bullishIdentity,
  credentials: bullishCredentials,
  settings: BULLISH_SETTINGS,
  demo: bullishDemo,
  basePaths: [BULLISH_PREFIX],
  // ccxt's bullish takes its API base with the prefix (`urls.api.public`, `urls.api.private`).
  clientUrl: (origin) => `${origin}${BULLISH_PREFIX}`,
  errors: bullishErrorRenderer,
  rateLimits: Object.values(BULLISH_RATE_LIMITS),
  streamCaps: Object.values(BULLISH_STREAM_CAPS),
  openapi: BULLISH_OPENAPI,
  faults: bullishFaults,
  balanceView: bullishBalanceView,
  plugin: (port) => async (app) => {
    await app.register(bullishApi(port), { prefix: BULLISH_PREFIX });
  },
};
