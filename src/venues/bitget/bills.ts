import { parseAmount } from '../../ledger/amount.js';
import type { HistoryRecord } from '../../ledger/history.js';
import type { OperationType } from '../../ledger/operation-types.js';
import { SYSTEM_ACCOUNT, type Bucket } from '../../ledger/types.js';

/**
 * An account's bills (`GET /api/v2/spot/account/bills`) from its journal entries. A bill is what
 * one entry did to one coin of the spot account: the change of the coin's Bitget balance, the sum
 * of every field the spot assets show (`available + frozen + locked + limitAvailable`, render.ts),
 * so an entry that only moves a coin between those fields (an order's hold, a withdrawal request,
 * a lock) makes no bill, and one that moves several coins (a trade) makes one per coin. The words
 * each operation type gets, and why, are in docs/venues/bitget.md ("Bills").
 */

/** The books that make a coin's Bitget balance: available, frozen (held + pendingWithdrawal), locked, limitAvailable (restricted). */
export const BALANCE_BUCKETS: readonly Bucket[] = ['available', 'held', 'pendingWithdrawal', 'locked', 'restricted'];

/** Bills one entry can make at most is below this: a bill's id is its entry's id times it, plus its place in the entry. */
export const BILL_SLOTS = 100;

/** Bitget's bill groups (`groupType`), as documented; assetbook makes the first seven. */
export const GROUP_TYPES = ['deposit', 'withdraw', 'transfer', 'transaction', 'loan', 'financial', 'other', 'fait', 'convert', 'c2c', 'pre_c2c', 'on_chain', 'strategy'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** What a bill of each operation type is called: its group, and its business word given the sign of the change and whether the account traded that coin. */
interface Words {
  readonly group: GroupType;
  readonly business: readonly string[];
  readonly pick: (net: bigint, traded: boolean) => string;
}
const fixed = (group: GroupType, business: string): Words => ({ group, business: [business], pick: () => business });
const signed = (group: GroupType, into: string, outOf: string): Words => ({ group, business: [into, outOf], pick: (net) => (net > 0n ? into : outOf) });

/** The operation types that can change a Bitget balance; every other type only moves amounts between its fields or outside them. */
export const BILL_WORDS: Readonly<Partial<Record<OperationType, Words>>> = {
  deposit: fixed('deposit', 'deposit'),
  'deposit.confirm': fixed('deposit', 'deposit'),
  'withdrawal.complete': fixed('withdraw', 'withdraw'),
  transfer: signed('transfer', 'transfer_in', 'transfer_out'),
  'reservation.post': signed('transfer', 'transfer_in', 'transfer_out'),
  trade: {
    group: 'transaction',
    business: ['buy', 'sell', 'deduction_handling_fee'],
    pick: (net, traded) => (!traded ? 'deduction_handling_fee' : net > 0n ? 'buy' : 'sell'),
  },
  borrow: fixed('loan', 'borrow'),
  repay: fixed('loan', 'repay'),
  lend: fixed('financial', 'lend'),
  recall: fixed('financial', 'recall'),
  adjust: signed('other', 'adjustment_in', 'adjustment_out'),
};

export const BILL_TYPES = Object.keys(BILL_WORDS) as OperationType[];

/** Every business word a bill can carry. */
export const BUSINESS_TYPES = [...new Set(BILL_TYPES.flatMap((type) => BILL_WORDS[type]!.business))];

export interface Bill {
  readonly billId: number;
  readonly asset: string;
  readonly groupType: GroupType;
  readonly businessType: string;
  /** The balance change, fee included: negative out of the account. */
  readonly size: bigint;
  /** The fee charged with it (a positive amount; 0 for none). */
  readonly fee: bigint;
  /** The coin's Bitget balance right after the entry. */
  readonly balance: bigint;
  readonly atMs: number;
}

/** Where a bill id points: its entry and its place in that entry. */
export const billIdOf = (entryId: number, place: number): number => entryId * BILL_SLOTS + place;
export const entryOfBill = (billId: number): { entryId: number; place: number } => ({ entryId: Math.floor(billId / BILL_SLOTS), place: billId % BILL_SLOTS });

/**
 * The fee `account` paid in `asset` with this entry: a trade lists its payers (`fees`, amounts in
 * the asset's unit); any other entry that takes a fee has one payer, whose fee went into the
 * `fees` book.
 */
function feeOf(record: HistoryRecord, account: number, asset: string, scale: number): bigint {
  const { entry } = record;
  const fees = entry.request.fees;
  if (Array.isArray(fees)) {
    return (fees as { account?: unknown; asset?: unknown; amount?: unknown }[])
      .filter((f) => f.account === account && f.asset === asset)
      .reduce((sum, f) => sum + parseAmount(f.amount, scale), 0n);
  }
  return entry.postings.filter((p) => p.account === SYSTEM_ACCOUNT && p.bucket === 'fees' && p.asset === asset).reduce((sum, p) => sum + p.amount, 0n);
}

/**
 * The bills one entry makes for `account`, newest (highest id) first: one per coin whose Bitget
 * balance it changed, in the order the entry first posted to each. `record` must carry
 * `balancesAfter` over `BALANCE_BUCKETS`; `scaleOf` tells each asset's scale (a trade's fees are
 * kept in the asset's unit).
 */
export function billsOf(record: HistoryRecord, account: number, scaleOf: (asset: string) => number): Bill[] {
  const { entry } = record;
  const words = BILL_WORDS[entry.type as OperationType];
  if (words === undefined) return [];
  const net = new Map<string, bigint>();
  for (const p of entry.postings) {
    if (p.account === account && BALANCE_BUCKETS.includes(p.bucket as Bucket)) net.set(p.asset, (net.get(p.asset) ?? 0n) + p.amount);
  }
  const legs = Array.isArray(entry.request.legs) ? (entry.request.legs as { from?: unknown; to?: unknown; asset?: unknown }[]) : [];
  const bills: Bill[] = [];
  for (const [asset, size] of net) {
    if (size === 0n) continue;
    const traded = legs.some((leg) => leg.asset === asset && (leg.from === account || leg.to === account));
    bills.push({
      billId: billIdOf(entry.id, bills.length),
      asset,
      groupType: words.group,
      businessType: words.pick(size, traded),
      size,
      fee: feeOf(record, account, asset, scaleOf(asset)),
      balance: record.balancesAfter?.get(asset) ?? 0n,
      atMs: entry.atMs,
    });
  }
  return bills.reverse();
}
