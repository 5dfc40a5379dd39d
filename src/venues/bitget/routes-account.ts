import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Account, Asset } from '../../ledger/types.js';
import { sendWhenReady } from '../../http/json-text.js';
import { holdingsByAsset } from '../shared/holdings.js';
import { param, type BitgetContext } from './context.js';
import { bitgetError } from './errors.js';
import { assetOfCoin as assetOfListedCoin, byCoin, heldItems as heldItemsOf } from './assets-view.js';
import { isBroker, uidOf } from './identity.js';
import { renderAssetItem, type BitgetAssetItem } from './render.js';
import * as S from './schemas.js';

export const SUB_ACCOUNT_PAGE_DEFAULT = 10;
export const SUB_ACCOUNT_PAGE_MAX = 50;

/** The two account-asset endpoints. Each authenticates, then counts against the caller's UID budget. */
export const accountRoutes = (ctx: BitgetContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  /** The asset a `coin` parameter names; `40034` when none does. */
  const assetOfCoin = async (coin: string): Promise<Asset> => {
    const found = await assetOfListedCoin(port, coin);
    if (!found) throw bitgetError('parameterUnknown', 'coin');
    return found;
  };

  /** The coins one account holds on Bitget (any shown field non-zero), by coin name. */
  const heldItems = async (accountId: number, createdAtMs: number): Promise<BitgetAssetItem[]> => heldItemsOf(port, await port.balances(accountId), createdAtMs);

  /** The default variant (the assets held), kept rendered: the hot read. */
  const heldText = (account: Account): string | Promise<string> =>
    port.cachedRead(account.id, 'hold_only', async () => JSON.stringify(await heldItems(account.id, account.createdAtMs)));

  // The data part of a read is kept rendered per account and variant (`port.cachedRead`): the
  // caller is authenticated on every request, and only the balances' rendering is reused.
  const assets = async (request: FastifyRequest, reply: FastifyReply, account: Account): Promise<FastifyReply> => {
    const coin = param(request.query, 'coin');
    const assetType = param(request.query, 'assetType');
    if (coin !== undefined && coin !== '') {
      const asset = await assetOfCoin(coin);
      const data = await port.cachedRead(account.id, `coin:${asset.symbol}`, async () => {
        const holdings = holdingsByAsset(await port.balances(account.id)).get(asset.symbol);
        return JSON.stringify([renderAssetItem(asset, holdings, account.createdAtMs)]);
      });
      return ctx.sendSuccessText(reply, data);
    }
    if (assetType === undefined || assetType === '' || assetType === 'hold_only') return ctx.sendSuccessText(reply, await heldText(account));
    if (assetType !== 'all') throw bitgetError('parameterError', 'assetType');
    const data = await port.cachedRead(account.id, 'all', async () => {
      const holdings = holdingsByAsset(await port.balances(account.id));
      const items = (await port.assets()).map((asset) => renderAssetItem(asset, holdings.get(asset.symbol), account.createdAtMs));
      return JSON.stringify(items.sort(byCoin));
    });
    return ctx.sendSuccessText(reply, data);
  };

  // Not an async handler: the hot read (a known key, limits off, the default variant kept, no
  // query) is answered in the same turn, with no promise; anything else goes the async way.
  app.get('/spot/account/assets', { schema: { response: { 200: S.envelope(S.AssetList) } } }, (request, reply) => {
    const caller = ctx.authorize(request, reply);
    if (caller instanceof Promise) return caller.then(({ account }) => assets(request, reply, account));
    const { account } = caller;
    if (request.url.indexOf('?') === -1) return sendWhenReady(heldText(account), (data) => ctx.sendSuccessText(reply, data));
    return assets(request, reply, account);
  });

  app.get('/spot/account/subaccount-assets', { schema: { response: { 200: S.envelope(S.SubAccountAssets) } } }, async (request, reply) => {
    const { account } = await ctx.authorize(request, reply);
    if (account.kind !== 'main') throw bitgetError('permissionDenied', 'main-account');
    const user = await port.user(account.userId);
    if (user && isBroker(user)) throw bitgetError('permissionDenied', 'non-ND-broker');
    const limit = pageLimit(param(request.query, 'limit'));
    const cursor = idCursor(param(request.query, 'idLessThan'));

    // Newest sub-account first; `id` is the cursor: the next page is everything below the last id.
    const subs = (await port.accountsOfUser(account.userId))
      .filter((a) => a.kind === 'sub' && a.id < cursor)
      .sort((a, b) => b.id - a.id);
    const page = [];
    for (const sub of subs) {
      if (page.length === limit) break;
      const assetsList = await heldItems(sub.id, sub.createdAtMs);
      if (assetsList.length > 0) page.push({ id: sub.id, userId: Number(uidOf(sub)), assetsList });
    }
    return ctx.success(page);
  });
};

function pageLimit(text: string | undefined): number {
  if (text === undefined || text === '') return SUB_ACCOUNT_PAGE_DEFAULT;
  const limit = Number(text);
  if (!/^[0-9]{1,3}$/.test(text) || limit < 1 || limit > SUB_ACCOUNT_PAGE_MAX) throw bitgetError('parameterError', 'limit');
  return limit;
}

function idCursor(text: string | undefined): number {
  if (text === undefined || text === '') return Number.MAX_SAFE_INTEGER;
  if (!/^[0-9]{1,15}$/.test(text)) throw bitgetError('parameterError', 'idLessThan');
  return Number(text);
}
