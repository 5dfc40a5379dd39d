import { Type, type Static } from '@sinclair/typebox';
import { BUCKETS, SYSTEM_BOOKS } from '../ledger/types.js';
import { OPERATION_TYPES } from '../ledger/operations.js';

/**
 * The operator API's wire schemas. Fastify validates requests and serializes responses with
 * them, and the OpenAPI document at /openapi.json is generated from them.
 */

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Decimal = Type.String({ pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$', maxLength: 80, description: 'A decimal amount in the asset\'s unit, e.g. "1.25"' });
const SignedDecimal = Type.String({ pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$', maxLength: 81, description: 'A signed decimal amount' });
const Key = Type.String({ minLength: 1, maxLength: 128, description: 'Client-chosen idempotency key' });
const Symbol = Type.String({ minLength: 1, maxLength: 20 });
const Name = Type.String({ minLength: 1, maxLength: 64 });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A ledger error code, or UNAUTHENTICATED, BAD_REQUEST, NOT_FOUND, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, INTERNAL' }),
      message: Type.String(),
      path: Type.Optional(Type.String({ description: 'Where in the request the problem is' })),
    }),
  },
  { $id: 'OperatorError' },
);

export const AssetInputBody = Type.Object(
  {
    symbol: Symbol,
    name: Type.Optional(Name),
    scale: Type.Integer({ minimum: 0, maximum: 36, description: 'Decimal places of the smallest unit the ledger keeps' }),
    bitget: Type.Optional(Type.Object({ coin: Type.Optional(Symbol) }, { additionalProperties: false })),
    bullish: Type.Optional(
      Type.Object({ assetId: Type.Optional(Type.String({ maxLength: 20 })), precision: Type.Optional(Type.Integer({ minimum: 0, maximum: 36 })) }, { additionalProperties: false }),
    ),
    loopring: Type.Optional(
      Type.Object(
        {
          tokenId: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647 })),
          address: Type.Optional(Type.String({ maxLength: 42 })),
          decimals: Type.Optional(Type.Integer({ minimum: 0, maximum: 36 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AssetBody = Type.Object({
  symbol: Type.String(),
  name: Type.String(),
  scale: Type.Integer(),
  bitget: Type.Object({ coin: Type.String() }),
  bullish: Type.Object({ assetId: Type.String(), precision: Type.Integer() }),
  loopring: Type.Object({ tokenId: Type.Integer(), address: Type.String(), decimals: Type.Integer() }),
});

const PublicKey = Type.Object({ x: Type.String({ maxLength: 80 }), y: Type.String({ maxLength: 80 }) }, { additionalProperties: false });

const FieldElement = Type.String({ pattern: '^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$', description: 'A field element: 0x-hex or decimal' });

export const LoopringKeyBody = Type.Object(
  { x: FieldElement, y: FieldElement },
  { additionalProperties: false, description: "The account's Loopring layer-2 (EdDSA) public key, as the SDK's key pair gives it" },
);

export const AccountInputBody = Type.Object(
  {
    label: Type.Optional(Name),
    bitgetUid: Type.Optional(Type.String({ maxLength: 20 })),
    bullishTradingAccountId: Type.Optional(Type.String({ maxLength: 20 })),
    loopringAccountId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
    loopringAddress: Type.Optional(Type.String({ maxLength: 42 })),
    loopringPublicKey: Type.Optional(PublicKey),
  },
  { additionalProperties: false },
);

export const AccountBody = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  kind: Type.Union([Type.Literal('main'), Type.Literal('sub')]),
  label: Type.String(),
  bitgetUid: Type.String(),
  bullishTradingAccountId: Type.String(),
  loopringAccountId: Type.Integer(),
  loopringAddress: Type.String(),
  loopringPublicKey: Type.Union([Type.Object({ x: Type.String(), y: Type.String() }), Type.Null()]),
  createdAtMs: Type.Integer(),
});

export const UserInputBody = Type.Object(
  { name: Name, bitgetBroker: Type.Optional(Type.Boolean()), main: Type.Optional(AccountInputBody) },
  { additionalProperties: false },
);

export const UserBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  bitgetBroker: Type.Boolean(),
  createdAtMs: Type.Integer(),
  accounts: Type.Array(AccountBody),
});

export const CredentialInputBody = Type.Object(
  {
    venue: Type.Union([Type.Literal('bitget'), Type.Literal('bullish'), Type.Literal('loopring')]),
    accountId: Id,
    label: Type.Optional(Name),
    apiKey: Type.Optional(Type.String({ maxLength: 128 })),
    secretKey: Type.Optional(Type.String({ maxLength: 128 })),
    passphrase: Type.Optional(Type.String({ maxLength: 128 })),
    rsaPublicKeyPem: Type.Optional(Type.String({ maxLength: 4096 })),
    publicKey: Type.Optional(Type.String({ maxLength: 128 })),
    secret: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);

export const IssuedCredentialBody = Type.Object({
  id: Type.Integer(),
  venue: Type.String(),
  userId: Type.Integer(),
  accountId: Type.Integer(),
  secrets: Type.Record(Type.String(), Type.String(), { description: 'Shown once: store them now' }),
});

export const CredentialBody = Type.Object({
  id: Type.Integer(),
  venue: Type.String(),
  userId: Type.Integer(),
  accountId: Type.Integer(),
  label: Type.String(),
  publicId: Type.String({ description: 'Bitget apiKey, Bullish public key, or a hash for Loopring keys' }),
  rsa: Type.Boolean(),
  createdAtMs: Type.Integer(),
});

const Leg = Type.Object(
  {
    from: Id,
    to: Id,
    asset: Symbol,
    amount: Decimal,
    fromBucket: Type.Optional(Type.Union([Type.Literal('available'), Type.Literal('held')])),
  },
  { additionalProperties: false },
);
const Fee = Type.Object({ account: Id, asset: Symbol, amount: Decimal }, { additionalProperties: false });

export const OperationInputBody = Type.Object(
  {
    key: Key,
    type: Type.Union(OPERATION_TYPES.map((t) => Type.Literal(t))),
    account: Type.Optional(Id),
    from: Type.Optional(Id),
    to: Type.Optional(Id),
    asset: Type.Optional(Symbol),
    amount: Type.Optional(SignedDecimal),
    fee: Type.Optional(Decimal),
    pending: Type.Optional(Key),
    bucket: Type.Optional(Type.Union(BUCKETS.map((b) => Type.Literal(b)))),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    legs: Type.Optional(Type.Array(Leg, { maxItems: 16 })),
    fees: Type.Optional(Type.Array(Fee, { maxItems: 16 })),
  },
  {
    additionalProperties: false,
    $id: 'OperationInput',
    description: 'One ledger operation. Which fields apply depends on type: see docs/ledger.md.',
  },
);
export type OperationInput = Static<typeof OperationInputBody>;

export const BatchInputBody = Type.Object(
  { operations: Type.Array(OperationInputBody, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);

const PostingBody = Type.Object({
  account: Type.Integer({ description: '0 for the system books' }),
  bucket: Type.Union([...BUCKETS, ...SYSTEM_BOOKS].map((b) => Type.Literal(b))),
  asset: Type.String(),
  amount: Type.String(),
});

export const EntryBody = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  type: Type.String(),
  atMs: Type.Integer(),
  request: Type.Record(Type.String(), Type.Unknown()),
  postings: Type.Array(PostingBody),
});

export const ApplyResultBody = Type.Object({ replayed: Type.Boolean(), entry: EntryBody });

export const BalancesBody = Type.Object({
  account: Type.Integer(),
  assets: Type.Array(
    Type.Object({
      asset: Type.String(),
      ...Object.fromEntries(BUCKETS.map((b) => [b, Type.String()])),
      updatedAtMs: Type.Record(Type.String(), Type.Integer(), { description: 'Per bucket: when it last changed' }),
    }),
  ),
});

export const JournalBody = Type.Object({
  entries: Type.Array(EntryBody),
  next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as ?after= to read the next page' }),
});

export const JournalQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$' })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
  },
  { additionalProperties: false },
);

export const UserIdQuery = Type.Object(
  { userId: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })) },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) });

export const VerifyBody = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer(),
  postings: Type.Integer(),
  balances: Type.Integer(),
  mismatches: Type.Array(Type.Object({ kind: Type.String(), detail: Type.String() })),
});
