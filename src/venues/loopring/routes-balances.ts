import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Account, Asset } from '../../ledger/types.js';
import { holdingsByAsset } from '../shared/holdings.js';
import { sendJsonText, sendWhenReady, serializedForRoute } from '../../http/json-text.js';
import { findReadableAccount, matches, type LoopringCaller } from './auth.js';
import type { LoopringContext } from './context.js';
import { loopringError } from './errors.js';
import { parseAccountSelector, parseTokenFilter } from './params.js';
import { isEmptyRow, renderBalanceRow } from './render.js';
import { renderHeldRows } from './balance-rows.js';
import { BalancesBody, type BalanceRow } from './schemas.js';
import { accountIdOf, tokenIdOf } from './identity.js';

/**
 * `GET /api/v3/user/balances`: an account's layer-2 balances, named by `accountId` or `address`,
 * read with any valid API key (or only the account's own: `--loopring-key-scope own`).
 * Without `tokens`, every token the account has something of; with it, exactly those tokens.
 */
export const balanceRoutes = (ctx: LoopringContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  // The body is kept serialized per account and token filter (`port.cachedRead`); the API key
  // was checked above, on this request, and decided which account it may read.
  // Not an async handler: a remembered key, limits off, the key's own account and a kept body
  // answer in the same turn, with no promise; anything else goes the async way.
  app.get('/user/balances', { schema: { response: { 200: BalancesBody } } }, (request, reply) => {
    const caller = ctx.authorize(request);
    if (caller instanceof Promise) return caller.then((known) => serveBalances(request, reply, known));
    const selector = parseAccountSelector(request.query, 'address');
    const tokens = parseTokenFilter(request.query);
    if (!matches(caller.account, selector)) return serveBalances(request, reply, caller);
    return sendWhenReady(balancesBody(reply, caller.account, tokens), (text) => sendJsonText(reply, text));
  });

  const serveBalances = async (request: FastifyRequest, reply: FastifyReply, caller: LoopringCaller): Promise<FastifyReply> => {
    const selector = parseAccountSelector(request.query, 'address');
    const tokens = parseTokenFilter(request.query);
    const account = await findReadableAccount(port, caller, selector);
    return sendJsonText(reply, await balancesBody(reply, account, tokens));
  };

  const balancesBody = (reply: FastifyReply, account: Account, tokens: readonly number[] | null): string | Promise<string> => {
    const variant = tokens === null ? 'balances' : `balances:${tokens.join(',')}`;
    return port.cachedRead(account.id, variant, async () => serializedForRoute(reply, await balanceRows(account, tokens)));
  };

  const balanceRows = async (account: Account, tokens: readonly number[] | null): Promise<BalanceRow[]> => {
    const balances = await port.balances(account.id);
    if (tokens === null) return (await renderHeldRows(port, account, balances)).map((r) => r.row).filter((row) => !isEmptyRow(row));
    const holdings = holdingsByAsset(balances);
    const accountId = accountIdOf(account);
    const rows: BalanceRow[] = [];
    const byTokenId = new Map<number, Asset>((await port.assets()).map((a) => [tokenIdOf(a), a]));
    for (const tokenId of tokens) {
      const asset = byTokenId.get(tokenId);
      if (!asset) throw loopringError('unsupportedTokenId', `no token ${tokenId}`);
      rows.push(renderBalanceRow(accountId, asset, holdings.get(asset.symbol)?.amounts));
    }
    return rows.sort((a, b) => a.tokenId - b.tokenId);
  };
};
