import { formatAmount, parseAmount, parsePositiveAmount, parseSignedAmount } from './amount.js';
import { LedgerError } from './errors.js';
import { TRANSIT_FIELDS, type OperationOf, type OperationRequest, type OperationType } from './operation-types.js';
import { SYSTEM_ACCOUNT, type Account, type Asset, type Bucket, type Posting, type SystemBook } from './types.js';

/**
 * Operations: what a client asks the ledger to do, and the postings each one means.
 * Planning is pure apart from the reads in `PlanContext`; it never writes and never checks
 * balances (the ledger does that after netting every posting of the entry).
 */

export { HOLD_KINDS, OPERATION_TYPES, type OperationOf, type OperationRequest, type OperationType } from './operation-types.js';

export type PendingKind = 'deposit' | 'withdrawal';
export type PendingState = 'open' | 'confirmed' | 'cancelled' | 'completed';

/**
 * A deposit or withdrawal that is waiting to be settled, named by the key of its opening
 * operation: the view the deposit/withdrawal operations keep of their reservation.
 */
export interface Pending {
  readonly key: string;
  readonly kind: PendingKind;
  readonly account: number;
  readonly asset: string;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly state: PendingState;
}

export const RESERVATION_KINDS = ['order', 'withdrawal', 'deposit', 'other'] as const;
export type ReservationKind = (typeof RESERVATION_KINDS)[number];
/** Where each kind's reserved amount sits. */
export const RESERVATION_BUCKET: Readonly<Record<ReservationKind, Bucket>> = {
  order: 'held',
  other: 'held',
  deposit: 'pendingDeposit',
  withdrawal: 'pendingWithdrawal',
};
/** The buckets reservations live in: no operation may take such a bucket below its open reservations. */
export const RESERVABLE_BUCKETS: readonly Bucket[] = ['held', 'pendingDeposit', 'pendingWithdrawal'];

/**
 * open: something is left. posted: all of it was posted. voided: none was posted, the rest was
 * voided. closed: part posted, the rest voided. Only an open reservation can change.
 */
export type ReservationState = 'open' | 'posted' | 'voided' | 'closed';

/**
 * An amount set aside in one bucket under an id (TigerBeetle's pending transfer): posted out in
 * parts, voided for the rest. `amount` is everything reserved, a withdrawal's `fee` included.
 */
export interface Reservation {
  readonly id: string;
  readonly kind: ReservationKind;
  readonly account: number;
  readonly asset: string;
  readonly bucket: Bucket;
  readonly amount: bigint;
  /** The part of `amount` that is a deposit's or withdrawal's fee (0 for other kinds). */
  readonly fee: bigint;
  readonly posted: bigint;
  readonly voided: bigint;
  readonly state: ReservationState;
}

export const remainderOf = (r: Reservation): bigint => r.amount - r.posted - r.voided;

/** The state once nothing is left: by what was posted and voided. */
export function finalState(posted: bigint, voided: bigint): ReservationState {
  if (voided === 0n) return 'posted';
  return posted === 0n ? 'voided' : 'closed';
}

/** A deposit or withdrawal reservation as the pending operations name it; undefined for any other. */
export function pendingView(r: Reservation | undefined): Pending | undefined {
  if (!r || (r.kind !== 'deposit' && r.kind !== 'withdrawal')) return undefined;
  const state = r.state === 'open' ? 'open' : r.state === 'posted' ? (r.kind === 'deposit' ? 'confirmed' : 'completed') : 'cancelled';
  return { key: r.id, kind: r.kind, account: r.account, asset: r.asset, amount: r.amount - r.fee, fee: r.fee, state };
}

/** The reads a plan may make; each refuses what does not exist (the request's shape is already checked). */
export interface PlanContext {
  asset(symbol: string, path: string): Promise<Asset>;
  account(id: number, path: string): Promise<Account>;
  pending(key: string, kind: PendingKind, path: string): Promise<Pending>;
  /** An open reservation: refused with PENDING_NOT_FOUND or PENDING_CLOSED otherwise. */
  reservation(id: string, path: string): Promise<Reservation>;
}

/** A change to an existing reservation: amounts posted out of it and voided. */
export interface ReservationDraw {
  readonly id: string;
  readonly post: bigint;
  readonly void: bigint;
}

export interface Plan {
  readonly postings: Posting[];
  /** The request as understood: ids and symbols checked, amounts in their shortest exact form. */
  readonly normalized: Record<string, unknown>;
  /** A reservation this operation opens; its id defaults to the operation's key. */
  readonly reserves?: Omit<Reservation, 'id' | 'posted' | 'voided' | 'state'> & { readonly id?: string };
  readonly draws?: readonly ReservationDraw[];
}

/**
 * Plans one type of operation. The request is already its type's exact shape (the schema in
 * operation-types.ts was checked at the ledger's boundary): a planner checks only what the schema
 * cannot, that assets, accounts and reservations exist, amounts fit their asset, and the rules.
 */
type Planner<R> = (request: R, ctx: PlanContext) => Promise<Plan>;

/** The fields of the one-account, one-asset, one-amount types. */
interface Single {
  readonly account: number;
  readonly asset: string;
  readonly amount: string;
}

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
async function readSingle(request: Single, ctx: PlanContext) {
  const account = await ctx.account(request.account, 'account');
  const asset = await ctx.asset(request.asset, 'asset');
  const amount = parsePositiveAmount(request.amount, asset.scale, 'amount');
  const normalized = { account: account.id, asset: asset.symbol, amount: formatAmount(amount, asset.scale) };
  return { account: account.id, asset, amount, normalized };
}

/** An operation that only moves an amount between two buckets of one account. */
function bucketShift(from: Bucket, to: Bucket): Planner<Single> {
  return async (request, ctx) => {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    return { postings: shift(account, from, to, asset.symbol, amount), normalized };
  };
}

/** A withdrawal fee: absent or any spelling of zero means none. */
function optionalFee(fee: string | undefined, asset: Asset): bigint {
  return fee === undefined ? 0n : parseAmount(fee, asset.scale, 'fee');
}

/** A deposit's fee in the normalized request only when it was given, so entries without one read as before. */
function givenFee(text: string | undefined, fee: bigint, asset: Asset): Record<string, string> {
  return text === undefined ? {} : { fee: formatAmount(fee, asset.scale) };
}

/** The transit fields a deposit or withdrawal was given (chain, address, tag, txHash), as given: only those present. */
function transitOf(request: Readonly<Partial<Record<(typeof TRANSIT_FIELDS)[number], string>>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of TRANSIT_FIELDS) {
    const value = request[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** Postings without the zero ones (an absent fee). */
const nonZero = (postings: Posting[]): Posting[] => postings.filter((posting) => posting.amount !== 0n);

/** Settles a whole pending: `outcome` says whether its amount is posted or voided. */
function settle(kind: PendingKind, outcome: 'post' | 'void', postings: (p: Pending) => Posting[]): Planner<{ readonly pending: string }> {
  return async (request, ctx) => {
    const pending = await ctx.pending(request.pending, kind, 'pending');
    const all = pending.amount + pending.fee;
    const draw = { id: pending.key, post: outcome === 'post' ? all : 0n, void: outcome === 'void' ? all : 0n };
    return { postings: postings(pending), normalized: { pending: pending.key }, draws: [draw] };
  };
}

/** Every type's planner, each taking its own request type: a new type does not compile until it is planned here. */
const PLANNERS: { readonly [T in OperationType]: Planner<OperationOf<T>> } = {
  // A fee is taken on top of the amount from the side that sends: the amount is what arrives
  // (in the account for a deposit, outside for a withdrawal), the fee goes to the `fees` book.
  async deposit(request, ctx) {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    const fee = optionalFee(request.fee, asset);
    return {
      postings: nonZero([system('world', asset.symbol, -(amount + fee)), book(account, 'available', asset.symbol, amount), system('fees', asset.symbol, fee)]),
      normalized: { ...normalized, ...givenFee(request.fee, fee, asset), ...transitOf(request) },
    };
  },
  async 'deposit.pending'(request, ctx) {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    const fee = optionalFee(request.fee, asset);
    return {
      postings: [system('world', asset.symbol, -(amount + fee)), book(account, 'pendingDeposit', asset.symbol, amount + fee)],
      normalized: { ...normalized, ...givenFee(request.fee, fee, asset), ...transitOf(request) },
      reserves: { kind: 'deposit', bucket: 'pendingDeposit', account, asset: asset.symbol, amount: amount + fee, fee },
    };
  },
  'deposit.confirm': settle('deposit', 'post', (p) =>
    nonZero([
      book(p.account, 'pendingDeposit', p.asset, -(p.amount + p.fee)),
      book(p.account, 'available', p.asset, p.amount),
      system('fees', p.asset, p.fee),
    ]),
  ),
  'deposit.cancel': settle('deposit', 'void', (p) => [
    book(p.account, 'pendingDeposit', p.asset, -(p.amount + p.fee)),
    system('world', p.asset, p.amount + p.fee),
  ]),
  async 'withdrawal.request'(request, ctx) {
    const { account, asset, amount, normalized } = await readSingle(request, ctx);
    const fee = optionalFee(request.fee, asset);
    return {
      postings: shift(account, 'available', 'pendingWithdrawal', asset.symbol, amount + fee),
      normalized: { ...normalized, fee: formatAmount(fee, asset.scale), ...transitOf(request) },
      reserves: { kind: 'withdrawal', bucket: 'pendingWithdrawal', account, asset: asset.symbol, amount: amount + fee, fee },
    };
  },
  'withdrawal.complete': settle('withdrawal', 'post', (p) =>
    [
      book(p.account, 'pendingWithdrawal', p.asset, -(p.amount + p.fee)),
      system('world', p.asset, p.amount),
      system('fees', p.asset, p.fee),
    ].filter((posting) => posting.amount !== 0n),
  ),
  'withdrawal.cancel': settle('withdrawal', 'void', (p) =>
    shift(p.account, 'pendingWithdrawal', 'available', p.asset, p.amount + p.fee),
  ),
  hold: planHold,
  release: bucketShift('held', 'available'),
  'reservation.post': planReservationPost,
  'reservation.void': planReservationVoid,
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
    const { bucket, reason } = request;
    // The schema bounds its length; blank is a rule of the journal, not of a string's shape.
    if (reason.trim().length === 0) throw new LedgerError('INVALID_ARGUMENT', 'reason must say why: it is blank', 'reason');
    const amount = parseSignedAmount(request.amount, asset.scale, 'amount');
    return {
      postings: [book(account.id, bucket, asset.symbol, amount), system('adjustments', asset.symbol, -amount)],
      normalized: { account: account.id, asset: asset.symbol, bucket, amount: formatAmount(amount, asset.scale), reason },
    };
  },
};

/**
 * available → held. With `reservation`, the amount is set aside under that id (kind `order` by
 * default) for later posts and a void; without, it is an anonymous hold as before, released by
 * `release`. The normalized form only grows the fields when they are given, so replays of older
 * holds keep their content hash.
 */
async function planHold(request: OperationOf<'hold'>, ctx: PlanContext): Promise<Plan> {
  const { account, asset, amount, normalized } = await readSingle(request, ctx);
  const postings = shift(account, 'available', 'held', asset.symbol, amount);
  if (request.reservation === undefined) {
    if (request.kind !== undefined) throw new LedgerError('INVALID_ARGUMENT', 'kind is the kind of a reservation: give reservation too', 'kind');
    return { postings, normalized };
  }
  const id = request.reservation;
  const kind = request.kind ?? 'order';
  return {
    postings,
    normalized: { ...normalized, reservation: id, kind },
    reserves: { id, kind, bucket: 'held', account, asset: asset.symbol, amount, fee: 0n },
  };
}

/** Part of a held reservation goes to another account's available (a trade leg does the same from a trade). */
async function planReservationPost(request: OperationOf<'reservation.post'>, ctx: PlanContext): Promise<Plan> {
  const r = await ctx.reservation(request.reservation, 'reservation');
  if (r.bucket !== 'held') {
    throw new LedgerError('INVALID_ARGUMENT', `a ${r.kind} reservation is posted by ${r.kind}.${r.kind === 'deposit' ? 'confirm' : 'complete'}`, 'reservation');
  }
  const to = await ctx.account(request.to, 'to');
  if (to.id === r.account) throw new LedgerError('INVALID_ARGUMENT', 'to must be another account: void the reservation to release it', 'to');
  const asset = await ctx.asset(r.asset, 'reservation');
  const amount = parsePositiveAmount(request.amount, asset.scale, 'amount');
  return {
    postings: [book(r.account, 'held', r.asset, -amount), book(to.id, 'available', r.asset, amount)],
    normalized: { reservation: r.id, to: to.id, amount: formatAmount(amount, asset.scale) },
    draws: [{ id: r.id, post: amount, void: 0n }],
  };
}

/** Releases everything left of a reservation to where it came from, and closes it. */
async function planReservationVoid(request: OperationOf<'reservation.void'>, ctx: PlanContext): Promise<Plan> {
  const r = await ctx.reservation(request.reservation, 'reservation');
  const rest = remainderOf(r);
  const postings =
    r.bucket === 'pendingDeposit'
      ? [book(r.account, 'pendingDeposit', r.asset, -rest), system('world', r.asset, rest)]
      : shift(r.account, r.bucket, 'available', r.asset, rest);
  return { postings, normalized: { reservation: r.id }, draws: [{ id: r.id, post: 0n, void: rest }] };
}

/**
 * A trade settles atomically: every leg moves an amount from one side (out of its `held` or
 * `available` bucket, or out of a reservation in `held`) to the other side's `available`; every fee leaves a side's `available` for
 * the venue's fee book. Exactly two accounts take part, and each must give something.
 */
async function planTrade(request: OperationOf<'trade'>, ctx: PlanContext): Promise<Plan> {
  const legs = request.legs;
  const fees = request.fees ?? [];
  const postings: Posting[] = [];
  const draws: ReservationDraw[] = [];
  const normalizedLegs: Record<string, unknown>[] = [];
  const givers = new Set<number>();
  const parties = new Set<number>();
  for (const [i, leg] of legs.entries()) {
    const from = await ctx.account(leg.from, `legs/${i}/from`);
    const to = await ctx.account(leg.to, `legs/${i}/to`);
    if (from.id === to.id) throw new LedgerError('INVALID_ARGUMENT', 'a leg must join two different accounts', `legs/${i}/to`);
    const asset = await ctx.asset(leg.asset, `legs/${i}/asset`);
    const amount = parsePositiveAmount(leg.amount, asset.scale, `legs/${i}/amount`);
    const source = leg.fromBucket ?? (leg.reservation === undefined ? 'available' : 'held');
    postings.push(book(from.id, source, asset.symbol, -amount), book(to.id, 'available', asset.symbol, amount));
    const normalizedLeg: Record<string, unknown> = { from: from.id, to: to.id, asset: asset.symbol, amount: formatAmount(amount, asset.scale), fromBucket: source };
    if (leg.reservation !== undefined) {
      const path = `legs/${i}/reservation`;
      const r = await ctx.reservation(leg.reservation, path);
      if (source !== 'held' || r.bucket !== 'held' || r.account !== from.id || r.asset !== asset.symbol) {
        throw new LedgerError('INVALID_ARGUMENT', `reservation ${r.id} holds ${r.asset} of account ${r.account} in ${r.bucket}: not what this leg gives`, path);
      }
      draws.push({ id: r.id, post: amount, void: 0n });
      normalizedLeg.reservation = r.id;
    }
    normalizedLegs.push(normalizedLeg);
    givers.add(from.id);
    parties.add(from.id).add(to.id);
  }
  if (parties.size !== 2 || givers.size !== 2) {
    throw new LedgerError('INVALID_ARGUMENT', 'a trade joins exactly two accounts, and each gives something', 'legs');
  }
  const normalizedFees: Record<string, unknown>[] = [];
  for (const [i, fee] of fees.entries()) {
    const account = await ctx.account(fee.account, `fees/${i}/account`);
    if (!parties.has(account.id)) {
      throw new LedgerError('INVALID_ARGUMENT', 'a fee is paid by one of the two trading accounts', `fees/${i}/account`);
    }
    const asset = await ctx.asset(fee.asset, `fees/${i}/asset`);
    const amount = parsePositiveAmount(fee.amount, asset.scale, `fees/${i}/amount`);
    postings.push(book(account.id, 'available', asset.symbol, -amount), system('fees', asset.symbol, amount));
    normalizedFees.push({ account: account.id, asset: asset.symbol, amount: formatAmount(amount, asset.scale) });
  }
  return { postings, normalized: { legs: normalizedLegs, fees: normalizedFees }, ...(draws.length > 0 ? { draws } : {}) };
}

/** Plans one operation: its postings, its normalized form, the reservation it opens or draws on. */
export async function planOperation(request: OperationRequest, ctx: PlanContext): Promise<Plan> {
  // TypeScript cannot pair a union's member with the map's entry for its own type; the map's type does.
  const planner = PLANNERS[request.type] as Planner<OperationRequest>;
  return planner(request, ctx);
}
