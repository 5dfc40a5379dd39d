import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { verifyApiSignature } from './api-signature.js';
import type { LoopringContext } from './context.js';
import { parseFieldElement } from './eddsa/field.js';
import { loopringError } from './errors.js';
import { parseAccountSelector, readParams, parseRequiredAccountId } from './params.js';
import { renderAccount } from './render.js';
import { AccountBody, ApiKeyBody } from './schemas.js';

/**
 * `GET /api/v3/account` (public: an account by `owner` or `accountId`, with its layer-2 public
 * key) and `GET /api/v3/apiKey` (the account's API key, for a request signed with its layer-2
 * key in `X-API-SIG`): the first two steps of the SDK's flow before a balance read.
 */
export const accountRoutes = (ctx: LoopringContext): FastifyPluginAsync => async (app) => {
  app.get('/account', { onRequest: ctx.limit('account'), schema: { response: { 200: AccountBody } } }, async (request) => {
    const account = await ctx.directory.find(parseAccountSelector(request.query, 'owner'));
    if (!account) throw loopringError('userNotFound');
    return renderAccount(account);
  });

  app.get('/apiKey', { onRequest: ctx.limit('apiKey'), schema: { response: { 200: ApiKeyBody } } }, async (request) => {
    const accountId = parseRequiredAccountId(request.query);
    const params = readParams(request.query);
    const signature = request.headers['x-api-sig'];
    if (signature === undefined || signature === '') throw loopringError('noSignature');
    const account = await ctx.directory.find({ accountId });
    if (!account) throw loopringError('userNotFound');
    const key = account.loopringPublicKey;
    const x = key ? parseFieldElement(key.x) : null;
    const y = key ? parseFieldElement(key.y) : null;
    if (x === null || y === null) throw loopringError('wrongSignature', `account ${accountId} has no layer-2 key`);
    if (typeof signature !== 'string' || !verifyApiSignature(signedRequestOf(request, params), signature, { x, y })) {
      throw loopringError('wrongSignature');
    }
    return { apiKey: await ctx.apiKeyOf(account) };
  });
};

function signedRequestOf(request: FastifyRequest, params: Record<string, string>) {
  return { method: request.method, host: request.headers.host ?? '', path: request.url.split('?')[0] ?? '', params };
}
