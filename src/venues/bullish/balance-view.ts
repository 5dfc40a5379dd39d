import type { Account, Balance } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import type { VenueBalanceView } from '../venue.js';
import { assetAccountRows } from './asset-rows.js';

/** What `GET /trading-api/v1/accounts/asset` answers for the account's trading account, for the operator console. */
export async function bullishBalanceView(port: Pick<VenuePort, 'asset'>, account: Account, balances: readonly Balance[]): Promise<VenueBalanceView> {
  const rows = await assetAccountRows(port, account, balances);
  return { source: 'GET /trading-api/v1/accounts/asset', rows: rows.map((row) => ({ asset: row.assetSymbol, row: { ...row } })) };
}
