import { formatAmount } from '../../ledger/amount.js';
import type { Account, Asset, Bucket } from '../../ledger/types.js';
import { sumBuckets } from '../shared/holdings.js';
import { assetIdOf, precisionOf, tradingAccountIdOf } from './identity.js';

/**
 * Ledger values to Bullish wire values. Pure functions: every amount is a bigint until
 * `formatAmount` pads it to the asset's Bullish precision, or drops the finer digits: holdings are
 * cut toward zero (never more than is held), the debt is rounded up (never less than is owed).
 */

/** ISO 8601 in UTC with exactly three millisecond digits and `Z`: `2025-05-20T01:01:01.000Z`. */
export function formatIsoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Bullish's `lockedQuantity` is "locked in orders, loans and AMM instructions": the ledger's held
 * (orders), locked (other locks), loaned (lent out, also shown alone as `loanedQuantity`), and
 * what no Bullish field shows on its own but is not free either: restricted and pending withdrawal.
 */
export const LOCKED_BUCKETS = ['held', 'locked', 'loaned', 'restricted', 'pendingWithdrawal'] as const satisfies readonly Bucket[];

export function sumLockedUnits(amounts: Readonly<Record<Bucket, bigint>>): bigint {
  return sumBuckets(amounts, LOCKED_BUCKETS);
}

export interface AssetAccountBody {
  tradingAccountId: string;
  assetId: string;
  assetSymbol: string;
  availableQuantity: string;
  borrowedQuantity: string;
  lockedQuantity: string;
  loanedQuantity: string;
  updatedAtDatetime: string;
  updatedAtTimestamp: string;
}

/** One asset account: what `tradingAccountId` holds of `asset`. */
export function renderAssetAccount(
  tradingAccountId: string,
  asset: Asset,
  amounts: Readonly<Record<Bucket, bigint>>,
  updatedAtMs: number,
): AssetAccountBody {
  const { scale } = asset;
  const places = precisionOf(asset);
  return {
    tradingAccountId,
    assetId: assetIdOf(asset),
    assetSymbol: asset.symbol,
    availableQuantity: formatAmount(amounts.available, scale, places),
    // Rounded up: a debt finer than the precision still shows, and agrees with isBorrowing.
    borrowedQuantity: formatAmount(amounts.borrowed, scale, places, 'up'),
    lockedQuantity: formatAmount(sumLockedUnits(amounts), scale, places),
    loanedQuantity: formatAmount(amounts.loaned, scale, places),
    updatedAtDatetime: formatIsoMillis(updatedAtMs),
    updatedAtTimestamp: String(updatedAtMs),
  };
}

/** An entry of `GET /v1/assets`: the fields ccxt reads (`symbol`, `name`, `precision`, `minFee`) and the asset id. */
export function renderAsset(asset: Asset) {
  return {
    assetId: assetIdOf(asset),
    symbol: asset.symbol,
    name: asset.name,
    precision: String(precisionOf(asset)),
    minFee: formatAmount(0n, 0, precisionOf(asset)),
  };
}

/** Quote assets of the spot markets listed, in this order, when the catalogue has them. */
export const QUOTE_SYMBOLS = ['USDC', 'USD'] as const;

/**
 * `GET /v1/markets`: one spot market per asset and quote asset present (`BTCUSDC`), so that
 * clients which load markets first find them. assetbook keeps balances, not order books: every
 * market says orders cannot be created.
 */
export function renderMarkets(assets: readonly Asset[]) {
  const markets = [];
  for (const quoteSymbol of QUOTE_SYMBOLS) {
    const quote = assets.find((a) => a.symbol === quoteSymbol);
    if (!quote) continue;
    for (const base of assets) {
      if (base.symbol === quote.symbol) continue;
      const basePrecision = String(precisionOf(base));
      const quotePrecision = String(precisionOf(quote));
      markets.push({
        marketId: String(BigInt(assetIdOf(base)) * 1_000_000n + BigInt(assetIdOf(quote))),
        symbol: `${base.symbol}${quote.symbol}`,
        baseAssetId: assetIdOf(base),
        baseSymbol: base.symbol,
        quoteAssetId: assetIdOf(quote),
        quoteSymbol: quote.symbol,
        basePrecision,
        quotePrecision,
        pricePrecision: quotePrecision,
        quantityPrecision: basePrecision,
        costPrecision: quotePrecision,
        minQuantityLimit: null,
        maxQuantityLimit: null,
        minPriceLimit: null,
        maxPriceLimit: null,
        minCostLimit: null,
        maxCostLimit: null,
        timeZone: 'Etc/UTC',
        makerFee: '0',
        takerFee: '0',
        orderTypes: [] as string[],
        marketType: 'SPOT',
        marketEnabled: true,
        spotTradingEnabled: false,
        marginTradingEnabled: false,
        createOrderEnabled: false,
        cancelOrderEnabled: false,
      });
    }
  }
  return markets;
}

export interface TradingAccountFlags {
  readonly isBorrowing: boolean;
  readonly isLending: boolean;
}

/** The name ccxt looks for: it picks the trading account named exactly this as the default. */
export const PRIMARY_ACCOUNT_NAME = 'Primary Account';

const USD_ZERO = '0.0000';

/**
 * A trading account with every field Bullish's schema requires. The ledger has no prices, so the
 * USD risk figures are zero; fees are zero; the margin profile is Bullish's standard one.
 */
export function renderTradingAccount(account: Account, flags: TradingAccountFlags, rateLimitToken: string) {
  const primary = account.kind === 'main';
  return {
    tradingAccountId: tradingAccountIdOf(account),
    tradingAccountName: primary ? PRIMARY_ACCOUNT_NAME : account.label,
    tradingAccountDescription: null,
    isPrimaryAccount: String(primary),
    isBorrowing: String(flags.isBorrowing),
    isLending: String(flags.isLending),
    isDefaulted: 'false',
    isConcentrationRiskEnabled: 'true',
    rateLimitToken,
    endCustomerId: String(account.userId),
    maxInitialLeverage: '1',
    makerFee: '0.00000000',
    takerFee: '0.00000000',
    tradeFeeRate: [] as { feeGroupId: number; makerFee: string; takerFee: string }[],
    riskLimitUSD: USD_ZERO,
    totalLiabilitiesUSD: USD_ZERO,
    totalBorrowedUSD: USD_ZERO,
    totalCollateralUSD: USD_ZERO,
    initialMarginUSD: USD_ZERO,
    warningMarginUSD: USD_ZERO,
    liquidationMarginUSD: USD_ZERO,
    fullLiquidationMarginUSD: USD_ZERO,
    defaultedMarginUSD: USD_ZERO,
    liquidityAddonUSD: USD_ZERO,
    marketRiskUSD: USD_ZERO,
    marginProfile: {
      initialMarketRiskMultiplierPct: '200.00',
      warningMarketRiskMultiplierPct: '150.00',
      liquidationMarketRiskMultiplierPct: '100.00',
      fullLiquidationMarketRiskMultiplierPct: '75.00',
      defaultedMarketRiskMultiplierPct: '50.00',
    },
  };
}

/** `GET /v1/time`. `timestamp` is a string of milliseconds, as the venue documents it. */
export function renderTime(nowMs: number) {
  return { timestamp: String(nowMs), datetime: formatIsoMillis(nowMs) };
}

const DAY_MS = 86_400_000;

/** `GET /v1/nonce`: the current UTC day, in microseconds, from its first to its last. */
export function renderNonceRange(nowMs: number) {
  const startMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return { lowerBound: startMs * 1000, upperBound: (startMs + DAY_MS) * 1000 - 1 };
}
