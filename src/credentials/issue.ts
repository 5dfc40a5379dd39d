import { LedgerError } from '../ledger/errors.js';
import type { LedgerSession } from '../ledger/session.js';
import type { Account } from '../ledger/types.js';
import { checkerFor } from '../ledger/validation.js';
import type { CredentialKind } from './kinds.js';
import type { Keyring } from './keyring.js';

/**
 * Issuing venue credentials, for any venue: the venue's `CredentialKind` says what a caller may
 * fix, who holds the credential, and what is stored against what is shown. The plaintext is
 * returned once, to the caller that asked; the store keeps what the kind made of it (sealed
 * secrets, keyed hashes, public keys).
 */

export interface IssuedCredential {
  readonly id: number;
  /** The venue that issued it (a `VenueDialect` id). */
  readonly venue: string;
  readonly userId: number;
  readonly accountId: number;
  /** Every plaintext value, shown once. */
  readonly secrets: Readonly<Record<string, string>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Issues one credential of `venue` for `account`. A kind whose `holder` is the user files it under
 * the user's main account and refuses a sub-account (INVALID_ARGUMENT at `accountId`). The input
 * is checked against the kind's schema first, so a direct caller gets the answer the operator API
 * gives: an unknown field is refused by name, a bad value with its path.
 */
export async function issueCredential(
  session: LedgerSession,
  keyring: Keyring,
  kind: CredentialKind,
  venue: string,
  account: Account,
  input: Readonly<Record<string, unknown>> = {},
  label = 'default',
): Promise<IssuedCredential> {
  if (kind.holder === 'user' && account.kind !== 'main') {
    throw new LedgerError('INVALID_ARGUMENT', `${venue} credentials belong to the user: issue them on the main account`, 'accountId');
  }
  if (!isRecord(input)) throw new LedgerError('INVALID_ARGUMENT', `the fields of ${venue} credentials must be an object`);
  const fields = Object.keys(kind.input.properties);
  for (const name of Object.keys(input)) {
    if (!fields.includes(name)) {
      const takes = fields.length === 0 ? 'they take none' : `they take ${fields.join(', ')}`;
      throw new LedgerError('INVALID_ARGUMENT', `${name} is not a field of ${venue} credentials; ${takes}`, name);
    }
  }
  const refusal = checkerFor(kind.input)(input);
  if (refusal) throw refusal;
  const issued = kind.issue(input, keyring);
  const base = { userId: account.userId, accountId: account.id };
  const id = await session.createCredential({
    ...base,
    venue,
    label,
    publicId: issued.publicId,
    secretSealed: issued.secretSealed,
    extra: { ...issued.extra },
  });
  return { id, venue, ...base, secrets: { ...issued.secrets } };
}
