import { formatAmount } from '../../ledger/amount.js';
import type { Asset } from '../../ledger/types.js';
import type { Holdings } from '../shared/holdings.js';
import { coinOf } from './identity.js';

/** One coin of a spot account as Bitget shows it; amounts are exact plain decimals. */
export interface BitgetAssetItem {
  readonly coin: string;
  readonly available: string;
  readonly frozen: string;
  readonly locked: string;
  readonly limitAvailable: string;
  readonly uTime: string;
}

/**
 * The ledger's buckets as Bitget's fields:
 * - available = available
 * - frozen = held (open orders) + pendingWithdrawal (withdrawals in process)
 * - locked = locked
 * - limitAvailable = restricted (copy-trading only)
 * borrowed, loaned and pendingDeposit have no place in a spot account and are not shown.
 */
export function bitgetAmounts(holdings: Holdings | undefined) {
  const a = holdings?.amounts;
  return {
    available: a?.available ?? 0n,
    frozen: (a?.held ?? 0n) + (a?.pendingWithdrawal ?? 0n),
    locked: a?.locked ?? 0n,
    limitAvailable: a?.restricted ?? 0n,
  };
}

/** True when any shown field is non-zero: what `assetType=hold_only` keeps. */
export function isHeldOnBitget(holdings: Holdings | undefined): boolean {
  const shown = bitgetAmounts(holdings);
  return shown.available !== 0n || shown.frozen !== 0n || shown.locked !== 0n || shown.limitAvailable !== 0n;
}

/** `uTime` is the latest change of any bucket; a coin never held shows the account's creation time. */
export function renderAssetItem(asset: Asset, holdings: Holdings | undefined, accountCreatedAtMs: number): BitgetAssetItem {
  const shown = bitgetAmounts(holdings);
  return {
    coin: coinOf(asset),
    available: formatAmount(shown.available, asset.scale),
    frozen: formatAmount(shown.frozen, asset.scale),
    locked: formatAmount(shown.locked, asset.scale),
    limitAvailable: formatAmount(shown.limitAvailable, asset.scale),
    uTime: String(holdings?.updatedAtMs ?? accountCreatedAtMs),
  };
}
