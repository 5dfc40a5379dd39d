import { Type } from '@sinclair/typebox';
import type { CredentialKind, IssuedSecrets } from '../../credentials/kinds.js';
import { fixedOrRandom, randomHex, Secret } from '../shared/credential-input.js';
import { tradingAccountIdOf } from './identity.js';

/**
 * A Bullish HMAC key belongs to the user, whose login reaches all its trading accounts, so it is
 * filed under the user's main account: a public key and a sealed secret.
 */
export const bullishCredentials: CredentialKind = {
  holder: 'user',
  input: Type.Object({ publicKey: Type.Optional(Secret), secret: Type.Optional(Secret) }, { additionalProperties: false }),
  issue(input, keyring): IssuedSecrets {
    const publicKey = fixedOrRandom(input.publicKey, () => `HMAC-${randomHex(16)}`, 'publicKey');
    const secret = fixedOrRandom(input.secret, () => randomHex(32), 'secret');
    return { publicId: publicKey, secretSealed: keyring.seal(secret), extra: {}, secrets: { publicKey, secret } };
  },
  clientIds: (_account, userAccounts) => ({ tradingAccountIds: userAccounts.map(tradingAccountIdOf) }),
};
