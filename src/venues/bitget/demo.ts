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
  examples: (url, { secrets }) => {
    const path = '/api/v2/spot/account/assets';
    return [
      `TS=$(date +%s000); SIG=$(printf '%s' "\${TS}GET${path}" | openssl dgst -sha256 -hmac '${secrets.secretKey}' -binary | base64)`,
      `curl -s -H 'ACCESS-KEY: ${secrets.apiKey}' -H "ACCESS-SIGN: $SIG" -H "ACCESS-TIMESTAMP: $TS" -H 'ACCESS-PASSPHRASE: ${secrets.passphrase}' ${url}${path}`,
    ];
  },
};
