import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { HISTORY_PAGE_MAX, type HistoryKind, type HistoryQuery, type HistoryRecord } from '../../ledger/history.js';
import { assert } from '../../ledger/errors.js';
import type { Account, Asset } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { assetOfCoin } from './assets-view.js';
import { BALANCE_BUCKETS, BILL_TYPES, BILL_WORDS, billsOf, entryOfBill, type Bill } from './bills.js';
import type { BitgetContext } from './context.js';
import { bitgetError } from './errors.js';
import { parseBillsParams, parseRecordsParams, type BillsParams, type RecordsParams } from './history-params.js';
import { AccountInfo, BillRow, DepositRecord, WithdrawalRecord, renderAccountInfo, renderBill, renderDeposit, renderWithdrawal } from './history-render.js';
import * as S from './schemas.js';

/**
 * The account's history on Bitget's v2 spot paths, read from the journal: deposit and withdrawal
 * records, the account bills, and the account information. Each authenticates like the asset
 * reads and reads only the key's own account; each counts against the caller's UID budget for
 * the endpoint (`bitget.account`, the information `bitget.account-info`). docs/venues/bitget.md
 * has the parameters, the field mapping and the differences from the venue's docs.
 */
export const historyRoutes = (ctx: BitgetContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  /** The asset a `coin` parameter names; `40034` when none does. */
  const assetNamed = async (coin: string | undefined): Promise<Asset | undefined> => {
    if (coin === undefined) return undefined;
    const found = await assetOfCoin(port, coin);
    if (!found) throw bitgetError('parameterUnknown', 'coin');
    return found;
  };

  const records = <Row>(kind: HistoryKind, withClientOid: boolean, render: (record: HistoryRecord, asset: Asset) => Row) =>
    async (account: Account, query: unknown): Promise<Row[]> => {
      const params = parseRecordsParams(query, withClientOid);
      const asset = await assetNamed(params.coin);
      if (params.orderId === null) return [];
      const found = await port.history({ account: account.id, kinds: [kind], ...recordsWindow(params), ...(asset === undefined ? {} : { asset: asset.symbol }) });
      const shown = params.orderId === undefined ? found.records : found.records.filter((r) => r.entry.id === params.orderId);
      const assets = assetsOf(port);
      const rows: Row[] = [];
      for (const record of shown) rows.push(render(record, await assets(String(record.entry.request.asset))));
      return rows;
    };
  const deposits = records('deposit', false, renderDeposit);
  const withdrawals = records('withdrawal', true, renderWithdrawal);

  app.get('/spot/wallet/deposit-records', { schema: { response: { 200: S.envelope(Type.Array(DepositRecord)) } } }, async (request, reply) => {
    const { account } = await ctx.authorize(request, reply);
    return ctx.success(await deposits(account, request.query));
  });

  app.get('/spot/wallet/withdrawal-records', { schema: { response: { 200: S.envelope(Type.Array(WithdrawalRecord)) } } }, async (request, reply) => {
    const { account } = await ctx.authorize(request, reply);
    return ctx.success(await withdrawals(account, request.query));
  });

  app.get('/spot/account/bills', { schema: { response: { 200: S.envelope(Type.Array(BillRow)) } } }, async (request, reply) => {
    const { account } = await ctx.authorize(request, reply);
    const params = parseBillsParams(request.query);
    const asset = await assetNamed(params.coin);
    const assets = assetsOf(port);
    const bills = await billPage(port, account.id, params, asset, async (symbol) => (await assets(symbol)).scale);
    const rows = [];
    for (const bill of bills) rows.push(renderBill(bill, await assets(bill.asset)));
    return ctx.success(rows);
  });

  app.get('/spot/account/info', { schema: { response: { 200: S.envelope(AccountInfo) } } }, async (request, reply) => {
    const { account } = await ctx.authorize(request, reply, 'info');
    const main = account.kind === 'main' ? account : (await port.accountsOfUser(account.userId)).find((a) => a.kind === 'main');
    assert(main, `user ${account.userId} has a main account`);
    return ctx.success(renderAccountInfo(account, main));
  });
};

/** The history query of a records page: its window, its cursor, and one record when `orderId` names it. */
function recordsWindow(params: RecordsParams): Omit<HistoryQuery, 'account'> {
  const byOrder = typeof params.orderId === 'number' ? params.orderId + 1 : undefined;
  const cursors = [params.idLessThan, byOrder].filter((c): c is number => c !== undefined);
  return {
    limit: byOrder === undefined ? params.limit : 1,
    ...(cursors.length === 0 ? {} : { beforeId: Math.min(...cursors) }),
    ...(params.fromMs === undefined ? {} : { fromMs: params.fromMs }),
    ...(params.toMs === undefined ? {} : { toMs: params.toMs }),
    ...(params.clientOid === undefined ? {} : { keys: [params.clientOid] }),
  };
}

/** The catalog assets a page names, each looked up once. */
function assetsOf(port: VenuePort): (symbol: string) => Promise<Asset> {
  const known = new Map<string, Asset | undefined>();
  return async (symbol) => {
    if (!known.has(symbol)) known.set(symbol, await port.asset(symbol));
    const asset = known.get(symbol);
    // Tier three: the journal names only catalog assets.
    assert(asset, `the journal moves ${symbol}, which is not in the catalog`);
    return asset;
  };
}

/**
 * One page of bills, newest first: entries are read until the page is full or the history ends,
 * since an entry may make no bill that matches (a coin or word filtered out) or several. A bill
 * id points into its entry, so a page cut inside an entry goes on from there.
 */
async function billPage(port: VenuePort, account: number, params: BillsParams, asset: Asset | undefined, scaleOf: (asset: string) => Promise<number>): Promise<Bill[]> {
  const types = BILL_TYPES.filter((type) => {
    const words = BILL_WORDS[type]!;
    return (params.groupType === undefined || words.group === params.groupType) && (params.businessType === undefined || words.business.includes(params.businessType));
  });
  if (types.length === 0) return [];
  const cursor = params.idLessThan === undefined ? undefined : entryOfBill(params.idLessThan);
  let beforeId = cursor === undefined ? undefined : cursor.place === 0 ? cursor.entryId : cursor.entryId + 1;
  const bills: Bill[] = [];
  const scales = new Map<string, number>();
  for (;;) {
    const found = await port.history({
      account,
      types,
      limit: Math.min(params.limit, HISTORY_PAGE_MAX),
      balancesOf: BALANCE_BUCKETS,
      ...(beforeId === undefined ? {} : { beforeId }),
      ...(asset === undefined ? {} : { asset: asset.symbol }),
      ...(params.fromMs === undefined ? {} : { fromMs: params.fromMs }),
      ...(params.toMs === undefined ? {} : { toMs: params.toMs }),
    });
    for (const record of found.records) {
      for (const posting of record.entry.postings) if (!scales.has(posting.asset)) scales.set(posting.asset, await scaleOf(posting.asset));
      for (const bill of billsOf(record, account, (symbol) => scales.get(symbol) ?? 0)) {
        if (params.idLessThan !== undefined && bill.billId >= params.idLessThan) continue;
        if (asset !== undefined && bill.asset !== asset.symbol) continue;
        if (params.businessType !== undefined && bill.businessType !== params.businessType) continue;
        bills.push(bill);
      }
    }
    if (bills.length >= params.limit || found.next === null) return bills.slice(0, params.limit);
    beforeId = found.next;
  }
}
