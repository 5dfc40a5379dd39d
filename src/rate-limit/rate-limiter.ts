import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitOverride } from '../server/config.js';

/**
 * Venue rate limits. A venue declares its rules with the values the venue documents; the
 * operator can replace any rule by name (`--rate-limit <venue>.<rule>=20/1s`) or switch every
 * limit off (`--rate-limits off`). Counting is done by rate-limiter-flexible: fixed windows of
 * `durationMs`, in memory per process here, or shared between instances in Redis (redis.ts).
 */

export interface RateLimitRule {
  /** `<venue>.<what>`, the name `--rate-limit` uses, e.g. `venue.account`, `venue.ip` (each venue's are in docs/venues/). */
  readonly name: string;
  readonly points: number;
  readonly durationMs: number;
  /** Once over the limit, refuse for this long (the venue's penalty box); 0 or absent: until the window ends. */
  readonly blockMs?: number;
}

export interface RateLimitVerdict {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the window (or the block) ends. */
  readonly resetMs: number;
}

export interface RateLimiter {
  readonly rule: RateLimitRule;
  /**
   * The verdict every request gets when this limiter counts nothing (limits off), null when each
   * request must go through `consume`. A hot route takes it without a promise (`verdictOf`).
   */
  readonly fixedVerdict: RateLimitVerdict | null;
  /** Counts one request for `key` and says whether it is within the limit. */
  consume(key: string): Promise<RateLimitVerdict>;
}

/**
 * `limiter`'s verdict on one request for `key`: at once when it counts nothing, else the promise
 * of `consume`. With limits off a request then costs no promise and no turn of the event loop.
 */
export function verdictFor(limiter: RateLimiter, key: string): RateLimitVerdict | Promise<RateLimitVerdict> {
  return limiter.fixedVerdict ?? limiter.consume(key);
}

export interface RateLimiterFactory {
  readonly enabled: boolean;
  /** A limiter for the rule, with any configured override applied. */
  create(rule: RateLimitRule): RateLimiter;
}

/** The rule in rate-limiter-flexible's terms (seconds, fractions allowed); every backend builds from this. */
export function flexibleOptions(rule: RateLimitRule): { keyPrefix: string; points: number; duration: number; blockDuration: number } {
  return { keyPrefix: rule.name, points: rule.points, duration: rule.durationMs / 1000, blockDuration: (rule.blockMs ?? 0) / 1000 };
}

function verdictOf(rule: RateLimitRule, res: RateLimiterRes, allowed: boolean): RateLimitVerdict {
  return { allowed, limit: rule.points, remaining: Math.max(0, res.remainingPoints), resetMs: Math.max(0, res.msBeforeNext) };
}

/**
 * A rate-limiter-flexible limiter (memory, Redis, ...) behind our interface: a resolution is an
 * allowed request, a `RateLimiterRes` rejection a refused one, anything else a real failure.
 */
export class FlexibleRateLimiter implements RateLimiter {
  readonly fixedVerdict = null;
  constructor(
    readonly rule: RateLimitRule,
    private readonly limiter: Pick<RateLimiterAbstract, 'consume'>,
  ) {}

  async consume(key: string): Promise<RateLimitVerdict> {
    try {
      return verdictOf(this.rule, await this.limiter.consume(key), true);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return verdictOf(this.rule, rejection, false);
      throw rejection;
    }
  }
}

/** Used when limits are off: always allowed, and the headers still show the configured rule. */
export class DisabledRateLimiter implements RateLimiter {
  readonly fixedVerdict: RateLimitVerdict;
  constructor(readonly rule: RateLimitRule) {
    this.fixedVerdict = { allowed: true, limit: rule.points, remaining: rule.points, resetMs: rule.durationMs };
  }
  consume(): Promise<RateLimitVerdict> {
    return Promise.resolve(this.fixedVerdict);
  }
}

export function applyOverride(rule: RateLimitRule, overrides: ReadonlyMap<string, RateLimitOverride>): RateLimitRule {
  const override = overrides.get(rule.name);
  return override ? { ...rule, ...override } : rule;
}

export function memoryRateLimiters(enabled: boolean, overrides: ReadonlyMap<string, RateLimitOverride> = new Map()): RateLimiterFactory {
  return {
    enabled,
    create: (rule) => {
      const effective = applyOverride(rule, overrides);
      return enabled ? new FlexibleRateLimiter(effective, new RateLimiterMemory(flexibleOptions(effective))) : new DisabledRateLimiter(effective);
    },
  };
}
