import { assert } from '../../ledger/errors.js';
import type { Account } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';

/** The label of a key `/api/v3/apiKey` issued. */
export const ISSUED_LABEL = 'issued by /api/v3/apiKey';

/**
 * The account's Loopring API key in plaintext, as `/api/v3/apiKey` returns it: its first key, or
 * a new one when it has none yet (the venue creates a key on first request); this is the one
 * write a GET makes. The port decides and issues in one transaction, so simultaneous first
 * requests, on one instance or several sharing a PostgreSQL, issue one key and all answer it.
 */
export async function getOrIssueApiKey(port: Pick<VenuePort, 'credentialIssuedIfAbsent' | 'keyring'>, account: Account): Promise<string> {
  const credential = await port.credentialIssuedIfAbsent(account, ISSUED_LABEL);
  assert(credential.secretSealed !== null, `Loopring credential ${credential.id} keeps its sealed key`);
  return port.keyring.open(credential.secretSealed);
}
