import { issueCredential } from '../../credentials/issue.js';
import { assert } from '../../ledger/errors.js';
import type { Account } from '../../ledger/types.js';
import type { Runtime } from '../../server/runtime.js';
import type { CredentialRecord, StoreReader } from '../../store/store.js';

/** The label of a key `/api/v3/apiKey` issued. */
export const ISSUED_LABEL = 'issued by /api/v3/apiKey';

/**
 * The account's Loopring API key in plaintext, as `/api/v3/apiKey` returns it: its first key, or
 * a new one when it has none yet (the venue creates a key on first request); this is the one
 * write a GET makes. Whether a key exists is decided again inside the session that issues one:
 * the store runs one write transaction at a time, and a read made once it has begun sees every key
 * committed before and none can commit until it ends, so two first requests at the same moment
 * issue one key, and both answer it.
 */
export async function getOrIssueApiKey(runtime: Runtime, account: Account): Promise<string> {
  const { store, keyring, ledger } = runtime;
  const existing = await findFirstKey(store, account);
  if (existing) return openKey(runtime, existing);
  return ledger.session(async (session) => {
    const issuedMeanwhile = await findFirstKey(store, account);
    if (issuedMeanwhile) return openKey(runtime, issuedMeanwhile);
    const issued = await issueCredential(session, keyring, account, { venue: 'loopring' }, ISSUED_LABEL);
    const apiKey = issued.secrets.apiKey;
    assert(apiKey !== undefined, 'an issued Loopring credential carries its API key');
    return apiKey;
  });
}

async function findFirstKey(store: StoreReader, account: Account): Promise<CredentialRecord | undefined> {
  return (await store.listCredentials(account.userId)).find((c) => c.venue === 'loopring' && c.accountId === account.id);
}

function openKey(runtime: Runtime, credential: CredentialRecord): string {
  assert(credential.secretSealed !== null, `loopring credential ${credential.id} keeps its sealed key`);
  return runtime.keyring.open(credential.secretSealed);
}
