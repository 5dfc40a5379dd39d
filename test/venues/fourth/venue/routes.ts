import type { FastifyPluginAsync } from 'fastify';
import { assert } from '../../../../src/ledger/errors.js';
import type { Account, Asset } from '../../../../src/ledger/types.js';
import type { VenuePort } from '../../../../src/venues/port.js';
import { holdingsByAsset } from '../../../../src/venues/shared/holdings.js';
import { singleParam } from '../../../../src/venues/shared/query.js';
import type { FourthCaller, FourthContext } from './context.js';
import { fourthError } from './errors.js';
import { accountNoOf, ACCOUNT_NO, tickerOf } from './identity.js';
import { isEmptyRow, renderBalanceRow } from './render.js';
import { BalancesBody, type BalanceRow } from './schemas.js';
import type { FourthSettings } from './settings.js';

/** A query parameter given at most once; a repeated one is refused. */
function param(query: unknown, name: string): string | undefined {
  const value = singleParam(query, name);
  if (value === null) throw fourthError('invalidParameter', `${name} is given more than once`);
  return value;
}

/**
 * The account a read names. Without `accountNo`, the key's own. A main account's key may also
 * name one of its user's sub-accounts; anything else, existing or not, is the same 403, so a
 * key learns nothing of other users' account numbers.
 */
async function readableAccount(port: VenuePort, caller: FourthCaller, accountNo: string | undefined): Promise<Account> {
  if (accountNo === undefined || accountNo === accountNoOf(caller.account)) return caller.account;
  if (!ACCOUNT_NO.test(accountNo)) throw fourthError('invalidParameter', 'accountNo must be F and nine digits');
  if (caller.account.kind === 'main') {
    const named = await port.accountByFact('accountNo', accountNo);
    if (named && named.userId === caller.account.userId) return named;
  }
  throw fourthError('accountForbidden');
}

/**
 * `GET /balances`: the balances of the key's account (or, for a main account's key, of one of its
 * user's sub-accounts by `accountNo`). Without `ticker`, every asset the account has something of
 * (every asset with `--fourth-list-empty on`); with it, that asset's row even when empty.
 */
export const balanceRoutes = (ctx: FourthContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  app.get('/balances', { schema: { response: { 200: BalancesBody } } }, async (request) => {
    const caller = await ctx.authorize(request);
    const ticker = param(request.query, 'ticker');
    const account = await readableAccount(port, caller, param(request.query, 'accountNo'));
    const holdings = holdingsByAsset(await port.balances(account.id));
    const assets = await port.assets();

    let rows: BalanceRow[];
    if (ticker !== undefined) {
      const asset = assets.find((a) => tickerOf(a) === ticker);
      if (!asset) throw fourthError('unknownTicker', ticker.slice(0, 40));
      const held = holdings.get(asset.symbol);
      rows = [renderBalanceRow(asset, held?.amounts, held?.updatedAtMs ?? 0)];
    } else {
      const listEmpty = (port.settings as FourthSettings).listEmpty;
      const bySymbol = new Map<string, Asset>(assets.map((a) => [a.symbol, a]));
      rows = [];
      for (const asset of listEmpty ? assets : [...holdings.keys()].map((symbol) => bySymbol.get(symbol))) {
        // Tier three: the ledger writes balances only of catalog assets, so a miss is a bug (an opaque 500).
        assert(asset, `account ${account.id} holds an asset that is not in the catalog`);
        const held = holdings.get(asset.symbol);
        const row = renderBalanceRow(asset, held?.amounts, held?.updatedAtMs ?? 0);
        if (listEmpty || !isEmptyRow(asset, row)) rows.push(row);
      }
    }
    rows.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
    return { code: 0 as const, message: 'success' as const, data: { accountNo: accountNoOf(account), balances: rows }, timestamp: port.clock() };
  });
};
