import type { Account, Balance } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import type { VenueBalanceView } from '../venue.js';
import { heldItems } from './assets-view.js';
import { coinOf } from './identity.js';

/** What `GET /api/v2/spot/account/assets` answers for the account (the coins held), for the operator console. */
export async function bitgetBalanceView(port: Pick<VenuePort, 'asset'>, account: Account, balances: readonly Balance[]): Promise<VenueBalanceView> {
  const items = await heldItems(port, balances, account.createdAtMs);
  // A row names its coin; the console lines it up with the ledger's asset it shows.
  const symbolOfCoin = new Map<string, string>();
  for (const symbol of new Set(balances.map((b) => b.asset))) {
    const asset = await port.asset(symbol);
    if (asset) symbolOfCoin.set(coinOf(asset), symbol);
  }
  return { source: 'GET /api/v2/spot/account/assets', rows: items.map((row) => ({ asset: symbolOfCoin.get(row.coin) ?? row.coin, row: { ...row } })) };
}
