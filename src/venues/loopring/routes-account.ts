import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { headerText } from '../shared/headers.js';
import { getOrIssueApiKey } from './api-keys.js';
import { verifyApiSignature, type SignedRequest } from './api-signature.js';
import type { LoopringContext } from './context.js';
import { parseFieldElement } from './eddsa/field.js';
import { loopringError } from './errors.js';
import { parseAccountSelector, parseRequiredAccountId, readParams } from './params.js';
import { renderAccount } from './render.js';
import { accountOf } from './auth.js';
import { layer2KeyOf } from './identity.js';
import { AccountBody, ApiKeyBody } from './schemas.js';

/**
 * `GET /api/v3/account` (public: an account by `owner` or `accountId`, with its layer-2 public
 * key) and `GET /api/v3/apiKey` (the account's API key, for a request signed with its layer-2
 * key in `X-API-SIG`): the first two steps of the SDK's flow before a balance read.
 */
export const accountRoutes = (ctx: LoopringContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  app.get('/account', { onRequest: ctx.limitPerIp('account'), schema: { response: { 200: AccountBody } } }, async (request) => {
    const account = await accountOf(port, parseAccountSelector(request.query, 'owner'));
    if (!account) throw loopringError('userNotFound');
    return renderAccount(account);
  });

  app.get('/apiKey', { onRequest: ctx.limitPerIp('apiKey'), schema: { response: { 200: ApiKeyBody } } }, async (request) => {
    const accountId = parseRequiredAccountId(request.query);
    const params = readParams(request.query);
    const signature = headerText(request.headers, 'x-api-sig');
    if (signature === '') throw loopringError('noSignature');
    const account = await accountOf(port, { accountId });
    if (!account) throw loopringError('userNotFound');
    const key = layer2KeyOf(account);
    const x = key ? parseFieldElement(key.x) : null;
    const y = key ? parseFieldElement(key.y) : null;
    if (x === null || y === null) throw loopringError('wrongSignature', `account ${accountId} has no layer-2 key`);
    if (!verifyApiSignature(readSignedRequest(request, params), signature, { x, y })) throw loopringError('wrongSignature');
    return { apiKey: await getOrIssueApiKey(port, account) };
  });
};

/** The request as the client signed it: method, the Host it reached, the path as received, the parameters and the scheme. */
function readSignedRequest(request: FastifyRequest, params: Record<string, string>): SignedRequest {
  const at = request.url.indexOf('?');
  return {
    method: request.method,
    host: request.headers.host ?? '',
    path: at === -1 ? request.url : request.url.slice(0, at),
    params,
    scheme: request.protocol,
  };
}
