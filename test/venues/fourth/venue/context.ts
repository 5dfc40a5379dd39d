import type { FastifyRequest } from 'fastify';
import { assert } from '../../../../src/ledger/errors.js';
import type { Account } from '../../../../src/ledger/types.js';
import type { RateLimiter } from '../../../../src/rate-limit/rate-limiter.js';
import type { VenueCredential, VenuePort } from '../../../../src/venues/port.js';
import { FreshCache } from '../../../../src/venues/shared/fresh-cache.js';
import { headerText } from '../../../../src/venues/shared/headers.js';
import { isQueryTooLong, QUERY_LENGTH_MAX } from '../../../../src/venues/shared/query.js';
import { fourthError } from './errors.js';
import { FOURTH_RATE_LIMITS, type FourthRateLimit } from './rate-limits.js';

/** Who a read comes from: the API key's credential and the account it belongs to. */
export interface FourthCaller {
  readonly credential: VenueCredential;
  readonly account: Account;
}

/** How long a known key's credential and account are reused without asking the store (a reset here drops them at once). */
export const KEY_CACHE_TTL_MS = 5000;
const KEY_CACHE_MAX = 10_000;
/** Longer keys were never issued (credentials are 8 to 128 characters): refused without hashing. */
const API_KEY_LENGTH_MAX = 128;

/** What one plugin instance shares between its hooks and routes: the port, the known keys, the limiters. */
export class FourthContext {
  private readonly known = new FreshCache<string, FourthCaller>(KEY_CACHE_TTL_MS, KEY_CACHE_MAX);
  private readonly limiters: Record<FourthRateLimit, RateLimiter>;

  constructor(readonly port: VenuePort) {
    this.limiters = { ip: port.limiter(FOURTH_RATE_LIMITS.ip), balances: port.limiter(FOURTH_RATE_LIMITS.balances) };
  }

  /** First on every request under the base path: the per-IP budget, then the query's size. */
  async guard(request: FastifyRequest): Promise<void> {
    await this.consume('ip', request.ip);
    if (isQueryTooLong(request.url)) throw fourthError('invalidParameter', `the query is longer than ${QUERY_LENGTH_MAX} characters`);
  }

  /**
   * `X-API-KEY`: present (40101), then known (40102); the key is looked up by its keyed hash. A known
   * key's read then counts against that key's budget.
   */
  async authorize(request: FastifyRequest): Promise<FourthCaller> {
    const apiKey = headerText(request.headers, 'x-api-key');
    if (apiKey === '') throw fourthError('apiKeyMissing');
    if (apiKey.length > API_KEY_LENGTH_MAX) throw fourthError('apiKeyInvalid');
    const caller = await this.callerOf(this.port.keyring.hash(apiKey));
    await this.consume('balances', `credential:${caller.credential.id}`);
    return caller;
  }

  private async callerOf(hash: string): Promise<FourthCaller> {
    const { port } = this;
    // Read before the store is asked: an entry filled across a reset is stored under the old generation and never served.
    const generation = port.generation();
    const nowMs = port.clock();
    const cached = this.known.get(hash, generation, nowMs);
    if (cached) return cached;
    const credential = await port.credential(hash);
    if (!credential) throw fourthError('apiKeyInvalid');
    const account = await port.account(credential.accountId);
    assert(account, `credential ${credential.id} names an existing account`);
    const caller: FourthCaller = { credential, account };
    this.known.set(hash, caller, generation, nowMs);
    return caller;
  }

  private async consume(name: FourthRateLimit, key: string): Promise<void> {
    const limiter = this.limiters[name];
    const verdict = await limiter.consume(key);
    if (!verdict.allowed) {
      const { points, durationMs, name: rule } = limiter.rule;
      throw fourthError('tooManyRequests', `${points} per ${durationMs / 1000}s on ${rule}`, {
        'retry-after': String(Math.max(1, Math.ceil(verdict.resetMs / 1000))),
      });
    }
  }
}
