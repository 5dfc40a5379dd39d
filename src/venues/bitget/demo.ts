import type { VenueDemo } from '../venue.js';

/** The demo's Bitget keys (fixed, so examples can be copied as they are), by demo user; alice's grid-bot sub-account has its own. */
export const bitgetDemo: VenueDemo = {
  credentials: {
    alice: [
      { account: 'main', apiKey: 'bg_demo_alice', secretKey: 'demo-alice-bitget-secret', passphrase: 'demo-alice-pass' },
      { account: 'grid-bot', apiKey: 'bg_demo_alice_grid', secretKey: 'demo-alice-grid-secret', passphrase: 'demo-alice-grid-pass' },
    ],
    bob: [{ account: 'main', apiKey: 'bg_demo_bob', secretKey: 'demo-bob-bitget-secret', passphrase: 'demo-bob-pass' }],
    carol: [{ account: 'main', apiKey: 'bg_demo_carol', secretKey: 'demo-carol-bitget-secret', passphrase: 'demo-carol-pass' }],
  },
};
