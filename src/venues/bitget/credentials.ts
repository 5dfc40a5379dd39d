import { createPublicKey } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { LedgerError } from '../../ledger/errors.js';
import type { CredentialKind, IssuedSecrets } from '../../credentials/kinds.js';
import { fixedOrRandom, randomHex, Secret } from '../shared/credential-input.js';
import { uidOf } from './identity.js';

/**
 * A Bitget API key belongs to one account (a sub-account has keys of its own): an apiKey, a
 * passphrase kept as a keyed hash, and either an HMAC secret (sealed) or, for an RSA key, the
 * PEM public key that verifies SHA256withRSA signatures.
 */
export const bitgetCredentials: CredentialKind = {
  holder: 'account',
  input: Type.Object(
    {
      apiKey: Type.Optional(Secret),
      secretKey: Type.Optional(Secret),
      passphrase: Type.Optional(Secret),
      rsaPublicKeyPem: Type.Optional(Type.String({ maxLength: 4096, description: 'An RSA public key (PEM): the key then verifies SHA256withRSA signatures instead of HMAC' })),
    },
    { additionalProperties: false },
  ),
  issue(input, keyring): IssuedSecrets {
    const apiKey = fixedOrRandom(input.apiKey, () => `bg_${randomHex(16)}`, 'apiKey');
    const passphrase = fixedOrRandom(input.passphrase, () => randomHex(8), 'passphrase');
    const passphraseHash = keyring.hash(passphrase);
    if (input.rsaPublicKeyPem !== undefined) {
      if (input.secretKey !== undefined) throw new LedgerError('INVALID_ARGUMENT', 'secretKey and rsaPublicKeyPem exclude each other: a key signs with one', 'secretKey');
      const pem = checkRsaPublicKey(input.rsaPublicKeyPem);
      return { publicId: apiKey, secretSealed: null, extra: { passphraseHash, rsaPublicKeyPem: pem }, secrets: { apiKey, passphrase } };
    }
    const secretKey = fixedOrRandom(input.secretKey, () => randomHex(32), 'secretKey');
    return { publicId: apiKey, secretSealed: keyring.seal(secretKey), extra: { passphraseHash }, secrets: { apiKey, secretKey, passphrase } };
  },
  clientIds: (account) => ({ uid: uidOf(account) }),
};

function checkRsaPublicKey(pem: unknown): string {
  try {
    if (typeof pem !== 'string') throw new Error('not text');
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key.export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new LedgerError('INVALID_ARGUMENT', 'rsaPublicKeyPem must be an RSA public key in PEM form', 'rsaPublicKeyPem');
  }
}
