import type { Account, Asset, Bucket, FactsByVenue, JournalEntry, Posting, SystemBook, User } from '../../ledger/types.js';
import type { Reservation, ReservationKind, ReservationState } from '../../ledger/operations.js';
import { LedgerError } from '../../ledger/errors.js';
import type { Identity } from '../../ledger/venue-facts.js';
import type { CredentialRecord } from '../store.js';

/** Row shapes as the SQL engines return them (snake_case columns), and their mapping to the ledger's types. */

/** Venue facts as stored: one JSON object by venue, then fact name, text values. */
export const parseFacts = (text: string): FactsByVenue => JSON.parse(text) as FactsByVenue;
export const factsText = (facts: FactsByVenue): string => JSON.stringify(facts);

export interface AssetRow {
  symbol: string;
  name: string;
  scale: number;
  venues: string;
}
export const toAsset = (r: AssetRow): Asset => ({ symbol: r.symbol, name: r.name, scale: r.scale, venues: parseFacts(r.venues) });

export interface UserRow {
  id: number;
  name: string;
  venues: string;
  created_at_ms: number;
}
export const toUser = (r: UserRow): User => ({ id: r.id, name: r.name, venues: parseFacts(r.venues), createdAtMs: r.created_at_ms });

export interface AccountRow {
  id: number;
  user_id: number;
  kind: 'main' | 'sub';
  label: string;
  venues: string;
  created_at_ms: number;
}
export const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  label: r.label,
  venues: parseFacts(r.venues),
  createdAtMs: r.created_at_ms,
});

/**
 * The facts of one venue changed as `changes` says (a null removes one), the others as they were;
 * a venue left with no facts is dropped.
 */
export function changedFacts(facts: FactsByVenue, venue: string, changes: Readonly<Record<string, string | null>>): FactsByVenue {
  const own: Record<string, string> = { ...facts[venue] };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete own[name];
    else own[name] = value;
  }
  const out: Record<string, Readonly<Record<string, string>>> = { ...facts };
  if (Object.keys(own).length === 0) delete out[venue];
  else out[venue] = own;
  return out;
}

export interface CredentialRow {
  id: number;
  venue: string;
  user_id: number;
  account_id: number;
  public_id: string;
  secret_sealed: string | null;
  extra: string;
  label: string;
  created_at_ms: number;
}
export const toCredential = (r: CredentialRow): CredentialRecord => ({
  id: r.id,
  venue: r.venue,
  userId: r.user_id,
  accountId: r.account_id,
  publicId: r.public_id,
  secretSealed: r.secret_sealed,
  extra: JSON.parse(r.extra) as Record<string, string>,
  label: r.label,
  createdAtMs: r.created_at_ms,
});

/** The error a unique venue fact already held gives, the same on every engine. */
export const identityTaken = (identity: Identity): LedgerError =>
  new LedgerError('IDENTITY_TAKEN', `${identity.venue} ${identity.name} ${identity.value} is taken`, `venues/${identity.venue}/${identity.name}`);

export interface BalanceRow {
  account_id: number;
  asset: string;
  bucket: string;
  amount: string;
  updated_at_ms: number;
}

export interface PostingRow {
  operation_id: number;
  account_id: number;
  bucket: string;
  asset: string;
  amount: string;
}
export const toPosting = (r: PostingRow): Posting & { operationId: number } => ({
  operationId: r.operation_id,
  account: r.account_id,
  bucket: r.bucket as Bucket | SystemBook,
  asset: r.asset,
  amount: BigInt(r.amount),
});

export interface OperationRow {
  id: number;
  key: string;
  hash: string;
  type: string;
  at_ms: number;
  request: string;
}
export const toEntry = (r: OperationRow, postings: readonly Posting[]): JournalEntry => ({
  id: r.id,
  key: r.key,
  type: r.type,
  atMs: r.at_ms,
  request: JSON.parse(r.request) as Record<string, unknown>,
  postings,
});

/** A posting as a journal entry holds it: the operation it belongs to is the entry itself. */
export const withoutOperationId = (p: Posting & { operationId: number }): Posting => ({ account: p.account, bucket: p.bucket, asset: p.asset, amount: p.amount });

/**
 * A journal page from `limit + 1` operation rows (the extra one only says there is more) and the
 * postings of the first `limit`, in operation and sequence order: the same in every engine.
 */
export function toJournalPage(ops: readonly OperationRow[], postings: readonly PostingRow[], limit: number): { entries: JournalEntry[]; next: number | null } {
  const page = ops.slice(0, limit);
  const byOperation = new Map<number, Posting[]>();
  for (const p of postings) {
    const list = byOperation.get(p.operation_id) ?? [];
    list.push(withoutOperationId(toPosting(p)));
    byOperation.set(p.operation_id, list);
  }
  const last = page.at(-1);
  return { entries: page.map((op) => toEntry(op, byOperation.get(op.id) ?? [])), next: ops.length > limit && last ? last.id : null };
}

export interface ReservationRow {
  id: string;
  kind: ReservationKind;
  account_id: number;
  asset: string;
  bucket: Bucket;
  amount: string;
  fee: string;
  posted: string;
  voided: string;
  state: ReservationState;
}
export const toReservation = (r: ReservationRow): Reservation => ({
  id: r.id,
  kind: r.kind,
  account: r.account_id,
  asset: r.asset,
  bucket: r.bucket,
  amount: BigInt(r.amount),
  fee: BigInt(r.fee),
  posted: BigInt(r.posted),
  voided: BigInt(r.voided),
  state: r.state,
});

/** The largest id any engine stores (PostgreSQL's `integer` ids); a larger number names no user or account, and is never sent to the database (PostgreSQL would refuse it as out of range). */
export const ROW_ID_MAX = 2_147_483_647;
export const storableId = (id: number): boolean => Number.isSafeInteger(id) && id >= 0 && id <= ROW_ID_MAX;
