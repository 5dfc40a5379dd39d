import type { LoadedUser } from './load.js';

/**
 * The `--credentials-file` document: the operator token, and per user the credentials and
 * identities a client needs for each venue. Sub-accounts with keys of their own are listed too.
 */
export interface CredentialsFile {
  operator: { token: string | null; tokenFile?: string };
  users: CredentialsFileUser[];
}

interface VenueKeys {
  bitget?: { uid: string; apiKey: string; secretKey?: string; passphrase: string };
  loopring?: { accountId: number; address: string; apiKey: string };
}

export interface CredentialsFileUser extends VenueKeys {
  name: string;
  bullish?: { publicKey: string; secret: string; tradingAccountIds: string[] };
  subAccounts: ({ label: string; accountId: number } & VenueKeys)[];
}

function venueKeys(user: LoadedUser, accountId: number): VenueKeys {
  const account = user.accounts.find((a) => a.id === accountId);
  const out: VenueKeys = {};
  if (!account) return out;
  const bitget = user.credentials.find((c) => c.venue === 'bitget' && c.accountId === accountId);
  if (bitget) {
    const { apiKey = '', secretKey, passphrase = '' } = bitget.secrets;
    out.bitget = { uid: account.bitgetUid, apiKey, ...(secretKey === undefined ? {} : { secretKey }), passphrase };
  }
  const loopring = user.credentials.find((c) => c.venue === 'loopring' && c.accountId === accountId);
  if (loopring) out.loopring = { accountId: account.loopringAccountId, address: account.loopringAddress, apiKey: loopring.secrets.apiKey ?? '' };
  return out;
}

export function buildCredentialsFile(operatorToken: string | null, users: readonly LoadedUser[], tokenFile?: string): CredentialsFile {
  return {
    operator: tokenFile === undefined ? { token: operatorToken } : { token: operatorToken, tokenFile },
    users: users.map((u) => {
      const main = u.accounts.find((a) => a.kind === 'main');
      const bullish = u.credentials.find((c) => c.venue === 'bullish');
      return {
        name: u.user.name,
        ...(main ? venueKeys(u, main.id) : {}),
        ...(bullish
          ? {
              bullish: {
                publicKey: bullish.secrets.publicKey ?? '',
                secret: bullish.secrets.secret ?? '',
                tradingAccountIds: u.accounts.map((a) => a.bullishTradingAccountId),
              },
            }
          : {}),
        subAccounts: u.accounts
          .filter((a) => a.kind === 'sub')
          .map((a) => ({ label: a.label, accountId: a.id, ...venueKeys(u, a.id) }))
          .filter((s) => s.bitget !== undefined || s.loopring !== undefined),
      };
    }),
  };
}
