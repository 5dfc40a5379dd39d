import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { AMOUNT_DIGITS_MAX } from '../ledger/amount.js';
import { BATCH_SIZE_MAX } from '../ledger/ledger.js';
import { HOLD_KINDS, OPERATION_TYPES, type OperationRequest, type OperationType } from '../ledger/operations.js';
import { BUCKETS } from '../ledger/types.js';

/**
 * The operation request as a schema: one object schema per operation type, chosen by `type`
 * (an OpenAPI/Ajv discriminator), each listing exactly the fields that type reads. So a mistake
 * is reported against the type the client meant: "fee is not a field of a deposit operation; it
 * takes key, type, account, asset, amount", not a union's "must match a schema in anyOf".
 * docs/ledger.md describes what each type does; docs/operator-api.md each field.
 */

/** A string that must be one of `values`: an `enum`, so a mistake lists the allowed values. */
export function OneOf<const T extends string>(values: readonly T[], options: Record<string, unknown> = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, 'x-invalid': 'must be an id: a positive integer' });

const AMOUNT_SHAPE = `a decimal string in the asset's unit like "1.25" (a JSON string, no exponent, at most ${AMOUNT_DIGITS_MAX} digits)`;

/** Every amount an operation moves; the ledger also refuses zero and more places than the asset's scale. */
export const Amount = Type.String({
  pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$',
  maxLength: AMOUNT_DIGITS_MAX + 1,
  description: 'A positive decimal amount in the asset\'s unit, e.g. "1.25": a string, never a JSON number',
  'x-amount': true,
  'x-invalid': `must be ${AMOUNT_SHAPE} without a sign`,
});

const SignedAmount = Type.String({
  pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$',
  maxLength: AMOUNT_DIGITS_MAX + 2,
  description: 'A non-zero decimal amount, negative to take away, e.g. "-0.5"',
  'x-amount': true,
  'x-invalid': `must be ${AMOUNT_SHAPE}, "-" in front to take away`,
});

const KEY_RULE = 'must be 1 to 128 printable ASCII characters without spaces';
export const Key = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[\\x21-\\x7e]+$',
  description: 'Client-chosen idempotency key, unique across the ledger: sending it again replays the first answer',
  'x-invalid': KEY_RULE,
});
const PendingKey = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[\\x21-\\x7e]+$',
  description: 'The key of the deposit.pending or withdrawal.request operation that opened the pending',
  'x-invalid': KEY_RULE,
});
const ReservationId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[\\x21-\\x7e]+$',
  description: 'A reservation id: chosen by the hold that opened it, or the key of the deposit.pending or withdrawal.request that opened a pending',
  'x-invalid': KEY_RULE,
});
export const AssetSymbol = Type.String({ minLength: 1, maxLength: 20, description: 'An asset symbol, e.g. BTC', 'x-invalid': 'must be an asset symbol of 1 to 20 characters' });

export const TRADE_LEGS_MAX = 16;

export const TradeLeg = Type.Object(
  {
    from: { ...Id, description: 'The account that gives' },
    to: { ...Id, description: 'The account that receives, into its available bucket' },
    asset: AssetSymbol,
    amount: Amount,
    fromBucket: Type.Optional(OneOf(['available', 'held'], { description: 'Where the amount leaves from: available (default) or held (an open order; the default with reservation)' })),
    reservation: Type.Optional({ ...ReservationId, description: 'The reservation (in held, of the giving account and this asset) the amount is posted out of' }),
  },
  { additionalProperties: false, title: 'a trade leg' },
);

export const TradeFee = Type.Object(
  { account: { ...Id, description: 'One of the two trading accounts' }, asset: AssetSymbol, amount: Amount },
  { additionalProperties: false, title: 'a trade fee' },
);

const single = { account: Id, asset: AssetSymbol, amount: Amount };
const settle = { pending: PendingKey };

/** The fields each type takes besides key and type; the ledger's own list (operations.ts) is the same. */
const FIELDS: Record<OperationType, TProperties> = {
  deposit: single,
  'deposit.pending': single,
  'deposit.confirm': settle,
  'deposit.cancel': settle,
  'withdrawal.request': { ...single, fee: Type.Optional({ ...Amount, description: 'Withdrawal fee, taken with the amount; "0" or absent for none' }) },
  'withdrawal.complete': settle,
  'withdrawal.cancel': settle,
  hold: {
    ...single,
    reservation: Type.Optional({ ...ReservationId, description: 'Sets the amount aside under this id, for reservation.post, trade legs and reservation.void; absent: an anonymous hold' }),
    kind: Type.Optional(OneOf(HOLD_KINDS, { description: 'The reservation\'s kind: order (default) or other; only with reservation' })),
  },
  release: single,
  'reservation.post': {
    reservation: { ...ReservationId, description: 'An open order or other reservation' },
    to: { ...Id, description: 'The account that receives the posted part, into its available bucket' },
    amount: Amount,
  },
  'reservation.void': { reservation: { ...ReservationId, description: 'An open reservation: everything left goes back where it came from' } },
  lock: single,
  unlock: single,
  restrict: single,
  unrestrict: single,
  borrow: single,
  repay: single,
  lend: single,
  recall: single,
  transfer: { from: Id, to: Id, asset: AssetSymbol, amount: Amount },
  trade: {
    legs: Type.Array(TradeLeg, {
      minItems: 2,
      maxItems: TRADE_LEGS_MAX,
      description: 'What each side gives: exactly two accounts, each giving at least one leg',
      'x-invalid': `must be an array of 2 to ${TRADE_LEGS_MAX} legs`,
    }),
    fees: Type.Optional(Type.Array(TradeFee, { maxItems: TRADE_LEGS_MAX, description: 'Fees paid by either side to the venue', 'x-invalid': `must be an array of at most ${TRADE_LEGS_MAX} fees` })),
  },
  adjust: {
    account: Id,
    asset: AssetSymbol,
    bucket: OneOf(BUCKETS, { description: 'The bucket to correct' }),
    amount: SignedAmount,
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why: kept in the journal', 'x-invalid': 'must be a non-empty text of at most 500 characters' }),
  },
};

/** Component names for the OpenAPI document: `DepositPendingOperation` for deposit.pending. */
export function operationSchemaName(type: OperationType): string {
  return `${type.split('.').map((w) => w[0]?.toUpperCase() + w.slice(1)).join('')}Operation`;
}

export const OPERATION_SCHEMAS: readonly TObject[] = OPERATION_TYPES.map((type) =>
  Type.Object(
    { key: Key, type: Type.Literal(type), ...FIELDS[type] },
    { additionalProperties: false, title: `a ${type} operation`, $id: operationSchemaName(type) },
  ),
);

export const OperationInputBody = Type.Unsafe<OperationRequest>({
  $id: 'OperationInput',
  type: 'object',
  description: 'One ledger operation. `type` chooses which fields it takes: see docs/ledger.md and docs/operator-api.md.',
  'x-invalid': 'must be an object: an operation',
  discriminator: { propertyName: 'type' },
  oneOf: OPERATION_SCHEMAS,
} satisfies Record<string, unknown>) as TSchema & { static: OperationRequest };

export const BatchInputBody = Type.Object(
  {
    operations: Type.Array(OperationInputBody, {
      minItems: 1,
      maxItems: BATCH_SIZE_MAX,
      'x-invalid': `must be an array of 1 to ${BATCH_SIZE_MAX} operations`,
    }),
  },
  { additionalProperties: false, title: 'a batch', $id: 'BatchInput' },
);
