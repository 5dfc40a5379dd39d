import type { RateLimitRule } from '../../../../src/rate-limit/rate-limiter.js';

/**
 * The fourth venue's limits: `fourth.ip`, 50 requests/s per client IP over every request under
 * its base path, counted first (refused requests included, so a client trying key after key is
 * limited all the same); `fourth.balances`, 10 reads/s per API key once the key is known.
 */
export const FOURTH_RATE_LIMITS = {
  ip: { name: 'fourth.ip', points: 50, durationMs: 1000 },
  balances: { name: 'fourth.balances', points: 10, durationMs: 1000 },
} as const satisfies Record<string, RateLimitRule>;

export type FourthRateLimit = keyof typeof FOURTH_RATE_LIMITS;
