import { Type } from '@sinclair/typebox';
import type { CredentialKind, IssuedSecrets } from '../../../../src/credentials/kinds.js';
import { fixedOrRandom, randomHex, Secret } from '../../../../src/venues/shared/credential-input.js';
import { accountNoOf } from './identity.js';

/**
 * A fourth-venue API key belongs to one account. The client presents the key itself in
 * `X-API-KEY`, so the store finds it by a keyed hash of it (the public id); it is sealed too, as
 * a venue that can show a key again to its owner would need (this one never does).
 */
export const fourthCredentials: CredentialKind = {
  holder: 'account',
  input: Type.Object({ apiKey: Type.Optional(Secret) }, { additionalProperties: false }),
  issue(input, keyring): IssuedSecrets {
    const apiKey = fixedOrRandom(input.apiKey, () => `fk_${randomHex(24)}`, 'apiKey');
    return { publicId: keyring.hash(apiKey), secretSealed: keyring.seal(apiKey), extra: {}, secrets: { apiKey } };
  },
  clientIds: (account) => ({ accountNo: accountNoOf(account) }),
};
