import type { HistoryRecord, HistoryStatus } from '../../ledger/history.js';
import type { Account, Asset } from '../../ledger/types.js';
import { venueOperationKey } from '../port.js';
import { BITGET, coinOf, uidOf } from './identity.js';
import { SPOT } from './transfer-params.js';

/**
 * Transfer keys and records. A transfer asked for through this venue is written under a key made
 * of the main account that asked and the client's id, so a replay of that id by that account is
 * the same entry; a record shows that id back as `clientOid`. A transfer made any other way (the
 * operator API) shows its ledger key instead. docs/venues/bitget.md ("Transfers") has the fields.
 */

/** The venue's key of a main account's transfer with the client's id (the port puts `bitget:` in front). */
export const transferKey = (mainAccountId: number, clientOid: string): string => `subaccount-transfer:${mainAccountId}:${clientOid}`;

const OURS = new RegExp(`^${BITGET}:subaccount-transfer:[0-9]+:(.+)$`);

/** The ledger keys a record query's `clientOid` may stand for: a transfer asked for here by the user's main account, or an operator's key. */
export function keysForClientOid(mainAccountId: number, clientOid: string): string[] {
  return [venueOperationKey(BITGET, transferKey(mainAccountId, clientOid)), clientOid];
}

/** The client's id a transfer was asked for with, or the ledger key of one made otherwise. */
export function shownClientOid(ledgerKey: string): string {
  return OURS.exec(ledgerKey)?.[1] ?? ledgerKey;
}

/** How each history status reads on Bitget. */
export const STATUS_WORD: Readonly<Record<HistoryStatus, string>> = { completed: 'Successful', pending: 'Processing', cancelled: 'Failed' };

/** The shortest exact amount, as the ledger normalized it into the entry. */
const sizeOf = (record: HistoryRecord): string => String(record.entry.request.amount);

function common(record: HistoryRecord, asset: Asset) {
  return {
    coin: coinOf(asset),
    status: STATUS_WORD[record.status],
    size: sizeOf(record),
    ts: String(record.entry.atMs),
    clientOid: shownClientOid(record.entry.key),
    transferId: String(record.entry.id),
  };
}

/** A row of `/api/v2/spot/account/transferRecords`: spot to spot, no margin symbol. */
export function renderTransferRecord(record: HistoryRecord, asset: Asset) {
  const c = common(record, asset);
  return { coin: c.coin, status: c.status, toType: SPOT, toSymbol: '', fromType: SPOT, fromSymbol: '', size: c.size, ts: c.ts, clientOid: c.clientOid, transferId: c.transferId };
}

/** A row of `/api/v2/spot/account/sub-main-trans-record`: with both sides' uids. */
export function renderSubMainRecord(record: HistoryRecord, asset: Asset, from: Account, to: Account) {
  const c = common(record, asset);
  return { coin: c.coin, status: c.status, toType: SPOT, fromType: SPOT, size: c.size, ts: c.ts, clientOid: c.clientOid, transferId: c.transferId, fromUserId: uidOf(from), toUserId: uidOf(to) };
}
