import type { RateLimitRule } from '../../rate-limit/rate-limiter.js';
import type { StreamCap } from '../../rate-limit/stream-caps.js';

/**
 * Bitget's documented limits (api-doc, each endpoint's "Frequency limit", and the FAQ):
 * - account endpoints: 10 requests/s per UID, per endpoint (account information: 1/s);
 * - public market endpoints: 20 requests/s per IP, per endpoint; the coin list 3/s per IP;
 * - overall: 6000 requests/min per IP, after which the IP is refused for 5 minutes.
 */
export const BITGET_RATE_LIMITS = {
  account: { name: 'bitget.account', points: 10, durationMs: 1000 },
  /** Get Account Information: 1 request/s per UID. */
  info: { name: 'bitget.account-info', points: 1, durationMs: 1000 },
  public: { name: 'bitget.public', points: 20, durationMs: 1000 },
  coins: { name: 'bitget.coins', points: 3, durationMs: 1000 },
  ip: { name: 'bitget.ip', points: 6000, durationMs: 60_000, blockMs: 300_000 },
} as const satisfies Record<string, RateLimitRule>;

/** The private WebSocket's rates (websocket-intro), replaced by name like the REST rules. */
export const BITGET_WS_RATE_LIMITS = {
  /** 300 connection requests per IP per 5 minutes; over it the upgrade is refused with HTTP 429. */
  wsConnect: { name: 'bitget.ws-connect', points: 300, durationMs: 300_000 },
  /** At most 10 client messages per second per connection, pings included; over it the connection is closed. */
  wsMessages: { name: 'bitget.ws-messages', points: 10, durationMs: 1000 },
  /** 240 subscription requests per hour per connection. */
  wsSubscribe: { name: 'bitget.ws-subscribe', points: 240, durationMs: 3_600_000 },
} as const satisfies Record<string, RateLimitRule>;

/**
 * What a Bitget socket may hold at once (websocket-intro): 100 connections per IP, 1000 channels
 * per connection. The cap on connections not yet logged in is assetbook's (the venue documents
 * none): a client that never logs in holds a socket that can do nothing but ping.
 */
export const BITGET_STREAM_CAPS = {
  connectionsPerIp: { name: 'bitget.ws-connections-per-ip', max: 100 },
  channelsPerConnection: { name: 'bitget.ws-channels-per-connection', max: 1000 },
  unauthenticatedPerIp: { name: 'bitget.ws-unauthenticated-per-ip', max: 50 },
} as const satisfies Record<string, StreamCap>;

/** The remaining-quota header Bitget documents (FAQ Q11). */
export const REMAINING_HEADER = 'x-mbx-used-remain-limit';
