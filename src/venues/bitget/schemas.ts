import { Type, type TSchema } from '@sinclair/typebox';

/** Response schemas: they document the wire shape and let Fastify serialize it fast. */

export const envelope = <T extends TSchema>(data: T) =>
  Type.Object({ code: Type.String(), msg: Type.String(), requestTime: Type.Integer(), data });

export const AssetItem = Type.Object({
  coin: Type.String(),
  available: Type.String(),
  frozen: Type.String(),
  locked: Type.String(),
  limitAvailable: Type.String(),
  uTime: Type.String(),
});
export const AssetList = Type.Array(AssetItem);

export const SubAccountAssets = Type.Array(
  Type.Object({ id: Type.Integer(), userId: Type.Integer(), assetsList: AssetList }),
);

export const ServerTime = Type.Object({ serverTime: Type.String() });

export const CoinList = Type.Array(
  Type.Object({ coinId: Type.String(), coin: Type.String(), transfer: Type.String(), chains: Type.Array(Type.Never()), areaCoin: Type.String() }),
);

export const SymbolList = Type.Array(
  Type.Object({
    symbol: Type.String(),
    baseCoin: Type.String(),
    quoteCoin: Type.String(),
    minTradeAmount: Type.String(),
    maxTradeAmount: Type.String(),
    takerFeeRate: Type.String(),
    makerFeeRate: Type.String(),
    pricePrecision: Type.String(),
    quantityPrecision: Type.String(),
    quotePrecision: Type.String(),
    status: Type.String(),
    minTradeUSDT: Type.String(),
  }),
);

export const EmptyList = Type.Array(Type.Never());
