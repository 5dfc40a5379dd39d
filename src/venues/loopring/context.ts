import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { RateLimiter } from '../../rate-limit/rate-limiter.js';
import type { VenuePort } from '../port.js';
import { QUERY_LENGTH_MAX, isQueryTooLong } from '../shared/query.js';
import { LoopringAuthenticator, type LoopringCaller } from './auth.js';
import { loopringError } from './errors.js';
import { LOOPRING_RATE_LIMITS, type LoopringIpRateLimit, type LoopringRateLimit } from './rate-limits.js';

/** What one Loopring plugin instance shares between its routes: the venue port, the authenticator and the limiters. */
export class LoopringContext {
  readonly auth: LoopringAuthenticator;
  private readonly limiters: Record<LoopringRateLimit, RateLimiter>;

  constructor(readonly port: VenuePort) {
    this.auth = new LoopringAuthenticator(port);
    const create = (name: LoopringRateLimit) => port.limiter(LOOPRING_RATE_LIMITS[name]);
    this.limiters = { ip: create('ip'), balances: create('balances'), account: create('account'), apiKey: create('apiKey'), public: create('public') };
  }

  /**
   * Runs first on every request under `/api/v3`: the per-IP budget, then the query size. Every
   * request counts, whatever it presents and however it ends (a wrong API key included).
   */
  async guard(request: FastifyRequest): Promise<void> {
    await this.consume('ip', request.ip);
    if (isQueryTooLong(request.url)) throw loopringError('invalidParameter', `the query is longer than ${QUERY_LENGTH_MAX} characters`);
  }

  /** A route hook counting each request against `name`, per client IP. */
  limitPerIp(name: LoopringIpRateLimit): onRequestAsyncHookHandler {
    return async (request) => this.consume(name, request.ip);
  }

  /** Authenticates a balance read, then counts it against the budget of the credential it presents. */
  async authorize(request: FastifyRequest): Promise<LoopringCaller> {
    const caller = await this.auth.authenticate(request);
    await this.consume('balances', `credential:${caller.credential.id}`);
    return caller;
  }

  private async consume(name: LoopringRateLimit, key: string): Promise<void> {
    const limiter = this.limiters[name];
    const verdict = await limiter.consume(key);
    if (!verdict.allowed) {
      const { points, durationMs, name: rule } = limiter.rule;
      throw loopringError('tooManyRequests', `${points} per ${durationMs / 1000}s on ${rule}`, {
        'retry-after': String(Math.max(1, Math.ceil(verdict.resetMs / 1000))),
      });
    }
  }
}
