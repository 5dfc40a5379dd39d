import type { VenueDemo } from '../venue.js';

/** The demo's Bullish HMAC keys (fixed), by demo user: a user's key reaches all its trading accounts. */
export const bullishDemo: VenueDemo = {
  credentials: {
    alice: [{ publicKey: 'HMAC-demo-alice', secret: 'demo-alice-bullish-secret' }],
    bob: [{ publicKey: 'HMAC-demo-bob', secret: 'demo-bob-bullish-secret' }],
    carol: [{ publicKey: 'HMAC-demo-carol', secret: 'demo-carol-bullish-secret' }],
  },
};
