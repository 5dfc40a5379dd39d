import { Type, type Static } from '@sinclair/typebox';

/**
 * Loopring's response bodies. Fastify serializes every success with these (fast, and nothing
 * outside them leaks); errors are `{"resultInfo":{"code","message"}}` from errors.ts.
 * Ids and the timestamp are JSON integers; every amount is an integer string in the token's unit.
 */

const AmountString = Type.String({ pattern: '^(0|[1-9][0-9]*)$' });

export const BalanceRow = Type.Object({
  accountId: Type.Integer(),
  tokenId: Type.Integer(),
  total: AmountString,
  locked: AmountString,
  pending: Type.Object({ withdraw: AmountString, deposit: AmountString }),
});
export type BalanceRow = Static<typeof BalanceRow>;
export const BalancesBody = Type.Array(BalanceRow);

const AmountRange = Type.Object({ minimum: Type.String(), maximum: Type.String(), dust: Type.String() });

export const TokenInfo = Type.Object({
  type: Type.String(),
  tokenId: Type.Integer(),
  symbol: Type.String(),
  name: Type.String(),
  address: Type.String(),
  decimals: Type.Integer(),
  precision: Type.Integer(),
  precisionForOrder: Type.Integer(),
  orderAmounts: AmountRange,
  luckyTokenAmounts: AmountRange,
  fastWithdrawLimit: Type.String(),
  gasAmounts: Type.Object({ distribution: Type.String(), deposit: Type.String() }),
  enabled: Type.Boolean(),
});
export type TokenInfo = Static<typeof TokenInfo>;
export const TokensBody = Type.Array(TokenInfo);

export const AccountBody = Type.Object({
  accountId: Type.Integer(),
  owner: Type.String(),
  frozen: Type.Boolean(),
  publicKey: Type.Object({ x: Type.String(), y: Type.String() }),
  tags: Type.String(),
  nonce: Type.Integer(),
  keyNonce: Type.Integer(),
  keySeed: Type.String(),
});
export type AccountBody = Static<typeof AccountBody>;

export const TimestampBody = Type.Object({ timestamp: Type.Integer() });

export const ApiKeyBody = Type.Object({ apiKey: Type.String() });

/** `GET /v3/ws/key`: the key that opens `/v3/ws?wsApiKey=`. */
export const WsKeyBody = Type.Object({ key: Type.String() });
