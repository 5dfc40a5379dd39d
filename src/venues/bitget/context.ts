import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter } from '../../rate-limit/rate-limiter.js';
import type { VenuePort } from '../port.js';
import { sendJsonText } from '../../http/json-text.js';
import { QUERY_LENGTH_MAX, isQueryTooLong, singleParam } from '../shared/query.js';
import { BitgetAuthenticator, type BitgetCaller } from './auth.js';
import { success, successText, type BitgetEnvelope } from './envelope.js';
import { bitgetError } from './errors.js';
import { uidOf } from './identity.js';
import { BITGET_RATE_LIMITS, REMAINING_HEADER } from './rate-limits.js';

/** What every Bitget route shares: the venue port, the authenticator and the limiters. */
export class BitgetContext {
  readonly auth: BitgetAuthenticator;
  private readonly limiters: { readonly [K in keyof typeof BITGET_RATE_LIMITS]: RateLimiter };

  constructor(readonly port: VenuePort) {
    this.auth = new BitgetAuthenticator(port);
    const create = (rule: (typeof BITGET_RATE_LIMITS)[keyof typeof BITGET_RATE_LIMITS]) => port.limiter(rule);
    this.limiters = {
      account: create(BITGET_RATE_LIMITS.account),
      public: create(BITGET_RATE_LIMITS.public),
      coins: create(BITGET_RATE_LIMITS.coins),
      ip: create(BITGET_RATE_LIMITS.ip),
    };
  }

  /** Bitget's success envelope, stamped with the server clock. */
  success<T>(data: T): BitgetEnvelope<T> {
    return success(data, this.port.clock());
  }

  /** The success envelope around data kept as JSON text (`port.cachedRead`), sent as it is. */
  sendSuccessText(reply: FastifyReply, dataJson: string): FastifyReply {
    return sendJsonText(reply, successText(dataJson, this.port.clock()));
  }

  /** Runs first on every Bitget request: the query size, then the per-IP budget. */
  async guard(request: FastifyRequest): Promise<void> {
    if (isQueryTooLong(request.url)) throw bitgetError('parameterInvalid', `query longer than ${QUERY_LENGTH_MAX} characters`);
    const verdict = await this.limiters.ip.consume(request.ip);
    if (!verdict.allowed) throw bitgetError('tooManyRequests', '', { [REMAINING_HEADER]: '0' });
  }

  /** Authenticates a private request, then counts it against the caller's budget for this endpoint. */
  async authorize(request: FastifyRequest, reply: FastifyReply): Promise<BitgetCaller> {
    const caller = await this.auth.authenticate(request);
    await this.count(reply, 'account', `${uidOf(caller.account)}:${request.routeOptions.url ?? ''}`);
    return caller;
  }

  /** Counts a public request against the per-IP budget of its endpoint. */
  async countPublic(request: FastifyRequest, reply: FastifyReply, limiter: 'public' | 'coins' = 'public'): Promise<void> {
    await this.count(reply, limiter, `${request.ip}:${request.routeOptions.url ?? ''}`);
  }

  private async count(reply: FastifyReply, limiter: keyof typeof BITGET_RATE_LIMITS, key: string): Promise<void> {
    const verdict = await this.limiters[limiter].consume(key);
    void reply.header(REMAINING_HEADER, String(verdict.remaining));
    if (!verdict.allowed) throw bitgetError('tooManyRequests', '', { [REMAINING_HEADER]: '0' });
  }
}

/** One value of a query parameter; a repeated parameter is Bitget's "Parameter {0} error". */
export function param(query: unknown, name: string): string | undefined {
  const value = singleParam(query, name);
  if (value === null) throw bitgetError('parameterError', name);
  return value;
}
