import { Type, type Static } from '@sinclair/typebox';
import { parseAmount } from '../../ledger/amount.js';
import type { HistoryRecord } from '../../ledger/history.js';
import type { Account, Asset } from '../../ledger/types.js';
import { STATUS_WORD, hashOfKey } from './history-params.js';
import { accountIdOf, decimalsOf, ownerOf } from './identity.js';
import { toTokenUnits } from './render.js';

/**
 * History rows as DEX API v3 defines them (swag.json `DepositData`, `WithdrawalData`,
 * `TransferData`), from the ledger's history records. The field mapping and what has no ledger
 * counterpart (blocks, fast withdrawals) are in docs/venues/loopring.md. Amounts are integer
 * strings in the token's unit, as on balances; times are ms integers.
 */

const Units = Type.String({ pattern: '^(0|[1-9][0-9]*)$' });
const common = {
  id: Type.Integer(),
  hash: Type.String(),
  symbol: Type.String(),
  amount: Units,
  status: Type.String(),
  progress: Type.String(),
  timestamp: Type.Integer(),
  updatedAt: Type.Integer(),
};

export const DepositRow = Type.Object({ ...common, txHash: Type.String(), blockNum: Type.Integer(), blockId: Type.Integer(), indexInBlock: Type.Integer() });
export const WithdrawalRow = Type.Object({
  ...common,
  txType: Type.String(),
  txHash: Type.String(),
  feeTokenSymbol: Type.String(),
  feeAmount: Units,
  blockNum: Type.Integer(),
  distributeHash: Type.String(),
  requestId: Type.Integer(),
  fastStatus: Type.String(),
});
export const TransferRow = Type.Object({
  ...common,
  txType: Type.String(),
  senderAddress: Type.String(),
  receiver: Type.Integer(),
  receiverAddress: Type.String(),
  feeTokenSymbol: Type.String(),
  feeAmount: Units,
  memo: Type.String(),
});

/** A success body: `totalNum` and the page, and never `resultInfo` (the SDK would return that instead of the rows). */
const page = <T extends typeof DepositRow | typeof WithdrawalRow | typeof TransferRow>(row: T) =>
  Type.Object({ totalNum: Type.Integer(), transactions: Type.Array(row) }, { additionalProperties: false });
export const DepositsBody = page(DepositRow);
export const WithdrawalsBody = page(WithdrawalRow);
export const TransfersBody = page(TransferRow);

type Row<T extends typeof DepositRow | typeof WithdrawalRow | typeof TransferRow> = Static<T>;

/** A normalized amount of the entry's request (the asset's unit) in the token's base unit. */
function units(text: unknown, asset: Asset): string {
  const value = typeof text === 'string' ? parseAmount(text, asset.scale) : 0n;
  return toTokenUnits(value, asset.scale, decimalsOf(asset)).toString();
}

function base(record: HistoryRecord, asset: Asset) {
  const status = STATUS_WORD[record.status];
  return {
    id: record.entry.id,
    hash: hashOfKey(record.entry.key),
    symbol: asset.symbol,
    amount: units(record.entry.request.amount, asset),
    status,
    // Settled (either way) is all the way; assetbook has no steps in between.
    progress: status === 'processing' ? '0%' : '100%',
    timestamp: record.entry.atMs,
    updatedAt: record.updatedAtMs,
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function renderDeposit(record: HistoryRecord, asset: Asset): Row<typeof DepositRow> {
  return { ...base(record, asset), txHash: text(record.entry.request.txHash), blockNum: 0, blockId: 0, indexInBlock: 0 };
}

export function renderWithdrawal(record: HistoryRecord, asset: Asset): Row<typeof WithdrawalRow> {
  return {
    ...base(record, asset),
    txType: 'OFFCHAIN_WITHDRAWAL',
    txHash: text(record.entry.request.txHash),
    feeTokenSymbol: asset.symbol,
    feeAmount: units(record.entry.request.fee, asset),
    blockNum: 0,
    distributeHash: '',
    requestId: record.entry.id,
    fastStatus: 'EMPTY',
  };
}

export function renderTransfer(record: HistoryRecord, asset: Asset, from: Account | undefined, to: Account | undefined): Row<typeof TransferRow> {
  return {
    ...base(record, asset),
    txType: 'TRANSFER',
    senderAddress: from ? ownerOf(from) : '',
    receiver: to ? accountIdOf(to) : 0,
    receiverAddress: to ? ownerOf(to) : '',
    feeTokenSymbol: asset.symbol,
    feeAmount: '0',
    memo: '',
  };
}
