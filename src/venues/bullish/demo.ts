import type { VenueDemo } from '../venue.js';

/** The demo's Bullish HMAC keys (fixed), by demo user: a user's key reaches all its trading accounts. */
export const bullishDemo: VenueDemo = {
  credentials: {
    alice: [{ publicKey: 'HMAC-demo-alice', secret: 'demo-alice-bullish-secret' }],
    bob: [{ publicKey: 'HMAC-demo-bob', secret: 'demo-bob-bullish-secret' }],
    carol: [{ publicKey: 'HMAC-demo-carol', secret: 'demo-carol-bullish-secret' }],
  },
  // The HMAC login, then the asset read of the user's first (main) trading account with the bearer token.
  examples: (url, { secrets, ids }) => {
    const login = '/trading-api/v1/users/hmac/login';
    const [main] = (ids.tradingAccountIds as readonly string[] | undefined) ?? [];
    return [
      `TS=$(date +%s000); NONCE=$((TS*1000)); SIG=$(printf '%s' "\${TS}\${NONCE}GET${login}" | openssl dgst -sha256 -hmac '${secrets.secret}' | sed 's/^.* //')`,
      `TOKEN=$(curl -s -H 'BX-PUBLIC-KEY: ${secrets.publicKey}' -H "BX-TIMESTAMP: $TS" -H "BX-NONCE: $NONCE" -H "BX-SIGNATURE: $SIG" ${url}${login} | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')`,
      `curl -s -H "Authorization: Bearer $TOKEN" '${url}/trading-api/v1/accounts/asset?tradingAccountId=${main ?? ''}'`,
    ];
  },
};
