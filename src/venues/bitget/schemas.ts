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

export const CoinChain = Type.Object({
  chain: Type.String(),
  needTag: Type.String(),
  withdrawable: Type.String(),
  rechargeable: Type.String(),
  withdrawFee: Type.String(),
  extraWithdrawFee: Type.String(),
  depositConfirm: Type.String(),
  withdrawConfirm: Type.String(),
  minDepositAmount: Type.String(),
  minWithdrawAmount: Type.String(),
  browserUrl: Type.String(),
  contractAddress: Type.String(),
  withdrawStep: Type.String(),
  withdrawMinScale: Type.String(),
  congestion: Type.String(),
});

export const CoinList = Type.Array(
  Type.Object({ coinId: Type.String(), coin: Type.String(), transfer: Type.String(), chains: Type.Array(CoinChain), areaCoin: Type.String() }),
);

export const DepositAddress = Type.Object({ coin: Type.String(), address: Type.String(), chain: Type.String(), tag: Type.String(), url: Type.String() });

export const TransferDone = Type.Object({ transferId: Type.String(), clientOid: Type.String() });

const transferRecord = {
  coin: Type.String(),
  status: Type.String(),
  toType: Type.String(),
  fromType: Type.String(),
  size: Type.String(),
  ts: Type.String(),
  clientOid: Type.String(),
  transferId: Type.String(),
};
export const TransferRecords = Type.Array(Type.Object({ ...transferRecord, toSymbol: Type.String(), fromSymbol: Type.String() }));
export const SubMainTransferRecords = Type.Array(Type.Object({ ...transferRecord, fromUserId: Type.String(), toUserId: Type.String() }));

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
