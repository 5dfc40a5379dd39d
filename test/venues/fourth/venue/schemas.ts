import { Type, type Static } from '@sinclair/typebox';

/**
 * The fourth venue's success body: `{"code": 0, "message": "success", "data": …, "timestamp"}`.
 * Fastify serializes it with this schema, so nothing outside it leaks. Amounts are decimal strings
 * with exactly the asset's scale of places.
 */
const Amount = Type.String({ pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$', description: 'A decimal amount with the asset\'s full scale of places' });

export const BalanceRow = Type.Object({
  ticker: Type.String(),
  free: Amount,
  locked: Amount,
  total: Amount,
  /** Milliseconds since the epoch of the latest change; 0 for an asset never held. */
  updatedAt: Type.Integer(),
});
export type BalanceRow = Static<typeof BalanceRow>;

export const BalancesBody = Type.Object({
  code: Type.Literal(0),
  message: Type.Literal('success'),
  data: Type.Object({ accountNo: Type.String(), balances: Type.Array(BalanceRow) }),
  timestamp: Type.Integer({ description: 'Server time, ms' }),
});
export type BalancesBody = Static<typeof BalancesBody>;
