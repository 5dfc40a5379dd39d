import { formatAmount } from '../../../../src/ledger/amount.js';
import type { Asset, Bucket } from '../../../../src/ledger/types.js';
import { sumBuckets } from '../../../../src/venues/shared/holdings.js';
import { tickerOf } from './identity.js';
import type { BalanceRow } from './schemas.js';

/**
 * From the ledger's buckets to the fourth venue's three numbers:
 * - `free` is `available`;
 * - `locked` is what the account owns but cannot use: held by orders, locked, restricted, lent out,
 *   and requested for withdrawal but not yet sent;
 * - `total` is free + locked.
 * A debt (`borrowed`) and a deposit not yet credited (`pendingDeposit`) are not shown: the venue has
 * no field for them.
 */
export const LOCKED_BUCKETS: readonly Bucket[] = ['held', 'locked', 'restricted', 'loaned', 'pendingWithdrawal'];

/** One row of `asset`; zeros when the account holds none. Every amount has the asset's full scale of places. */
export function renderBalanceRow(asset: Asset, amounts: Readonly<Record<Bucket, bigint>> | undefined, updatedAtMs: number): BalanceRow {
  const free = amounts?.available ?? 0n;
  const locked = amounts ? sumBuckets(amounts, LOCKED_BUCKETS) : 0n;
  const show = (units: bigint) => formatAmount(units, asset.scale, asset.scale);
  return { ticker: tickerOf(asset), free: show(free), locked: show(locked), total: show(free + locked), updatedAt: updatedAtMs };
}

/** True when a row shows nothing: such assets are left out of a read unless `--fourth-list-empty on`. */
export function isEmptyRow(asset: Asset, row: BalanceRow): boolean {
  return row.total === formatAmount(0n, asset.scale, asset.scale);
}
