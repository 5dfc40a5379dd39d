import type { Asset, Balance } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { holdingsByAsset } from '../shared/holdings.js';
import { coinOf } from './identity.js';
import { isHeldOnBitget, renderAssetItem, type BitgetAssetItem } from './render.js';

/**
 * What the REST account read and the WebSocket `account` channel both show of an account, built
 * once here so the two never disagree: the coins held, one coin, sorted by coin name.
 */

export const byCoin = (a: BitgetAssetItem, b: BitgetAssetItem) => (a.coin < b.coin ? -1 : a.coin > b.coin ? 1 : 0);

/** The asset a coin name names (Bitget coin names are upper case; any case is accepted); undefined when none does. */
export async function assetOfCoin(port: VenuePort, coin: string): Promise<Asset | undefined> {
  const wanted = coin.toUpperCase();
  const direct = await port.asset(wanted);
  if (direct && coinOf(direct) === wanted) return direct;
  return (await port.assets()).find((a) => coinOf(a) === wanted);
}

/** The coins of `balances` held on Bitget (any shown field non-zero), by coin name: the default REST read and a stream snapshot. */
export async function heldItems(port: Pick<VenuePort, 'asset'>, balances: readonly Balance[], createdAtMs: number): Promise<BitgetAssetItem[]> {
  const items: BitgetAssetItem[] = [];
  for (const holdings of holdingsByAsset(balances).values()) {
    if (!isHeldOnBitget(holdings)) continue;
    const asset = await port.asset(holdings.asset);
    if (asset) items.push(renderAssetItem(asset, holdings, createdAtMs));
  }
  return items.sort(byCoin);
}

/** The listed coins among `symbols` (asset symbols), each as `balances` show it, zeros included: a stream update. */
export async function itemsOf(port: VenuePort, balances: readonly Balance[], symbols: Iterable<string>, createdAtMs: number): Promise<BitgetAssetItem[]> {
  const holdings = holdingsByAsset(balances);
  const items: BitgetAssetItem[] = [];
  for (const symbol of symbols) {
    const asset = await port.asset(symbol);
    if (asset) items.push(renderAssetItem(asset, holdings.get(symbol), createdAtMs));
  }
  return items.sort(byCoin);
}
