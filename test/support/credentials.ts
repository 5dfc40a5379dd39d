import { issueCredential, type IssuedCredential } from '../../src/credentials/issue.js';
import type { Keyring } from '../../src/credentials/keyring.js';
import type { LedgerSession } from '../../src/ledger/session.js';
import type { Account } from '../../src/ledger/types.js';
import { VENUES } from '../../src/venues/index.js';

/** Issues a credential of a registry venue by its id, as the operator API would: the venue's own kind decides what is stored. */
export function issueVenueCredential(
  session: LedgerSession,
  keyring: Keyring,
  account: Account,
  venue: string,
  input: Readonly<Record<string, unknown>> = {},
  label?: string,
): Promise<IssuedCredential> {
  const dialect = VENUES.find((v) => v.id === venue);
  if (!dialect) throw new Error(`no venue ${venue} in the registry`);
  return issueCredential(session, keyring, dialect.credentials, venue, account, input, label);
}
