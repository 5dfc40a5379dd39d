import type { VenueDemo } from '../venue.js';

/** The demo's Loopring API keys (fixed), by demo user, on each main account. */
export const loopringDemo: VenueDemo = {
  credentials: {
    alice: [{ account: 'main', apiKey: 'demo-alice-loopring-api-key' }],
    bob: [{ account: 'main', apiKey: 'demo-bob-loopring-api-key' }],
    carol: [{ account: 'main', apiKey: 'demo-carol-loopring-api-key' }],
  },
  examples: (url, { secrets, ids }) => [`curl -s -H 'X-API-KEY: ${secrets.apiKey}' '${url}/api/v3/user/balances?accountId=${String(ids.accountId)}&tokens='`],
};
