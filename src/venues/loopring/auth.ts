import type { FastifyRequest } from 'fastify';
import { assert } from '../../ledger/errors.js';
import type { Account } from '../../ledger/types.js';
import type { VenueCredential, VenuePort } from '../port.js';
import { FreshCache } from '../shared/fresh-cache.js';
import { headerText } from '../shared/headers.js';
import { loopringError } from './errors.js';
import type { AccountSelector } from './params.js';
import { accountIdOf, ownerOf } from './identity.js';
import type { LoopringSettings } from './settings.js';

/** Who a balance read comes from: the API key's credential, and the account it belongs to. */
export interface LoopringCaller {
  readonly credential: VenueCredential;
  readonly account: Account;
}

/**
 * How long a known key's credential and account are reused without asking the store. Keys are
 * never edited, only created or wiped by a reset: a reset in this process drops the cache at once
 * (the ledger's generation), one made by another process is seen within this time.
 */
export const KEY_CACHE_TTL_MS = 5000;
/** How many known keys are remembered; at the cap the oldest makes room. */
export const KEY_CACHE_MAX = 10_000;
/** Longer API keys were never issued (credentials are 8 to 128 characters): refused without hashing. */
const API_KEY_LENGTH_MAX = 128;

/**
 * Checks `X-API-KEY` in the venue's order: present (104001), then known (104002). A key is
 * stored as a keyed hash; a key the store found is remembered by its text with its credential
 * and account (see `KEY_CACHE_TTL_MS`), so a hot read costs one map lookup and no store query.
 * Nothing is remembered of a key the store does not know.
 */
export class LoopringAuthenticator {
  private readonly remembered = new FreshCache<string, LoopringCaller>(KEY_CACHE_TTL_MS, KEY_CACHE_MAX);

  constructor(private readonly port: VenuePort) {}

  /** The caller of a remembered key, at once (the hot read awaits nothing); undefined for anything else, which `authenticate` judges. */
  known(request: FastifyRequest): LoopringCaller | undefined {
    const apiKey = headerText(request.headers, 'x-api-key');
    if (apiKey === '' || apiKey.length > API_KEY_LENGTH_MAX) return undefined;
    return this.remembered.get(apiKey, this.port.generation(), this.port.clock());
  }

  async authenticate(request: FastifyRequest): Promise<LoopringCaller> {
    const apiKey = headerText(request.headers, 'x-api-key');
    if (apiKey === '') throw loopringError('emptyApiKey');
    const caller = await this.callerOf(apiKey);
    if (!caller) throw loopringError('invalidApiKey');
    return caller;
  }

  /**
   * The caller a non-empty API key names, remembered or looked up (as for `X-API-KEY`, which
   * `authenticate` reads); undefined for a key never issued or too long to be one. The WebSocket
   * takes its key from a subscribe frame.
   */
  async callerOf(apiKey: string): Promise<LoopringCaller | undefined> {
    if (apiKey === '' || apiKey.length > API_KEY_LENGTH_MAX) return undefined;
    const { port } = this;
    // Read before the store is asked: an entry filled across a reset is stored under the old generation and never served.
    const generation = port.generation();
    const nowMs = port.clock();
    // Remembered by the key's exact text, as a verified Bullish token is: only the very key the
    // store accepted matches, and the hot read skips hashing it again.
    const cached = this.remembered.get(apiKey, generation, nowMs);
    if (cached) return cached;
    const credential = await port.credential(port.keyring.hash(apiKey));
    if (!credential) return undefined;
    const account = await port.account(credential.accountId);
    assert(account, `credential ${credential.id} names an existing account`);
    const caller: LoopringCaller = { credential, account };
    this.remembered.set(apiKey, caller, generation, nowMs);
    return caller;
  }

  /** How many keys are remembered (for tests). */
  get cachedKeys(): number {
    return this.remembered.size;
  }
}

/**
 * The account `selector` names, as `caller` may read it. With key scope `any` (the venue's
 * documented behaviour) a valid key reads any account, and an unknown one is "user not found";
 * with `own`, every other account, known or not, is refused as an invalid key for it.
 */
export async function findReadableAccount(port: VenuePort, caller: LoopringCaller, selector: AccountSelector): Promise<Account> {
  if (matches(caller.account, selector)) return caller.account;
  if ((port.settings as LoopringSettings).keyScope === 'own') {
    throw loopringError('invalidApiKey', 'this API key reads only its own account');
  }
  const account = await accountOf(port, selector);
  if (!account) throw loopringError('userNotFound');
  return account;
}

/** True when the account is the one the selector names. */
export function matches(account: Account, selector: AccountSelector): boolean {
  return selector.accountId !== undefined ? accountIdOf(account) === selector.accountId : ownerOf(account) === selector.address;
}

/** The account a selector names, by its layer-2 account id or its owner address (both unique). */
export function accountOf(port: Pick<VenuePort, 'accountByFact'>, selector: AccountSelector): Promise<Account | undefined> {
  return selector.accountId !== undefined ? port.accountByFact('accountId', String(selector.accountId)) : port.accountByFact('address', selector.address);
}
