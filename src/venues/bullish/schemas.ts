import { Type } from '@sinclair/typebox';

/**
 * Response schemas: Fastify serializes 200 bodies with them (fast, and nothing but these fields
 * leaves the server). Requests are checked by hand in the handlers so that each refusal gets
 * Bullish's code for it rather than a generic schema error.
 */

const text = Type.String();
const nullableText = Type.Union([Type.String(), Type.Null()]);

export const AssetAccountBody = Type.Object({
  tradingAccountId: text,
  assetId: text,
  assetSymbol: text,
  availableQuantity: text,
  borrowedQuantity: text,
  lockedQuantity: text,
  loanedQuantity: text,
  updatedAtDatetime: text,
  updatedAtTimestamp: text,
});

export const AssetAccountsBody = Type.Array(AssetAccountBody);

export const TradingAccountBody = Type.Object({
  tradingAccountId: text,
  tradingAccountName: text,
  tradingAccountDescription: nullableText,
  isPrimaryAccount: text,
  isBorrowing: text,
  isLending: text,
  isDefaulted: text,
  isConcentrationRiskEnabled: text,
  rateLimitToken: text,
  endCustomerId: text,
  maxInitialLeverage: text,
  makerFee: text,
  takerFee: text,
  tradeFeeRate: Type.Array(Type.Object({ feeGroupId: Type.Integer(), makerFee: text, takerFee: text })),
  riskLimitUSD: text,
  totalLiabilitiesUSD: text,
  totalBorrowedUSD: text,
  totalCollateralUSD: text,
  initialMarginUSD: text,
  warningMarginUSD: text,
  liquidationMarginUSD: text,
  fullLiquidationMarginUSD: text,
  defaultedMarginUSD: text,
  liquidityAddonUSD: text,
  marketRiskUSD: text,
  marginProfile: Type.Object({
    initialMarketRiskMultiplierPct: text,
    warningMarketRiskMultiplierPct: text,
    liquidationMarketRiskMultiplierPct: text,
    fullLiquidationMarketRiskMultiplierPct: text,
    defaultedMarketRiskMultiplierPct: text,
  }),
});

export const TradingAccountsBody = Type.Array(TradingAccountBody);

export const LoginBody = Type.Object({ authorizer: text, ownerAuthorizer: text, token: text });

export const AssetsBody = Type.Array(Type.Object({ assetId: text, symbol: text, name: text, precision: text, minFee: text }));

export const MarketsBody = Type.Array(
  Type.Object({
    marketId: text,
    symbol: text,
    baseAssetId: text,
    baseSymbol: text,
    quoteAssetId: text,
    quoteSymbol: text,
    basePrecision: text,
    quotePrecision: text,
    pricePrecision: text,
    quantityPrecision: text,
    costPrecision: text,
    minQuantityLimit: nullableText,
    maxQuantityLimit: nullableText,
    minPriceLimit: nullableText,
    maxPriceLimit: nullableText,
    minCostLimit: nullableText,
    maxCostLimit: nullableText,
    timeZone: text,
    makerFee: text,
    takerFee: text,
    orderTypes: Type.Array(text),
    marketType: text,
    marketEnabled: Type.Boolean(),
    spotTradingEnabled: Type.Boolean(),
    marginTradingEnabled: Type.Boolean(),
    createOrderEnabled: Type.Boolean(),
    cancelOrderEnabled: Type.Boolean(),
  }),
);

export const TimeBody = Type.Object({ timestamp: text, datetime: text });

export const NonceRangeBody = Type.Object({ lowerBound: Type.Integer(), upperBound: Type.Integer() });

export const LogoutBody = Type.Object({});
