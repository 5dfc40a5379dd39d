import { assert } from '../../ledger/errors.js';
import type { Account, Asset, Balance } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { holdingsByAsset } from '../shared/holdings.js';
import { accountIdOf } from './identity.js';
import { renderBalanceRow } from './render.js';
import type { BalanceRow } from './schemas.js';

/** One rendered row with the asset it shows. */
export interface RenderedRow {
  readonly asset: Asset;
  readonly row: BalanceRow;
}

/**
 * Every asset the account's balances name, rendered as the REST balance read renders it (empty
 * rows included), by token id: what `GET /api/v3/user/balances` without `tokens` answers (less
 * the empty rows) and what the WebSocket's `account` topic pushes, from one renderer.
 */
export async function renderHeldRows(port: Pick<VenuePort, 'asset'>, account: Account, balances: readonly Balance[]): Promise<RenderedRow[]> {
  const accountId = accountIdOf(account);
  const rows: RenderedRow[] = [];
  for (const held of holdingsByAsset(balances).values()) {
    const asset = await port.asset(held.asset);
    // Tier three: the ledger writes balances only of catalog assets, so a miss is a bug (an opaque 500).
    assert(asset, `account ${account.id} holds ${held.asset}, which is not in the catalog`);
    rows.push({ asset, row: renderBalanceRow(accountId, asset, held.amounts) });
  }
  return rows.sort((a, b) => a.row.tokenId - b.row.tokenId);
}
