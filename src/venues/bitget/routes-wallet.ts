import type { FastifyPluginAsync } from 'fastify';
import { assetOfCoin } from './assets-view.js';
import { chainNamed, chainsOf } from './chains.js';
import { param, type BitgetContext } from './context.js';
import { addressSeed, formatAddress, formatTag } from './deposit-address.js';
import { bitgetError } from './errors.js';
import { chainsFactOf, coinOf, uidOf } from './identity.js';
import * as S from './schemas.js';

/**
 * `GET /api/v2/spot/wallet/deposit-address?coin=&chain=`: the caller's own deposit address for a
 * coin on one of its chains (the coin's first chain when none is named), made up but stable
 * (deposit-address.ts), with a tag where the chain needs one. Any account may ask, a sub-account
 * too: each has its own addresses. Counted against `bitget.account` like the other signed reads.
 */
export const walletRoutes = (ctx: BitgetContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  app.get('/spot/wallet/deposit-address', { schema: { response: { 200: S.envelope(S.DepositAddress) } } }, async (request, reply) => {
    const { account } = await ctx.authorize(request, reply);
    const coinParam = param(request.query, 'coin');
    if (coinParam === undefined || coinParam === '') throw bitgetError('parameterEmpty', 'coin');
    const asset = await assetOfCoin(port, coinParam);
    if (!asset) throw bitgetError('parameterUnknown', 'coin');
    const coin = coinOf(asset);
    const chain = chainNamed(chainsOf(chainsFactOf(asset), coin), param(request.query, 'chain'));
    // A chain the coin is not listed on, or one closed to deposits.
    if (!chain || !chain.rechargeable) throw bitgetError('chainNotServed');
    const hashed = Buffer.from(port.keyring.hash(addressSeed(uidOf(account), coin, chain.chain)), 'hex');
    const address = formatAddress(chain.family, hashed);
    return ctx.success({
      coin,
      address,
      chain: chain.chain,
      tag: chain.needTag ? formatTag(hashed) : '',
      url: chain.addressUrl === '' ? '' : `${chain.addressUrl}${address}`,
    });
  });
};
