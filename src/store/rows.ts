import type { Account, Asset, Bucket, JournalEntry, Posting, SystemBook, User } from '../ledger/types.js';
import type { Reservation, ReservationKind, ReservationState } from '../ledger/operations.js';
import type { CredentialRecord, CredentialVenue } from './store.js';

/** Row shapes as the SQL engines return them (snake_case columns), and their mapping to the ledger's types. */

export interface AssetRow {
  symbol: string;
  name: string;
  scale: number;
  bitget_coin: string;
  bullish_asset_id: string;
  bullish_precision: number;
  loopring_token_id: number;
  loopring_address: string;
  loopring_decimals: number;
}
export const toAsset = (r: AssetRow): Asset => ({
  symbol: r.symbol,
  name: r.name,
  scale: r.scale,
  bitget: { coin: r.bitget_coin },
  bullish: { assetId: r.bullish_asset_id, precision: r.bullish_precision },
  loopring: { tokenId: r.loopring_token_id, address: r.loopring_address, decimals: r.loopring_decimals },
});

export interface UserRow {
  id: number;
  name: string;
  /** SQLite has no boolean: 0 or 1 there, a boolean in PostgreSQL. */
  bitget_broker: number | boolean;
  created_at_ms: number;
}
export const toUser = (r: UserRow): User => ({ id: r.id, name: r.name, bitgetBroker: r.bitget_broker === 1 || r.bitget_broker === true, createdAtMs: r.created_at_ms });

export interface AccountRow {
  id: number;
  user_id: number;
  kind: 'main' | 'sub';
  label: string;
  bitget_uid: string;
  bullish_trading_account_id: string;
  loopring_account_id: number;
  loopring_address: string;
  loopring_public_key_x: string | null;
  loopring_public_key_y: string | null;
  created_at_ms: number;
}
export const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  label: r.label,
  bitgetUid: r.bitget_uid,
  bullishTradingAccountId: r.bullish_trading_account_id,
  loopringAccountId: r.loopring_account_id,
  loopringAddress: r.loopring_address,
  loopringPublicKey:
    r.loopring_public_key_x !== null && r.loopring_public_key_y !== null ? { x: r.loopring_public_key_x, y: r.loopring_public_key_y } : null,
  createdAtMs: r.created_at_ms,
});

export interface CredentialRow {
  id: number;
  venue: CredentialVenue;
  user_id: number;
  account_id: number;
  public_id: string;
  secret_sealed: string | null;
  passphrase_hash: string | null;
  rsa_public_key_pem: string | null;
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
  passphraseHash: r.passphrase_hash,
  rsaPublicKeyPem: r.rsa_public_key_pem,
  label: r.label,
  createdAtMs: r.created_at_ms,
});

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
