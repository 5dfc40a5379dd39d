import type { RateLimitRule } from '../../rate-limit/rate-limiter.js';

/**
 * Loopring's documented limit is 5 requests/s on user balances, account and apiKey
 * (DEX API v3 "Rate limits"); it says nothing of the public token list and timestamp, which
 * assetbook limits more loosely. Balances are counted per API key, everything else per client IP.
 */
export const LOOPRING_RATE_LIMITS = {
  balances: { name: 'loopring.balances', points: 5, durationMs: 1000 },
  account: { name: 'loopring.account', points: 5, durationMs: 1000 },
  apiKey: { name: 'loopring.api-key', points: 5, durationMs: 1000 },
  public: { name: 'loopring.public', points: 20, durationMs: 1000 },
} as const satisfies Record<string, RateLimitRule>;

export type LoopringRateLimit = keyof typeof LOOPRING_RATE_LIMITS;
