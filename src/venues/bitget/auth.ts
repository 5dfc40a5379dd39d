import { createPublicKey, type KeyObject } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { assert } from '../../ledger/errors.js';
import type { Account } from '../../ledger/types.js';
import type { Runtime } from '../../server/runtime.js';
import type { CredentialRecord } from '../../store/store.js';
import { rawQueryOf } from '../shared/query.js';
import { bitgetError } from './errors.js';
import { verifyHmac, verifyRsa, type SignedParts } from './signature.js';

/** Who a signed request comes from: the key, and the account it belongs to. */
export interface BitgetCaller {
  readonly credential: CredentialRecord;
  readonly account: Account;
}

const TIMESTAMP = /^[0-9]{1,15}$/;
const API_KEY = /^[\x21-\x7e]{1,128}$/;

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Checks a private request in the venue's order: each header present, the timestamp well formed
 * and inside the window, the key known, the signature, then the passphrase. Every failure is its
 * own Bitget code. Opened secrets and parsed RSA keys are kept per credential, since neither
 * changes while the credential exists.
 */
export class BitgetAuthenticator {
  private readonly secrets = new Map<number, { readonly sealed: string; readonly secret: string }>();
  private readonly rsaKeys = new Map<number, { readonly pem: string; readonly key: KeyObject }>();

  constructor(
    private readonly runtime: Runtime,
    private readonly clockMs: () => number = Date.now,
  ) {}

  async authenticate(request: FastifyRequest): Promise<BitgetCaller> {
    const apiKey = header(request, 'access-key');
    const signature = header(request, 'access-sign');
    const timestamp = header(request, 'access-timestamp');
    const passphrase = header(request, 'access-passphrase');
    if (apiKey === '') throw bitgetError('accessKeyEmpty');
    if (signature === '') throw bitgetError('accessSignEmpty');
    if (passphrase === '') throw bitgetError('passphraseEmpty');
    if (!TIMESTAMP.test(timestamp)) throw bitgetError('timestampInvalid');
    if (Math.abs(this.clockMs() - Number(timestamp)) > this.runtime.config.venues.bitgetTimestampWindowMs) throw bitgetError('timestampExpired');
    if (!API_KEY.test(apiKey)) throw bitgetError('accessKeyInvalid');

    const credential = await this.runtime.store.getCredential('bitget', apiKey);
    if (!credential) throw bitgetError('apiKeyUnknown');
    const url = request.url;
    const query = url.indexOf('?');
    const parts: SignedParts = {
      timestamp,
      method: request.method,
      path: query === -1 ? url : url.slice(0, query),
      rawQuery: rawQueryOf(url),
      body: typeof request.body === 'string' ? request.body : request.body === undefined ? '' : JSON.stringify(request.body),
    };
    if (!this.signatureMatches(credential, parts, signature)) throw bitgetError('signatureWrong');
    assert(credential.passphraseHash !== null, 'a Bitget credential has a passphrase');
    if (!this.runtime.keyring.matches(passphrase, credential.passphraseHash)) throw bitgetError('passphraseWrong');

    const account = await this.runtime.store.getAccount(credential.accountId);
    assert(account, `credential ${credential.id} names an existing account`);
    return { credential, account };
  }

  private signatureMatches(credential: CredentialRecord, parts: SignedParts, signature: string): boolean {
    if (credential.rsaPublicKeyPem !== null) {
      let parsed = this.rsaKeys.get(credential.id);
      if (!parsed || parsed.pem !== credential.rsaPublicKeyPem) {
        parsed = { pem: credential.rsaPublicKeyPem, key: createPublicKey(credential.rsaPublicKeyPem) };
        this.rsaKeys.set(credential.id, parsed);
      }
      return verifyRsa(parsed.key, parts, signature);
    }
    assert(credential.secretSealed !== null, 'an HMAC Bitget credential has a sealed secret');
    let opened = this.secrets.get(credential.id);
    if (!opened || opened.sealed !== credential.secretSealed) {
      opened = { sealed: credential.secretSealed, secret: this.runtime.keyring.open(credential.secretSealed) };
      this.secrets.set(credential.id, opened);
    }
    return verifyHmac(opened.secret, parts, signature);
  }
}
