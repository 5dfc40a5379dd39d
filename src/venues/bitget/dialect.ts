import type { FastifyInstance } from 'fastify';
import { BITGET_OPENAPI } from './openapi.js';
import type { VenueDialect } from '../venue.js';
import { installVenueErrors } from '../shared/venue-error.js';
import { hookOf } from '../shared/sync-hook.js';
import { BitgetContext } from './context.js';
import { bitgetError, bitgetErrorRenderer, type BitgetErrorBody } from './errors.js';
import { BITGET_RATE_LIMITS, BITGET_STREAM_CAPS, BITGET_WS_RATE_LIMITS } from './rate-limits.js';
import { bitgetCredentials } from './credentials.js';
import { bitgetDemo } from './demo.js';
import { bitgetFaults } from './faults.js';
import { BITGET, bitgetIdentity } from './identity.js';
import { BITGET_SETTINGS } from './settings.js';
import { keepRawJsonBodies } from '../shared/raw-body.js';
import { accountRoutes } from './routes-account.js';
import { historyRoutes } from './routes-history.js';
import { publicRoutes } from './routes-public.js';
import { transferRoutes } from './routes-transfer.js';
import { walletRoutes } from './routes-wallet.js';
import { WS_PREFIX, streamRoutes } from './stream.js';
import { bitgetBalanceView } from './balance-view.js';

/** The one path Bitget owns outside `/api/v2`: ccxt's signed probe for a unified (UTA) account. */
export const UTA_PROBE_PATH = '/api/v3/account/settings';

/**
 * Bitget REST v2: spot account assets, sub-account assets, deposit and withdrawal records, bills,
 * account information, the public endpoints ccxt calls around a balance fetch, deposit addresses,
 * main-sub transfers and their records; and the v2
 * WebSocket's spot `account` channel. See docs/venues/bitget.md.
 */
export const bitget: VenueDialect<'bitget'> = {
  id: BITGET,
  identity: bitgetIdentity,
  credentials: bitgetCredentials,
  settings: BITGET_SETTINGS,
  demo: bitgetDemo,
  basePaths: ['/api/v2', UTA_PROBE_PATH, WS_PREFIX],
  errors: bitgetErrorRenderer,
  rateLimits: [...Object.values(BITGET_RATE_LIMITS), ...Object.values(BITGET_WS_RATE_LIMITS)],
  streamCaps: Object.values(BITGET_STREAM_CAPS),
  openapi: BITGET_OPENAPI,
  faults: bitgetFaults,
  balanceView: bitgetBalanceView,
  plugin: (port) => async (app) => {
    const ctx = new BitgetContext(port);
    // A refusal is stamped when it is sent, by the same clock as every success envelope.
    const present = (body: unknown) => ({ ...(body as BitgetErrorBody), requestTime: port.clock() });
    const guard = hookOf((request) => ctx.guard(request));
    const guarded = (scope: FastifyInstance) => scope.addHook('onRequest', guard);

    await app.register(
      async (v2) => {
        installVenueErrors(v2, bitgetErrorRenderer, { present });
        guarded(v2);
        keepRawJsonBodies(v2);
        await v2.register(publicRoutes(ctx));
        await v2.register(accountRoutes(ctx));
        await v2.register(historyRoutes(ctx));
        await v2.register(walletRoutes(ctx));
        await v2.register(transferRoutes(ctx));
      },
      { prefix: '/api/v2' },
    );

    // Every assetbook account is a classic account: the probe authenticates like any private
    // call, then answers the venue's "classic account" error, so ccxt keeps the v2 paths.
    await app.register(async (v3) => {
      installVenueErrors(v3, bitgetErrorRenderer, { notFound: false, present });
      guarded(v3);
      v3.get(UTA_PROBE_PATH, async (request, reply) => {
        await ctx.authorize(request, reply);
        throw bitgetError('classicAccount');
      });
    });

    // The WebSocket: an upgrade refused before it is a socket gets the REST error shape.
    await app.register(
      async (ws) => {
        installVenueErrors(ws, bitgetErrorRenderer, { present });
        await ws.register(streamRoutes(port, ctx.auth));
      },
      { prefix: WS_PREFIX },
    );
  },
};
