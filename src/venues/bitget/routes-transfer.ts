import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HISTORY_PAGE_MAX, type HistoryQuery, type HistoryRecord } from '../../ledger/history.js';
import { formatAmount } from '../../ledger/amount.js';
import { assert, isLedgerError } from '../../ledger/errors.js';
import type { Account, Asset } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { assetOfCoin } from './assets-view.js';
import { param, type BitgetContext } from './context.js';
import { bitgetError } from './errors.js';
import * as S from './schemas.js';
import { SPOT, accountType, amountOf, bodyFields, clientOidOf, recordQuery, requireSpot, textField, uidField, type RecordQuery } from './transfer-params.js';
import { keysForClientOid, renderSubMainRecord, renderTransferRecord, transferKey } from './transfer-render.js';

export const TRANSFER_RECORDS_DEFAULT = 100;
export const TRANSFER_RECORDS_MAX = 500;
export const SUB_MAIN_RECORDS_DEFAULT = 100;
export const SUB_MAIN_RECORDS_MAX = 100;

/**
 * Transfers between a main account and its sub-accounts, and their records:
 * - `POST /api/v2/spot/wallet/subaccount-transfer`: the ledger's `transfer`, keyed by the
 *   client's `clientOid`, asked for with the main account's key;
 * - `POST /api/v2/spot/wallet/transfer` (between one user's account types, what ccxt's
 *   `transfer` calls): refused, since assetbook keeps only spot accounts;
 * - `GET /api/v2/spot/account/transferRecords` (ccxt's `fetchTransfers`): the caller's transfers;
 * - `GET /api/v2/spot/account/sub-main-trans-record`: a main account's view of main-sub transfers.
 * Each authenticates, then counts against `bitget.account`. docs/venues/bitget.md ("Transfers").
 */
export const transferRoutes = (ctx: BitgetContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  const coinAsset = async (coin: string): Promise<Asset> => {
    const asset = await assetOfCoin(port, coin);
    if (!asset) throw bitgetError('parameterUnknown', 'coin');
    return asset;
  };

  /** A main account's caller: the sub-account endpoints are the main account's alone. */
  const mainCaller = async (request: FastifyRequest, reply: FastifyReply): Promise<Account> => {
    const { account } = await ctx.authorize(request, reply);
    if (account.kind !== 'main') throw bitgetError('permissionDenied', 'main-account');
    return account;
  };

  /** The account a uid names, when it is `main` itself or one of its sub-accounts; `40028` otherwise (another user's, or none). */
  const ownAccount = async (main: Account, uid: string): Promise<Account> => {
    const found = await port.accountByFact('uid', uid);
    if (!found || found.userId !== main.userId) throw bitgetError('subUidNotOwned');
    return found;
  };

  app.post('/spot/wallet/subaccount-transfer', { schema: { response: { 200: S.envelope(S.TransferDone) } } }, async (request, reply) => {
    const main = await mainCaller(request, reply);
    const fields = bodyFields(request.body);
    const fromType = accountType(fields, 'fromType');
    const toType = accountType(fields, 'toType');
    textField(fields, 'amount', true);
    const coin = textField(fields, 'coin', true);
    const fromUid = uidField(fields, 'fromUserId');
    const toUid = uidField(fields, 'toUserId');
    requireSpot('fromType', fromType);
    requireSpot('toType', toType);
    const clientOid = clientOidOf(fields) ?? generatedClientOid();
    const asset = await coinAsset(coin);
    const units = amountOf(fields, asset);
    const from = await ownAccount(main, fromUid);
    const to = await ownAccount(main, toUid);
    if (from.id === to.id) throw bitgetError('parameterInvalid', 'toUserId: the same spot account as fromUserId, which moves nothing');
    // The amount normalized, so "1.50" and "1.5" under one clientOid are one transfer, not a conflict.
    const transfer = { key: transferKey(main.id, clientOid), from: from.id, to: to.id, asset: asset.symbol, amount: formatAmount(units, asset.scale) };
    const done = await port.transfer(transfer).catch((error: unknown) => {
      // The ledger names its key; the client knows it as its clientOid.
      if (isLedgerError(error) && error.code === 'IDEMPOTENCY_CONFLICT') throw bitgetError('parameterInvalid', 'clientOid: used before for another transfer');
      throw error;
    });
    return ctx.success({ transferId: String(done.id), clientOid });
  });

  app.post('/spot/wallet/transfer', { schema: { response: { 200: S.envelope(S.TransferDone) } } }, async (request, reply) => {
    await ctx.authorize(request, reply);
    const fields = bodyFields(request.body);
    // Only the account types decide: whatever the amount (ccxt sends a JSON number here), no
    // transfer between one user's account types can happen, and nothing is written.
    requireSpot('fromType', accountType(fields, 'fromType'));
    requireSpot('toType', accountType(fields, 'toType'));
    throw bitgetError('parameterInvalid', 'toType: spot to spot moves nothing (assetbook keeps spot accounts only; between a main account and its sub-accounts use /api/v2/spot/wallet/subaccount-transfer)');
  });

  app.get('/spot/account/transferRecords', { schema: { response: { 200: S.envelope(S.TransferRecords) } } }, async (request, reply) => {
    const { account } = await ctx.authorize(request, reply);
    const coin = param(request.query, 'coin');
    if (coin === undefined || coin === '') throw bitgetError('parameterEmpty', 'coin');
    const fromType = param(request.query, 'fromType');
    if (fromType === undefined || fromType === '') throw bitgetError('parameterEmpty', 'fromType');
    const sourceType = accountType({ fromType }, 'fromType');
    const asset = await coinAsset(coin);
    const query = recordQuery(request.query, { limitDefault: TRANSFER_RECORDS_DEFAULT, limitMax: TRANSFER_RECORDS_MAX });
    // No account of another type exists, so none was ever the source of a transfer.
    if (sourceType !== SPOT) return ctx.success([]);
    const main = await mainOf(port, account);
    const records = await historyPage(port, historyBase(account.id, asset, query, main.id), query);
    return ctx.success(records.map((r) => renderTransferRecord(r, asset)));
  });

  app.get('/spot/account/sub-main-trans-record', { schema: { response: { 200: S.envelope(S.SubMainTransferRecords) } } }, async (request, reply) => {
    const main = await mainCaller(request, reply);
    const coin = param(request.query, 'coin');
    const asset = coin === undefined || coin === '' ? undefined : await coinAsset(coin);
    const role = param(request.query, 'role') || 'initiator';
    if (role !== 'initiator' && role !== 'receiver') throw bitgetError('parameterError', 'role');
    const subUid = param(request.query, 'subUid');
    let subject = main;
    if (subUid !== undefined && subUid !== '') {
      subject = await ownAccount(main, subUid);
      if (subject.kind !== 'sub') throw bitgetError('subUidNotOwned');
    }
    const query = recordQuery(request.query, { limitDefault: SUB_MAIN_RECORDS_DEFAULT, limitMax: SUB_MAIN_RECORDS_MAX });
    const family = new Map((await port.accountsOfUser(main.userId)).map((a) => [a.id, a]));
    const side = role === 'initiator' ? 'from' : 'to';
    // Main-sub transfers only: the subject on the role's side, the other side one of the user's accounts.
    const keep = (r: HistoryRecord) => r.entry.request[side] === subject.id && family.has(Number(r.entry.request.from)) && family.has(Number(r.entry.request.to));
    const records = await historyPage(port, historyBase(subject.id, asset, query, main.id), query, keep);
    const rows = [];
    for (const record of records) {
      const held = asset ?? (await port.asset(String(record.entry.request.asset)));
      // Tier three: the journal names only catalog assets.
      assert(held, `entry ${record.entry.id} moves an asset not in the catalog`);
      rows.push(renderSubMainRecord(record, held, family.get(Number(record.entry.request.from))!, family.get(Number(record.entry.request.to))!));
    }
    return ctx.success(rows);
  });
};

/** A fresh client id when the client gave none, as the venue makes one: a long decimal, unique by chance (64 random bits). */
function generatedClientOid(): string {
  return BigInt(`0x${randomBytes(8).toString('hex')}`).toString();
}

/** The main account of an account's user (the account itself when it is the main one). */
async function mainOf(port: VenuePort, account: Account): Promise<Account> {
  if (account.kind === 'main') return account;
  const main = (await port.accountsOfUser(account.userId)).find((a) => a.kind === 'main');
  assert(main, `user ${account.userId} has a main account`);
  return main;
}

/** The history query of a record query, without its page size and cursor. */
function historyBase(accountId: number, asset: Asset | undefined, query: RecordQuery, mainId: number): Omit<HistoryQuery, 'limit' | 'beforeId'> {
  return {
    account: accountId,
    kinds: ['transfer'],
    ...(asset === undefined ? {} : { asset: asset.symbol }),
    ...(query.fromMs === undefined ? {} : { fromMs: query.fromMs }),
    ...(query.toMs === undefined ? {} : { toMs: query.toMs }),
    ...(query.clientOid === undefined ? {} : { keys: keysForClientOid(mainId, query.clientOid) }),
  };
}

/**
 * Up to `query.limit` records kept by `keep`, newest first, below `query.beforeId`. History pages
 * by journal id; a filter it cannot apply (the direction) is applied here, reading on until the
 * page is full or the history ends, so a page is never cut short while older matches remain.
 */
async function historyPage(port: VenuePort, base: Omit<HistoryQuery, 'limit' | 'beforeId'>, query: RecordQuery, keep?: (r: HistoryRecord) => boolean): Promise<HistoryRecord[]> {
  const kept: HistoryRecord[] = [];
  let cursor = query.beforeId;
  for (;;) {
    const page = await port.history({ ...base, limit: keep ? HISTORY_PAGE_MAX : query.limit, ...(cursor === undefined ? {} : { beforeId: cursor }) });
    for (const record of page.records) {
      if (keep && !keep(record)) continue;
      kept.push(record);
      if (kept.length === query.limit) return kept;
    }
    if (page.next === null) return kept;
    cursor = page.next;
  }
}
