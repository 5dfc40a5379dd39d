import type { FastifyReply, FastifyRequest } from 'fastify';
import { verdictFor, type RateLimiter, type RateLimitVerdict } from '../../rate-limit/rate-limiter.js';
import type { SoonOrNow } from '../shared/sync-hook.js';
import type { VenuePort } from '../port.js';
import { sendJsonText } from '../../http/json-text.js';
import { QUERY_LENGTH_MAX, isQueryTooLong, singleParam } from '../shared/query.js';
import { BitgetAuthenticator, type BitgetCaller } from './auth.js';
import { success, successText, type BitgetEnvelope } from './envelope.js';
import { bitgetError } from './errors.js';
import { uidOf } from './identity.js';
import { BITGET_RATE_LIMITS, REMAINING_HEADER } from './rate-limits.js';

/** The rules a signed request is counted against, per UID and endpoint. */
export type PerUidLimiter = 'account' | 'info';

/** What every Bitget route shares: the venue port, the authenticator and the limiters. */
export class BitgetContext {
  readonly auth: BitgetAuthenticator;
  private readonly limiters: { readonly [K in keyof typeof BITGET_RATE_LIMITS]: RateLimiter };

  /** The remaining-quota header of a limiter that counts nothing, as text made once. */
  private readonly fixedRemaining: { readonly [K in keyof typeof BITGET_RATE_LIMITS]: string };

  constructor(readonly port: VenuePort) {
    this.auth = new BitgetAuthenticator(port);
    const names = Object.keys(BITGET_RATE_LIMITS) as (keyof typeof BITGET_RATE_LIMITS)[];
    this.limiters = Object.fromEntries(names.map((name) => [name, port.limiter(BITGET_RATE_LIMITS[name])])) as typeof this.limiters;
    const remaining = (limiter: RateLimiter) => String(limiter.fixedVerdict?.remaining ?? 0);
    this.fixedRemaining = Object.fromEntries(names.map((name) => [name, remaining(this.limiters[name])])) as typeof this.fixedRemaining;
  }

  /** Bitget's success envelope, stamped with the server clock. */
  success<T>(data: T): BitgetEnvelope<T> {
    return success(data, this.port.clock());
  }

  /** The success envelope around data kept as JSON text (`port.cachedRead`), sent as it is. */
  sendSuccessText(reply: FastifyReply, dataJson: string): FastifyReply {
    return sendJsonText(reply, successText(dataJson, this.port.clock()));
  }

  /**
   * Runs first on every Bitget request: the query size, then the per-IP budget. Answers at once
   * (no promise) when the limiter counts nothing, so the hook costs no turn (`hookOf`).
   */
  guard(request: FastifyRequest): SoonOrNow {
    if (isQueryTooLong(request.url)) throw bitgetError('parameterInvalid', `query longer than ${QUERY_LENGTH_MAX} characters`);
    const verdict = verdictFor(this.limiters.ip, request.ip);
    if (verdict instanceof Promise) return verdict.then(refuseIfOver);
    refuseIfOver(verdict);
  }

  /**
   * Authenticates a private request, then counts it against the caller's budget for this endpoint
   * (`limiter`: the account endpoints' rule unless the endpoint has its own). A known key with
   * limits off is answered at once: the hot read then awaits nothing.
   */
  authorize(request: FastifyRequest, reply: FastifyReply, limiter: PerUidLimiter = 'account'): BitgetCaller | Promise<BitgetCaller> {
    const caller = this.auth.authenticate(request);
    if (caller instanceof Promise) return caller.then((known) => this.countCaller(request, reply, known, limiter));
    return this.countCaller(request, reply, caller, limiter);
  }

  /** Counts a public request against the per-IP budget of its endpoint. */
  async countPublic(request: FastifyRequest, reply: FastifyReply, limiter: 'public' | 'coins' = 'public'): Promise<void> {
    await this.count(reply, limiter, () => `${request.ip}:${request.routeOptions.url ?? ''}`);
  }

  private countCaller(request: FastifyRequest, reply: FastifyReply, caller: BitgetCaller, limiter: PerUidLimiter): BitgetCaller | Promise<BitgetCaller> {
    const counted = this.count(reply, limiter, () => `${uidOf(caller.account)}:${request.routeOptions.url ?? ''}`);
    return counted === undefined ? caller : counted.then(() => caller);
  }

  /** `key` is built only when the limiter counts: `routeOptions` makes a fresh object on every read. */
  private count(reply: FastifyReply, limiter: keyof typeof BITGET_RATE_LIMITS, key: () => string): SoonOrNow {
    const chosen = this.limiters[limiter];
    if (chosen.fixedVerdict !== null) {
      void reply.header(REMAINING_HEADER, this.fixedRemaining[limiter]);
      return refuseIfOver(chosen.fixedVerdict);
    }
    return chosen.consume(key()).then((verdict) => {
      void reply.header(REMAINING_HEADER, String(verdict.remaining));
      refuseIfOver(verdict);
    });
  }
}

function refuseIfOver(verdict: RateLimitVerdict): void {
  if (!verdict.allowed) throw bitgetError('tooManyRequests', '', { [REMAINING_HEADER]: '0' });
}

/** One value of a query parameter; a repeated parameter is Bitget's "Parameter {0} error". */
export function param(query: unknown, name: string): string | undefined {
  const value = singleParam(query, name);
  if (value === null) throw bitgetError('parameterError', name);
  return value;
}
