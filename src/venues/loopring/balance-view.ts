import type { Account, Balance } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import type { VenueBalanceView } from '../venue.js';
import { renderHeldRows } from './balance-rows.js';
import { isEmptyRow } from './render.js';

/** What `GET /api/v3/user/balances` answers for the account without `tokens` (empty rows left out), for the operator console. */
export async function loopringBalanceView(port: Pick<VenuePort, 'asset'>, account: Account, balances: readonly Balance[]): Promise<VenueBalanceView> {
  const rows = (await renderHeldRows(port, account, balances)).filter((r) => !isEmptyRow(r.row));
  return { source: 'GET /api/v3/user/balances', rows: rows.map((r) => ({ asset: r.asset.symbol, row: { ...r.row } })) };
}
