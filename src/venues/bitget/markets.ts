import type { Asset } from '../../ledger/types.js';
import { chainsOf, type CoinChain } from './chains.js';
import { chainsFactOf, coinOf } from './identity.js';

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

/** One chain of a coin as the coin list shows it: every field a string, as the venue sends them. */
export function renderChain(chain: CoinChain, asset: Asset) {
  return {
    chain: chain.chain,
    needTag: String(chain.needTag),
    withdrawable: String(chain.withdrawable),
    rechargeable: String(chain.rechargeable),
    withdrawFee: chain.withdrawFee,
    extraWithdrawFee: '0',
    depositConfirm: chain.depositConfirm,
    withdrawConfirm: chain.withdrawConfirm,
    minDepositAmount: chain.minDepositAmount,
    minWithdrawAmount: chain.minWithdrawAmount,
    browserUrl: chain.txUrl,
    contractAddress: chain.contractAddress,
    withdrawStep: '0',
    // Withdrawals are exact to the asset's smallest unit.
    withdrawMinScale: String(asset.scale),
    congestion: 'normal',
  };
}

/** Coins as `/api/v2/spot/public/coins` lists them, each with its chains (chains.ts). */
export function renderCoin(asset: Asset, index: number) {
  const coin = coinOf(asset);
  return { coinId: String(index + 1), coin, transfer: 'true', chains: chainsOf(chainsFactOf(asset), coin).map((c) => renderChain(c, asset)), areaCoin: 'no' };
}

/** The futures product types ccxt asks about; assetbook lists no contracts in any of them. */
export const PRODUCT_TYPES = ['USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES', 'SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES'] as const;
