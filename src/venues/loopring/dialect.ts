import { LOOPRING_OPENAPI } from './openapi.js';
import { loopringFaults } from './faults.js';
import type { VenueDialect } from '../venue.js';
import { installVenueErrors } from '../shared/venue-error.js';
import { hookOf } from '../shared/sync-hook.js';
import { LoopringContext } from './context.js';
import { loopringErrorRenderer } from './errors.js';
import { LOOPRING_RATE_LIMITS, LOOPRING_STREAM_CAPS } from './rate-limits.js';
import { LOOPRING_WS_PREFIX, streamRoutes } from './stream.js';
import { accountRoutes } from './routes-account.js';
import { balanceRoutes } from './routes-balances.js';
import { exchangeRoutes } from './routes-exchange.js';
import { historyRoutes } from './routes-history.js';
import { loopringCredentials } from './credentials.js';
import { loopringDemo } from './demo.js';
import { LOOPRING, loopringIdentity } from './identity.js';
import { LOOPRING_SETTINGS } from './settings.js';
import { loopringBalanceView } from './balance-view.js';

/** Loopring's prefix. Bitget owns one path below it (`/api/v3/account/settings`), registered outside this prefix's handlers. */
export const LOOPRING_PREFIX = '/api/v3';

/**
 * Loopring DEX API v3: user balances, the token list, accounts with their layer-2 keys, the
 * EdDSA-signed API key request and the server time, as the Loopring SDK calls them, and the
 * WebSocket `account` topic (`/v3/ws/key`, `/v3/ws`).
 * This plugin owns the not-found handler of `/api/v3`. See docs/venues/loopring.md.
 */
export const loopring: VenueDialect<'loopring'> = {
  id: LOOPRING,
  identity: loopringIdentity,
  credentials: loopringCredentials,
  settings: LOOPRING_SETTINGS,
  demo: loopringDemo,
  basePaths: [LOOPRING_PREFIX, LOOPRING_WS_PREFIX],
  errors: loopringErrorRenderer,
  rateLimits: Object.values(LOOPRING_RATE_LIMITS),
  streamCaps: Object.values(LOOPRING_STREAM_CAPS),
  openapi: LOOPRING_OPENAPI,
  faults: loopringFaults,
  balanceView: loopringBalanceView,
  plugin: (port) => async (app) => {
    const ctx = new LoopringContext(port);
    await app.register(
      async (v3) => {
        installVenueErrors(v3, loopringErrorRenderer);
        v3.addHook('onRequest', hookOf((request) => ctx.guard(request)));
        await v3.register(balanceRoutes(ctx));
        await v3.register(exchangeRoutes(ctx));
        await v3.register(accountRoutes(ctx));
        await v3.register(historyRoutes(ctx));
      },
      { prefix: LOOPRING_PREFIX },
    );
    await app.register(
      async (ws) => {
        installVenueErrors(ws, loopringErrorRenderer);
        await ws.register(streamRoutes(ctx));
      },
      { prefix: LOOPRING_WS_PREFIX },
    );
  },
};
