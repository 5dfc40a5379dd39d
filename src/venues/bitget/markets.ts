import type { Asset } from '../../ledger/types.js';
import { coinOf } from './identity.js';

/**
 * Spot markets are not kept in the ledger: they are derived from the assets, every asset against
 * USDT when USDT is listed (`BTCUSDT`). Enough for ccxt's `loadMarkets` and for symbol lookups;
 * assetbook matches no orders, so the trading limits shown are wide open.
 */
export const QUOTE_COIN = 'USDT';

export interface BitgetSymbol {
  readonly symbol: string;
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly minTradeAmount: string;
  readonly maxTradeAmount: string;
  readonly takerFeeRate: string;
  readonly makerFeeRate: string;
  readonly pricePrecision: string;
  readonly quantityPrecision: string;
  readonly quotePrecision: string;
  readonly status: 'online';
  readonly minTradeUSDT: string;
}

const PRECISION_MAX = 8;

export function deriveSymbols(assets: readonly Asset[]): BitgetSymbol[] {
  const quote = assets.find((a) => coinOf(a) === QUOTE_COIN);
  if (!quote) return [];
  return assets
    .filter((a) => a !== quote)
    .map((base) => ({
      symbol: `${coinOf(base)}${coinOf(quote)}`,
      baseCoin: coinOf(base),
      quoteCoin: coinOf(quote),
      minTradeAmount: '0',
      maxTradeAmount: '10000000000',
      takerFeeRate: '0.001',
      makerFeeRate: '0.001',
      pricePrecision: String(Math.min(quote.scale, PRECISION_MAX)),
      quantityPrecision: String(Math.min(base.scale, PRECISION_MAX)),
      quotePrecision: String(Math.min(quote.scale, PRECISION_MAX)),
      status: 'online',
      minTradeUSDT: '1',
    }));
}

/** Coins as `/api/v2/spot/public/coins` lists them. assetbook has no chains, so none are listed. */
export function renderCoin(asset: Asset, index: number) {
  return { coinId: String(index + 1), coin: coinOf(asset), transfer: 'true', chains: [] as never[], areaCoin: 'no' };
}

/** The futures product types ccxt asks about; assetbook lists no contracts in any of them. */
export const PRODUCT_TYPES = ['USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES', 'SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES'] as const;
