import type { RateLimitRule } from '../../rate-limit/rate-limiter.js';

/**
 * Bitget's documented limits (api-doc, each endpoint's "Frequency limit", and the FAQ):
 * - account endpoints: 10 requests/s per UID, per endpoint;
 * - public market endpoints: 20 requests/s per IP, per endpoint; the coin list 3/s per IP;
 * - overall: 6000 requests/min per IP, after which the IP is refused for 5 minutes.
 */
export const BITGET_RATE_LIMITS = {
  account: { name: 'bitget.account', points: 10, durationMs: 1000 },
  public: { name: 'bitget.public', points: 20, durationMs: 1000 },
  coins: { name: 'bitget.coins', points: 3, durationMs: 1000 },
  ip: { name: 'bitget.ip', points: 6000, durationMs: 60_000, blockMs: 300_000 },
} as const satisfies Record<string, RateLimitRule>;

/** The remaining-quota header Bitget documents (FAQ Q11). */
export const REMAINING_HEADER = 'x-mbx-used-remain-limit';
