import type { IssuedCredential } from '../credentials/issue.js';
import type { Account } from '../ledger/types.js';
import type { OperatorVenue } from '../operator/schemas.js';
import type { LoadedUser } from './load.js';

/**
 * The `--credentials-file` document: the operator token, and per user, for each venue, what a
 * client needs: the ids it names the account by (the venue's `clientIds`) and the credential's
 * secrets. The main account's are on the user (a credential the user holds is filed there);
 * sub-accounts with keys of their own are listed too.
 */
export interface CredentialsFile {
  operator: { token: string | null; tokenFile?: string };
  users: CredentialsFileUser[];
}

/** By venue id: the account's ids at the venue, then the secrets. */
export type VenueKeys = Record<string, Record<string, unknown>>;

export type CredentialsFileUser = { name: string; subAccounts: CredentialsFileSubAccount[] } & VenueKeys;
export type CredentialsFileSubAccount = { label: string; accountId: number } & VenueKeys;

/** The first credential of each venue on this account, with what the client names the account by. */
function venueKeys(venues: readonly OperatorVenue[], accounts: readonly Account[], credentials: readonly IssuedCredential[], account: Account): VenueKeys {
  const out: VenueKeys = {};
  for (const venue of venues) {
    const credential = credentials.find((c) => c.venue === venue.id && c.accountId === account.id);
    if (credential) out[venue.id] = { ...venue.credentials.clientIds(account, accounts), ...credential.secrets };
  }
  return out;
}

export function buildCredentialsFile(venues: readonly OperatorVenue[], operatorToken: string | null, users: readonly LoadedUser[], tokenFile?: string): CredentialsFile {
  return {
    operator: tokenFile === undefined ? { token: operatorToken } : { token: operatorToken, tokenFile },
    users: users.map((u) => {
      const main = u.accounts.find((a) => a.kind === 'main');
      const subAccounts = u.accounts
        .filter((a) => a.kind === 'sub')
        .map((a) => ({ label: a.label, accountId: a.id, keys: venueKeys(venues, u.accounts, u.credentials, a) }))
        .filter((s) => Object.keys(s.keys).length > 0)
        .map(({ keys, ...s }) => ({ ...s, ...keys }) as CredentialsFileSubAccount);
      return { name: u.user.name, ...(main ? venueKeys(venues, u.accounts, u.credentials, main) : {}), subAccounts } as CredentialsFileUser;
    }),
  };
}
