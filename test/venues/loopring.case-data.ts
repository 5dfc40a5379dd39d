import type { Asset } from '../../src/ledger/types.js';
import type { HttpHarness, HttpRequest, HttpResponse } from '../support/http-harness.js';
import type { VenueCaseData } from './venue.case.js';
import { accountIdOf, decimalsOf, tokenIdOf } from '../../src/venues/loopring/identity.js';

interface Row {
  readonly tokenId: number;
  readonly total: string;
  readonly locked: string;
}

function balances(h: HttpHarness, accountId: number, apiKey: string | null, query: Readonly<Record<string, string>> = {}): HttpRequest {
  const search = new URLSearchParams({ accountId: String(accountId), tokens: '', ...query });
  return { method: 'GET', path: `/api/v3/user/balances?${search}`, token: null, headers: apiKey === null ? {} : { 'X-API-KEY': apiKey } };
}

const apiKeyOf = (h: HttpHarness, user: string) => h.secrets(user, 'loopring').apiKey!;

/** Loopring's answers to the shared venue claims (venue.case.ts); venues.case.test.ts runs them. */
export const loopringCaseData: VenueCaseData = {
  balanceRead: async (h, user, query) => balances(h, accountIdOf(h.account(user)), apiKeyOf(h, user), query),
  withoutCredentials: async (h) => balances(h, accountIdOf(h.account('alice')), null),
  withUnknownCredentials: async (h) => balances(h, accountIdOf(h.account('alice')), 'never-issued-loopring-api-key'),
  crossTenantRead: async (h, intruder, victim) => balances(h, accountIdOf(h.account(victim)), apiKeyOf(h, intruder)),
  // The venue lets any valid key read any account; `--loopring-key-scope own` is the isolating switch.
  crossTenant: { refusal: { status: 400, code: 104002 }, flags: { loopringKeyScope: 'own' } },
  availableIn: (body: unknown, asset: Asset) => {
    const row = (body as Row[]).find((r) => r.tokenId === tokenIdOf(asset));
    if (!row) return undefined;
    const available = BigInt(row.total) - BigInt(row.locked);
    const decimals = decimalsOf(asset);
    return decimals >= asset.scale ? available / 10n ** BigInt(decimals - asset.scale) : available * 10n ** BigInt(asset.scale - decimals);
  },
  errorCodeOf: (response: HttpResponse) => {
    const code = (response.body as { resultInfo?: { code?: unknown } } | undefined)?.resultInfo?.code;
    if (typeof code !== 'number') throw new Error(`not a Loopring error body: ${response.text}`);
    return code;
  },
  unknownRoutePath: '/api/v3/no-such-endpoint',
  balanceReadRule: 'loopring.balances',
  refusals: {
    missingCredentials: { status: 400, code: 104001 },
    unknownCredentials: { status: 400, code: 104002 },
    unknownRoute: { status: 400, code: 100000 },
    oversizedQuery: { status: 400, code: 100001 },
    rateLimited: { status: 429, code: 100000 },
  },
};
