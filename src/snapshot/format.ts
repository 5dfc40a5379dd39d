import { Type, type Static } from '@sinclair/typebox';
import { OPERATION_TYPES } from '../ledger/operation-types.js';
import { RESERVATION_KINDS } from '../ledger/operations.js';
import { BUCKETS, SYSTEM_BOOKS } from '../ledger/types.js';

/**
 * The snapshot file: a whole ledger as versioned JSON (docs/snapshots.md). One TypeBox schema
 * gives its TypeScript type, the check a restore runs first (the same compiled check on the
 * operator API and in the CLI), and the OpenAPI document's description. Amounts are decimal
 * strings of base units (bigints), ids and times JSON integers (all below 2^53).
 */

export const SNAPSHOT_FORMAT = 'assetbook-snapshot';
/** The version this assetbook writes and reads; a newer one is refused, never guessed at. */
export const SNAPSHOT_VERSION = 1;

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const AccountRef = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'An account id; 0 is the system account (system books)' });
const Ms = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Milliseconds since the Unix epoch' });
const Text = (maxLength: number) => Type.String({ maxLength });
const Symbol = Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Z0-9]+$' });
/** An amount in base units: a signed integer of at most 78 digits (what every engine stores exactly), as text. */
const Amount = Type.String({
  pattern: '^-?(0|[1-9][0-9]{0,77})$',
  'x-amount': true,
  'x-invalid': 'must be an integer amount in base units, as a decimal string of at most 78 digits',
});
/** Venue facts as the store keeps them: by venue, then fact name, text values. */
const Facts = Type.Record(Type.String({ maxLength: 64 }), Type.Record(Type.String({ maxLength: 64 }), Text(4096)));
const Book = Type.Union([...BUCKETS, ...SYSTEM_BOOKS].map((b) => Type.Literal(b)));

const Strict = { additionalProperties: false } as const;

export const SnapshotAsset = Type.Object(
  { symbol: Symbol, name: Text(64), scale: Type.Integer({ minimum: 0, maximum: 36 }), venues: Facts, createdAtMs: Ms },
  { ...Strict, title: 'a snapshot asset' },
);
export const SnapshotUser = Type.Object({ id: Id, name: Type.String({ minLength: 1, maxLength: 64 }), venues: Facts, createdAtMs: Ms }, { ...Strict, title: 'a snapshot user' });
export const SnapshotAccount = Type.Object(
  { id: Id, userId: Id, kind: Type.Union([Type.Literal('main'), Type.Literal('sub')]), label: Text(64), venues: Facts, createdAtMs: Ms },
  { ...Strict, title: 'a snapshot account' },
);
export const SnapshotIdentity = Type.Object(
  {
    subject: Type.Union([Type.Literal('asset'), Type.Literal('user'), Type.Literal('account')]),
    venue: Text(64),
    name: Text(64),
    value: Text(4096),
    owner: Type.String({ minLength: 1, maxLength: 20, description: "The subject holding it: an asset's symbol, a user's or account's id as text" }),
  },
  { ...Strict, title: 'a snapshot identity' },
);
export const SnapshotCredential = Type.Object(
  {
    id: Id,
    venue: Text(64),
    userId: Id,
    accountId: Id,
    publicId: Type.String({ minLength: 1, maxLength: 512 }),
    secretSealed: Type.Union([Text(8192), Type.Null()], { description: 'Sealed with the secret key (AES-256-GCM): never plaintext' }),
    extra: Type.Record(Type.String({ maxLength: 64 }), Text(8192), { description: 'Keyed hashes and public keys the venue checks with' }),
    label: Text(64),
    createdAtMs: Ms,
  },
  { ...Strict, title: 'a snapshot credential' },
);
export const SnapshotPosting = Type.Object({ account: AccountRef, bucket: Book, asset: Symbol, amount: Amount }, { ...Strict, title: 'a snapshot posting' });
export const SnapshotEntry = Type.Object(
  {
    id: Id,
    key: Type.String({ minLength: 1, maxLength: 128 }),
    hash: Type.String({ minLength: 1, maxLength: 128, description: "The request's content hash a replay of its key is compared against" }),
    type: Type.Union(OPERATION_TYPES.map((t) => Type.Literal(t))),
    atMs: Ms,
    request: Type.Record(Type.String(), Type.Unknown(), { description: 'The operation as the ledger understood it' }),
    postings: Type.Array(SnapshotPosting, { maxItems: 1000 }),
  },
  { ...Strict, title: 'a snapshot journal entry' },
);
export const SnapshotBalance = Type.Object({ account: AccountRef, asset: Symbol, bucket: Book, amount: Amount, atMs: Ms }, { ...Strict, title: 'a snapshot balance' });
export const SnapshotReservation = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    kind: Type.Union(RESERVATION_KINDS.map((k) => Type.Literal(k))),
    account: Id,
    asset: Symbol,
    bucket: Book,
    amount: Amount,
    fee: Amount,
    posted: Amount,
    voided: Amount,
    state: Type.Union([Type.Literal('open'), Type.Literal('posted'), Type.Literal('voided'), Type.Literal('closed')]),
    updatedAtMs: Type.Union([Ms, Type.Null()]),
  },
  { ...Strict, title: 'a snapshot reservation' },
);

export const SnapshotLedger = Type.Object(
  {
    assets: Type.Array(SnapshotAsset, { description: 'In creation order' }),
    users: Type.Array(SnapshotUser),
    accounts: Type.Array(SnapshotAccount),
    identities: Type.Array(SnapshotIdentity, { description: 'The unique venue facts, indexed' }),
    credentials: Type.Array(SnapshotCredential),
    journal: Type.Array(SnapshotEntry, { description: 'Oldest first, ids ascending' }),
    balances: Type.Array(SnapshotBalance, { description: 'Every book written, system books (account 0) included' }),
    reservations: Type.Array(SnapshotReservation),
  },
  { ...Strict, title: 'the snapshot ledger' },
);

export const SnapshotFile = Type.Object(
  {
    format: Type.Literal(SNAPSHOT_FORMAT),
    version: Type.Literal(SNAPSHOT_VERSION),
    takenAtMs: Ms,
    engine: Type.String({ maxLength: 32, description: 'The store it was taken from (informative: a snapshot restores into either engine)' }),
    venues: Type.Array(Type.String({ maxLength: 64 }), { description: 'The venues the server served' }),
    keyCheck: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'A keyed hash of a fixed text: which secret key the sealed secrets need' }),
    digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: "sha256 of the canonical JSON of `ledger` (keys sorted, no spaces)" }),
    ledger: SnapshotLedger,
  },
  { ...Strict, $id: 'Snapshot', title: 'a snapshot', description: 'A whole ledger as versioned JSON (docs/snapshots.md)' },
);
export type SnapshotFile = Static<typeof SnapshotFile>;
export type SnapshotLedger = Static<typeof SnapshotLedger>;

/** What a restore answers: how much it restored. */
export const RestoreResult = Type.Object(
  {
    assets: Type.Integer(),
    users: Type.Integer(),
    accounts: Type.Integer(),
    credentials: Type.Integer(),
    entries: Type.Integer(),
    balances: Type.Integer(),
    reservations: Type.Integer(),
    journalHead: Type.Integer({ description: "The restored journal's newest id; new entries follow it" }),
  },
  { $id: 'RestoreResult' },
);
export type RestoreResult = Static<typeof RestoreResult>;
