import { Type } from '@sinclair/typebox';
import type { CredentialKind, IssuedSecrets } from '../../credentials/kinds.js';
import { fixedOrRandom, randomHex, Secret } from '../shared/credential-input.js';
import { accountIdOf, ownerOf } from './identity.js';

/**
 * A Loopring API key belongs to one account. The store finds it by a keyed hash (the client
 * presents the key itself) and keeps it sealed too, because `/api/v3/apiKey` hands it back to
 * its owner.
 */
export const loopringCredentials: CredentialKind = {
  holder: 'account',
  input: Type.Object({ apiKey: Type.Optional(Secret) }, { additionalProperties: false }),
  issue(input, keyring): IssuedSecrets {
    const apiKey = fixedOrRandom(input.apiKey, () => randomHex(32), 'apiKey');
    return { publicId: keyring.hash(apiKey), secretSealed: keyring.seal(apiKey), extra: {}, secrets: { apiKey } };
  },
  clientIds: (account) => ({ accountId: accountIdOf(account), address: ownerOf(account) }),
};
