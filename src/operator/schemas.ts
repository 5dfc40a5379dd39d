import { Type, type TSchema } from '@sinclair/typebox';
import { JOURNAL_PAGE_MAX } from '../ledger/ledger.js';
import { BUCKETS, SYSTEM_BOOKS } from '../ledger/types.js';
import { OneOf } from '../ledger/operation-types.js';

export { BatchInputBody, OperationInputBody } from './operation-schemas.js';

/**
 * The operator API's wire schemas. Fastify validates requests (through ./validation.ts) and
 * serializes responses with them, and the OpenAPI document at /openapi.json is generated from
 * them: a schema with an `$id` is a named component there. Operation schemas are in
 * ../ledger/operation-types.ts (the ledger owns them; ./operation-schemas.ts adds the batch).
 */

/** The same schema under a component name (a copy: the scenario schema reuses the unnamed one). */
export function named<T extends TSchema>(id: string, schema: T, options: Record<string, unknown> = {}): T {
  return { ...schema, ...options, $id: id };
}

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Symbol = Type.String({ minLength: 1, maxLength: 20 });
const Name = Type.String({ minLength: 1, maxLength: 64 });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A ledger error code (docs/ledger.md), or UNAUTHENTICATED, BAD_REQUEST, NOT_FOUND, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, INTERNAL' }),
      message: Type.String({ description: 'What is wrong and what is expected, for a person' }),
      path: Type.Optional(
        Type.String({ description: 'The offending field: relative to the body (amount, legs/0/from, operations/2/account), query/<name> or params/<name>' }),
      ),
    }),
  },
  { $id: 'OperatorError', description: 'Every refusal of the operator API' },
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

export const AssetIn = named('AssetInput', AssetInputBody, { title: 'an asset' });

export const AssetBody = Type.Object({
  symbol: Type.String(),
  name: Type.String(),
  scale: Type.Integer(),
  bitget: Type.Object({ coin: Type.String() }),
  bullish: Type.Object({ assetId: Type.String(), precision: Type.Integer() }),
  loopring: Type.Object({ tokenId: Type.Integer(), address: Type.String(), decimals: Type.Integer() }),
}, { $id: 'Asset' });
export const AssetOut = AssetBody;

const PublicKey = Type.Object({ x: Type.String({ maxLength: 80 }), y: Type.String({ maxLength: 80 }) }, { additionalProperties: false });

const FieldElement = Type.String({ pattern: '^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$', description: 'A field element: 0x-hex or decimal', 'x-invalid': 'must be a field element: 0x and 1 to 64 hex digits, or 1 to 78 decimal digits' });

export const LoopringKeyIn = Type.Object(
  { x: FieldElement, y: FieldElement },
  { additionalProperties: false, $id: 'LoopringKeyInput', title: 'a Loopring key', description: "The account's Loopring layer-2 (EdDSA) public key, as the SDK's key pair gives it" },
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
  kind: OneOf(['main', 'sub']),
  label: Type.String(),
  bitgetUid: Type.String(),
  bullishTradingAccountId: Type.String(),
  loopringAccountId: Type.Integer(),
  loopringAddress: Type.String(),
  loopringPublicKey: Type.Union([Type.Object({ x: Type.String(), y: Type.String() }), Type.Null()]),
  createdAtMs: Type.Integer(),
}, { $id: 'Account' });
export const AccountOut = AccountBody;
export const AccountIn = named('AccountInput', AccountInputBody, { title: 'an account' });

export const UserInputBody = Type.Object(
  { name: Name, bitgetBroker: Type.Optional(Type.Boolean()), main: Type.Optional(AccountInputBody) },
  { additionalProperties: false, $id: 'UserInput', title: 'a user' },
);
export const UserIn = UserInputBody;

export const UserBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  bitgetBroker: Type.Boolean(),
  createdAtMs: Type.Integer(),
  accounts: Type.Array(AccountBody),
}, { $id: 'User' });
export const UserOut = UserBody;

export const CredentialInputBody = Type.Object(
  {
    venue: OneOf(['bitget', 'bullish', 'loopring'], { description: 'Which venue the credential signs for' }),
    accountId: Id,
    label: Type.Optional(Name),
    apiKey: Type.Optional(Type.String({ maxLength: 128 })),
    secretKey: Type.Optional(Type.String({ maxLength: 128 })),
    passphrase: Type.Optional(Type.String({ maxLength: 128 })),
    rsaPublicKeyPem: Type.Optional(Type.String({ maxLength: 4096 })),
    publicKey: Type.Optional(Type.String({ maxLength: 128 })),
    secret: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false, $id: 'CredentialInput', title: 'a credential request' },
);

export const IssuedCredentialBody = Type.Object({
  id: Type.Integer(),
  venue: Type.String(),
  userId: Type.Integer(),
  accountId: Type.Integer(),
  secrets: Type.Record(Type.String(), Type.String(), { description: 'Shown once: store them now' }),
}, { $id: 'IssuedCredential' });

export const CredentialBody = Type.Object({
  id: Type.Integer(),
  venue: Type.String(),
  userId: Type.Integer(),
  accountId: Type.Integer(),
  label: Type.String(),
  publicId: Type.String({ description: 'Bitget apiKey, Bullish public key, or a hash for Loopring keys' }),
  rsa: Type.Boolean(),
  createdAtMs: Type.Integer(),
}, { $id: 'Credential' });

const PostingBody = Type.Object({
  account: Type.Integer({ description: '0 for the system books' }),
  bucket: OneOf([...BUCKETS, ...SYSTEM_BOOKS]),
  asset: Type.String(),
  amount: Type.String(),
}, { $id: 'Posting' });

export const EntryBody = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  type: Type.String(),
  atMs: Type.Integer(),
  request: Type.Record(Type.String(), Type.Unknown()),
  postings: Type.Array(PostingBody),
}, { $id: 'JournalEntry' });

export const ApplyResultBody = Type.Object(
  { replayed: Type.Boolean({ description: 'true when the key was seen before: nothing was applied again' }), entry: EntryBody },
  { $id: 'ApplyResult' },
);
export const BatchResultBody = Type.Object({ results: Type.Array(ApplyResultBody) }, { $id: 'BatchResult' });

export const BalancesBody = Type.Object({
  account: Type.Integer(),
  assets: Type.Array(
    Type.Object({
      asset: Type.String(),
      ...Object.fromEntries(BUCKETS.map((b) => [b, Type.String()])),
      updatedAtMs: Type.Record(Type.String(), Type.Integer(), { description: 'Per bucket: when it last changed' }),
    }),
  ),
}, { $id: 'Balances' });

export const JournalBody = Type.Object({
  entries: Type.Array(EntryBody),
  next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as ?after= to read the next page' }),
}, { $id: 'JournalPage' });

export const JOURNAL_LIMIT_RULE = `must be an integer from 1 to ${JOURNAL_PAGE_MAX}`;

export const JournalQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'An entry id: the page starts after it (0, the default, for the start)', 'x-invalid': 'must be an entry id (0 or a positive integer)' })),
    limit: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,15}$',
        description: `Entries per page, 1 to ${JOURNAL_PAGE_MAX} (default 100); more is refused, not cut`,
        'x-invalid': JOURNAL_LIMIT_RULE,
      }),
    ),
  },
  { additionalProperties: false, title: 'the journal query' },
);

export const UserIdQuery = Type.Object(
  { userId: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'Only this user\'s', 'x-invalid': 'must be a user id: a positive integer' })) },
  { additionalProperties: false, title: 'this query' },
);

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$', 'x-invalid': 'must be an id: a positive integer' }) });

export const VerifyBody = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer(),
  postings: Type.Integer(),
  balances: Type.Integer(),
  reservations: Type.Integer(),
  mismatches: Type.Array(Type.Object({ kind: Type.String(), detail: Type.String() })),
}, { $id: 'VerifyReport' });
