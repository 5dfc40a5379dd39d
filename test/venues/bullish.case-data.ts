import { parseAmount } from '../../src/ledger/amount.js';
import type { HttpHarness, HttpRequest } from '../support/http-harness.js';
import { ASSETS, loginAs } from '../support/bullish-client.js';
import type { VenueCaseData } from './venue.case.js';
import { precisionOf, tradingAccountIdOf } from '../../src/venues/bullish/identity.js';

/** One login per harness and user: the balance read is the asset read with that bearer token. */
const tokens = new WeakMap<HttpHarness, Map<string, string>>();
async function tokenOf(h: HttpHarness, user: string): Promise<string> {
  let byUser = tokens.get(h);
  if (!byUser) tokens.set(h, (byUser = new Map()));
  let token = byUser.get(user);
  if (token === undefined) byUser.set(user, (token = await loginAs(h, user)));
  return token;
}

function assetRead(token: string | null, tradingAccountId: string, query: Readonly<Record<string, string>> = {}): HttpRequest {
  return { method: 'GET', path: `${ASSETS}?${new URLSearchParams({ tradingAccountId, ...query }).toString()}`, token };
}

interface ErrorBody {
  message?: unknown;
  errorCode?: unknown;
  errorCodeName?: unknown;
  raw?: unknown;
}

/** A JWT of the right shape, signed with a key the server never had. */
const FOREIGN_TOKEN = [
  Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url'),
  Buffer.from(JSON.stringify({ iss: 'assetbook/bullish', sub: '1', cid: 1, pk: 'HMAC-demo-alice', jti: 'x', iat: 1, exp: 4102444800 })).toString('base64url'),
  Buffer.alloc(32, 7).toString('base64url'),
].join('.');

/** Bullish's answers to the shared venue claims (venue.case.ts); venues.case.test.ts runs them. */
export const bullishCaseData: VenueCaseData = {
  balanceRead: async (h, user, query) => assetRead(await tokenOf(h, user), tradingAccountIdOf(h.account(user)), query),
  withoutCredentials: async (h) => assetRead(null, tradingAccountIdOf(h.account('alice'))),
  withUnknownCredentials: async (h) => assetRead(FOREIGN_TOKEN, tradingAccountIdOf(h.account('alice'))),
  // A Bullish login reaches the user's own trading accounts; naming another user's is the way in.
  crossTenantRead: async (h, intruder, victim) => assetRead(await tokenOf(h, intruder), tradingAccountIdOf(h.account(victim))),
  crossTenant: { refusal: { status: 403, code: 2010 } },
  availableIn: (body, asset) => {
    const item = (body as { assetSymbol: string; availableQuantity: string }[]).find((a) => a.assetSymbol === asset.symbol);
    return item === undefined ? undefined : parseAmount(item.availableQuantity, asset.scale);
  },
  // Bullish pads or cuts every quantity to the asset's Bullish precision (USDT: 4 places, scale 6).
  shownUnits: (units, asset) => {
    const cut = 10n ** BigInt(Math.max(0, asset.scale - precisionOf(asset)));
    return (units / cut) * cut;
  },
  errorCodeOf: (response) => {
    const body = response.body as ErrorBody;
    if (typeof body?.errorCode !== 'number' || typeof body.errorCodeName !== 'string' || typeof body.message !== 'string' || body.raw !== null) {
      throw new Error(`not a Bullish error body: ${response.text}`);
    }
    return body.errorCode;
  },
  unknownRoutePath: '/trading-api/v1/nothing-here',
  balanceReadRule: 'bullish.authenticated',
  refusals: {
    missingCredentials: { status: 401, code: 6105 },
    unknownCredentials: { status: 401, code: 6105 },
    unknownRoute: { status: 404, code: 2016 },
    oversizedQuery: { status: 400, code: 2001 },
    rateLimited: { status: 429, code: 96000 },
  },
};
