import { randomBytes } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { LedgerError } from '../ledger/errors.js';
import type { LedgerSession } from '../ledger/session.js';
import type { Account } from '../ledger/types.js';
import type { CredentialVenue } from '../store/store.js';
import type { Keyring } from './keyring.js';

/**
 * Issuing venue credentials. The plaintext is returned once, to the caller that asked; the store
 * keeps HMAC secrets sealed, passphrases and Loopring API keys hashed (the Loopring key is also
 * sealed, because the venue's /apiKey endpoint hands it back to its owner).
 */

export interface BitgetCredentialInput {
  readonly apiKey?: string;
  readonly secretKey?: string;
  readonly passphrase?: string;
  /** An RSA public key (PEM): the credential then verifies SHA256withRSA signatures instead of HMAC. */
  readonly rsaPublicKeyPem?: string;
}
export interface BullishCredentialInput {
  readonly publicKey?: string;
  readonly secret?: string;
}
export interface LoopringCredentialInput {
  readonly apiKey?: string;
}

export type CredentialInput =
  | ({ readonly venue: 'bitget' } & BitgetCredentialInput)
  | ({ readonly venue: 'bullish' } & BullishCredentialInput)
  | ({ readonly venue: 'loopring' } & LoopringCredentialInput);

export interface IssuedCredential {
  readonly id: number;
  readonly venue: CredentialVenue;
  readonly userId: number;
  readonly accountId: number;
  /** Every plaintext value, shown once. */
  readonly secrets: Readonly<Record<string, string>>;
}

const TOKEN = /^[\x21-\x7e]{8,128}$/;
const random = (bytes: number) => randomBytes(bytes).toString('hex');

function fixedOr(value: string | undefined, make: () => string, path: string): string {
  if (value === undefined) return make();
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new LedgerError('INVALID_ARGUMENT', `${path} must be 8 to 128 printable ASCII characters without spaces`, path);
  }
  return value;
}

function checkRsaPublicKey(pem: string): string {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key.export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new LedgerError('INVALID_ARGUMENT', 'rsaPublicKeyPem must be an RSA public key in PEM form', 'rsaPublicKeyPem');
  }
}

/**
 * Bitget and Loopring keys belong to one account (a sub-account has keys of its own); a Bullish
 * HMAC key belongs to the user, whose login reaches all its trading accounts, so it is filed
 * under the user's main account.
 */
export async function issueCredential(
  session: LedgerSession,
  keyring: Keyring,
  account: Account,
  input: CredentialInput,
  label = 'default',
): Promise<IssuedCredential> {
  const base = { userId: account.userId, accountId: account.id, label };
  switch (input.venue) {
    case 'bitget': {
      const apiKey = fixedOr(input.apiKey, () => `bg_${random(16)}`, 'apiKey');
      const passphrase = fixedOr(input.passphrase, () => random(8), 'passphrase');
      if (input.rsaPublicKeyPem !== undefined) {
        const pem = checkRsaPublicKey(input.rsaPublicKeyPem);
        const id = await session.createCredential({
          ...base, venue: 'bitget', publicId: apiKey, secretSealed: null, passphraseHash: keyring.hash(passphrase), rsaPublicKeyPem: pem,
        });
        return { id, venue: 'bitget', ...base, secrets: { apiKey, passphrase } };
      }
      const secretKey = fixedOr(input.secretKey, () => random(32), 'secretKey');
      const id = await session.createCredential({
        ...base, venue: 'bitget', publicId: apiKey, secretSealed: keyring.seal(secretKey), passphraseHash: keyring.hash(passphrase), rsaPublicKeyPem: null,
      });
      return { id, venue: 'bitget', ...base, secrets: { apiKey, secretKey, passphrase } };
    }
    case 'bullish': {
      if (account.kind !== 'main') {
        throw new LedgerError('INVALID_ARGUMENT', 'a Bullish key belongs to the user: issue it on the main account', 'accountId');
      }
      const publicKey = fixedOr(input.publicKey, () => `HMAC-${random(16)}`, 'publicKey');
      const secret = fixedOr(input.secret, () => random(32), 'secret');
      const id = await session.createCredential({
        ...base, venue: 'bullish', publicId: publicKey, secretSealed: keyring.seal(secret), passphraseHash: null, rsaPublicKeyPem: null,
      });
      return { id, venue: 'bullish', ...base, secrets: { publicKey, secret } };
    }
    case 'loopring': {
      const apiKey = fixedOr(input.apiKey, () => random(32), 'apiKey');
      const id = await session.createCredential({
        ...base, venue: 'loopring', publicId: keyring.hash(apiKey), secretSealed: keyring.seal(apiKey), passphraseHash: null, rsaPublicKeyPem: null,
      });
      return { id, venue: 'loopring', ...base, secrets: { apiKey } };
    }
    default:
      throw new LedgerError('INVALID_ARGUMENT', 'venue must be bitget, bullish or loopring', 'venue');
  }
}
