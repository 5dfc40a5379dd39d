import { formatAmount, parseAmount, parsePositiveAmount, parseSignedAmount } from './amount.js';
import { LedgerError } from './errors.js';
import { BUCKETS, SYSTEM_ACCOUNT, type Account, type Asset, type Bucket, type Posting, type SystemBook } from './types.js';

/**
 * Operations: what a client asks the ledger to do, and the postings each one means.
 * Planning is pure apart from the reads in `PlanContext`; it never writes and never checks
 * balances (the ledger does that after netting every posting of the entry).
 */

export const OPERATION_TYPES = [
  'deposit',
  'deposit.pending',
  'deposit.confirm',
  'deposit.cancel',
  'withdrawal.request',
  'withdrawal.complete',
  'withdrawal.cancel',
  'hold',
  'release',
  'lock',
  'unlock',
  'restrict',
  'unrestrict',
  'borrow',
  'repay',
  'lend',
  'recall',
  'transfer',
  'trade',
  'adjust',
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** A request as it arrives: shape-checked here, not trusted. */
export type OperationRequest = { readonly type: string; readonly key: string } & Readonly<Record<string, unknown>>;

export type PendingKind = 'deposit' | 'withdrawal';
export type PendingState = 'open' | 'confirmed' | 'cancelled' | 'completed';

/** A deposit or withdrawal that is waiting to be settled, named by the key of its opening operation. */
export interface Pending {
  readonly key: string;
  readonly kind: PendingKind;
  readonly account: number;
  readonly asset: string;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly state: PendingState;
}

export interface PlanContext {
  asset(symbol: unknown, path: string): Promise<Asset>;
  account(id: unknown, path: string): Promise<Account>;
  pending(key: unknown, kind: PendingKind, path: string): Promise<Pending>;
}

export interface Plan {
  readonly postings: Posting[];
  /** The request as understood: ids and symbols checked, amounts in their shortest exact form. */
  readonly normalized: Record<string, unknown>;
  readonly opens?: Omit<Pending, 'key' | 'state'>;
  readonly closes?: { readonly key: string; readonly state: Exclude<PendingState, 'open'> };
}

type Planner = (request: OperationRequest, ctx: PlanContext) => Promise<Plan>;

const book = (account: number, bucket: Bucket | SystemBook, asset: string, amount: bigint): Posting => ({
  account,
  bucket,
  asset,
  amount,
});
const system = (name: SystemBook, asset: string, amount: bigint): Posting => book(SYSTEM_ACCOUNT, name, asset, amount);

/** `amount` leaves `from` and lands in `to`, both books of one account. */
function shift(account: number, from: Bucket, to: Bucket, asset: string, amount: bigint): Posting[] {
  return [book(account, from, asset, -amount), book(account, to, asset, amount)];
}

/** The common form: one account, one asset, one positive amount. */
async function readSingle(request: OperationRequest, ctx: PlanContext) {
  const account = await ctx.account(request.account, 'account');
  const asset = await ctx.asset(request.asset, 'asset');
  const amount = parsePositiveAmount(request.amount, asset.scale, 'amount');
  const normalized = { account: account.id, asset: asset.symbol, amount: formatAmount(amount, asset.scale) };
  return { account: account.id, asset, amount, normalized };
}

/** An operation that only moves an amount between two buckets of one account. */
function bucketShift(from: Bucket, to: Bucket): Planner {
  return async (request, ctx) => {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    return { postings: shift(account, from, to, asset.symbol, amount), normalized };
  };
}

/** A withdrawal fee: absent or any spelling of zero means none. */
function optionalFee(request: OperationRequest, asset: Asset): bigint {
  return request.fee === undefined ? 0n : parseAmount(request.fee, asset.scale, 'fee');
}

function settle(kind: PendingKind, state: Exclude<PendingState, 'open'>, postings: (p: Pending) => Posting[]): Planner {
  return async (request, ctx) => {
    const pending = await ctx.pending(request.pending, kind, 'pending');
    return { postings: postings(pending), normalized: { pending: pending.key }, closes: { key: pending.key, state } };
  };
}

const PLANNERS: Record<OperationType, Planner> = {
  async deposit(request, ctx) {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    return {
      postings: [system('world', asset.symbol, -amount), book(account, 'available', asset.symbol, amount)],
      normalized,
    };
  },
  async 'deposit.pending'(request, ctx) {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    return {
      postings: [system('world', asset.symbol, -amount), book(account, 'pendingDeposit', asset.symbol, amount)],
      normalized,
      opens: { kind: 'deposit', account, asset: asset.symbol, amount, fee: 0n },
    };
  },
  'deposit.confirm': settle('deposit', 'confirmed', (p) => shift(p.account, 'pendingDeposit', 'available', p.asset, p.amount)),
  'deposit.cancel': settle('deposit', 'cancelled', (p) => [
    book(p.account, 'pendingDeposit', p.asset, -p.amount),
    system('world', p.asset, p.amount),
  ]),
  async 'withdrawal.request'(request, ctx) {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    const fee = optionalFee(request, asset);
    return {
      postings: shift(account, 'available', 'pendingWithdrawal', asset.symbol, amount + fee),
      normalized: { ...normalized, fee: formatAmount(fee, asset.scale) },
      opens: { kind: 'withdrawal', account, asset: asset.symbol, amount, fee },
    };
  },
  'withdrawal.complete': settle('withdrawal', 'completed', (p) =>
    [
      book(p.account, 'pendingWithdrawal', p.asset, -(p.amount + p.fee)),
      system('world', p.asset, p.amount),
      system('fees', p.asset, p.fee),
    ].filter((posting) => posting.amount !== 0n),
  ),
  'withdrawal.cancel': settle('withdrawal', 'cancelled', (p) =>
    shift(p.account, 'pendingWithdrawal', 'available', p.asset, p.amount + p.fee),
  ),
  hold: bucketShift('available', 'held'),
  release: bucketShift('held', 'available'),
  lock: bucketShift('available', 'locked'),
  unlock: bucketShift('locked', 'available'),
  restrict: bucketShift('available', 'restricted'),
  unrestrict: bucketShift('restricted', 'available'),
  lend: bucketShift('available', 'loaned'),
  recall: bucketShift('loaned', 'available'),
  async borrow(request, ctx) {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    const s = asset.symbol;
    return {
      postings: [
        system('pool', s, -amount),
        book(account, 'available', s, amount),
        system('debt', s, -amount),
        book(account, 'borrowed', s, amount),
      ],
      normalized,
    };
  },
  async repay(request, ctx) {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    const s = asset.symbol;
    return {
      postings: [
        book(account, 'available', s, -amount),
        system('pool', s, amount),
        book(account, 'borrowed', s, -amount),
        system('debt', s, amount),
      ],
      normalized,
    };
  },
  async transfer(request, ctx) {
    const from = await ctx.account(request.from, 'from');
    const to = await ctx.account(request.to, 'to');
    if (from.id === to.id) throw new LedgerError('INVALID_ARGUMENT', 'from and to must be different accounts', 'to');
    const asset = await ctx.asset(request.asset, 'asset');
    const amount = parsePositiveAmount(request.amount, asset.scale, 'amount');
    return {
      postings: [book(from.id, 'available', asset.symbol, -amount), book(to.id, 'available', asset.symbol, amount)],
      normalized: { from: from.id, to: to.id, asset: asset.symbol, amount: formatAmount(amount, asset.scale) },
    };
  },
  trade: planTrade,
  async adjust(request, ctx) {
    const account = await ctx.account(request.account, 'account');
    const asset = await ctx.asset(request.asset, 'asset');
    const bucket = request.bucket;
    if (typeof bucket !== 'string' || !(BUCKETS as readonly string[]).includes(bucket)) {
      throw new LedgerError('INVALID_ARGUMENT', `bucket must be one of ${BUCKETS.join(', ')}`, 'bucket');
    }
    const reason = request.reason;
    if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > 500) {
      throw new LedgerError('INVALID_ARGUMENT', 'reason must be a non-empty string of at most 500 characters', 'reason');
    }
    const amount = parseSignedAmount(request.amount, asset.scale, 'amount');
    return {
      postings: [book(account.id, bucket as Bucket, asset.symbol, amount), system('adjustments', asset.symbol, -amount)],
      normalized: { account: account.id, asset: asset.symbol, bucket, amount: formatAmount(amount, asset.scale), reason },
    };
  },
};

const TRADE_LEGS_MAX = 16;
const TRADE_SOURCES = ['available', 'held'] as const;

/**
 * A trade settles atomically: every leg moves an amount from one side (out of its `held` or
 * `available` bucket) to the other side's `available`; every fee leaves a side's `available` for
 * the venue's fee book. Exactly two accounts take part, and each must give something.
 */
async function planTrade(request: OperationRequest, ctx: PlanContext): Promise<Plan> {
  const legs = request.legs;
  const fees = request.fees ?? [];
  if (!Array.isArray(legs) || legs.length < 2 || legs.length > TRADE_LEGS_MAX) {
    throw new LedgerError('INVALID_ARGUMENT', `legs must be an array of 2 to ${TRADE_LEGS_MAX} legs`, 'legs');
  }
  if (!Array.isArray(fees) || fees.length > TRADE_LEGS_MAX) {
    throw new LedgerError('INVALID_ARGUMENT', `fees must be an array of at most ${TRADE_LEGS_MAX} fees`, 'fees');
  }
  const postings: Posting[] = [];
  const normalizedLegs: Record<string, unknown>[] = [];
  const givers = new Set<number>();
  const parties = new Set<number>();
  for (const [i, raw] of legs.entries()) {
    const leg = asObject(raw, `legs/${i}`);
    const from = await ctx.account(leg.from, `legs/${i}/from`);
    const to = await ctx.account(leg.to, `legs/${i}/to`);
    if (from.id === to.id) throw new LedgerError('INVALID_ARGUMENT', 'a leg must join two different accounts', `legs/${i}/to`);
    const asset = await ctx.asset(leg.asset, `legs/${i}/asset`);
    const amount = parsePositiveAmount(leg.amount, asset.scale, `legs/${i}/amount`);
    const source = leg.fromBucket === undefined ? 'available' : leg.fromBucket;
    if (!(TRADE_SOURCES as readonly unknown[]).includes(source)) {
      throw new LedgerError('INVALID_ARGUMENT', 'fromBucket must be available or held', `legs/${i}/fromBucket`);
    }
    postings.push(book(from.id, source as Bucket, asset.symbol, -amount), book(to.id, 'available', asset.symbol, amount));
    normalizedLegs.push({ from: from.id, to: to.id, asset: asset.symbol, amount: formatAmount(amount, asset.scale), fromBucket: source });
    givers.add(from.id);
    parties.add(from.id).add(to.id);
  }
  if (parties.size !== 2 || givers.size !== 2) {
    throw new LedgerError('INVALID_ARGUMENT', 'a trade joins exactly two accounts, and each gives something', 'legs');
  }
  const normalizedFees: Record<string, unknown>[] = [];
  for (const [i, raw] of fees.entries()) {
    const fee = asObject(raw, `fees/${i}`);
    const account = await ctx.account(fee.account, `fees/${i}/account`);
    if (!parties.has(account.id)) {
      throw new LedgerError('INVALID_ARGUMENT', 'a fee is paid by one of the two trading accounts', `fees/${i}/account`);
    }
    const asset = await ctx.asset(fee.asset, `fees/${i}/asset`);
    const amount = parsePositiveAmount(fee.amount, asset.scale, `fees/${i}/amount`);
    postings.push(book(account.id, 'available', asset.symbol, -amount), system('fees', asset.symbol, amount));
    normalizedFees.push({ account: account.id, asset: asset.symbol, amount: formatAmount(amount, asset.scale) });
  }
  return { postings, normalized: { legs: normalizedLegs, fees: normalizedFees } };
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LedgerError('INVALID_ARGUMENT', `${path} must be an object`, path);
  }
  return value as Record<string, unknown>;
}

const SINGLE = ['account', 'asset', 'amount'] as const;
const SETTLE = ['pending'] as const;

/** The fields each type reads, besides key and type. Any other field is refused, not ignored. */
const FIELDS: Record<OperationType, readonly string[]> = {
  deposit: SINGLE,
  'deposit.pending': SINGLE,
  'deposit.confirm': SETTLE,
  'deposit.cancel': SETTLE,
  'withdrawal.request': [...SINGLE, 'fee'],
  'withdrawal.complete': SETTLE,
  'withdrawal.cancel': SETTLE,
  hold: SINGLE,
  release: SINGLE,
  lock: SINGLE,
  unlock: SINGLE,
  restrict: SINGLE,
  unrestrict: SINGLE,
  borrow: SINGLE,
  repay: SINGLE,
  lend: SINGLE,
  recall: SINGLE,
  transfer: ['from', 'to', 'asset', 'amount'],
  trade: ['legs', 'fees'],
  adjust: [...SINGLE, 'bucket', 'reason'],
};

export function isOperationType(type: unknown): type is OperationType {
  return typeof type === 'string' && (OPERATION_TYPES as readonly string[]).includes(type);
}

/** Plans one operation: its postings, its normalized form, the pending it opens or closes. */
export async function planOperation(request: OperationRequest, ctx: PlanContext): Promise<Plan> {
  if (!isOperationType(request.type)) {
    throw new LedgerError('INVALID_ARGUMENT', `type must be one of ${OPERATION_TYPES.join(', ')}`, 'type');
  }
  const allowed = FIELDS[request.type];
  for (const field of Object.keys(request)) {
    if (field !== 'key' && field !== 'type' && !allowed.includes(field)) {
      throw new LedgerError('INVALID_ARGUMENT', `${field} does not apply to ${request.type}`, field);
    }
  }
  return PLANNERS[request.type](request, ctx);
}
