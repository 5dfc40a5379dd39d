import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { issueCredential } from '../../credentials/issue.js';
import { assert } from '../../ledger/errors.js';
import type { Account } from '../../ledger/types.js';
import type { RateLimiter } from '../../rate-limit/rate-limiter.js';
import type { Runtime } from '../../server/runtime.js';
import { QUERY_LENGTH_MAX, rawQueryOf } from '../shared/query.js';
import { AccountDirectory, matches } from './directory.js';
import { loopringError } from './errors.js';
import type { AccountSelector } from './params.js';
import { LOOPRING_RATE_LIMITS, type LoopringRateLimit } from './rate-limits.js';

/** Longer API keys were never issued (credentials are 8 to 128 characters): refused without hashing. */
const API_KEY_LENGTH_MAX = 128;
/** How many presented keys' lookup hashes are remembered before the memo starts over. */
const KEY_HASHES_MAX = 10_000;

/** What one Loopring plugin instance shares between its routes: the runtime, its limiters, the account directory. */
export class LoopringContext {
  readonly directory: AccountDirectory;
  private readonly limiters: Record<LoopringRateLimit, RateLimiter>;
  /** The keyed hash of each API key presented: a client presents the same key on every read. */
  private readonly keyHashes = new Map<string, string>();

  constructor(readonly runtime: Runtime) {
    this.directory = new AccountDirectory(runtime.store);
    const create = (name: LoopringRateLimit) => runtime.rateLimiters.create(LOOPRING_RATE_LIMITS[name]);
    this.limiters = { balances: create('balances'), account: create('account'), apiKey: create('apiKey'), public: create('public') };
  }

  /** Runs before anything else on every Loopring path: oversized queries are refused unread. */
  async guard(request: FastifyRequest): Promise<void> {
    if (rawQueryOf(request.url).length > QUERY_LENGTH_MAX) {
      throw loopringError('invalidParameter', `the query is longer than ${QUERY_LENGTH_MAX} characters`);
    }
  }

  /** A route hook counting each request against `name`, per API key for balances and per client IP otherwise. */
  limit(name: LoopringRateLimit): onRequestAsyncHookHandler {
    const limiter = this.limiters[name];
    return async (request) => {
      const apiKey = request.headers['x-api-key'];
      const key = name === 'balances' && typeof apiKey === 'string' && apiKey !== '' ? `key:${apiKey.slice(0, API_KEY_LENGTH_MAX)}` : `ip:${request.ip}`;
      const verdict = await limiter.consume(key);
      if (!verdict.allowed) {
        const { points, durationMs, name: rule } = limiter.rule;
        throw loopringError('tooManyRequests', `${points} per ${durationMs / 1000}s on ${rule}`, {
          'retry-after': String(Math.max(1, Math.ceil(verdict.resetMs / 1000))),
        });
      }
    };
  }

  /** The account whose Loopring API key is in `X-API-KEY`. */
  async authenticate(request: FastifyRequest): Promise<Account> {
    const apiKey = request.headers['x-api-key'];
    if (apiKey === undefined || apiKey === '') throw loopringError('emptyApiKey');
    if (typeof apiKey !== 'string' || apiKey.length > API_KEY_LENGTH_MAX) throw loopringError('invalidApiKey');
    const { store } = this.runtime;
    const credential = await store.getCredential('loopring', this.lookupHash(apiKey));
    if (!credential) throw loopringError('invalidApiKey');
    const account = await store.getAccount(credential.accountId);
    assert(account, `credential ${credential.id} names an existing account`);
    return account;
  }

  /** The keyed hash an API key is stored under. The hash never changes, so it is remembered (the memo is bounded). */
  private lookupHash(apiKey: string): string {
    let hash = this.keyHashes.get(apiKey);
    if (hash === undefined) {
      if (this.keyHashes.size >= KEY_HASHES_MAX) this.keyHashes.clear();
      hash = this.runtime.keyring.hash(apiKey);
      this.keyHashes.set(apiKey, hash);
    }
    return hash;
  }

  /**
   * The account `selector` names, as `caller` may read it. With key scope `any` (the venue's
   * documented behaviour) a valid key reads any account, and an unknown one is "user not found";
   * with `own`, every other account, known or not, is refused as an invalid key for it.
   */
  async readableAccount(caller: Account, selector: AccountSelector): Promise<Account> {
    if (matches(caller, selector)) return caller;
    if (this.runtime.config.venues.loopringKeyScope === 'own') {
      throw loopringError('invalidApiKey', 'this API key reads only its own account');
    }
    const account = await this.directory.find(selector);
    if (!account) throw loopringError('userNotFound');
    return account;
  }

  /**
   * The account's Loopring API key in plaintext, as `/api/v3/apiKey` returns it: its first key,
   * or a new one when it has none yet (the venue creates a key on first request). Two first
   * requests at the same moment may each issue one; both keys are then valid, and later requests
   * answer the first.
   */
  async apiKeyOf(account: Account): Promise<string> {
    const { store, keyring, ledger } = this.runtime;
    const existing = (await store.listCredentials(account.userId)).find((c) => c.venue === 'loopring' && c.accountId === account.id);
    if (existing) {
      assert(existing.secretSealed !== null, `loopring credential ${existing.id} keeps its sealed key`);
      return keyring.open(existing.secretSealed);
    }
    const issued = await ledger.session((s) => issueCredential(s, keyring, account, { venue: 'loopring' }, 'issued by /api/v3/apiKey'));
    const apiKey = issued.secrets.apiKey;
    assert(apiKey !== undefined, 'an issued Loopring credential carries its API key');
    return apiKey;
  }
}
