import { Type, type Static } from '@sinclair/typebox';
import { formatAmount, parseAmount } from '../../ledger/amount.js';
import type { HistoryRecord, HistoryStatus } from '../../ledger/history.js';
import type { Account, Asset } from '../../ledger/types.js';
import type { Bill } from './bills.js';
import { coinOf, uidOf } from './identity.js';

/**
 * History rows as Bitget's v2 spot API shows them (Get Deposit Records, Get Withdrawal Records,
 * Get Account Bills, Get Account Information), from the ledger's records. Amounts are exact plain
 * decimals in the asset's unit, times ms strings; docs/venues/bitget.md has the field mapping and
 * what has no ledger counterpart.
 */

/** The word each ledger status is shown as (ccxt: success → ok, pending → pending, fail → failed). */
export const STATUS_WORD: Readonly<Record<HistoryStatus, string>> = { pending: 'pending', completed: 'success', cancelled: 'fail' };

const Text = Type.String();
const OrNull = Type.Union([Type.String(), Type.Null()]);

const record = {
  orderId: Text,
  tradeId: OrNull,
  coin: Text,
  type: Text,
  size: Text,
  fee: Text,
  status: Text,
  fromAddress: OrNull,
  toAddress: OrNull,
  chain: OrNull,
  dest: Text,
  tag: Text,
  cTime: Text,
  uTime: Text,
};
export const DepositRecord = Type.Object(record);
export const WithdrawalRecord = Type.Object({ ...record, clientOid: Text, confirm: Text });
export const BillRow = Type.Object({
  billId: Text,
  coin: Text,
  groupType: Text,
  businessType: Text,
  size: Text,
  balance: Text,
  fees: Text,
  cTime: Text,
});
export const AccountInfo = Type.Object({
  userId: Text,
  inviterId: Text,
  ips: Text,
  authorities: Type.Array(Text),
  parentId: Type.Integer(),
  traderType: Text,
  channelCode: Text,
  channel: Text,
  regisTime: Text,
});

const given = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A fee as Bitget signs it: what was taken, negative; "0" for none. */
const signedFee = (fee: bigint, asset: Asset) => formatAmount(-fee, asset.scale);

/**
 * The fields deposits and withdrawals share. `size` is the amount with the fee on top (what left
 * the outside for a deposit, what left the account for a withdrawal), so that ccxt's
 * `amount = size − |fee|` is the operation's amount.
 */
function common(entry: HistoryRecord, asset: Asset, type: string) {
  const request = entry.entry.request;
  const amount = parseAmount(request.amount, asset.scale);
  const fee = request.fee === undefined ? 0n : parseAmount(request.fee, asset.scale);
  return {
    orderId: String(entry.entry.id),
    tradeId: given(request.txHash),
    coin: coinOf(asset),
    type,
    size: formatAmount(amount + fee, asset.scale),
    fee: signedFee(fee, asset),
    status: STATUS_WORD[entry.status],
    chain: given(request.chain),
    dest: 'on_chain',
    tag: given(request.tag) ?? '',
    cTime: String(entry.entry.atMs),
    uTime: String(entry.updatedAtMs),
  };
}

/** The outside `address` is where the deposit came from; where it arrived (a deposit address) the journal does not say. */
export function renderDeposit(entry: HistoryRecord, asset: Asset): Static<typeof DepositRecord> {
  return { ...common(entry, asset, 'deposit'), fromAddress: given(entry.entry.request.address), toAddress: null };
}

/** `clientOid` is the request's journal key, the id its client chose; the outside `address` is where it goes. */
export function renderWithdrawal(entry: HistoryRecord, asset: Asset): Static<typeof WithdrawalRecord> {
  return { ...common(entry, asset, 'withdraw'), fromAddress: null, toAddress: given(entry.entry.request.address), clientOid: entry.entry.key, confirm: '0' };
}

export function renderBill(bill: Bill, asset: Asset): Static<typeof BillRow> {
  return {
    billId: String(bill.billId),
    coin: coinOf(asset),
    groupType: bill.groupType,
    businessType: bill.businessType,
    size: formatAmount(bill.size, asset.scale),
    balance: formatAmount(bill.balance, asset.scale),
    fees: signedFee(bill.fee, asset),
    cTime: String(bill.atMs),
  };
}

/** What a key may do on assetbook, in the venue's words: read spot balances and bills (stor), wallet records (wtor), and for a main account its sub-accounts (chor). */
export function authoritiesOf(account: Account): string[] {
  return account.kind === 'main' ? ['stor', 'wtor', 'chor'] : ['stor', 'wtor'];
}

/** `parentId` is the main account's uid (a main account's own); nothing assetbook keeps stands for an inviter, a channel or an IP list. */
export function renderAccountInfo(account: Account, main: Account): Static<typeof AccountInfo> {
  return {
    userId: uidOf(account),
    inviterId: '',
    ips: '',
    authorities: authoritiesOf(account),
    parentId: Number(uidOf(main)),
    traderType: 'not_trader',
    channelCode: '',
    channel: '',
    regisTime: String(account.createdAtMs),
  };
}
