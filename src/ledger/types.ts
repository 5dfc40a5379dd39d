/**
 * The ledger's vocabulary. Amounts are `bigint` base units everywhere in this folder.
 */

/**
 * The per-(account, asset) balances a venue can show: the union of what the venues served show,
 * so that no venue's view is lossy for another's. Each is a book of its own in the journal; how
 * each venue names and combines them is in docs/venues/.
 */
export const BUCKETS = [
  'available', // free to use
  'held', // reserved by open orders
  'locked', // other locks: merchant deposits, launchpad, AMM
  'restricted', // usable only for copy trading
  'borrowed', // the account's debt to the lending pool
  'loaned', // the account's funds lent out
  'pendingDeposit', // deposits seen but not yet credited
  'pendingWithdrawal', // withdrawals requested but not yet sent
] as const;
export type Bucket = (typeof BUCKETS)[number];

/**
 * The venue's own books, one per asset, against which user buckets move. They may go negative:
 * `world` is negative by exactly what the venue holds for its users.
 */
export const SYSTEM_BOOKS = [
  'world', // outside the venue: deposits come from it, withdrawals go to it
  'pool', // the lending pool: borrowings come from it, repayments go to it
  'debt', // the offset of every account's `borrowed` bucket
  'fees', // trading and withdrawal fees collected
  'adjustments', // operator corrections, each with a reason
] as const;
export type SystemBook = (typeof SYSTEM_BOOKS)[number];

/** Account id 0 owns the system books; real accounts start at 1. */
export const SYSTEM_ACCOUNT = 0;

/** One line of a journal entry: a signed amount moved into (or out of) a book. */
export interface Posting {
  readonly account: number;
  readonly bucket: Bucket | SystemBook;
  readonly asset: string;
  readonly amount: bigint;
}

/**
 * What one venue knows a subject (an asset, a user, an account) by: fact name → value, stored as
 * text. The venue declares its facts (`VenueIdentity` in ./venue-facts.ts) and parses its own
 * values; the ledger only checks, generates and stores them, and keeps the unique ones unique.
 */
export type VenueFacts = Readonly<Record<string, string>>;

/** Facts by venue id; a venue with no facts for the subject is absent. */
export type FactsByVenue = Readonly<Record<string, VenueFacts>>;

export interface Asset {
  readonly symbol: string;
  readonly name: string;
  /** Decimal places of the smallest unit the ledger keeps (8 for BTC, 18 for ETH). */
  readonly scale: number;
  readonly venues: FactsByVenue;
}

export interface User {
  readonly id: number;
  readonly name: string;
  readonly venues: FactsByVenue;
  readonly createdAtMs: number;
}

export type AccountKind = 'main' | 'sub';

export interface Account {
  readonly id: number;
  readonly userId: number;
  readonly kind: AccountKind;
  readonly label: string;
  readonly venues: FactsByVenue;
  readonly createdAtMs: number;
}

export interface Balance {
  readonly account: number;
  readonly asset: string;
  readonly bucket: Bucket;
  readonly amount: bigint;
  readonly updatedAtMs: number;
}

/** A committed journal entry: what an operation did, forever. */
export interface JournalEntry {
  readonly id: number;
  readonly key: string;
  readonly type: string;
  readonly atMs: number;
  /** The request as the ledger understood it (amounts normalized), as JSON. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly postings: readonly Posting[];
}
