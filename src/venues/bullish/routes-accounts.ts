import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../ledger/types.js';
import { emptyAmounts, holdingsByAsset } from '../shared/holdings.js';
import { sendJsonText, sendWhenReady, serializedForRoute } from '../../http/json-text.js';
import { singleParam } from '../shared/query.js';
import { assetAccountRows } from './asset-rows.js';
import { admitAuthenticated, type BullishContext } from './context.js';
import { bullishError } from './errors.js';
import { tradingAccountIdOf } from './identity.js';
import { renderAssetAccount, renderTradingAccount } from './render.js';
import * as S from './schemas.js';

/** A decimal id without leading zeros, as Bullish writes numeric ids. */
export const TRADING_ACCOUNT_ID = /^[1-9][0-9]{0,19}$/;
export const ASSET_SYMBOL = /^[A-Z0-9]{1,20}$/;

/** `tradingAccountId` from the query: required, one value, a decimal id. Other parameters are ignored (ccxt sends `code`). */
function readTradingAccountId(query: unknown): string {
  const id = singleParam(query, 'tradingAccountId');
  if (id === undefined) throw bullishError('BAD_INCOMING_REQUEST', 'Missing required query parameter tradingAccountId');
  if (id === null || !TRADING_ACCOUNT_ID.test(id)) throw bullishError('BAD_INCOMING_REQUEST', 'tradingAccountId must be one decimal trading account id');
  return id;
}

/** Trading accounts, and the asset accounts of one trading account. */
export function registerAccountRoutes(app: FastifyInstance, ctx: BullishContext): void {
  const { port } = ctx;
  const { keyring } = port;

  /** One of the caller's accounts; another user's and a nonexistent one get the same 403. */
  const findCallerAccount = async (userId: number, tradingAccountId: string): Promise<Account> => {
    const account = await ctx.accounts.find(userId, tradingAccountId);
    if (!account) throw bullishError('ACCOUNT_DOES_NOT_EXIST', 'Trading account not found');
    return account;
  };

  const renderAccount = async (account: Account) => {
    const balances = await port.balances(account.id);
    const isBorrowing = balances.some((b) => b.bucket === 'borrowed' && b.amount > 0n);
    const isLending = balances.some((b) => b.bucket === 'loaned' && b.amount > 0n);
    return renderTradingAccount(account, { isBorrowing, isLending }, keyring.hash(`bullish/rate-limit-token/${account.id}`));
  };

  app.get('/v1/accounts/trading-accounts', { schema: { hide: true, response: { 200: S.TradingAccountsBody } } }, async (request, reply) => {
    const session = await admitAuthenticated(ctx, request, reply);
    const accounts = await ctx.accounts.listOfUser(session.userId);
    return Promise.all(accounts.map(renderAccount));
  });

  // Path parameters are wildcards: a `:param` over the router's length limit would get Fastify's own 414 body, not Bullish's.
  app.get<{ Params: { '*': string } }>(
    '/v1/accounts/trading-accounts/*',
    { schema: { hide: true, response: { 200: S.TradingAccountBody } } },
    async (request, reply) => {
      const session = await admitAuthenticated(ctx, request, reply);
      const id = request.params['*'];
      if (!TRADING_ACCOUNT_ID.test(id)) throw bullishError('BAD_INCOMING_REQUEST', 'tradingAccountId must be a decimal trading account id');
      return renderAccount(await findCallerAccount(session.userId, id));
    },
  );

  // The hot read: every asset the trading account has held, all of them (see docs/venues/bullish.md on maxItems).
  // Not an async handler: a remembered token, limits off, a remembered account and a kept body
  // answer in the same turn, with no promise; anything else goes the async way.
  app.get('/v1/accounts/asset', { schema: { hide: true, response: { 200: S.AssetAccountsBody } } }, (request, reply) => {
    const session = admitAuthenticated(ctx, request, reply);
    if (session instanceof Promise) return session.then((claims) => serveAssets(request, reply, claims.userId));
    const tradingAccountId = readTradingAccountId(request.query);
    const account = ctx.accounts.known(session.userId, tradingAccountId);
    if (account === undefined) return serveAssets(request, reply, session.userId);
    return sendWhenReady(assetsBody(reply, account), (text) => sendJsonText(reply, text));
  });

  const serveAssets = async (request: FastifyRequest, reply: FastifyReply, userId: number): Promise<FastifyReply> => {
    const account = await findCallerAccount(userId, readTradingAccountId(request.query));
    return sendJsonText(reply, await assetsBody(reply, account));
  };

  // The body is kept serialized per account (`port.cachedRead`): the token was checked before, on this request.
  const assetsBody = (reply: FastifyReply, account: Account): string | Promise<string> =>
    port.cachedRead(account.id, 'asset', async () => serializedForRoute(reply, await assetAccountRows(port, account, await port.balances(account.id))));

  app.get<{ Params: { '*': string } }>(
    '/v1/accounts/asset/*',
    { schema: { hide: true, response: { 200: S.AssetAccountBody } } },
    async (request, reply) => {
      const session = await admitAuthenticated(ctx, request, reply);
      const account = await findCallerAccount(session.userId, readTradingAccountId(request.query));
      const symbol = request.params['*'];
      const asset = ASSET_SYMBOL.test(symbol) ? await port.asset(symbol) : undefined;
      if (!asset) throw bullishError('INVALID_SYMBOL', 'Invalid symbol provided');
      const holdings = holdingsByAsset(await port.balances(account.id)).get(symbol);
      // A listed asset the account never held reads as zero since the account opened, not as unknown.
      if (!holdings) return renderAssetAccount(tradingAccountIdOf(account), asset, emptyAmounts(), account.createdAtMs);
      return renderAssetAccount(tradingAccountIdOf(account), asset, holdings.amounts, holdings.updatedAtMs);
    },
  );
}
