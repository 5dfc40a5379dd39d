import { parseAmount } from '../../../src/ledger/amount.js';
import type { HttpHarness, HttpRequest, HttpResponse } from '../../support/http-harness.js';
import type { VenueCaseData } from '../venue.case.js';
import { BALANCES_PATH } from './venue/openapi.js';
import { accountNoOf, tickerOf } from './venue/identity.js';

interface Body {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly data?: { readonly balances?: readonly { readonly ticker: string; readonly free: string }[] } | null;
}

/** The demo's fourth-venue API key of `user`'s main account, as the demo load issued it. */
export const apiKeyOf = (h: HttpHarness, user: string): string => h.secrets(user, 'fourth').apiKey!;

/** A balance read with `apiKey` in `X-API-KEY` (none when null). */
export function balancesRequest(apiKey: string | null, query: Readonly<Record<string, string>> = {}): HttpRequest {
  const search = new URLSearchParams(query).toString();
  return { method: 'GET', path: search === '' ? BALANCES_PATH : `${BALANCES_PATH}?${search}`, token: null, headers: apiKey === null ? {} : { 'X-API-KEY': apiKey } };
}

/** The fourth venue's answers to the shared venue claims (venue.case.ts); suite.test.ts runs them. */
export const fourthCaseData: VenueCaseData = {
  balanceRead: async (h, user, query) => balancesRequest(apiKeyOf(h, user), query),
  withoutCredentials: async () => balancesRequest(null),
  withUnknownCredentials: async () => balancesRequest('never-issued-fourth-api-key'),
  // A key names its own account; another account is reachable only by `accountNo`, and only a
  // sub-account of the key's own user: bob naming alice's main account is refused.
  crossTenantRead: async (h, intruder, victim) => balancesRequest(apiKeyOf(h, intruder), { accountNo: accountNoOf(h.account(victim)) }),
  crossTenant: { refusal: { status: 403, code: 40301 } },
  availableIn: (body, asset) => {
    const row = (body as Body).data?.balances?.find((b) => b.ticker === tickerOf(asset));
    return row === undefined ? undefined : parseAmount(row.free, asset.scale);
  },
  errorCodeOf: (response: HttpResponse) => {
    const body = response.body as Body | undefined;
    if (typeof body?.code !== 'number' || body.code === 0 || typeof body.message !== 'string' || body.data !== null) {
      throw new Error(`not a fourth-venue error body: ${response.text}`);
    }
    return body.code;
  },
  unknownRoutePath: '/fourth/api/v1/no-such-endpoint',
  balanceReadRule: 'fourth.balances',
  // The fourth venue shows the least a venue needs: its balance read is rendered on every request.
  keepsBalanceRead: false,
  refusals: {
    missingCredentials: { status: 401, code: 40101 },
    unknownCredentials: { status: 401, code: 40102 },
    unknownRoute: { status: 404, code: 40401 },
    oversizedQuery: { status: 400, code: 40001 },
    rateLimited: { status: 429, code: 42901 },
  },
};
