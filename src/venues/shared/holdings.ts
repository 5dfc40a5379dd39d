import { BUCKETS, type Balance, type Bucket } from '../../ledger/types.js';

/** What one account holds of one asset, every bucket present: the shape each venue renders from. */
export interface Holdings {
  readonly asset: string;
  readonly amounts: Record<Bucket, bigint>;
  /** The latest update of any of its buckets. */
  updatedAtMs: number;
}

/** Every bucket at zero: what an account shows of an asset it never held. */
export function emptyAmounts(): Record<Bucket, bigint> {
  const amounts = {} as Record<Bucket, bigint>;
  for (const bucket of BUCKETS) amounts[bucket] = 0n;
  return amounts;
}

/** Groups an account's balance rows by asset, in the order the assets first appear. */
export function holdingsByAsset(balances: readonly Balance[]): Map<string, Holdings> {
  const out = new Map<string, Holdings>();
  for (const b of balances) {
    let holdings = out.get(b.asset);
    if (!holdings) {
      holdings = { asset: b.asset, amounts: emptyAmounts(), updatedAtMs: b.updatedAtMs };
      out.set(b.asset, holdings);
    }
    holdings.amounts[b.bucket] = b.amount;
    if (b.updatedAtMs > holdings.updatedAtMs) holdings.updatedAtMs = b.updatedAtMs;
  }
  return out;
}

/** True when every bucket of the holdings is zero: an asset once held and now all gone. */
export function isEmptyHoldings(holdings: Holdings): boolean {
  for (const bucket of BUCKETS) if (holdings.amounts[bucket] !== 0n) return false;
  return true;
}

/** The sum of some buckets: how a venue folds several ledger buckets into one field. */
export function sumBuckets(amounts: Readonly<Record<Bucket, bigint>>, buckets: readonly Bucket[]): bigint {
  let sum = 0n;
  for (const bucket of buckets) sum += amounts[bucket];
  return sum;
}
