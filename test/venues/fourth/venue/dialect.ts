import type { VenueDialect } from '../../../../src/venues/venue.js';
import { installVenueErrors } from '../../../../src/venues/shared/venue-error.js';
import { FourthContext } from './context.js';
import { fourthCredentials } from './credentials.js';
import { fourthDemo } from './demo.js';
import { fourthErrorRenderer } from './errors.js';
import { fourthFaults } from './faults.js';
import { FOURTH, fourthIdentity } from './identity.js';
import { FOURTH_BASE, FOURTH_OPENAPI } from './openapi.js';
import { FOURTH_RATE_LIMITS } from './rate-limits.js';
import { balanceRoutes } from './routes.js';
import { FOURTH_SETTINGS } from './settings.js';

/**
 * A fourth venue that lives only under test/: one API-key balance read under `/fourth/api/v1`,
 * declared entirely through the venue contract (its facts, credential kind, setting, demo keys,
 * errors, limits and OpenAPI description), to prove a venue needs no file outside its folder.
 * See ../README.md.
 */
export const fourth: VenueDialect<'fourth'> = {
  id: FOURTH,
  identity: fourthIdentity,
  credentials: fourthCredentials,
  settings: FOURTH_SETTINGS,
  demo: fourthDemo,
  basePaths: [FOURTH_BASE],
  errors: fourthErrorRenderer,
  rateLimits: Object.values(FOURTH_RATE_LIMITS),
  openapi: FOURTH_OPENAPI,
  faults: fourthFaults,
  plugin: (port) => async (app) => {
    const ctx = new FourthContext(port);
    await app.register(
      async (v1) => {
        installVenueErrors(v1, fourthErrorRenderer);
        v1.addHook('onRequest', async (request) => ctx.guard(request));
        await v1.register(balanceRoutes(ctx));
      },
      { prefix: FOURTH_BASE },
    );
  },
};
