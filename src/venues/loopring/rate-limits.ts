import type { RateLimitRule } from '../../rate-limit/rate-limiter.js';
import type { StreamCap } from '../../rate-limit/stream-caps.js';

/**
 * Loopring's documented limit is 5 requests/s on user balances, account and apiKey
 * (DEX API v3 "Rate limits"), and on the user's deposits, withdrawals and transfers (their pages). The rest is assetbook's choice, since the venue documents nothing
 * more: the public token list and timestamp at 20/s per client IP, and `loopring.ip`, 100/s per
 * client IP over every request under `/api/v3`, counted before anything else (refused requests
 * included), so that a client presenting a new API key on every request is limited all the same.
 * Balances are counted per credential once the key is known; account, apiKey and the public
 * endpoints per client IP.
 *
 * The WebSocket's are assetbook's too (the venue documents only 20 topics per connection):
 * `GET /v3/ws/key` and socket upgrades at 5/s per client IP, and 20 frames/s per socket (a
 * client's `pong` not counted). Stream caps (things held at once) are in `LOOPRING_STREAM_CAPS`.
 */
export const LOOPRING_RATE_LIMITS = {
  ip: { name: 'loopring.ip', points: 100, durationMs: 1000 },
  balances: { name: 'loopring.balances', points: 5, durationMs: 1000 },
  history: { name: 'loopring.history', points: 5, durationMs: 1000 },
  account: { name: 'loopring.account', points: 5, durationMs: 1000 },
  apiKey: { name: 'loopring.api-key', points: 5, durationMs: 1000 },
  public: { name: 'loopring.public', points: 20, durationMs: 1000 },
  wsKey: { name: 'loopring.ws-key', points: 5, durationMs: 1000 },
  wsConnect: { name: 'loopring.ws-connect', points: 5, durationMs: 1000 },
  wsRequests: { name: 'loopring.ws-requests', points: 20, durationMs: 1000 },
} as const satisfies Record<string, RateLimitRule>;

export type LoopringRateLimit = keyof typeof LOOPRING_RATE_LIMITS;

/** The rules an endpoint counts per client IP in its own route hook (`loopring.ip` runs in the guard, balances after authentication). */
export type LoopringIpRateLimit = Exclude<LoopringRateLimit, LoopringCredentialRateLimit | 'ip' | 'wsRequests'>;

/** The rules counted per credential, once the API key is known: balances, and the history endpoints (deposits, withdrawals, transfers). */
export type LoopringCredentialRateLimit = 'balances' | 'history';

/**
 * What a Loopring socket may hold at once, `--stream-limit` overriding each by name: 20 topics
 * per connection (the venue's documented maximum), and assetbook's choices of 100 sockets per
 * client IP, 20 of them not yet authenticated (no subscription with a valid apiKey so far: the ws
 * key itself names nobody).
 */
export const LOOPRING_STREAM_CAPS = {
  connectionsPerIp: { name: 'loopring.ws-connections-per-ip', max: 100 },
  unauthenticatedPerIp: { name: 'loopring.ws-unauthenticated-per-ip', max: 20 },
  topicsPerConnection: { name: 'loopring.ws-topics-per-connection', max: 20 },
} as const satisfies Record<string, StreamCap>;
