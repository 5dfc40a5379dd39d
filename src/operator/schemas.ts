import { Type, type TSchema } from '@sinclair/typebox';
import { JOURNAL_PAGE_MAX } from '../ledger/ledger.js';
import { BUCKETS, SYSTEM_BOOKS } from '../ledger/types.js';
import { OneOf } from '../ledger/operation-types.js';
import { factsSchema, type FactsInput } from '../ledger/venue-facts.js';
import type { VenueDialect } from '../venues/venue.js';
import type { AccountInput, AssetInput } from '../ledger/catalog.js';
import type { UserInput } from '../ledger/session.js';

export { BatchInputBody, OperationInputBody } from './operation-schemas.js';

/**
 * The operator API's wire schemas. Fastify validates requests (through ./validation.ts) and
 * serializes responses with them, and the OpenAPI document at /openapi.json is generated from
 * them: a schema with an `$id` is a named component there. Operation schemas are in
 * ../ledger/operation-types.ts (the ledger owns them; ./operation-schemas.ts adds the batch).
 * The catalog and credential schemas depend on the venues served (`operatorSchemas`): nothing
 * here names a venue.
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

/** What the operator API and scenario files need of a venue: its id, its facts, its credential kind and (for the console) its balance view. */
export type OperatorVenue = Pick<VenueDialect, 'id' | 'identity' | 'credentials' | 'balanceView'>;

/** What the operator API takes to create assets, accounts and users: the ledger's own input types. */
export type { AssetInput, AccountInput, UserInput };
export interface AccountChanges {
  readonly venues: FactsInput;
}
/** A credential request: the account, the venue, a label, and the fields of that venue's credential kind. */
export interface CredentialInput {
  readonly accountId: number;
  readonly venue: string;
  readonly label?: string;
  readonly [field: string]: unknown;
}

/** A component name from a venue id: `someVenue` gives `SomeVenue`. */
const capitalized = (id: string) => `${id.charAt(0).toUpperCase()}${id.slice(1)}`;

function buildOperatorSchemas(venues: readonly OperatorVenue[]) {
  const schemes = venues.map((v) => v.identity);
  const AssetInputBody = Type.Object(
    {
      symbol: Symbol,
      name: Type.Optional(Name),
      scale: Type.Integer({ minimum: 0, maximum: 36, description: 'Decimal places of the smallest unit the ledger keeps' }),
      venues: Type.Optional(factsSchema(schemes, 'asset', 'input')),
    },
    { additionalProperties: false },
  );
  const AssetOut = Type.Object(
    { symbol: Type.String(), name: Type.String(), scale: Type.Integer(), venues: factsSchema(schemes, 'asset', 'output') },
    { $id: 'Asset' },
  );
  const AccountInputBody = Type.Object(
    { label: Type.Optional(Name), venues: Type.Optional(factsSchema(schemes, 'account', 'input')) },
    { additionalProperties: false },
  );
  const AccountOut = Type.Object(
    {
      id: Type.Integer(),
      userId: Type.Integer(),
      kind: OneOf(['main', 'sub']),
      label: Type.String(),
      venues: factsSchema(schemes, 'account', 'output'),
      createdAtMs: Type.Integer(),
    },
    { $id: 'Account' },
  );
  const AccountChangesIn = Type.Object(
    { venues: factsSchema(schemes, 'account', 'changes') },
    {
      additionalProperties: false,
      $id: 'AccountChanges',
      title: 'an account change',
      description: "Sets (a value) or removes (null) an account's mutable venue facts; the others stay as they are",
    },
  );
  const UserIn = Type.Object(
    { name: Name, venues: Type.Optional(factsSchema(schemes, 'user', 'input')), main: Type.Optional(AccountInputBody) },
    { additionalProperties: false, $id: 'UserInput', title: 'a user' },
  );
  const UserOut = Type.Object(
    { id: Type.Integer(), name: Type.String(), venues: factsSchema(schemes, 'user', 'output'), createdAtMs: Type.Integer(), accounts: Type.Array(AccountOut) },
    { $id: 'User' },
  );
  return {
    AssetInputBody,
    AssetIn: Type.Unsafe<AssetInput>(named('AssetInput', AssetInputBody, { title: 'an asset' })),
    AssetOut,
    AccountInputBody,
    AccountIn: Type.Unsafe<AccountInput>(named('AccountInput', AccountInputBody, { title: 'an account' })),
    AccountOut,
    AccountChangesIn: Type.Unsafe<AccountChanges>(AccountChangesIn),
    UserIn: Type.Unsafe<UserInput>(UserIn),
    UserOut,
    CredentialIn: Type.Unsafe<CredentialInput>(credentialInput(venues)),
  };
}

/**
 * `POST /credentials`: one branch per venue, chosen by `venue`, each taking that venue's
 * credential fields flat beside `accountId` and `label`; a mistake is judged against the venue meant.
 */
function credentialInput(venues: readonly OperatorVenue[]): TSchema {
  const common = { accountId: Id, label: Type.Optional(Name) };
  const description = 'Which venue the credential signs for';
  if (venues.length === 0) {
    return Type.Object(
      { venue: Type.String({ description, not: {}, 'x-invalid': 'must name a venue served, and none is' }), ...common },
      { additionalProperties: false, $id: 'CredentialInput', title: 'a credential request' },
    );
  }
  return Type.Unsafe({
    $id: 'CredentialInput',
    type: 'object',
    title: 'a credential request',
    description: "Issues a credential of one venue: `venue` chooses which fields it takes (that venue's own, each optional: the rest is generated)",
    'x-invalid': 'must be an object: a credential request',
    discriminator: { propertyName: 'venue' },
    oneOf: venues.map((v) =>
      Type.Object(
        { venue: Type.Literal(v.id, { description }), ...common, ...v.credentials.input.properties },
        {
          additionalProperties: false,
          $id: `${capitalized(v.id)}CredentialInput`,
          title: `a ${v.id} credential request`,
          description: v.credentials.holder === 'user' ? 'The user holds it: issue it on the main account' : 'Each account, a sub-account too, holds its own',
        },
      ),
    ),
  });
}

export type OperatorSchemas = ReturnType<typeof buildOperatorSchemas>;

/** Built once per list of venues: a schema object is compiled once, and the OpenAPI document sees one object per `$id`. */
const built = new WeakMap<readonly OperatorVenue[], OperatorSchemas>();

/**
 * The catalog and credential schemas for the venues served: what each venue knows assets, users
 * and accounts by (nested under `venues`), and its credential fields.
 */
export function operatorSchemas(venues: readonly OperatorVenue[]): OperatorSchemas {
  let schemas = built.get(venues);
  if (!schemas) {
    schemas = buildOperatorSchemas(venues);
    built.set(venues, schemas);
  }
  return schemas;
}

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
  publicId: Type.String({ description: 'What the client presents to name the credential (an API key, a public key), or a keyed hash of it' }),
  extra: Type.Array(Type.String(), { description: 'The names of what else the venue keeps to check it with (a hash, a public key), never their values' }),
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
