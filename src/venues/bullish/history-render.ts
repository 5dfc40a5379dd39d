import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { formatAmount, parseAmount } from '../../ledger/amount.js';
import type { HistoryRecord, HistoryStatus } from '../../ledger/history.js';
import type { Asset } from '../../ledger/types.js';
import { precisionOf } from './identity.js';
import { formatIsoMillis } from './render.js';

/**
 * History rows as Bullish shows them: a custody transaction (`GET /v1/wallets/transactions`)
 * from a deposit or withdrawal record, and an account transfer (`GET /v1/history/transfer`) from a
 * transfer record. Quantities are padded to the asset's Bullish precision like every Bullish
 * quantity (finer digits cut toward zero); the mapping is in docs/venues/bullish.md.
 */

const text = Type.String();
const nullableText = Type.Union([Type.String(), Type.Null()]);

export const CustodyTransactionRow = Type.Object({
  custodyTransactionId: text,
  direction: text,
  quantity: text,
  symbol: text,
  network: nullableText,
  fee: text,
  memo: nullableText,
  createdAtDateTime: text,
  updatedAtDateTime: text,
  status: text,
  statusReason: text,
  transactionDetails: Type.Object({ address: nullableText, blockchainTxId: nullableText, swiftUetr: Type.Null() }),
});

const Links = Type.Object({ previous: nullableText, next: nullableText });

/** The wrapped body ccxt reads (`response.data`), as observed from the venue: always wrapped, with links and a count. */
export const CustodyTransactionsBody = Type.Object({ data: Type.Array(CustodyTransactionRow), links: Links, totalCount: Type.Integer() });

export const TransferRow = Type.Object({
  requestId: text,
  toTradingAccountId: text,
  fromTradingAccountId: text,
  assetSymbol: text,
  quantity: text,
  status: text,
  statusReasonCode: text,
  statusReason: text,
  createdAtTimestamp: text,
  createdAtDatetime: text,
});

/** A bare array (what ccxt reads), or with `_metaData=true` the documented wrapped form with links. */
export const TransfersBody = Type.Union([Type.Array(TransferRow), Type.Object({ data: Type.Array(TransferRow), links: Links })]);

/** Custody statuses: the documented four, of which the ledger makes three (it does not tell a failure from a cancellation). */
export const CUSTODY_STATUS: Readonly<Record<HistoryStatus, { readonly status: string; readonly reason: string }>> = {
  pending: { status: 'PENDING', reason: 'Pending' },
  completed: { status: 'COMPLETE', reason: 'OK' },
  cancelled: { status: 'CANCELLED', reason: 'Cancelled' },
};

/** The id of a deposit or withdrawal: `DB:` and the SHA-256 of its journal key in hex, shaped like Bullish's `DB:9e63…`. */
export function custodyTransactionIdOf(key: string): string {
  return `DB:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** The entry's normalized amount field (the asset's unit) in base units; 0 when absent. */
function unitsOf(value: unknown, asset: Asset): bigint {
  return typeof value === 'string' ? parseAmount(value, asset.scale) : 0n;
}

const optionalText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function renderCustodyTransaction(record: HistoryRecord, asset: Asset) {
  const request = record.entry.request;
  const places = precisionOf(asset);
  const fee = unitsOf(request.fee, asset);
  const { status, reason } = CUSTODY_STATUS[record.status];
  return {
    custodyTransactionId: custodyTransactionIdOf(record.entry.key),
    direction: record.kind === 'deposit' ? 'DEPOSIT' : 'WITHDRAWAL',
    // "Total quantity ... including fee": the ledger's amount is what arrives, the fee is on top of it.
    quantity: formatAmount(unitsOf(request.amount, asset) + fee, asset.scale, places),
    symbol: asset.symbol,
    network: optionalText(request.chain),
    fee: formatAmount(fee, asset.scale, places),
    memo: optionalText(request.tag),
    createdAtDateTime: formatIsoMillis(record.entry.atMs),
    updatedAtDateTime: formatIsoMillis(record.updatedAtMs),
    status,
    statusReason: reason,
    transactionDetails: { address: optionalText(request.address), blockchainTxId: optionalText(request.txHash), swiftUetr: null },
  };
}

/** A transfer between trading accounts: the ledger moves it at once, so every one is `CLOSED`, "Executed". */
export function renderTransfer(record: HistoryRecord, asset: Asset, fromTradingAccountId: string, toTradingAccountId: string) {
  return {
    requestId: String(record.entry.id),
    toTradingAccountId,
    fromTradingAccountId,
    assetSymbol: asset.symbol,
    quantity: formatAmount(unitsOf(record.entry.request.amount, asset), asset.scale, precisionOf(asset)),
    status: 'CLOSED',
    statusReasonCode: '6002',
    statusReason: 'Executed',
    createdAtTimestamp: String(record.entry.atMs),
    createdAtDatetime: formatIsoMillis(record.entry.atMs),
  };
}
