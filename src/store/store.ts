import type { Account, Asset, Balance, Bucket, JournalEntry, Posting, User } from '../ledger/types.js';
import type { Identity, Subject } from '../ledger/venue-facts.js';
import type { Reservation, ReservationState } from '../ledger/operations.js';

/**
 * The store interface, owned by the ledger that calls it. An engine is one folder beside this
 * file that implements it and passes the shared suite in `store.case.ts`.
 *
 * Guarantees every engine gives:
 * - `transaction(fn)` runs `fn` in one database transaction: everything it wrote commits together
 *   when `fn` resolves, and nothing commits when it throws (the error is rethrown unchanged).
 *   Transactions are serializable with respect to the balances they lock (see `lockBalances`) and
 *   the settings they read (see `StoreTx.getSetting`).
 * - An engine with several connections may lose a race to another transaction (a deadlock, or an
 *   operation key committed by another instance in between). It then rolls back and runs `fn`
 *   again, a bounded number of times, before refusing with CONCURRENCY_EXHAUSTED. So `fn` must
 *   have no effect outside the transaction it is given.
 * - Reads outside a transaction see only committed data.
 * - Unique identities (asset symbol, user name, the unique venue facts of assets, users and
 *   accounts, credential public ids, operation keys) are enforced by the engine; a clash surfaces
 *   as a `LedgerError` with code ASSET_EXISTS, USER_EXISTS, IDENTITY_TAKEN (path
 *   `venues/<venue>/<name>`) or CREDENTIAL_EXISTS, never as a driver error.
 * - Venue facts are opaque to the store: it keeps each subject's facts as given (by venue, then
 *   name, text values) and indexes the `identities` it is handed with the subject.
 * - The journal (operations and postings) is append-only: no method updates or deletes it except
 *   `reset`, which empties the whole store.
 * - A store that cannot be reached or cannot serve now (connection refused or lost, server
 *   shutting down, a database file locked past the busy timeout) refuses with STORE_UNAVAILABLE,
 *   the driver's error as its `cause`: no code outside an engine reads a driver's error codes.
 *   The SQL engines share one core (sql/core.ts) and classify their driver's errors at its
 *   boundary (sql/errors.ts).
 */

export interface CredentialRecord {
  readonly id: number;
  /** The venue that issued it (a `VenueDialect` id); the store does not interpret it. */
  readonly venue: string;
  readonly userId: number;
  readonly accountId: number;
  /** What the client presents to name the credential (or a keyed hash of it), unique per venue. */
  readonly publicId: string;
  /** The secret the venue checks signatures with, sealed with the configured encryption key. */
  readonly secretSealed: string | null;
  /** Whatever else the venue's credential kind keeps (hashes, public keys), as it wrote it. */
  readonly extra: Readonly<Record<string, string>>;
  readonly label: string;
  readonly createdAtMs: number;
}

export type NewCredential = Omit<CredentialRecord, 'id'>;

/** An asset as stored: with the time it was created. */
export interface StoredAsset extends Asset {
  readonly createdAtMs: number;
}

/** A unique venue fact as the store indexes it: which subject holds it (`owner`: a symbol, or an id as text). */
export interface IdentityRecord extends Identity {
  readonly subject: Subject;
  readonly owner: string;
}

/** A journal entry with the content hash its key's replays are compared against. */
export interface StoredEntry extends JournalEntry {
  readonly hash: string;
}

/** A reservation with the time it last changed (null: older than that record). */
export interface StoredReservation extends Reservation {
  readonly updatedAtMs: number | null;
}

/**
 * Everything the ledger holds, as one committed state (`LedgerStore.dump`, `restore`): the catalog
 * with its venue facts, the identities indexed, credentials as stored (secrets sealed, hashes
 * keyed), the journal with its keys and hashes, balances (every book written, system books
 * included) and reservations. Settings and nonces are not part of it: they belong to the
 * installation (the operator token's hash, the secret key's check, signing keys, logouts), and a
 * restore leaves them as a reset does.
 */
export interface LedgerDump {
  /** In the order they were created. */
  readonly assets: readonly StoredAsset[];
  /** By id. */
  readonly users: readonly User[];
  /** By id. */
  readonly accounts: readonly Account[];
  /** By subject, venue, name, value (code-unit order). */
  readonly identities: readonly IdentityRecord[];
  /** By id. */
  readonly credentials: readonly CredentialRecord[];
  /** By id, each with its postings in order. */
  readonly entries: readonly StoredEntry[];
  /** In the ledger's book order (`compareBalanceKeys`). */
  readonly balances: readonly BalanceWrite[];
  /** By id (code-unit order). */
  readonly reservations: readonly StoredReservation[];
}

export interface StoredOperation {
  readonly entry: JournalEntry;
  /** The content hash the idempotency check compares a replay against. */
  readonly hash: string;
}

export interface NewOperation {
  readonly key: string;
  readonly hash: string;
  readonly type: string;
  readonly atMs: number;
  readonly request: Record<string, unknown>;
  readonly postings: readonly Posting[];
}

/** Names one book of one asset: an account's bucket, or a system book under account 0. */
export interface BalanceKey {
  readonly account: number;
  readonly bucket: string;
  readonly asset: string;
}

export interface BalanceWrite extends BalanceKey {
  readonly amount: bigint;
  readonly atMs: number;
}

/** An amount to add to one book without reading it (a system book: no floor to check). */
export interface BalanceDelta extends BalanceKey {
  readonly delta: bigint;
  readonly atMs: number;
}

export interface AccountFilter {
  readonly userId?: number;
}

export interface StoreReader {
  getAsset(symbol: string): Promise<Asset | undefined>;
  /** Every asset, in the order they were created. */
  listAssets(): Promise<Asset[]>;
  getUser(id: number): Promise<User | undefined>;
  getUserByName(name: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  getAccount(id: number): Promise<Account | undefined>;
  /** Accounts in id order; a user's main account comes before its sub-accounts. */
  listAccounts(filter?: AccountFilter): Promise<Account[]>;
  /** The account holding this unique venue fact, in one indexed lookup (values compare exactly). */
  findAccount(venue: string, name: string, value: string): Promise<Account | undefined>;
  /** Whether some subject of this kind holds this unique venue fact already. */
  identityTaken(subject: Subject, identity: Identity): Promise<boolean>;
  getCredential(venue: string, publicId: string): Promise<CredentialRecord | undefined>;
  listCredentials(userId?: number): Promise<CredentialRecord[]>;
  getOperation(key: string): Promise<StoredOperation | undefined>;
  /** Which of these operation keys are in the journal, in one query (a batch looks all of its keys up at once). */
  existingOperationKeys(keys: readonly string[]): Promise<Set<string>>;
  /**
   * A reservation by id (a pending deposit or withdrawal is one, named by its opening key). Inside
   * a transaction on an engine with concurrent writers, the row stays locked until the end.
   */
  getReservation(id: string): Promise<Reservation | undefined>;
  getSetting(name: string): Promise<string | undefined>;
}


export interface LockOptions {
  /**
   * For locking ahead (a batch, a commit group): a book never written is not made ready for a
   * write by this call, and reads as 0. (An engine that must create books outside the
   * transaction, as PostgreSQL does, may still do that here, so that it happens before any lock.)
   */
  readonly existingOnly?: boolean;
}

/** What a transaction may do. Only the ledger calls these. */
export interface StoreTx extends StoreReader {
  /**
   * Inside a transaction, a setting read is held until the transaction ends, present or not, so
   * a read-modify-write of one setting (revocations, the signing key) never loses a write.
   */
  getSetting(name: string): Promise<string | undefined>;
  /**
   * Runs `fn` so that, if it throws, everything it wrote is undone and the rest of the transaction
   * goes on (a SQL savepoint). Group commit runs each operation of a group in one; an error that
   * is not a ledger refusal still fails (and, if it was a lost race, reruns) the whole transaction.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * On a store other instances share and may reset: a number that changes with every reset, as
   * this transaction sees the catalog (a reset either waits for the transaction to end or is over
   * before it reads anything). Asked for first, it goes out with the transaction's first queries.
   * The ledger keeps assets and accounts across transactions by it (ledger/catalog-cache.ts).
   */
  catalogEpoch?(): Promise<number>;
  /** Reserves the id the next `insertAccount` must use, so venue identities can derive from it. */
  allocateAccountId(): Promise<number>;
  /** Stores an asset with its facts; `identities` are its unique facts, indexed (a clash: IDENTITY_TAKEN). */
  insertAsset(asset: Asset, atMs: number, identities: readonly Identity[]): Promise<void>;
  insertUser(user: Omit<User, 'id'>, identities: readonly Identity[]): Promise<number>;
  insertAccount(account: Account, identities: readonly Identity[]): Promise<void>;
  insertCredential(credential: NewCredential): Promise<number>;
  /**
   * Sets (a null value removes) some of an account's facts of one venue, leaving the others as
   * they are; only facts that are not identities change this way (the ledger checks). Resolves
   * false when there is no such account.
   */
  setAccountFacts(accountId: number, venue: string, changes: Readonly<Record<string, string | null>>): Promise<boolean>;
  /**
   * Adds facts of one venue to a stored asset (`owner` its symbol), user or account (`owner` its
   * id): facts it has already stay as they are; `identities`, the unique ones among those added,
   * are indexed (a clash: IDENTITY_TAKEN). Resolves false when there is no such subject. For
   * facts a venue served since the subject was created (`LedgerSession.completeFacts`).
   */
  addFacts(subject: Subject, owner: string, venue: string, facts: Readonly<Record<string, string>>, identities: readonly Identity[]): Promise<boolean>;
  /**
   * Reads the current amounts of these books (0 for a book never written) and holds them until the
   * transaction ends, so that no concurrent transaction can change them in between. Callers pass
   * keys in a stable order (`compareBalanceKeys`) so that engines that lock rows never deadlock.
   */
  lockBalances(keys: readonly BalanceKey[], options?: LockOptions): Promise<bigint[]>;
  writeBalances(rows: readonly BalanceWrite[]): Promise<void>;
  /**
   * Adds each delta to its system book (account 0), creating the book if missing, without locking
   * or reading it first: a system book has no floor, so nothing needs its amount before the
   * commit. An engine with concurrent writers applies the sum of a transaction's deltas at its
   * end, in the global book order, so that a system book every deposit touches (`world`) is held
   * only for the commit instead of for the whole transaction. A resulting amount beyond the limit
   * (78 digits) refuses the whole transaction with INVALID_AMOUNT, and nothing of it is written;
   * a savepoint rolled back takes its deltas with it. Callers add system books after locking
   * every account book of the operation.
   */
  addToSystemBooks(deltas: readonly BalanceDelta[]): Promise<void>;
  /** Stores a new reservation; `atMs`, when given, is the time it last changed (`HistoryEntry.reservationAtMs`). */
  insertReservation(reservation: Reservation, atMs?: number): Promise<void>;
  /**
   * Sets an open reservation's posted and voided totals and state, if it is still open with the
   * totals `from` read: resolves false (and changes nothing) otherwise.
   */
  updateReservation(
    id: string,
    from: Pick<Reservation, 'posted' | 'voided'>,
    to: Pick<Reservation, 'posted' | 'voided'> & { readonly state: ReservationState; readonly atMs?: number },
  ): Promise<boolean>;
  /** What the open reservations of one account's bucket still hold, summed (0 when none). */
  openReservedTotal(key: BalanceKey): Promise<bigint>;
  /** Appends one journal entry; resolves its id. A duplicate key is a programmer error here (checked before). */
  insertOperation(operation: NewOperation): Promise<number>;
  setSetting(name: string, value: string): Promise<void>;
}

/**
 * Which journal entries an account's history shows (`LedgerStore.listHistory`): those with a
 * posting on one of the account's books (of `asset`, when given; with several accounts, on a book
 * of any of them, each entry once), of one of `types` (every type
 * when absent), at `fromMs` ≤ time ≤ `toMs` (each bound when given). `states` keeps the entries
 * whose deposit or withdrawal reservation (the one their key opened) is in one of these states;
 * `'none'` stands for entries that opened none (an instant deposit, a transfer). `keys` keeps only
 * entries with one of these keys.
 */
export interface HistoryFilter {
  readonly account: number | readonly number[];
  readonly types?: readonly string[];
  readonly asset?: string;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly states?: readonly (ReservationState | 'none')[];
  readonly keys?: readonly string[];
}

/**
 * A page of history, newest first (by journal id). `beforeId` is the cursor: entries with a
 * smaller id only; `offset` skips that many after it (a venue paging by offset). `afterId` is the
 * cursor back: entries with a larger id only, the page then being the `limit` oldest of them
 * (still listed newest first). `balancesOf` asks for each entry's `balancesAfter` over these
 * buckets of the filter's account (one account only).
 */
export interface HistoryPageRequest {
  readonly beforeId?: number;
  readonly afterId?: number;
  readonly offset?: number;
  readonly limit: number;
  readonly balancesOf?: readonly Bucket[];
}

/** An entry of an account's history, with where the reservation its key opened stands now (if it opened one). */
export interface HistoryEntry {
  readonly entry: JournalEntry;
  /** The state of the deposit or withdrawal reservation this entry opened; null when it opened none. */
  readonly reservationState: ReservationState | null;
  /** When that reservation last changed (opened, drawn on, closed); null when unknown (older than this record) or none. */
  readonly reservationAtMs: number | null;
  /**
   * With `balancesOf`: per asset the entry posted to on those books of the account, their sum over
   * every entry with an id up to this one's, read in one statement (so the figures of a page agree
   * with each other, whatever commits meanwhile). Absent without `balancesOf`.
   */
  readonly balancesAfter?: ReadonlyMap<string, bigint>;
}

export interface HistoryPage {
  readonly entries: HistoryEntry[];
  /** The cursor (`beforeId`) for the next page, or null when this page reached the oldest match. */
  readonly next: number | null;
  /** The cursor (`afterId`) for the page before (newer entries), or null when this page holds the newest match (or none). */
  readonly previous: number | null;
  /** How many entries match the filter in all (without the cursor and offset). */
  readonly total: number;
}

/**
 * A page of the catalog for an operator's directory (`LedgerStore.listUsersPage`,
 * `listAccountsPage`): subjects in id order after `afterId`, at most `limit`, those `search`
 * matches when it is given. A search matches an id equal to it (when it is an integer), a user's
 * name or an account's label containing it (ignoring case), or an account holding one of
 * `identities` (the caller's reading of the text as each unique venue fact: one indexed lookup each). Paged by id, a page costs an index range
 * however large the catalog; a search that matches little reads the table once.
 */
export interface DirectoryQuery {
  readonly search?: string;
  /** With `search`: account identities that match too (an account holding any of them, or its user). */
  readonly identities?: readonly Identity[];
  /** Accounts only: this user's. */
  readonly userId?: number;
  readonly afterId?: number;
  readonly limit: number;
}

/** A user as the directory lists it: with how many accounts it has, not the accounts. */
export interface UserSummary extends User {
  readonly accountCount: number;
}

/** An account as the directory lists it: with its user's name. */
export interface AccountSummary extends Account {
  readonly userName: string;
}

export interface DirectoryPage<T> {
  readonly items: T[];
  /** The cursor (`afterId`) for the next page, or null when this page reached the last match. */
  readonly next: number | null;
}

export interface JournalPage {
  readonly entries: JournalEntry[];
  /** The cursor for the next page, or null at the end of the journal. */
  readonly next: number | null;
}

/**
 * What a store tells a journal watcher (`LedgerStore.watchJournal`) about writes it did not make
 * through this process's ledger: `commit` when entries up to `position` committed, `reset` when
 * the journal was emptied, `unknown` when something may have changed (a reconnection, a periodic
 * check, another process writing a SQLite file) and the watcher should look for itself.
 */
export type JournalNotice =
  | { readonly kind: 'commit'; readonly position: number }
  /** The journal was emptied, or replaced (a restore) by one whose newest entry is `position`. */
  | { readonly kind: 'reset'; readonly position?: number }
  | { readonly kind: 'unknown' };

/** Stops a journal watch; resolves once no more notices can arrive. */
export type StopWatching = () => Promise<void>;

/** The full scans, for `verify`. */
export type StoreScans = Pick<LedgerStore, 'scanPostings' | 'scanBalances' | 'scanReservations'>;

export interface LedgerStore extends StoreReader {
  readonly engine: string;
  /** How many write transactions the engine can run at once: 1 for a single-writer engine (group commit runs at most GROUP_COMMIT_LANES). */
  readonly writeConcurrency: number;
  /**
   * True when other assetbook instances serve the same store and may change it at any moment,
   * reset included: caches of this process must then be bounded in time, not only by its own resets.
   */
  readonly sharedByInstances: boolean;
  /**
   * True when a COMMIT is refused if any statement sent before it failed (PostgreSQL: a failed
   * statement aborts the transaction). The ledger may then send a single operation's COMMIT with
   * its entry's insert instead of after its answer (one round trip fewer), and the store reports
   * the insert's own failure when the COMMIT is refused. Absent: every write is awaited first.
   */
  readonly commitRefusesAfterFailedWrite?: boolean;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** The hot path: every bucket of every asset one account holds (rows written at least once). */
  readBalances(account: number): Promise<Balance[]>;
  /** Journal entries with id greater than `afterId`, oldest first. */
  listJournal(afterId: number, limit: number): Promise<JournalPage>;
  /**
   * An account's history: committed entries matching `filter`, newest first, paged by journal id.
   * Entries only ever join the journal with ids above those committed before them on SQLite (one
   * writer); on PostgreSQL an entry's id is taken at insert, so one may commit below a visible id.
   * So a walk with `next` as its cursor shows every entry committed before its first page exactly
   * once and never shows one twice; an entry committed during the walk shows only if its id is
   * below the cursor when it commits, and then once.
   */
  listHistory(filter: HistoryFilter, page: HistoryPageRequest): Promise<HistoryPage>;
  /** Users a page at a time, optionally searched (`DirectoryQuery`): committed data. */
  listUsersPage(query: DirectoryQuery): Promise<DirectoryPage<UserSummary>>;
  /** Accounts a page at a time, optionally of one user and searched (`DirectoryQuery`): committed data. */
  listAccountsPage(query: DirectoryQuery): Promise<DirectoryPage<AccountSummary>>;
  /**
   * The journal as a feed reads it: committed entries with id greater than `afterId`, oldest
   * first, stopping before any id a transaction still under way may yet commit. Ids are taken
   * when an entry is inserted, not when it commits, so on an engine with concurrent writers entry
   * 7 can be visible while entry 6 is not yet (or never will be: a rolled-back transaction burns
   * its id). `listJournal` would then skip 6 for good; this waits until every transaction that
   * could still commit an id below a visible one has ended. So a reader that pages with it from
   * any position sees every entry exactly once, in id order. `next` is null when the page reached
   * the settled end of the journal.
   */
  listSettledJournal(afterId: number, limit: number): Promise<JournalPage>;
  /** The id of the newest committed journal entry, 0 when the journal is empty. */
  journalHead(): Promise<number>;
  /**
   * Tells `onNotice` about journal writes this process's ledger did not make: on a store shared by
   * instances, every other instance's commits and resets (PostgreSQL: LISTEN/NOTIFY on a channel
   * of this schema, and a periodic `unknown` in case a notice was lost); on SQLite, another
   * process's commit to the same file. A notice is a hint to read (`listSettledJournal`), never the
   * data itself: notices may be late, merged or repeated, and carry no order.
   */
  watchJournal(onNotice: (notice: JournalNotice) => void): Promise<StopWatching>;
  /** Every posting ever written, in journal order, for `verify`. */
  scanPostings(): AsyncIterable<Posting & { readonly operationId: number }>;
  /** Every stored balance row, system books included. */
  scanBalances(): AsyncIterable<BalanceWrite>;
  /** Every reservation, open and closed. */
  scanReservations(): AsyncIterable<Reservation>;
  /**
   * Runs `fn` with scans that all see one committed state, however many writes commit meanwhile:
   * `verify` compares the journal with the balances, and two scans a commit apart would disagree.
   */
  snapshot<T>(fn: (scans: StoreScans) => Promise<T>): Promise<T>;
  /** Empties every table but settings and nonces (sandbox use): the ledger is as after its first migration. */
  reset(): Promise<void>;
  /** Every row of the ledger as one committed state (one snapshot, however many writes commit meanwhile). */
  dump(): Promise<LedgerDump>;
  /**
   * Replaces the ledger with `dump` in one transaction (sandbox use): what `reset` empties is
   * emptied and the dump's rows are written as given (ids, keys, hashes, times, sealed secrets);
   * the journal's next id follows the dump's newest; settings and nonces stay. Readers see the
   * state before or after, never one in between; a row the store refuses fails the whole restore
   * and nothing is written. Other instances hear of it as of a reset (a `reset` journal notice
   * naming the dump's newest entry), and their cached catalogs are of the count before
   * (`StoreTx.catalogEpoch`). The caller checks the dump first (its consistency is not the
   * store's to judge).
   */
  restore(dump: LedgerDump): Promise<void>;
  /**
   * Records that `scope` used `nonce`, to be remembered until `untilMs`: resolves false when it
   * was recorded before and is still remembered at `nowMs`. Atomic across every instance on the
   * store, so a replayed login is refused wherever it lands. Forgotten nonces are swept here too.
   */
  claimNonce(scope: string, nonce: string, untilMs: number, nowMs: number): Promise<boolean>;
  /** Resolves when the store can answer queries. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function balanceKeyId(key: BalanceKey): string {
  return `${key.account}\u0000${key.bucket}\u0000${key.asset}`;
}

export function compareBalanceKeys(a: BalanceKey, b: BalanceKey): number {
  if (a.account !== b.account) return a.account - b.account;
  if (a.asset !== b.asset) return a.asset < b.asset ? -1 : 1;
  if (a.bucket !== b.bucket) return a.bucket < b.bucket ? -1 : 1;
  return 0;
}
