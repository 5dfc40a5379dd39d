import type { VenueDemo } from '../../../../src/venues/venue.js';
import { BALANCES_PATH } from './openapi.js';

/**
 * The demo's fourth-venue API keys (fixed, so examples can be copied as they are), one per demo
 * user's main account, and the request `serve --demo` would print to try one.
 */
export const fourthDemo: VenueDemo = {
  credentials: {
    alice: [{ account: 'main', apiKey: 'demo-alice-fourth-api-key' }],
    bob: [{ account: 'main', apiKey: 'demo-bob-fourth-api-key' }],
    carol: [{ account: 'main', apiKey: 'demo-carol-fourth-api-key' }],
  },
  examples: (url, { secrets }) => [`curl -s -H 'X-API-KEY: ${secrets.apiKey}' '${url}${BALANCES_PATH}'`],
};
