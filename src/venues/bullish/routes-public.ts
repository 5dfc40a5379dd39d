import type { FastifyInstance } from 'fastify';
import { admitUnauthenticated, type BullishContext } from './context.js';
import { renderAsset, renderMarkets, renderNonceRange, renderTime } from './render.js';
import * as S from './schemas.js';

/** Public market data the clients load before any private call: assets, markets, time, nonce range. */
export function registerPublicRoutes(app: FastifyInstance, ctx: BullishContext): void {
  const { port } = ctx;

  app.get('/v1/assets', { schema: { hide: true, response: { 200: S.AssetsBody } } }, async (request, reply) => {
    await admitUnauthenticated(ctx, request, reply);
    return (await port.assets()).map(renderAsset);
  });

  app.get('/v1/markets', { schema: { hide: true, response: { 200: S.MarketsBody } } }, async (request, reply) => {
    await admitUnauthenticated(ctx, request, reply);
    return renderMarkets(await port.assets());
  });

  app.get('/v1/time', { schema: { hide: true, response: { 200: S.TimeBody } } }, async (request, reply) => {
    await admitUnauthenticated(ctx, request, reply);
    return renderTime(ctx.port.clock());
  });

  app.get('/v1/nonce', { schema: { hide: true, response: { 200: S.NonceRangeBody } } }, async (request, reply) => {
    await admitUnauthenticated(ctx, request, reply);
    return renderNonceRange(ctx.port.clock());
  });
}
