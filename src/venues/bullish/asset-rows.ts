import { assert } from '../../ledger/errors.js';
import type { Account, Balance } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { holdingsByAsset } from '../shared/holdings.js';
import { tradingAccountIdOf } from './identity.js';
import { renderAssetAccount, type AssetAccountBody } from './render.js';

/**
 * The asset accounts of one trading account, as both the REST list (`GET /v1/accounts/asset`) and
 * the private-data WebSocket's `V1TAAssetAccount` pushes show them: one row per asset the account
 * has held, zero rows included, in the store's order. `only` keeps the rows of those asset
 * symbols (an update's changed assets); every row is rendered by `renderAssetAccount`, so a push
 * and the REST read never disagree.
 */
export async function assetAccountRows(
  port: Pick<VenuePort, 'asset'>,
  account: Account,
  balances: readonly Balance[],
  only?: ReadonlySet<string>,
): Promise<AssetAccountBody[]> {
  const rows: AssetAccountBody[] = [];
  for (const holdings of holdingsByAsset(balances).values()) {
    if (only !== undefined && !only.has(holdings.asset)) continue;
    const asset = await port.asset(holdings.asset);
    assert(asset, `balances name a known asset (${holdings.asset})`);
    rows.push(renderAssetAccount(tradingAccountIdOf(account), asset, holdings.amounts, holdings.updatedAtMs));
  }
  return rows;
}
