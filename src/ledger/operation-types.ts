import { Type, type Static, type TLiteral, type TObject, type TProperties, type TSchema, type TString } from '@sinclair/typebox';
import { AMOUNT_DIGITS_MAX } from './amount.js';
import { LedgerError } from './errors.js';
import { BUCKETS } from './types.js';
import { checkerFor, isPlainObject } from './validation.js';

/**
 * The operation request, typed once: one TypeBox schema per operation type, chosen by `type` (a
 * JSON Schema discriminator), each listing exactly the fields that type reads. Everything else
 * derives from here: the `OperationRequest` union the planners take (operations.ts), the check
 * `ledger.apply` runs on what it is given, the operator API's schema and so the OpenAPI document,
 * `assetbook op`, and docs/ledger.md's operation table (operation-docs.ts). A mistake is reported
 * against the type the client meant: "fee is not a field of a deposit operation; it takes key,
 * type, account, asset, amount", not a union's "must match a schema in anyOf".
 *
 * What a schema cannot know stays in the planners: that an asset or account exists, that an
 * amount fits the asset's scale and is not zero, and the business rules (a trade joins two
 * accounts, a reason is not blank).
 */

export const OPERATION_TYPES = [
  'deposit',
  'deposit.pending',
  'deposit.confirm',
  'deposit.cancel',
  'withdrawal.request',
  'withdrawal.complete',
  'withdrawal.cancel',
  'hold',
  'release',
  'reservation.post',
  'reservation.void',
  'lock',
  'unlock',
  'restrict',
  'unrestrict',
  'borrow',
  'repay',
  'lend',
  'recall',
  'transfer',
  'trade',
  'adjust',
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** The kinds a `hold` may open; deposits and withdrawals open their own. */
export const HOLD_KINDS = ['order', 'other'] as const;
export const TRADE_SOURCES = ['available', 'held'] as const;
export const TRADE_LEGS_MAX = 16;
export const REASON_LENGTH_MAX = 500;

/** A string that must be one of `values`: an `enum`, so a mistake lists the allowed values. */
export function OneOf<const T extends string>(values: readonly T[], options: Record<string, unknown> = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, 'x-invalid': 'must be an id: a positive integer' });

const AMOUNT_SHAPE = `a decimal string in the asset's unit like "1.25" (a JSON string, no exponent, at most ${AMOUNT_DIGITS_MAX} digits)`;

/** The unsigned decimal form of every amount (opening balances of a scenario use it too). */
export const DECIMAL_PATTERN = '^(0|[1-9][0-9]*)(\\.[0-9]+)?$';

/** Every amount an operation moves; the planners also refuse zero and more places than the asset's scale. */
export const Amount = Type.String({
  pattern: DECIMAL_PATTERN,
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

/** `schema` with its own description; its type stays `schema`'s (a spread's type would hold TypeBox's symbols, which declarations cannot name). */
export const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });

const KEY_RULE = 'must be 1 to 128 printable ASCII characters without spaces';
const printable = (description: string): TString =>
  Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', description, 'x-invalid': KEY_RULE });

export const Key = printable('Client-chosen idempotency key, unique across the ledger: sending it again replays the first answer');
const PendingKey = printable('The key of the deposit.pending or withdrawal.request operation that opened the pending');
const ReservationId = printable(
  'A reservation id: chosen by the hold that opened it, or the key of the deposit.pending or withdrawal.request that opened a pending',
);
export const AssetSymbol = Type.String({ minLength: 1, maxLength: 20, description: 'An asset symbol, e.g. BTC', 'x-invalid': 'must be an asset symbol of 1 to 20 characters' });

export const TradeLeg = Type.Object(
  {
    from: described(Id, 'The account that gives'),
    to: described(Id, 'The account that receives, into its available bucket'),
    asset: AssetSymbol,
    amount: Amount,
    fromBucket: Type.Optional(OneOf(TRADE_SOURCES, { description: 'Where the amount leaves from: available (default) or held (an open order; the default with reservation)' })),
    reservation: Type.Optional(described(ReservationId, 'The reservation (in held, of the giving account and this asset) the amount is posted out of')),
  },
  { additionalProperties: false, title: 'a trade leg' },
);

export const TradeFee = Type.Object(
  { account: described(Id, 'One of the two trading accounts'), asset: AssetSymbol, amount: Amount },
  { additionalProperties: false, title: 'a trade fee' },
);

const single = { account: Id, asset: AssetSymbol, amount: Amount };
const settle = { pending: PendingKey };

/** Printable ASCII without spaces, 1 to `max` characters: what a chain, an address or a hash is written with. */
const wireText = (max: number, description: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^[\\x21-\\x7e]+$', description, 'x-invalid': `must be 1 to ${max} printable ASCII characters without spaces` });

/**
 * What a deposit or withdrawal showed on its way, kept in the journal entry exactly as given and
 * shown by each venue's history (docs/ledger.md "History"). All optional; the ledger does not
 * interpret them.
 */
export const TRANSIT_FIELDS = ['chain', 'address', 'tag', 'txHash'] as const;
const transit = {
  chain: Type.Optional(wireText(64, 'The network it travelled on, e.g. ERC20, TRC20, Bitcoin')),
  address: Type.Optional(wireText(256, 'The outside address: where a deposit came from, where a withdrawal goes')),
  tag: Type.Optional(wireText(128, 'The memo or destination tag that goes with the address')),
  txHash: Type.Optional(wireText(256, 'The transaction hash (or id) on the chain')),
};
const fee = (does: string) => Type.Optional(described(Amount, does));

/** Component names for the OpenAPI document: `DepositPendingOperation` for deposit.pending. */
export function operationSchemaName(type: OperationType): string {
  return `${type.split('.').map((w) => w[0]?.toUpperCase() + w.slice(1)).join('')}Operation`;
}

type OperationSchema<T extends OperationType, P extends TProperties> = TObject<{ key: typeof Key; type: TLiteral<T> } & P>;

/** One type's schema: key and type, then its own fields; `does` is what it does to the books (docs/ledger.md's table). */
function operation<T extends OperationType, P extends TProperties>(type: T, does: string, fields: P): OperationSchema<T, P> {
  return Type.Object({ key: Key, type: Type.Literal(type), ...fields } as { key: typeof Key; type: TLiteral<T> } & P, {
    additionalProperties: false,
    title: `a ${type} operation`,
    $id: operationSchemaName(type),
    description: does,
  });
}

/** Per type, its schema. `a` is the amount; a type missing here, or a schema of another type, does not compile. */
export const OPERATION_SCHEMAS = {
  deposit: operation('deposit', 'world −(a+fee); available +a; fees +fee', {
    ...single,
    fee: fee('Deposit fee, taken on the way in: the account is credited the amount, the fee goes to the venue; "0" or absent for none'),
    ...transit,
  }),
  'deposit.pending': operation('deposit.pending', 'world −(a+fee); pendingDeposit +(a+fee); opens a pending deposit named by this key', {
    ...single,
    fee: fee('Deposit fee, taken when it is confirmed; "0" or absent for none'),
    ...transit,
  }),
  'deposit.confirm': operation('deposit.confirm', 'pendingDeposit −(a+fee); available +a; fees +fee', settle),
  'deposit.cancel': operation('deposit.cancel', 'pendingDeposit −(a+fee); world +(a+fee)', settle),
  'withdrawal.request': operation('withdrawal.request', 'available −(a+fee); pendingWithdrawal +(a+fee); opens a pending withdrawal', {
    ...single,
    fee: fee('Withdrawal fee, taken with the amount; "0" or absent for none'),
    ...transit,
  }),
  'withdrawal.complete': operation('withdrawal.complete', 'pendingWithdrawal −(a+fee); world +a; fees +fee', settle),
  'withdrawal.cancel': operation('withdrawal.cancel', 'pendingWithdrawal −(a+fee); available +(a+fee)', settle),
  hold: operation('hold', 'available −a; held +a; with `reservation`, opens that reservation (kind `order`, the default, or `other`)', {
    ...single,
    reservation: Type.Optional(described(ReservationId, 'Sets the amount aside under this id, for reservation.post, trade legs and reservation.void; absent: an anonymous hold')),
    kind: Type.Optional(OneOf(HOLD_KINDS, { description: 'The reservation\'s kind: order (default) or other; only with reservation' })),
  }),
  release: operation('release', 'held −a; available +a (only the part of held no open reservation owns)', single),
  'reservation.post': operation('reservation.post', 'held −a; to.available +a; posts a of an open `order`/`other` reservation', {
    reservation: described(ReservationId, 'An open order or other reservation'),
    to: described(Id, 'The account that receives the posted part, into its available bucket'),
    amount: Amount,
  }),
  'reservation.void': operation(
    'reservation.void',
    "the reservation's bucket −r; back where it came from +r (available; world for a deposit), r = what is left; closes it",
    { reservation: described(ReservationId, 'An open reservation: everything left goes back where it came from') },
  ),
  lock: operation('lock', 'available −a; locked +a', single),
  unlock: operation('unlock', 'locked −a; available +a', single),
  restrict: operation('restrict', 'available −a; restricted +a', single),
  unrestrict: operation('unrestrict', 'restricted −a; available +a', single),
  borrow: operation('borrow', 'pool −a; available +a; debt −a; borrowed +a', single),
  repay: operation('repay', 'available −a; pool +a; borrowed −a; debt +a', single),
  lend: operation('lend', 'available −a; loaned +a', single),
  recall: operation('recall', 'loaned −a; available +a', single),
  transfer: operation('transfer', 'from.available −a; to.available +a', { from: Id, to: Id, asset: AssetSymbol, amount: Amount }),
  trade: operation(
    'trade',
    'per leg: from.(held or available) −a; to.available +a; a leg naming a `reservation` posts a of it. Per fee: account.available −f; fees +f',
    {
      legs: Type.Array(TradeLeg, {
        minItems: 2,
        maxItems: TRADE_LEGS_MAX,
        description: 'What each side gives: exactly two accounts, each giving at least one leg',
        'x-invalid': `must be an array of 2 to ${TRADE_LEGS_MAX} legs`,
      }),
      fees: Type.Optional(Type.Array(TradeFee, { maxItems: TRADE_LEGS_MAX, description: 'Fees paid by either side to the venue', 'x-invalid': `must be an array of at most ${TRADE_LEGS_MAX} fees` })),
    },
  ),
  adjust: operation('adjust', 'account.bucket ±a; adjustments ∓a', {
    account: Id,
    asset: AssetSymbol,
    bucket: OneOf(BUCKETS, { description: 'The bucket to correct' }),
    amount: SignedAmount,
    reason: Type.String({
      minLength: 1,
      maxLength: REASON_LENGTH_MAX,
      description: 'Why: kept in the journal',
      'x-invalid': `must be a non-empty text of at most ${REASON_LENGTH_MAX} characters`,
    }),
  }),
} satisfies { readonly [T in OperationType]: TObject<{ type: TLiteral<T> } & TProperties> };

/** The request of one type, exactly as its schema allows. */
export type OperationOf<T extends OperationType> = Static<(typeof OPERATION_SCHEMAS)[T]>;
/** Any operation request: a union discriminated by `type`. */
export type OperationRequest = { [T in OperationType]: OperationOf<T> }[OperationType];

/** The union as one schema (the operator API's `OperationInput` component). */
export const OperationRequestSchema = Type.Unsafe<OperationRequest>({
  $id: 'OperationInput',
  type: 'object',
  description: 'One ledger operation. `type` chooses which fields it takes: see docs/ledger.md and docs/operator-api.md.',
  'x-invalid': 'must be an object: an operation',
  discriminator: { propertyName: 'type' },
  oneOf: OPERATION_TYPES.map((type) => OPERATION_SCHEMAS[type]),
} satisfies Record<string, unknown>) as TSchema & { static: OperationRequest };

const checkOperation = checkerFor(OperationRequestSchema);

/** Requests a surface checked against `OperationRequestSchema` already (`checkedAlready`). */
const checked = new WeakSet<object>();

/**
 * Notes that each of `requests` was just checked against `OperationRequestSchema`, as the operator
 * API's body validation does (its operation bodies are this schema): `parseOperation` then takes
 * them as they are instead of checking them a second time. Only for objects nothing changes after.
 */
export function checkedAlready(requests: readonly OperationRequest[]): void {
  for (const request of requests) checked.add(request);
}

/**
 * The one reading of an operation request, for the ledger's own boundary and for every surface:
 * one mistake gets one answer, code, path and message, whichever way the operation came in.
 */
export function parseOperation(value: unknown): OperationRequest {
  if (typeof value === 'object' && value !== null && checked.has(value)) return value as OperationRequest;
  if (!isPlainObject(value)) throw new LedgerError('INVALID_ARGUMENT', 'an operation must be a JSON object');
  const refusal = checkOperation(value);
  if (refusal) throw refusal;
  return value as OperationRequest;
}
