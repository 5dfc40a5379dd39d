import { Redis, type RedisOptions } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { redactUrl, type RateLimitOverride } from '../server/config.js';
import { applyOverride, DisabledRateLimiter, FlexibleRateLimiter, flexibleOptions, type RateLimiterFactory, type RateLimitRule } from './rate-limiter.js';

/**
 * Rate-limit counters in Redis, so that several instances on one Redis count together: the key
 * of rule `venue.account` for client `k` is `assetbook:venue.account:k`.
 *
 * While Redis is unreachable each instance falls back to its own in-memory counters (the
 * library's insurance limiter) instead of failing or waiting: a rate-limit store outage must not
 * become an API outage, and every instance still enforces the limit on its own. Once ioredis has
 * reconnected in the background, counting is back in Redis.
 */

export interface RedisRateLimiterOptions {
  readonly url: string;
  readonly enabled: boolean;
  readonly overrides: ReadonlyMap<string, RateLimitOverride>;
  /** First part of every key; tests use a random one. */
  readonly keyPrefix?: string;
  /** Told when Redis fails (for a warning in the log), at most once per 10 s; must not throw. */
  readonly onFailure?: (error: Error) => void;
}

export interface RedisRateLimiterFactory extends RateLimiterFactory {
  /** Resolves once Redis answers; rejects after `timeoutMs` with the reason (counting stays per process until it answers). */
  ready(timeoutMs?: number): Promise<void>;
  /** Closes the connection and stops reconnecting; the limiters then count per process. */
  close(): Promise<void>;
}

const FAILURE_REPORT_INTERVAL_MS = 10_000;
const READY_TIMEOUT_MS = 2_000;

/**
 * Every Redis command either succeeds quickly or fails quickly, so a request never waits on
 * Redis: no offline queue (a command while disconnected fails at once), no retry of a command
 * across reconnects, a bound on connecting and on each command. The connection itself is
 * retried forever in the background, backing off to one attempt every 2 s.
 */
const CLIENT_OPTIONS: RedisOptions = {
  connectionName: 'assetbook-rate-limit',
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 1_000,
  commandTimeout: 500,
  retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
  // close() between two attempts leaves ioredis a timer of this length on the dead socket
  // (redis/ioredis#1247), which keeps the process alive; the default is 2 s.
  disconnectTimeout: 500,
};

/**
 * One fixed window in milliseconds: `PX`, where rate-limiter-flexible's own script uses whole
 * seconds (`EX floor(ms / 1000)`): a 500 ms window would get no expiry at all and block its key
 * forever, a 1.5 s window would last 1 s.
 */
const COUNT_SCRIPT = `
local ms = tonumber(ARGV[2])
if ms > 0 then redis.call('set', KEYS[1], 0, 'PX', ms, 'NX') end
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 and ms > 0 then
  redis.call('pexpire', KEYS[1], ms)
  ttl = ms
end
return {consumed, ttl}
`;

interface CountingClient extends Redis {
  assetbookRateLimitCount(key: string, points: string, ms: string): Promise<[number, number]>;
}

/**
 * RateLimiterRedis with the store write replaced by millisecond-exact commands. `_upsert` is the
 * abstract store hook of rate-limiter-flexible's RateLimiterStoreAbstract (each store implements
 * it); the rest (blocking, insurance, results) is the library's. The tests cover sub-second
 * windows and blocks, so a library change that bypasses this hook shows up there.
 */
class MillisecondRateLimiterRedis extends RateLimiterRedis {
  constructor(
    options: ConstructorParameters<typeof RateLimiterRedis>[0],
    private readonly redis: CountingClient,
    /** Reports the error and returns it. */
    private readonly failed: (error: Error) => Error,
  ) {
    super(options);
  }

  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<unknown> {
    if (this.redis.status !== 'ready') throw this.failed(new Error(`not connected (${this.redis.status})`));
    // The library passes seconds × 1000: 0.3 s × 1000 is not always an integer.
    const ms = Math.round(msDuration);
    try {
      if (!forceExpire) return await this.redis.assetbookRateLimitCount(rlKey, String(points), String(ms));
      const write = ms > 0 ? this.redis.multi().set(rlKey, points, 'PX', ms) : this.redis.multi().set(rlKey, points);
      return await write.pttl(rlKey).exec();
    } catch (error) {
      throw this.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** Calls `onFailure` at most once per interval: in an outage every request fails over, the log needs one line. */
function throttled(onFailure: (error: Error) => void): (error: Error) => void {
  let lastReport = -Infinity;
  return (error) => {
    const now = performance.now();
    if (now - lastReport < FAILURE_REPORT_INTERVAL_MS) return;
    lastReport = now;
    onFailure(error);
  };
}

export function redisRateLimiters(options: RedisRateLimiterOptions): RedisRateLimiterFactory {
  const { enabled, overrides } = options;
  if (!enabled) {
    // Limits off: nothing to count, so no connection either.
    return { enabled, create: (rule) => new DisabledRateLimiter(applyOverride(rule, overrides)), ready: async () => {}, close: async () => {} };
  }

  const where = redactUrl(options.url);
  const warn = throttled(options.onFailure ?? (() => {}));
  let closed = false;
  const report = (error: Error): Error => {
    // After close() every request counts per process by design: nothing to warn about.
    if (!closed) warn(new Error(`Redis rate-limit store at ${where}: ${error.message}; counting per process until it is back`, { cause: error }));
    return error;
  };
  const redis = new Redis(options.url, CLIENT_OPTIONS) as CountingClient;
  redis.defineCommand('assetbookRateLimitCount', { numberOfKeys: 1, lua: COUNT_SCRIPT });
  let lastError: Error | undefined;
  // An 'error' event without a listener is printed by ioredis (and would crash a plain emitter).
  redis.on('error', (error: Error) => {
    lastError = error;
    report(error);
  });

  const create = (rule: RateLimitRule) => {
    const effective = applyOverride(rule, overrides);
    const base = flexibleOptions(effective);
    const keyPrefix = `${options.keyPrefix ?? 'assetbook'}:${effective.name}`;
    const insuranceLimiter = new RateLimiterMemory({ ...base, keyPrefix });
    const limiter = new MillisecondRateLimiterRedis({ ...base, keyPrefix, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter }, redis, report);
    return new FlexibleRateLimiter(effective, limiter);
  };

  const ready = (timeoutMs = READY_TIMEOUT_MS) =>
    new Promise<void>((resolve, reject) => {
      if (redis.status === 'ready') return resolve();
      const done = (error?: Error) => {
        clearTimeout(timer);
        redis.off('ready', onReady).off('end', onEnd);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => done();
      const onEnd = () => done(new Error(`Redis rate-limit store at ${where}: closed before it was ready`));
      const timer = setTimeout(() => {
        const reason = lastError ? `: ${lastError.message}` : '';
        done(new Error(`Redis rate-limit store at ${where} not ready after ${timeoutMs} ms${reason}; counting per process until it is`));
      }, timeoutMs);
      redis.once('ready', onReady).once('end', onEnd);
    });

  const close = async () => {
    closed = true;
    if (redis.status === 'end') return;
    // Between attempts there is no live socket, only the retry timer, which disconnect() clears;
    // ioredis then never reaches 'end', so there is nothing to wait for.
    if (redis.status === 'reconnecting') return redis.disconnect();
    const ended = new Promise<void>((resolve) => redis.once('end', resolve));
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
    await ended;
  };

  return { enabled, create, ready, close };
}
