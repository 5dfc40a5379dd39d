import type { FastifyPluginAsync } from 'fastify';
import type { LoopringContext } from './context.js';
import { renderToken } from './render.js';
import { TimestampBody, TokensBody } from './schemas.js';

/** The public exchange endpoints the SDK calls around a balance read: the token list and the server time. */
export const exchangeRoutes = (ctx: LoopringContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  app.get('/exchange/tokens', { onRequest: ctx.limitPerIp('public'), schema: { response: { 200: TokensBody } } }, async () =>
    (await port.assets()).map(renderToken).sort((a, b) => a.tokenId - b.tokenId),
  );

  app.get('/timestamp', { onRequest: ctx.limitPerIp('public'), schema: { response: { 200: TimestampBody } } }, async () => ({ timestamp: port.clock() }));
};
