import postgres from 'postgres';
import type { Account, Asset, Balance, Posting, User } from '../../ledger/types.js';
import { LedgerError } from '../../ledger/errors.js';
import type { Reservation, ReservationState } from '../../ledger/operations.js';
import type { Identity, Subject } from '../../ledger/venue-facts.js';
import type {
  AccountFilter,
  BalanceKey,
  BalanceWrite,
  CredentialRecord,
  JournalNotice,
  JournalPage,
  LedgerStore,
  LockOptions,
  NewCredential,
  NewOperation,
  StoreReader,
  StoreScans,
  StoredOperation,
  StoreTx,
  StopWatching,
} from '../store.js';
import * as rows from '../rows.js';
import { identityClash, isDeadlock, isKeyRace, isRetryable } from './errors.js';
import { LOCK_NAMESPACE, POSTGRES_LEDGER_TABLES } from './migrations.js';
import { migratePostgres } from './migrate.js';
import { CommitAnnouncer, journalChannel, listSettledJournal, resetPayload, SETTLE_MAX_WAIT_MS, watchChannel, type GapPassed, type SettleOptions } from './journal-feed.js';
import { BooksMissing, UNWRITTEN_AT_MS, columnsOf, insertBooks } from './books.js';

/**
 * The PostgreSQL store: for several assetbook instances on one ledger.
 *
 * Concurrency model (READ COMMITTED, the server's default):
 * - A balance is locked with `SELECT … FOR UPDATE` before it is read for a change; books are
 *   locked in one global order (`compareBalanceKeys`), so two operations never wait on each
 *   other in a cycle. A transaction never inserts a book others could lock: one it finds missing
 *   is created at zero by the store between two runs of the transaction, with no lock held
 *   (books.ts). Such a book stays hidden from reads until an operation writes it.
 * - Catalog ids (users, accounts, credentials) are `max + 1` under one transaction-scoped
 *   advisory lock, as dense and repeatable as SQLite's.
 * - A setting read inside a transaction takes an advisory lock on its name first, so a
 *   read-modify-write of one setting is serialized even when the row does not exist yet.
 * - A transaction that loses a race (deadlock, or an operation key another instance committed in
 *   between) is rolled back and run again, at most `retries` times with a short random backoff,
 *   then refused with CONCURRENCY_EXHAUSTED.
 */

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database; `?search_path=<schema>` keeps the tables in that schema. */
  readonly url: string;
  /** Connections in the pool. */
  readonly poolSize?: number;
  /** Runs of a transaction that lost a race, before CONCURRENCY_EXHAUSTED. */
  readonly retries?: number;
  /** Apply pending migrations on open (an instance at start); `assetbook migrate` does it explicitly. */
  readonly migrate?: boolean;
  /** How often a journal watcher looks for itself, in case a commit notice was lost. */
  readonly watchIntervalMs?: number;
  /** How long a settled journal read waits for a gap (an id whose transaction is still under way) before passing it. */
  readonly settleMaxWaitMs?: number;
  /** Told when a settled read passed a gap that had not settled; default: a process warning (stderr). */
  readonly onGapPassed?: (gap: GapPassed) => void;
}

/** The default report of a passed gap: entries that commit later are missed by the events feeds already past them. */
function warnGapPassed(gap: GapPassed): void {
  const ids = gap.fromId === gap.toId ? `id ${gap.fromId}` : `ids ${gap.fromId} to ${gap.toId}`;
  process.emitWarning(
    `journal ${ids} still not settled after ${gap.waitedMs} ms (a transaction on the server is still running, perhaps idle in transaction): ledger events pass them; an entry committed there later is not delivered as an event`,
    { code: 'ASSETBOOK_JOURNAL_GAP_PASSED' },
  );
}

/** The journal watcher's look of last resort: a notice lost with an instance that stopped right after its commit. */
export const POSTGRES_WATCH_INTERVAL_MS = 5_000;

type Sql = postgres.Sql<Record<string, never>>;


/** The reads, over the pool or over one transaction's connection. */
class PgReads implements StoreReader {
  constructor(protected readonly sql: Sql) {}

  async getAsset(symbol: string): Promise<Asset | undefined> {
    const [row] = await this.sql<rows.AssetRow[]>`SELECT * FROM assets WHERE symbol = ${symbol}`;
    return row && rows.toAsset(row);
  }
  async listAssets(): Promise<Asset[]> {
    return (await this.sql<rows.AssetRow[]>`SELECT * FROM assets ORDER BY position`).map(rows.toAsset);
  }
  async getUser(id: number): Promise<User | undefined> {
    const [row] = await this.sql<rows.UserRow[]>`SELECT * FROM users WHERE id = ${id}`;
    return row && rows.toUser(row);
  }
  async getUserByName(name: string): Promise<User | undefined> {
    const [row] = await this.sql<rows.UserRow[]>`SELECT * FROM users WHERE name = ${name}`;
    return row && rows.toUser(row);
  }
  async listUsers(): Promise<User[]> {
    return (await this.sql<rows.UserRow[]>`SELECT * FROM users ORDER BY id`).map(rows.toUser);
  }
  async getAccount(id: number): Promise<Account | undefined> {
    const [row] = await this.sql<rows.AccountRow[]>`SELECT * FROM accounts WHERE id = ${id}`;
    return row && rows.toAccount(row);
  }
  async listAccounts(filter: AccountFilter = {}): Promise<Account[]> {
    const found =
      filter.userId === undefined
        ? await this.sql<rows.AccountRow[]>`SELECT * FROM accounts ORDER BY id`
        : await this.sql<rows.AccountRow[]>`SELECT * FROM accounts WHERE user_id = ${filter.userId} ORDER BY id`;
    return found.map(rows.toAccount);
  }
  async findAccount(venue: string, name: string, value: string): Promise<Account | undefined> {
    const [row] = await this.sql<rows.AccountRow[]>`
      SELECT a.* FROM identities i JOIN accounts a ON a.id = i.owner::integer
      WHERE i.subject = 'account' AND i.venue = ${venue} AND i.name = ${name} AND i.value = ${value}`;
    return row && rows.toAccount(row);
  }
  async identityTaken(subject: Subject, identity: Identity): Promise<boolean> {
    const found = await this.sql`
      SELECT 1 FROM identities WHERE subject = ${subject} AND venue = ${identity.venue} AND name = ${identity.name} AND value = ${identity.value}`;
    return found.length > 0;
  }
  async getCredential(venue: string, publicId: string): Promise<CredentialRecord | undefined> {
    const [row] = await this.sql<rows.CredentialRow[]>`SELECT * FROM credentials WHERE venue = ${venue} AND public_id = ${publicId}`;
    return row && rows.toCredential(row);
  }
  async listCredentials(userId?: number): Promise<CredentialRecord[]> {
    const found =
      userId === undefined
        ? await this.sql<rows.CredentialRow[]>`SELECT * FROM credentials ORDER BY id`
        : await this.sql<rows.CredentialRow[]>`SELECT * FROM credentials WHERE user_id = ${userId} ORDER BY id`;
    return found.map(rows.toCredential);
  }
  async getOperation(key: string): Promise<StoredOperation | undefined> {
    const [row] = await this.sql<rows.OperationRow[]>`SELECT * FROM operations WHERE key = ${key}`;
    if (!row) return undefined;
    const postings = await this.sql<rows.PostingRow[]>`
      SELECT operation_id, account_id, bucket, asset, amount::text AS amount FROM postings WHERE operation_id = ${row.id} ORDER BY seq`;
    return { entry: rows.toEntry(row, postings.map(rows.toPosting).map(rows.withoutOperationId)), hash: row.hash };
  }
  async getReservation(id: string): Promise<Reservation | undefined> {
    const [row] = await this.sql<rows.ReservationRow[]>`SELECT ${this.sql.unsafe(RESERVATION_COLUMNS)} FROM reservations WHERE id = ${id} ${this.sql.unsafe(this.rowLock)}`;
    return row && rows.toReservation(row);
  }
  /** Outside a transaction a plain read; a transaction locks the rows it reads for a change. */
  protected get rowLock(): string {
    return '';
  }
  async getSetting(name: string): Promise<string | undefined> {
    const [row] = await this.sql<{ value: string }[]>`SELECT value FROM settings WHERE name = ${name}`;
    return row?.value;
  }
}


const RESERVATION_COLUMNS = 'id, kind, account_id, asset, bucket, amount::text AS amount, fee::text AS fee, posted::text AS posted, voided::text AS voided, state';

class PgTx extends PgReads implements StoreTx {
  private catalogLocked = false;
  private savepoints = 0;
  /** The newest journal entry this transaction inserted: the commit notice carries it. */
  newestOperationId = 0;
  /** Accounts and assets this transaction created: their books are its own until it commits. */
  private readonly createdAccounts = new Set<number>();
  private readonly createdAssets = new Set<string>();

  constructor(private readonly tx: postgres.TransactionSql<Record<string, never>>) {
    super(tx as unknown as Sql);
  }

  /** Serializes catalog writes across instances, once per transaction. */
  private async lockCatalog(): Promise<void> {
    if (this.catalogLocked) return;
    await this.sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.catalog}, 0)`;
    this.catalogLocked = true;
  }

  private async nextId(table: 'users' | 'accounts' | 'credentials'): Promise<number> {
    await this.lockCatalog();
    const [row] = await this.sql<{ next: number }[]>`SELECT coalesce(max(id), 0) + 1 AS next FROM ${this.sql(table)}`;
    return Number(row?.next ?? 1);
  }

  /** A new asset derives its venue ids from the existing ones, so the list it reads is held. */
  override async listAssets(): Promise<Asset[]> {
    await this.lockCatalog();
    return super.listAssets();
  }

  override async getSetting(name: string): Promise<string | undefined> {
    await this.sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.setting}, hashtext(${name}))`;
    return super.getSetting(name);
  }

  /**
   * An operation key another instance committed after this operation looked is this operation's
   * own race: it is rolled back to its savepoint and run once more, and (READ COMMITTED) now sees
   * the key and answers as a replay, instead of the whole group being run again.
   */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = this.sql(`sp${++this.savepoints}`);
    try {
      for (let attempt = 1; ; attempt += 1) {
        await this.sql`SAVEPOINT ${name}`;
        try {
          const result = await fn();
          await this.sql`RELEASE SAVEPOINT ${name}`;
          return result;
        } catch (error) {
          await this.sql`ROLLBACK TO SAVEPOINT ${name}`;
          if (attempt === 1 && isKeyRace(error)) continue;
          throw error;
        }
      }
    } finally {
      this.savepoints -= 1;
    }
  }

  allocateAccountId(): Promise<number> {
    return this.nextId('accounts');
  }

  async insertAsset(a: Asset, atMs: number, identities: readonly Identity[]): Promise<void> {
    await this.lockCatalog();
    await domainClash(this.sql`
      INSERT INTO assets (symbol, name, scale, venues, created_at_ms) VALUES (${a.symbol}, ${a.name}, ${a.scale}, ${rows.factsText(a.venues)}, ${atMs})`);
    await this.indexIdentities('asset', a.symbol, identities);
    this.createdAssets.add(a.symbol);
  }

  async insertUser(u: Omit<User, 'id'>, identities: readonly Identity[]): Promise<number> {
    const id = await this.nextId('users');
    await domainClash(this.sql`INSERT INTO users (id, name, venues, created_at_ms) VALUES (${id}, ${u.name}, ${rows.factsText(u.venues)}, ${u.createdAtMs})`);
    await this.indexIdentities('user', String(id), identities);
    return id;
  }

  async insertAccount(a: Account, identities: readonly Identity[]): Promise<void> {
    await domainClash(this.sql`
      INSERT INTO accounts (id, user_id, kind, label, venues, created_at_ms)
      VALUES (${a.id}, ${a.userId}, ${a.kind}, ${a.label}, ${rows.factsText(a.venues)}, ${a.createdAtMs})`);
    await this.indexIdentities('account', String(a.id), identities);
    this.createdAccounts.add(a.id);
  }

  /**
   * One statement for all of a subject's unique facts; a row not inserted is held by another
   * subject (a concurrent inserter's is waited for: the catalog lock makes that rare), and the
   * first such one, in the order given, is the refusal.
   */
  private async indexIdentities(subject: Subject, owner: string, identities: readonly Identity[]): Promise<void> {
    if (identities.length === 0) return;
    const inserted = await this.sql<{ venue: string; name: string; value: string }[]>`
      INSERT INTO identities (subject, venue, name, value, owner)
      SELECT ${subject}, venue, name, value, ${owner}
      FROM unnest(${identities.map((i) => i.venue)}::text[], ${identities.map((i) => i.name)}::text[], ${identities.map((i) => i.value)}::text[]) AS t(venue, name, value)
      ON CONFLICT DO NOTHING
      RETURNING venue, name, value`;
    if (inserted.length === identities.length) return;
    const done = new Set(inserted.map((r) => `${r.venue}\u0000${r.name}\u0000${r.value}`));
    const taken = identities.find((i) => !done.has(`${i.venue}\u0000${i.name}\u0000${i.value}`)) ?? identities[0]!;
    throw rows.identityTaken(taken);
  }

  async insertCredential(c: NewCredential): Promise<number> {
    const id = await this.nextId('credentials');
    await domainClash(this.sql`
      INSERT INTO credentials (id, venue, user_id, account_id, public_id, secret_sealed, extra, label, created_at_ms)
      VALUES (${id}, ${c.venue}, ${c.userId}, ${c.accountId}, ${c.publicId}, ${c.secretSealed}, ${JSON.stringify(c.extra)}, ${c.label}, ${c.createdAtMs})`);
    return id;
  }

  /** The account's row is locked for the read-modify-write, so two changes of different facts both land. */
  async setAccountFacts(accountId: number, venue: string, changes: Readonly<Record<string, string | null>>): Promise<boolean> {
    const [row] = await this.sql<{ venues: string }[]>`SELECT venues FROM accounts WHERE id = ${accountId} FOR UPDATE`;
    if (!row) return false;
    const venues = rows.factsText(rows.changedFacts(rows.parseFacts(row.venues), venue, changes));
    await this.sql`UPDATE accounts SET venues = ${venues} WHERE id = ${accountId}`;
    return true;
  }

  /**
   * One round trip: locks the books that have a row, in the given order, and reads them. A missing
   * book that other transactions could touch is never inserted here (see books.ts): the whole
   * transaction is rolled back and run again once it exists. A missing book of an account or
   * asset this transaction created is inserted here: no other transaction can see it.
   */
  async lockBalances(keys: readonly BalanceKey[], options: LockOptions = {}): Promise<bigint[]> {
    const { accounts, assets, buckets } = columnsOf(keys);
    const found = await this.sql<{ ord: number; amount: string }[]>`
      SELECT k.ord::int AS ord, b.amount::text AS amount
      FROM unnest(${accounts}::int[], ${assets}::text[], ${buckets}::text[]) WITH ORDINALITY AS k(account_id, asset, bucket, ord)
      JOIN balances b USING (account_id, asset, bucket)
      ORDER BY k.ord
      FOR UPDATE OF b`;
    const amounts = keys.map(() => 0n);
    for (const row of found) amounts[row.ord - 1] = BigInt(row.amount);
    if (found.length < keys.length) {
      const present = new Set(found.map((row) => row.ord - 1));
      const missing = keys.filter((_, i) => !present.has(i));
      const shared = missing.filter((k) => !this.createdAccounts.has(k.account) && !this.createdAssets.has(k.asset));
      if (shared.length > 0) throw new BooksMissing(shared);
      if (!options.existingOnly) await insertBooks(this.sql, missing);
    }
    return amounts;
  }

  async writeBalances(writes: readonly BalanceWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const { accounts, assets, buckets } = columnsOf(writes);
    await this.sql`
      UPDATE balances b SET amount = w.amount, updated_at_ms = w.at_ms
      FROM unnest(${accounts}::int[], ${assets}::text[], ${buckets}::text[], ${writes.map((w) => w.amount.toString())}::numeric[], ${writes.map((w) => w.atMs)}::bigint[])
        AS w(account_id, asset, bucket, amount, at_ms)
      WHERE b.account_id = w.account_id AND b.asset = w.asset AND b.bucket = w.bucket`;
  }

  /** A reservation read in a transaction is about to change: locked until commit, so two posts never both see the same remainder. */
  protected override get rowLock(): string {
    return 'FOR UPDATE';
  }

  async insertReservation(r: Reservation): Promise<void> {
    await this.sql`
      INSERT INTO reservations (id, kind, account_id, asset, bucket, amount, fee, posted, voided, state)
      VALUES (${r.id}, ${r.kind}, ${r.account}, ${r.asset}, ${r.bucket}, ${r.amount.toString()}, ${r.fee.toString()},
        ${r.posted.toString()}, ${r.voided.toString()}, ${r.state})`;
  }

  async updateReservation(
    id: string,
    from: Pick<Reservation, 'posted' | 'voided'>,
    to: Pick<Reservation, 'posted' | 'voided'> & { readonly state: ReservationState },
  ): Promise<boolean> {
    const result = await this.sql`
      UPDATE reservations SET posted = ${to.posted.toString()}, voided = ${to.voided.toString()}, state = ${to.state}
      WHERE id = ${id} AND state = 'open' AND posted = ${from.posted.toString()} AND voided = ${from.voided.toString()}`;
    return result.count === 1;
  }

  async openReservedTotal(key: BalanceKey): Promise<bigint> {
    const [row] = await this.sql<{ total: string }[]>`
      SELECT coalesce(sum(amount - posted - voided), 0)::text AS total FROM reservations
      WHERE account_id = ${key.account} AND asset = ${key.asset} AND bucket = ${key.bucket} AND state = 'open'`;
    return BigInt(row?.total ?? '0');
  }

  /**
   * The entry and its postings in one statement. The insert reads the transaction's id first, so
   * that the transaction holds one before it takes the entry's id: settled journal reads rely on it
   * (journal-feed.ts).
   */
  async insertOperation(op: NewOperation): Promise<number> {
    const p = op.postings;
    const [row] = await this.sql<{ id: number }[]>`
      WITH xact AS MATERIALIZED (SELECT pg_current_xact_id() AS xid), op AS (
        INSERT INTO operations (key, hash, type, at_ms, request)
        SELECT ${op.key}, ${op.hash}, ${op.type}, ${op.atMs}, ${JSON.stringify(op.request)} FROM xact
        RETURNING id
      ), posted AS (
        INSERT INTO postings (operation_id, seq, account_id, bucket, asset, amount)
        SELECT op.id, t.seq - 1, t.account_id, t.bucket, t.asset, t.amount
        FROM op, unnest(${p.map((x) => x.account)}::int[], ${p.map((x) => x.bucket)}::text[], ${p.map((x) => x.asset)}::text[], ${p.map((x) => x.amount.toString())}::numeric[])
          WITH ORDINALITY AS t(account_id, bucket, asset, amount, seq)
      )
      SELECT id FROM op`;
    this.newestOperationId = Math.max(this.newestOperationId, Number(row?.id));
    return Number(row?.id);
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.sql`INSERT INTO settings (name, value) VALUES (${name}, ${value}) ON CONFLICT (name) DO UPDATE SET value = excluded.value`;
  }
}

/** In pages of 10,000 rows by key, so a journal of any length is read in bounded memory. */
async function* scanPostings(sql: Sql): AsyncIterable<Posting & { readonly operationId: number }> {
  let after = { op: 0, seq: -1 };
  for (;;) {
    const page = await sql<(rows.PostingRow & { seq: number })[]>`
      SELECT operation_id, seq, account_id, bucket, asset, amount::text AS amount FROM postings
      WHERE (operation_id, seq) > (${after.op}, ${after.seq}) ORDER BY operation_id, seq LIMIT 10000`;
    for (const row of page) yield rows.toPosting(row);
    const last = page.at(-1);
    if (!last || page.length < 10000) return;
    after = { op: last.operation_id, seq: last.seq };
  }
}

async function* scanBalances(sql: Sql): AsyncIterable<BalanceWrite> {
  let after = { account: 0, asset: '', bucket: '' };
  for (;;) {
    const page = await sql<rows.BalanceRow[]>`
      SELECT account_id, asset, bucket, amount::text AS amount, updated_at_ms FROM balances
      WHERE (account_id, asset, bucket) > (${after.account}, ${after.asset}, ${after.bucket}) AND updated_at_ms <> ${UNWRITTEN_AT_MS}
      ORDER BY account_id, asset, bucket LIMIT 10000`;
    for (const row of page) {
      yield { account: row.account_id, asset: row.asset, bucket: row.bucket, amount: BigInt(row.amount), atMs: row.updated_at_ms };
    }
    const last = page.at(-1);
    if (!last || page.length < 10000) return;
    after = { account: last.account_id, asset: last.asset, bucket: last.bucket };
  }
}

async function* scanReservations(sql: Sql): AsyncIterable<Reservation> {
  let after = '';
  for (;;) {
    const page = await sql<rows.ReservationRow[]>`
      SELECT ${sql.unsafe(RESERVATION_COLUMNS)} FROM reservations WHERE id > ${after} ORDER BY id LIMIT 10000`;
    for (const row of page) yield rows.toReservation(row);
    const last = page.at(-1);
    if (!last || page.length < 10000) return;
    after = last.id;
  }
}

/** Runs an insert, turning a clash on a client-chosen name (symbol, user name, credential id) into its domain error. */
async function domainClash(query: PromiseLike<unknown>): Promise<void> {
  try {
    await query;
  } catch (error) {
    throw identityClash(error) ?? error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const exhausted = (runs: number) =>
  new LedgerError('CONCURRENCY_EXHAUSTED', `the transaction lost a race with another one ${runs} times; try again`);

export class PostgresStore extends PgReads implements LedgerStore {
  readonly engine = 'postgres';
  readonly sharedByInstances = true;
  private nextNonceSweepMs = 0;
  private reruns = 0;
  private settleWaits = 0;
  private readonly announcer: CommitAnnouncer;
  /** Tags this store's reset notices, so that its own watcher does not take them for another instance's. */
  private readonly tag = Math.random().toString(36).slice(2);

  /** Times a settled journal read waited for a gap to settle (tests watch it instead of a clock). */
  get journalSettleWaits(): number {
    return this.settleWaits;
  }
  private deadlocksSeen = 0;
  private booksCreatedFirst = 0;

  /** Transactions run again after a lost race, since this store opened (for tests and benchmarks). */
  get retried(): number {
    return this.reruns;
  }

  /** Transactions run again because they found books missing, created in between (books.ts). */
  get rerunForNewBooks(): number {
    return this.booksCreatedFirst;
  }

  /** Transactions PostgreSQL aborted as deadlocked (40P01), since this store opened: the promise is none. */
  get deadlocks(): number {
    return this.deadlocksSeen;
  }

  private constructor(
    sql: Sql,
    private readonly retries: number,
    /** Half the pool: the rest stays free for reads while writes queue. */
    readonly writeConcurrency: number,
    /** The LISTEN/NOTIFY channel of this schema's journal. */
    readonly journalChannel: string,
    private readonly watchIntervalMs: number,
    private readonly settle: Omit<SettleOptions, 'onWait'>,
  ) {
    super(sql);
    this.announcer = new CommitAnnouncer(sql, journalChannel);
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const sql = connect(options.url, options.poolSize ?? 10);
    try {
      await ensureSchema(sql, options.url);
      if (options.migrate ?? true) await migratePostgres(sql);
      else await migratePostgres(sql, { checkOnly: true });
    } catch (error) {
      await sql.end({ timeout: 1 });
      throw error;
    }
    const poolSize = options.poolSize ?? 10;
    const [where] = await sql<{ schema: string }[]>`SELECT current_schema() AS schema`;
    const channel = journalChannel(where?.schema ?? 'public');
    const settle = { maxWaitMs: options.settleMaxWaitMs ?? SETTLE_MAX_WAIT_MS, onGapPassed: options.onGapPassed ?? warnGapPassed };
    return new PostgresStore(sql, options.retries ?? 8, Math.max(1, Math.floor(poolSize / 2)), channel, options.watchIntervalMs ?? POSTGRES_WATCH_INTERVAL_MS, settle);
  }

  /**
   * Runs `fn` in one transaction; runs it again after a lost race (at most `retries` times), and
   * after creating the books it found missing (books.ts): that always makes progress, so only
   * runs that created nothing (another instance created them first, or a reset removed them)
   * count against `retries`.
   */
  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    let races = 0;
    let fruitless = 0;
    for (;;) {
      try {
        let run: PgTx | undefined;
        const result = (await this.sql.begin((tx) => fn((run = new PgTx(tx))))) as T;
        if (run && run.newestOperationId > 0) this.announcer.announce(run.newestOperationId);
        return result;
      } catch (error) {
        if (error instanceof BooksMissing) {
          this.booksCreatedFirst += 1;
          if ((await insertBooks(this.sql, error.keys)) === 0 && ++fruitless > this.retries) throw exhausted(races + fruitless);
          continue;
        }
        if (isDeadlock(error)) this.deadlocksSeen += 1;
        if (!isRetryable(error)) throw error;
        races += 1;
        if (races > this.retries) throw exhausted(races);
        this.reruns += 1;
        // Random, growing, short: the other side usually commits within a few milliseconds.
        await sleep(Math.random() * Math.min(50, 2 ** races));
      }
    }
  }

  /** The hot path: one indexed query, array rows. */
  async readBalances(account: number): Promise<Balance[]> {
    const found = await this.sql`SELECT asset, bucket, amount::text, updated_at_ms FROM balances WHERE account_id = ${account} AND updated_at_ms <> ${UNWRITTEN_AT_MS}`.values();
    return found.map(([asset, bucket, amount, updatedAtMs]) => ({
      account,
      asset: asset as string,
      bucket: bucket as Balance['bucket'],
      amount: BigInt(amount as string),
      updatedAtMs: updatedAtMs as number,
    }));
  }

  async listJournal(afterId: number, limit: number): Promise<JournalPage> {
    const ops = await this.sql<rows.OperationRow[]>`SELECT * FROM operations WHERE id > ${afterId} ORDER BY id LIMIT ${limit + 1}`;
    const first = ops[0];
    const last = ops.at(Math.min(ops.length, limit) - 1);
    const postings =
      first && last
        ? await this.sql<rows.PostingRow[]>`
            SELECT operation_id, account_id, bucket, asset, amount::text AS amount FROM postings
            WHERE operation_id BETWEEN ${first.id} AND ${last.id} ORDER BY operation_id, seq`
        : [];
    return rows.toJournalPage(ops, postings, limit);
  }

  listSettledJournal(afterId: number, limit: number): Promise<JournalPage> {
    return listSettledJournal(this.sql, afterId, limit, { ...this.settle, onWait: () => (this.settleWaits += 1) });
  }

  async journalHead(): Promise<number> {
    const [row] = await this.sql<{ head: number | null }[]>`SELECT max(id) AS head FROM operations`;
    return Number(row?.head ?? 0);
  }

  watchJournal(onNotice: (notice: JournalNotice) => void): Promise<StopWatching> {
    return watchChannel(this.sql, this.journalChannel, this.tag, this.watchIntervalMs, onNotice);
  }

  scanPostings(): AsyncIterable<Posting & { readonly operationId: number }> {
    return scanPostings(this.sql);
  }

  scanBalances(): AsyncIterable<BalanceWrite> {
    return scanBalances(this.sql);
  }

  scanReservations(): AsyncIterable<Reservation> {
    return scanReservations(this.sql);
  }

  /** One REPEATABLE READ, read-only transaction: both scans see the same committed state. */
  async snapshot<T>(fn: (scans: StoreScans) => Promise<T>): Promise<T> {
    return (await this.sql.begin('isolation level repeatable read read only', (tx) => {
      const sql = tx as unknown as Sql;
      return fn({ scanPostings: () => scanPostings(sql), scanBalances: () => scanBalances(sql), scanReservations: () => scanReservations(sql) });
    })) as T;
  }

  /** One TRUNCATE of every ledger table, with the journal's guard lifted for this transaction only. */
  async reset(): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.catalog}, 0)`;
      await tx`SELECT set_config('assetbook.resetting', 'on', true)`;
      await tx`TRUNCATE ${tx(POSTGRES_LEDGER_TABLES as unknown as string[])} RESTART IDENTITY`;
      // Delivered at commit, to every instance's journal watcher but this store's own.
      await tx`SELECT pg_notify(${this.journalChannel}, ${resetPayload(this.tag)})`;
    });
  }

  async claimNonce(scope: string, nonce: string, untilMs: number, nowMs: number): Promise<boolean> {
    if (nowMs >= this.nextNonceSweepMs) {
      this.nextNonceSweepMs = nowMs + 60_000;
      await this.sql`DELETE FROM nonces WHERE until_ms <= ${nowMs}`;
    }
    const result = await this.sql`
      INSERT INTO nonces (scope, nonce, until_ms) VALUES (${scope}, ${nonce}, ${untilMs})
      ON CONFLICT (scope, nonce) DO UPDATE SET until_ms = excluded.until_ms WHERE nonces.until_ms <= ${nowMs}`;
    return result.count === 1;
  }

  async ping(): Promise<void> {
    await this.sql`SELECT 1`;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/** The pool: int8 (ids, milliseconds) read as numbers, every one well below 2^53; notices not printed. */
export function connect(url: string, max: number): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    types: {
      int8: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (text: string) => Number(text) },
    },
  }) as unknown as Sql;
}

/** A `?search_path=` schema is created if missing, so a fresh schema is one URL away. */
async function ensureSchema(sql: Sql, url: string): Promise<void> {
  const schema = new URL(url).searchParams.get('search_path');
  if (schema === null) return;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`search_path must be one lower-case schema name (got "${schema}")`);
  }
  try {
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql(schema)}`;
  } catch (error) {
    // Two instances creating it at the same moment: the other one won, which is as good.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}
