import type { FastifyPluginAsync } from 'fastify';
import type { BitgetContext } from './context.js';
import { param } from './context.js';
import { bitgetError } from './errors.js';
import { PRODUCT_TYPES, deriveSymbols, renderCoin } from './markets.js';
import * as S from './schemas.js';

/**
 * The public endpoints ccxt calls around a balance fetch: server time, coins, spot symbols,
 * margin currencies and the futures contract lists (empty: assetbook keeps spot balances only).
 */
export const publicRoutes = (ctx: BitgetContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  app.get('/public/time', { schema: { response: { 200: S.envelope(S.ServerTime) } } }, async (request, reply) => {
    await ctx.countPublic(request, reply);
    return ctx.success({ serverTime: String(ctx.port.clock()) });
  });

  app.get('/spot/public/coins', { schema: { response: { 200: S.envelope(S.CoinList) } } }, async (request, reply) => {
    await ctx.countPublic(request, reply, 'coins');
    const coin = param(request.query, 'coin');
    const coins = (await port.assets()).map(renderCoin);
    if (coin === undefined) return ctx.success(coins);
    const found = coins.filter((c) => c.coin === coin.toUpperCase());
    if (found.length === 0) throw bitgetError('parameterUnknown', 'coin');
    return ctx.success(found);
  });

  app.get('/spot/public/symbols', { schema: { response: { 200: S.envelope(S.SymbolList) } } }, async (request, reply) => {
    await ctx.countPublic(request, reply);
    const symbol = param(request.query, 'symbol');
    const symbols = deriveSymbols(await port.assets());
    if (symbol === undefined) return ctx.success(symbols);
    const found = symbols.filter((s) => s.symbol === symbol.toUpperCase());
    if (found.length === 0) throw bitgetError('parameterUnknown', 'symbol');
    return ctx.success(found);
  });

  app.get('/margin/currencies', { schema: { response: { 200: S.envelope(S.EmptyList) } } }, async (request, reply) => {
    await ctx.countPublic(request, reply);
    return ctx.success([]);
  });

  app.get('/mix/market/contracts', { schema: { response: { 200: S.envelope(S.EmptyList) } } }, async (request, reply) => {
    await ctx.countPublic(request, reply);
    const productType = param(request.query, 'productType');
    if (productType === undefined || productType === '') throw bitgetError('parameterEmpty', 'productType');
    if (!(PRODUCT_TYPES as readonly string[]).includes(productType.toUpperCase())) throw bitgetError('parameterError', 'productType');
    return ctx.success([]);
  });
};
