import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { verdictFor, type RateLimiter, type RateLimitVerdict } from '../../rate-limit/rate-limiter.js';
import { hookOf, type SoonOrNow } from '../shared/sync-hook.js';
import type { VenuePort } from '../port.js';
import { QUERY_LENGTH_MAX, isQueryTooLong } from '../shared/query.js';
import { LoopringAuthenticator, type LoopringCaller } from './auth.js';
import { loopringError } from './errors.js';
import { LOOPRING_RATE_LIMITS, type LoopringCredentialRateLimit, type LoopringIpRateLimit, type LoopringRateLimit } from './rate-limits.js';

/** What one Loopring plugin instance shares between its routes: the venue port, the authenticator and the limiters. */
export class LoopringContext {
  readonly auth: LoopringAuthenticator;
  private readonly limiters: Record<LoopringRateLimit, RateLimiter>;

  constructor(readonly port: VenuePort) {
    this.auth = new LoopringAuthenticator(port);
    const names = Object.keys(LOOPRING_RATE_LIMITS) as LoopringRateLimit[];
    this.limiters = Object.fromEntries(names.map((name) => [name, port.limiter(LOOPRING_RATE_LIMITS[name])])) as Record<LoopringRateLimit, RateLimiter>;
  }

  /**
   * Runs first on every request under `/api/v3`: the per-IP budget, then the query size. Every
   * request counts, whatever it presents and however it ends (a wrong API key included). At once,
   * with no promise, when the limiter counts nothing (limits off): a callback hook (`hookOf`).
   */
  guard(request: FastifyRequest): SoonOrNow {
    const counted = this.consume('ip', request.ip);
    if (counted !== undefined) return counted.then(() => refuseLongQuery(request));
    refuseLongQuery(request);
  }

  /** A route hook counting each request against `name`, per client IP. */
  limitPerIp(name: LoopringIpRateLimit): onRequestHookHandler {
    return hookOf((request) => this.consume(name, request.ip));
  }

  /**
   * Authenticates a read with an API key (balances, or `history` for the history endpoints), then
   * counts it against `rule`'s budget of the credential it presents. A remembered key with limits
   * off is answered at once (no promise).
   */
  authorize(request: FastifyRequest, rule: LoopringCredentialRateLimit = 'balances'): LoopringCaller | Promise<LoopringCaller> {
    const known = this.auth.known(request);
    if (known === undefined) return this.authorizeSlowly(request, rule);
    const counted = this.consume(rule, `credential:${known.credential.id}`);
    return counted === undefined ? known : counted.then(() => known);
  }

  private async authorizeSlowly(request: FastifyRequest, rule: LoopringCredentialRateLimit): Promise<LoopringCaller> {
    const caller = await this.auth.authenticate(request);
    await this.consume(rule, `credential:${caller.credential.id}`);
    return caller;
  }

  /** Whether `key` may spend one more point of `name`: at once when the limiter counts nothing, else when the counter answers. */
  allows(name: LoopringRateLimit, key: string): boolean | Promise<boolean> {
    const verdict = verdictFor(this.limiters[name], key);
    return verdict instanceof Promise ? verdict.then((v) => v.allowed) : verdict.allowed;
  }

  private consume(name: LoopringRateLimit, key: string): SoonOrNow {
    const limiter = this.limiters[name];
    const verdict = verdictFor(limiter, key);
    if (verdict instanceof Promise) return verdict.then((counted) => refuseIfOver(limiter, counted));
    refuseIfOver(limiter, verdict);
  }
}

function refuseLongQuery(request: FastifyRequest): void {
  if (isQueryTooLong(request.url)) throw loopringError('invalidParameter', `the query is longer than ${QUERY_LENGTH_MAX} characters`);
}

function refuseIfOver(limiter: RateLimiter, verdict: RateLimitVerdict): void {
  if (verdict.allowed) return;
  const { points, durationMs, name: rule } = limiter.rule;
  throw loopringError('tooManyRequests', `${points} per ${durationMs / 1000}s on ${rule}`, {
    'retry-after': String(Math.max(1, Math.ceil(verdict.resetMs / 1000))),
  });
}
