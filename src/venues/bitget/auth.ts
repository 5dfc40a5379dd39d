import { createPublicKey, type KeyObject } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { assert } from '../../ledger/errors.js';
import type { Account } from '../../ledger/types.js';
import type { VenueCredential, VenuePort } from '../port.js';
import { FreshCache } from '../shared/fresh-cache.js';
import { headerText } from '../shared/headers.js';
import { HmacSha256Key } from '../shared/hmac-key.js';
import { rawQueryOf } from '../shared/query.js';
import { rawBodyOf } from '../shared/raw-body.js';
import { sameText } from '../shared/same-text.js';
import { bitgetError } from './errors.js';
import type { BitgetSettings } from './settings.js';
import { verifyHmac, verifyRsa, type SignedParts } from './signature.js';

/** Who a signed request comes from: the key, and the account it belongs to. */
export interface BitgetCaller {
  readonly credential: VenueCredential;
  readonly account: Account;
}

/** A known key with everything its checks need, kept for a short while (see `KEY_CACHE_TTL_MS`). */
interface KnownKey extends BitgetCaller {
  /** The opened HMAC secret, made ready once for the per-request HMAC. */
  readonly hmacKey: HmacSha256Key | null;
  readonly rsaKey: KeyObject | null;
  /** The last passphrase that matched the stored hash: compared directly (in constant time) instead of re-hashed. */
  acceptedPassphrase: string | null;
}

/**
 * How long a known key's record, account and opened secret are reused without asking the store.
 * Keys are never edited, only created or wiped by a reset: a reset in this process drops the cache
 * at once (the ledger's generation), one made by another process is seen within this time.
 */
export const KEY_CACHE_TTL_MS = 5000;
const KEY_CACHE_MAX = 10_000;

const TIMESTAMP = /^[0-9]{1,15}$/;
const API_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * Checks a private request in the venue's order: each header present, the timestamp well formed
 * and inside the window, the key well formed and known, the signature, then the passphrase. Every
 * failure is its own Bitget code.
 */
export class BitgetAuthenticator {
  private readonly known = new FreshCache<string, KnownKey>(KEY_CACHE_TTL_MS, KEY_CACHE_MAX);

  constructor(private readonly port: VenuePort) {}

  /** The caller at once when the key is known (the hot read awaits nothing), else once the store has answered. */
  authenticate(request: FastifyRequest): BitgetCaller | Promise<BitgetCaller> {
    const apiKey = headerText(request.headers, 'access-key');
    const signature = headerText(request.headers, 'access-sign');
    const timestamp = headerText(request.headers, 'access-timestamp');
    const passphrase = headerText(request.headers, 'access-passphrase');
    if (apiKey === '') throw bitgetError('accessKeyEmpty');
    if (signature === '') throw bitgetError('accessSignEmpty');
    if (passphrase === '') throw bitgetError('passphraseEmpty');
    if (!TIMESTAMP.test(timestamp)) throw bitgetError('timestampInvalid');
    const nowMs = this.port.clock();
    if (Math.abs(nowMs - Number(timestamp)) > (this.port.settings as BitgetSettings).timestampWindowMs) throw bitgetError('timestampExpired');

    const url = request.url;
    const query = url.indexOf('?');
    const parts: SignedParts = {
      timestamp,
      method: request.method,
      path: query === -1 ? url : url.slice(0, query),
      rawQuery: rawQueryOf(url),
      // The body as the client sent and signed it, never re-serialized (../shared/raw-body.ts);
      // a request Fastify parsed no body for (a GET) has none to look up.
      body: request.body === undefined ? '' : rawBodyOf(request),
    };
    return this.signedBy(apiKey, parts, signature, passphrase, nowMs);
  }

  /**
   * The caller of a signed text whose timestamp the caller of this method has already checked:
   * the key well formed and known, the signature over `parts`, then the passphrase, each failure
   * with its REST code. The WebSocket login (stream-login.ts) signs `timestamp + GET + /user/verify`.
   */
  signedBy(apiKey: string, parts: SignedParts, signature: string, passphrase: string, nowMs: number): BitgetCaller | Promise<BitgetCaller> {
    if (!API_KEY.test(apiKey)) throw bitgetError('accessKeyInvalid');
    // A known key costs no await: the hot read takes this path on every request.
    const known = this.known.get(apiKey, this.port.generation(), nowMs);
    if (known === undefined) return this.lookUp(apiKey, nowMs).then((key) => this.verify(key, parts, signature, passphrase));
    return this.verify(known, parts, signature, passphrase);
  }

  /** The signature over the request, then the passphrase, for a key found. */
  private verify(key: KnownKey, parts: SignedParts, signature: string, passphrase: string): BitgetCaller {
    const signed = key.rsaKey !== null ? verifyRsa(key.rsaKey, parts, signature) : verifyHmac(key.hmacKey!, parts, signature);
    if (!signed) throw bitgetError('signatureWrong');
    if (!this.passphraseMatches(key, passphrase)) throw bitgetError('passphraseWrong');
    return key;
  }

  private passphraseMatches(key: KnownKey, passphrase: string): boolean {
    if (key.acceptedPassphrase !== null && sameText(key.acceptedPassphrase, passphrase)) return true;
    const hash = key.credential.extra.passphraseHash;
    assert(hash !== undefined, 'a Bitget credential has a passphrase');
    const ok = this.port.keyring.matches(passphrase, hash);
    if (ok) key.acceptedPassphrase = passphrase;
    return ok;
  }

  private async lookUp(apiKey: string, nowMs: number): Promise<KnownKey> {
    const generation = this.port.generation();
    const { keyring } = this.port;
    const credential = await this.port.credential(apiKey);
    if (!credential) throw bitgetError('apiKeyUnknown');
    const account = await this.port.account(credential.accountId);
    assert(account, `credential ${credential.id} names an existing account`);
    const rsa = credential.extra.rsaPublicKeyPem ?? null;
    assert(rsa !== null || credential.secretSealed !== null, 'an HMAC Bitget credential has a sealed secret');
    const key: KnownKey = {
      credential,
      account,
      hmacKey: rsa === null ? new HmacSha256Key(keyring.open(credential.secretSealed!)) : null,
      rsaKey: rsa === null ? null : createPublicKey(rsa),
      acceptedPassphrase: null,
    };
    this.known.set(apiKey, key, generation, nowMs);
    return key;
  }
}
