import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assert } from '../../ledger/errors.js';
import type { HistoryKind, HistoryQuery, HistoryRecord, HistoryResult, HistoryStatus } from '../../ledger/history.js';
import type { Account, Asset } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { admitAuthenticated, type BullishContext } from './context.js';
import { bullishError } from './errors.js';
import { param, pageLink, parsePaging, parseTimeWindow, type Paging, type TimeWindow } from './history-params.js';
import { CustodyTransactionsBody, TransfersBody, renderCustodyTransaction, renderTransfer } from './history-render.js';
import { tradingAccountIdOf } from './identity.js';
import { consumeOrRefuse } from './rate-limits.js';
import { ASSET_SYMBOL, TRADING_ACCOUNT_ID } from './routes-accounts.js';

/**
 * `GET /v1/wallets/transactions` (custody: the user's deposits and withdrawals, across all of the
 * user's trading accounts) and `GET /v1/history/transfer` (transfers in and out of one trading
 * account): the ledger's history records, newest first, paged by Bullish's cursors. The
 * parameters, the field mapping and the differences from the venue are in docs/venues/bullish.md.
 */

const CUSTODY_DIRECTIONS: Readonly<Record<string, HistoryKind>> = { DEPOSIT: 'deposit', WITHDRAWAL: 'withdrawal' };
/** The documented custody statuses; FAILED is never shown (the ledger has no failure apart from a cancellation). */
const CUSTODY_STATUSES: Readonly<Record<string, HistoryStatus | null>> = { PENDING: 'pending', COMPLETE: 'completed', CANCELLED: 'cancelled', FAILED: null };
/** Transfer statuses: every ledger transfer is done at once, so only CLOSED (the default) has rows. */
const TRANSFER_STATUSES = ['CLOSED', 'OPEN', 'REJECTED'] as const;
const REQUEST_ID = /^[1-9][0-9]{0,15}$/;

/** One of `allowed`, or 2001 naming them. */
function oneOf(query: unknown, name: string, allowed: readonly string[]): string | undefined {
  const value = param(query, name);
  if (value !== undefined && !allowed.includes(value)) throw bullishError('BAD_INCOMING_REQUEST', `${name} must be one of ${allowed.join(', ')}`);
  return value;
}

/** An asset symbol filter: undefined when absent, null when no listed asset has it (nothing matches). */
async function assetFilter(port: VenuePort, query: unknown, name: string): Promise<Asset | null | undefined> {
  const symbol = param(query, name);
  if (symbol === undefined) return undefined;
  if (!ASSET_SYMBOL.test(symbol)) throw bullishError('BAD_INCOMING_REQUEST', `${name} must be an asset symbol like BTC`);
  return (await port.asset(symbol)) ?? null;
}

/** The cursor and window part of a history query. */
function pageQuery(paging: Paging, window: TimeWindow): Omit<HistoryQuery, 'account'> {
  return {
    limit: paging.pageSize,
    ...(paging.beforeId === undefined ? {} : { beforeId: paging.beforeId }),
    ...(paging.afterId === undefined ? {} : { afterId: paging.afterId }),
    ...(window.fromMs === undefined ? {} : { fromMs: window.fromMs }),
    ...(window.toMs === undefined ? {} : { toMs: window.toMs }),
  };
}

/** Links to the pages on either side, each carrying this request's query and the cursor to that page. */
function linksOf(request: FastifyRequest, found: Pick<HistoryResult, 'next' | 'previous'>) {
  const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  return {
    previous: pageLink(path, request.query, found.previous === null ? null : { name: '_previousPage', id: found.previous }),
    next: pageLink(path, request.query, found.next === null ? null : { name: '_nextPage', id: found.next }),
  };
}

const NOTHING: HistoryResult = { records: [], next: null, previous: null, total: 0 };

export function registerHistoryRoutes(app: FastifyInstance, ctx: BullishContext): void {
  const { port } = ctx;

  /** Each record with its asset, read once per symbol. */
  const withAssets = async (records: readonly HistoryRecord[]): Promise<{ record: HistoryRecord; asset: Asset }[]> => {
    const assets = new Map<string, Asset | undefined>();
    const out = [];
    for (const record of records) {
      const symbol = String(record.entry.request.asset);
      if (!assets.has(symbol)) assets.set(symbol, await port.asset(symbol));
      const asset = assets.get(symbol);
      // Tier three: the journal names only catalog assets.
      assert(asset, `entry ${record.entry.id} moves ${symbol}, which is not in the catalog`);
      out.push({ record, asset });
    }
    return out;
  };

  /** The trading account the query names (one of the caller's), or the caller's only one. */
  const tradingAccountOf = async (userId: number, id: string | undefined): Promise<Account> => {
    if (id === undefined) {
      const accounts = await ctx.accounts.listOfUser(userId);
      if (accounts.length !== 1) throw bullishError('BAD_INCOMING_REQUEST', 'tradingAccountId is required for a user with several trading accounts');
      return accounts[0]!;
    }
    if (!TRADING_ACCOUNT_ID.test(id)) throw bullishError('BAD_INCOMING_REQUEST', 'tradingAccountId must be a decimal trading account id');
    const account = await ctx.accounts.find(userId, id);
    if (!account) throw bullishError('ACCOUNT_DOES_NOT_EXIST', 'Trading account not found');
    return account;
  };

  /**
   * The trading account ids of the ledger accounts transfers name (one may be another user's,
   * moved by the operator), each read once per request.
   */
  const tradingAccountIds = () => {
    const known = new Map<number, string>();
    return async (accountId: unknown): Promise<string> => {
      if (typeof accountId === 'number' && known.has(accountId)) return known.get(accountId)!;
      const account = typeof accountId === 'number' ? await port.account(accountId) : undefined;
      assert(account, `a transfer names account ${String(accountId)}, which does not exist`);
      known.set(account.id, tradingAccountIdOf(account));
      return tradingAccountIdOf(account);
    };
  };

  app.get('/v1/wallets/transactions', { schema: { hide: true, response: { 200: CustodyTransactionsBody } } }, async (request, reply) => {
    // Bullish counts /wallets/* per IP, apart from the categories.
    await consumeOrRefuse(ctx.limiters.custody, request.ip, reply);
    const session = await admitAuthenticated(ctx, request, reply);
    const { query } = request;
    const paging = parsePaging(query);
    const window = parseTimeWindow(query, 'createdAt');
    const direction = oneOf(query, 'direction', Object.keys(CUSTODY_DIRECTIONS));
    const status = oneOf(query, 'status', Object.keys(CUSTODY_STATUSES));
    const asset = await assetFilter(port, query, 'symbol');
    const statusWanted = status === undefined ? undefined : CUSTODY_STATUSES[status];
    const matchesNothing = window.empty || asset === null || statusWanted === null;
    const accounts = await ctx.accounts.listOfUser(session.userId);
    const found = matchesNothing
      ? NOTHING
      : await port.history({
          account: accounts.map((a) => a.id),
          kinds: direction === undefined ? ['deposit', 'withdrawal'] : [CUSTODY_DIRECTIONS[direction]!],
          ...(asset ? { asset: asset.symbol } : {}),
          ...(statusWanted ? { statuses: [statusWanted] } : {}),
          ...pageQuery(paging, window),
        });
    const data = (await withAssets(found.records)).map(({ record, asset: held }) => renderCustodyTransaction(record, held));
    return { data, links: linksOf(request, found), totalCount: found.total };
  });

  app.get('/v1/history/transfer', { schema: { hide: true, response: { 200: TransfersBody } } }, async (request, reply) => {
    const session = await admitAuthenticated(ctx, request, reply);
    const { query } = request;
    const paging = parsePaging(query);
    const window = parseTimeWindow(query, 'createdAt');
    if (!window.hasLower || !window.hasUpper) {
      throw bullishError('BAD_INCOMING_REQUEST', 'createdAtDatetime[gte] and createdAtDatetime[lte] are required');
    }
    const account = await tradingAccountOf(session.userId, param(query, 'tradingAccountId'));
    const status = oneOf(query, 'status', TRANSFER_STATUSES) ?? 'CLOSED';
    const requestId = param(query, 'requestId');
    if (requestId !== undefined && !(REQUEST_ID.test(requestId) && Number.isSafeInteger(Number(requestId)))) {
      throw bullishError('BAD_INCOMING_REQUEST', 'requestId must be a decimal request id');
    }
    const asset = await assetFilter(port, query, 'assetSymbol');
    const page = pageQuery(paging, window);
    // A request id names one entry: the range just around it, within whatever cursor was given.
    const only = requestId === undefined ? {} : { beforeId: Math.min(Number(requestId) + 1, page.beforeId ?? Infinity), afterId: Math.max(Number(requestId) - 1, page.afterId ?? 0) };
    const found =
      window.empty || asset === null || status !== 'CLOSED'
        ? NOTHING
        : await port.history({ account: account.id, kinds: ['transfer'], ...(asset ? { asset: asset.symbol } : {}), ...page, ...only });
    const idOf = tradingAccountIds();
    const data = [];
    for (const { record, asset: held } of await withAssets(found.records)) {
      data.push(renderTransfer(record, held, await idOf(record.entry.request.from), await idOf(record.entry.request.to)));
    }
    return paging.metaData ? { data, links: linksOf(request, found) } : data;
  });
}
