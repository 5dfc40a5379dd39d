import type { FastifyReply } from 'fastify';
import { verdictFor, type RateLimiter, type RateLimitRule, type RateLimitVerdict } from '../../rate-limit/rate-limiter.js';
import type { StreamCap } from '../../rate-limit/stream-caps.js';
import type { SoonOrNow } from '../shared/sync-hook.js';
import { bullishError } from './errors.js';

/**
 * Bullish's documented limits (REST docs, "Rate Limits"): each category 50 requests per second,
 * applied independently; every IP 500 requests per 10 s, after which the IP is refused for 60 s.
 * Unauthenticated requests (public data and the login, which the docs mark "Authentication
 * Required: No") count per IP; authenticated ones per user. The `/orders` category is not served.
 */
export const BULLISH_RATE_LIMITS = {
  unauthenticated: { name: 'bullish.unauthenticated', points: 50, durationMs: 1_000 },
  authenticated: { name: 'bullish.authenticated', points: 50, durationMs: 1_000 },
  ip: { name: 'bullish.ip', points: 500, durationMs: 10_000, blockMs: 60_000 },
  /** The custody endpoints (`/v1/wallets/*`), per IP: Bullish documents 40 requests per minute across them. */
  custody: { name: 'bullish.custody', points: 40, durationMs: 60_000 },
  /** Commands on the private-data WebSocket (subscribe, keepalivePing), per user: Bullish documents none; chosen as the REST category's 50/s. */
  wsCommands: { name: 'bullish.ws-commands', points: 50, durationMs: 1_000 },
} as const satisfies Record<string, RateLimitRule>;

/**
 * The private-data WebSocket's caps. Bullish documents at most 10 authenticated connections per
 * API key and 100 unauthenticated per IP; subscriptions per connection are not documented (chosen).
 */
export const BULLISH_STREAM_CAPS = {
  connectionsPerKey: { name: 'bullish.ws-connections-per-key', max: 10 },
  unauthenticatedPerIp: { name: 'bullish.ws-unauthenticated-per-ip', max: 100 },
  subscriptionsPerConnection: { name: 'bullish.ws-subscriptions-per-connection', max: 25 },
} as const satisfies Record<string, StreamCap>;

export interface BullishLimiters {
  readonly unauthenticated: RateLimiter;
  readonly authenticated: RateLimiter;
  readonly ip: RateLimiter;
  readonly custody: RateLimiter;
}

/** The `x-ratelimit-*` headers for a verdict. `reset` is the epoch millisecond at which the window (or block) ends. */
export function buildRateLimitHeaders(verdict: RateLimitVerdict, nowMs: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(verdict.limit),
    'x-ratelimit-remaining': String(verdict.remaining),
    'x-ratelimit-reset': String(nowMs + verdict.resetMs),
    // There is no exchange-wide order flow to breach here.
    'x-ratelimit-global-breach': 'false',
  };
}

/**
 * Counts one request against `limiter` for `key`, puts the headers on the reply (so every answer
 * carries them, refusals included), and throws Bullish's 429 when over the limit.
 */
/**
 * Counts one request and sets the `x-ratelimit-*` headers, or refuses it. At once, with no promise,
 * when the limiter counts nothing (limits off): the hot read's hooks then cost no turn.
 */
export function consumeOrRefuse(limiter: RateLimiter, key: string, reply: FastifyReply): SoonOrNow {
  const verdict = verdictFor(limiter, key);
  if (verdict instanceof Promise) return verdict.then((counted) => judge(counted, reply));
  judge(verdict, reply);
}

function judge(verdict: RateLimitVerdict, reply: FastifyReply): void {
  // The limiter counts in wall-clock time (rate-limiter-flexible and Redis expiry), so its reset is too.
  const nowMs = Date.now();
  if (verdict.allowed) {
    // One header at a time: no object built and walked per request.
    void reply
      .header('x-ratelimit-limit', String(verdict.limit))
      .header('x-ratelimit-remaining', String(verdict.remaining))
      .header('x-ratelimit-reset', String(nowMs + verdict.resetMs))
      .header('x-ratelimit-global-breach', 'false');
    return;
  }
  const headers = buildRateLimitHeaders(verdict, nowMs);
  void reply.headers(headers);
  throw bullishError('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded', headers);
}
