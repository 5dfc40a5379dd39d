import type postgres from 'postgres';
import { LedgerError } from '../../ledger/errors.js';
import type { Balance, Posting } from '../../ledger/types.js';
import type { Reservation } from '../../ledger/operations.js';
import { balanceKeyId, type BalanceDelta, type BalanceKey, type BalanceWrite, type JournalNotice, type JournalPage, type LedgerDump, type LedgerStore, type LockOptions, type NewOperation, type StoreScans, type StoreTx, type StopWatching } from '../store.js';
import { CATALOG_RESETS, SqlReads, SqlTx, claimNonce, journalHead, listJournal, readBalances, scansOver, sweepNonces, systemBookBeyondLimit } from '../sql/core.js';
import { POSTGRES_ADAPTER, PostgresRunner, boundary, connect, guarded, migratePostgres, type Sql } from './adapter.js';
import { isDeadlock, isRetryable } from './errors.js';
import { LOCK_NAMESPACE, POSTGRES_LEDGER_TABLES } from './migrations.js';
import { CommitAnnouncer, journalChannel, listSettledJournal, resetPayload, SETTLE_MAX_WAIT_MS, watchChannel, type GapPassed, type SettleOptions } from './journal-feed.js';
import { BooksMissing, columnsOf, insertBooks } from './books.js';
import { dumpTables, loadTables } from '../sql/snapshot.js';

export { connect } from './adapter.js';

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



/**
 * A transaction on one connection of the pool: the core's queries, plus the locks and the
 * balance and journal writes that make concurrent writers safe (see the store's comment above).
 * Errors of the queries written here go through the boundary too (`guarded`); a lost race stays
 * as PostgreSQL raised it, for the store's retry loop.
 */
class PgTx extends SqlTx {
  private catalogLocked = false;
  /**
   * Account books written and not sent yet, the newest amount per book: they go in the same
   * statement as the entry that follows them (`insertOperation`), one round trip for both, or,
   * after a lock ahead, once at the end. Anything that reads books, a savepoint and the end of the
   * transaction send them first.
   */
  private pendingWrites = new Map<string, BalanceWrite>();
  /**
   * Set by a lock ahead (`existingOnly`): several operations follow, and system additions wait
   * for the end. Otherwise the one operation's entry is the transaction's last statement, and
   * its system additions ride in it: the same lock span, one round trip fewer.
   */
  private lockedAhead = false;
  /**
   * A batch's entries, after its lock ahead: inserted together, in one statement for all those
   * queued while the batch ran without waiting on the store (the usual case: its books, keys and
   * catalog were all read ahead), sent at the next turn of the event loop or before anything that
   * could read them. Not in a commit group: an entry must land inside its own savepoint there.
   */
  private pendingEntries: { readonly op: NewOperation; readonly resolve: (id: number) => void; readonly reject: (error: unknown) => void }[] = [];
  private entriesTimer: NodeJS.Immediate | null = null;
  private inGroup = false;
  /** The newest journal entry this transaction inserted: the commit notice carries it. */
  newestOperationId = 0;
  /** The first failure of a write sent without waiting (an entry's insert, the system books' upsert): what a COMMIT sent before its answer reports when refused. */
  failure: unknown = undefined;

  constructor(private readonly tx: postgres.TransactionSql<Record<string, never>>) {
    super(new PostgresRunner(tx as unknown as Sql), POSTGRES_ADAPTER);
  }

  /** The connection, for a statement of the operation under way: its savepoint goes out first (`deferSavepoints`). */
  private get sql(): Sql {
    this.sendSavepoint();
    return this.tx as unknown as Sql;
  }

  private epoch: Promise<number> | null = null;

  /**
   * The count of resets (a setting the reset bumps before it empties the tables), once per
   * transaction. The statement names `accounts`, which a reset truncates: it takes its table lock
   * before its snapshot, so it either waits for a reset under way to commit and reads its count,
   * or holds the lock that makes any later reset wait for this transaction to end. Either way
   * the catalog this transaction reads belongs to the count it read.
   */
  catalogEpoch(): Promise<number> {
    this.epoch ??= guarded(
      this.sql<{ epoch: string }[]>`
        SELECT coalesce((SELECT value FROM settings WHERE name = ${CATALOG_RESETS}), '0') AS epoch
        WHERE NOT EXISTS (SELECT FROM accounts WHERE false)`,
    ).then(([row]) => Number(row?.epoch ?? 0));
    return this.epoch;
  }

  /** A failed SAVEPOINT aborts the transaction, and its COMMIT is then refused: nothing to wait for. */
  protected override get savepointAwaited(): boolean {
    return false;
  }

  /** An operation's entry goes out last, and a failed statement makes PostgreSQL refuse the COMMIT: see SqlTx. */
  protected override get deferSavepoints(): boolean {
    return true;
  }

  /** Left to the COMMIT: PostgreSQL ends every savepoint there, and a RELEASE per operation is a statement more for the server to run (after a refusal, a round trip more). */
  protected override get releasesSavepoints(): boolean {
    return false;
  }

  /** Serializes catalog writes across instances, once per transaction. */
  protected override async lockCatalog(): Promise<void> {
    if (this.catalogLocked) return;
    await guarded(this.sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.catalog}, 0)`);
    this.catalogLocked = true;
  }

  protected override async lockSetting(name: string): Promise<void> {
    await guarded(this.sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.setting}, hashtext(${name}))`);
  }

  /**
   * One round trip: locks the books that have a row, in the given order, and reads them. A missing
   * book that other transactions could touch is never inserted here (see books.ts): the whole
   * transaction is rolled back and run again once it exists. A missing book of an account or
   * asset this transaction created is inserted here: no other transaction can see it.
   */
  async lockBalances(keys: readonly BalanceKey[], options: LockOptions = {}): Promise<bigint[]> {
    await this.sendWrites();
    if (options.existingOnly) this.lockedAhead = true;
    const { accounts, assets, buckets } = columnsOf(keys);
    const found = await guarded(this.sql<{ ord: number; amount: string }[]>`
      SELECT k.ord::int AS ord, b.amount::text AS amount
      FROM unnest(${accounts}::int[], ${assets}::text[], ${buckets}::text[]) WITH ORDINALITY AS k(account_id, asset, bucket, ord)
      JOIN balances b USING (account_id, asset, bucket)
      ORDER BY k.ord
      FOR UPDATE OF b`);
    // A system book's amount as this transaction sees it: its own additions are not applied yet.
    const amounts = keys.map((k) => this.pendingSystemDelta(k));
    for (const row of found) amounts[row.ord - 1] = (amounts[row.ord - 1] ?? 0n) + BigInt(row.amount);
    if (found.length < keys.length) {
      const present = new Set(found.map((row) => row.ord - 1));
      const missing = keys.filter((_, i) => !present.has(i));
      const shared = missing.filter((k) => !this.createdAccounts.has(k.account) && !this.createdAssets.has(k.asset));
      if (shared.length > 0) throw new BooksMissing(shared);
      if (!options.existingOnly) await guarded(insertBooks(this.sql, missing));
    }
    return amounts;
  }

  /** Kept until the next entry's insert (or a read of books, a savepoint, the end) sends it. */
  async writeBalances(writes: readonly BalanceWrite[]): Promise<void> {
    for (const w of writes) this.pendingWrites.set(balanceKeyId(w), w);
  }

  /** Columns of the pending writes, for `unnest`; they are then no longer pending. */
  private takeWrites() {
    const writes = [...this.pendingWrites.values()];
    this.pendingWrites = new Map();
    return { ...columnsOf(writes), amounts: writes.map((w) => w.amount.toString()), atMs: writes.map((w) => w.atMs) };
  }

  /**
   * Written as an upsert: every book written was locked first, so its row exists and this updates
   * it, except the book of an account this transaction created (invisible to others) or one a
   * batch's lock-ahead read as 0 (`existingOnly`), which this creates.
   */
  private async sendWrites(): Promise<void> {
    if (this.pendingWrites.size === 0) return;
    const w = this.takeWrites();
    await guarded(this.sql`
      INSERT INTO balances (account_id, asset, bucket, amount, updated_at_ms)
      SELECT * FROM unnest(${w.accounts}::int[], ${w.assets}::text[], ${w.buckets}::text[], ${w.amounts}::numeric[], ${w.atMs}::bigint[])
      ON CONFLICT (account_id, asset, bucket) DO UPDATE SET amount = excluded.amount, updated_at_ms = excluded.updated_at_ms`);
  }

  /**
   * Writes pending before a savepoint are sent first, so that they are not rolled back with it;
   * those made inside and not sent are dropped when it rolls back (the core drops its system additions).
   */
  override async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    this.inGroup = true;
    await this.sendEntries().catch(() => undefined);
    await this.sendWrites();
    const restore = () => {
      this.pendingWrites = new Map();
    };
    try {
      return await super.savepoint(() => {
        restore();
        return fn();
      });
    } catch (error) {
      restore();
      throw error;
    }
  }

  /**
   * The end of the transaction, before its commit: the writes still pending, then every system
   * book's sum in one upsert, in the global book order. The system books are locked from here to
   * the commit only, after every account book: the last locks any transaction takes, so no
   * transaction waits for one while holding them. The upsert is not waited for: it goes out in
   * the COMMIT's packet, so the hottest locks (every deposit's system book) are held for the
   * server's work only, not for a round trip through this process's event loop. A sum past the
   * limit (numeric(78,0) overflows) is the transaction's failure, its COMMIT then refused.
   */
  override async finish(): Promise<void> {
    await this.sendEntries();
    await this.sendWrites();
    await super.finish();
  }

  protected override async applySystemDeltas(deltas: readonly BalanceDelta[]): Promise<void> {
    const { accounts, assets, buckets } = columnsOf(deltas);
    const added = this.sql`
        INSERT INTO balances AS b (account_id, asset, bucket, amount, updated_at_ms)
        SELECT account_id, asset, bucket, delta, at_ms
        FROM unnest(${accounts}::int[], ${assets}::text[], ${buckets}::text[], ${deltas.map((d) => d.delta.toString())}::numeric[], ${deltas.map((d) => d.atMs)}::bigint[])
          WITH ORDINALITY AS k(account_id, asset, bucket, delta, at_ms, ord)
        ORDER BY ord
        ON CONFLICT (account_id, asset, bucket) DO UPDATE SET amount = b.amount + excluded.amount, updated_at_ms = excluded.updated_at_ms`.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= (error as { code?: string }).code === NUMERIC_OVERFLOW ? systemBookBeyondLimit(overflowing(deltas)) : boundary(error);
      },
    );
    this.unanswered.push(added);
  }

  /** One query for every key, `ANY` of an array: one prepared text whatever the batch's size. */
  override async existingOperationKeys(keys: readonly string[]): Promise<Set<string>> {
    await this.sendEntries().catch(() => undefined);
    if (keys.length === 0) return new Set();
    const found = await guarded(this.sql<{ key: string }[]>`SELECT key FROM operations WHERE key = ANY(${keys as string[]}::text[])`);
    return new Set(found.map((row) => row.key));
  }
  /**
   * The entry and its postings in one statement. The insert reads the transaction's id first, so
   * that the transaction holds one before it takes the entry's id: settled journal reads rely on it
   * (journal-feed.ts).
   */
  /** A key looked up again in a batch (the same key twice) must find the entry queued before it. */
  override async getOperation(key: string) {
    // A failed insert is reported through its own entry's id; this lookup then fails as well.
    await this.sendEntries().catch(() => undefined);
    return super.getOperation(key);
  }

  /** The queued entries, each with its postings, in one statement; ids in queue order. */
  private async sendEntries(): Promise<void> {
    if (this.entriesTimer !== null) clearImmediate(this.entriesTimer);
    this.entriesTimer = null;
    const queued = this.pendingEntries;
    if (queued.length === 0) return;
    this.pendingEntries = [];
    const ops = queued.map((q) => q.op);
    const postings = ops.flatMap((op) => op.postings.map((p, seq) => ({ key: op.key, seq, p })));
    try {
      const rows = await this.sql<{ id: number; key: string }[]>`
        WITH xact AS MATERIALIZED (SELECT pg_current_xact_id() AS xid), op AS (
          INSERT INTO operations (key, hash, type, at_ms, request)
          SELECT e.key, e.hash, e.type, e.at_ms, e.request
          FROM xact, unnest(${ops.map((o) => o.key)}::text[], ${ops.map((o) => o.hash)}::text[], ${ops.map((o) => o.type)}::text[], ${ops.map((o) => o.atMs)}::bigint[], ${ops.map((o) => JSON.stringify(o.request))}::text[])
            WITH ORDINALITY AS e(key, hash, type, at_ms, request, ord)
          ORDER BY e.ord
          RETURNING id, key
        ), posted AS (
          INSERT INTO postings (operation_id, seq, account_id, bucket, asset, amount)
          SELECT op.id, t.seq, t.account_id, t.bucket, t.asset, t.amount
          FROM op JOIN unnest(${postings.map((x) => x.key)}::text[], ${postings.map((x) => x.seq)}::int[], ${postings.map((x) => x.p.account)}::int[], ${postings.map((x) => x.p.bucket)}::text[], ${postings.map((x) => x.p.asset)}::text[], ${postings.map((x) => x.p.amount.toString())}::numeric[])
            AS t(key, seq, account_id, bucket, asset, amount) ON t.key = op.key
        )
        SELECT id, key FROM op`;
      const ids = new Map(rows.map((row) => [row.key, Number(row.id)]));
      for (const q of queued) {
        const id = ids.get(q.op.key);
        if (id === undefined) q.reject(new Error(`the entry ${q.op.key} was not inserted`));
        else {
          this.newestOperationId = Math.max(this.newestOperationId, id);
          q.resolve(id);
        }
      }
    } catch (error) {
      const failure = boundary(error);
      this.failure ??= failure;
      for (const q of queued) q.reject(failure);
      throw failure;
    }
  }

  /** Every write of this transaction sent without waiting (entries' inserts, the system books' upsert): a COMMIT sent before their answers waits for them (`settled`). */
  private readonly unanswered: Promise<unknown>[] = [];

  /** Resolves once every write sent without waiting has its answer (and `failure`, `newestOperationId` are known). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.unanswered);
  }

  insertOperation(op: NewOperation): Promise<number> {
    const inserted = this.insertEntry(op);
    this.unanswered.push(inserted);
    return inserted;
  }

  private async insertEntry(op: NewOperation): Promise<number> {
    if (this.lockedAhead && !this.inGroup) {
      return new Promise<number>((resolve, reject) => {
        this.pendingEntries.push({ op, resolve, reject });
        this.entriesTimer ??= setImmediate(() => {
          this.entriesTimer = null;
          this.sendEntries().catch(() => undefined);
        });
      });
    }
    const p = op.postings;
    // A batch (locked ahead, no savepoints) keeps its books pending until the end: each book is
    // then written once however many operations touched it. Otherwise they come along: alone, and
    // in a commit group too, where they belong to this operation's savepoint and would otherwise
    // cost a round trip of their own before the next one's.
    const w = this.lockedAhead && !this.inGroup ? NO_WRITES : this.takeWrites();
    // Not locked ahead, this entry is the transaction's last (see `lockedAhead`): its system additions come along.
    const s = this.lockedAhead ? [] : this.takeSystemDeltas();
    const sys = columnsOf(s);
    // The writes pending (this entry's books) ride in the same statement: one round trip. It is
    // the operation's last statement: its savepoint, if not taken yet, is not needed.
    this.entryGoesOut();
    const tx = this.tx as unknown as Sql;
    const [row] = await tx<{ id: number }[]>`
      WITH written AS (
        INSERT INTO balances (account_id, asset, bucket, amount, updated_at_ms)
        SELECT * FROM unnest(${w.accounts}::int[], ${w.assets}::text[], ${w.buckets}::text[], ${w.amounts}::numeric[], ${w.atMs}::bigint[])
        ON CONFLICT (account_id, asset, bucket) DO UPDATE SET amount = excluded.amount, updated_at_ms = excluded.updated_at_ms
      ), added AS (
        INSERT INTO balances AS b (account_id, asset, bucket, amount, updated_at_ms)
        SELECT account_id, asset, bucket, delta, at_ms
        FROM unnest(${sys.accounts}::int[], ${sys.assets}::text[], ${sys.buckets}::text[], ${s.map((d) => d.delta.toString())}::numeric[], ${s.map((d) => d.atMs)}::bigint[])
          WITH ORDINALITY AS k(account_id, asset, bucket, delta, at_ms, ord)
        ORDER BY ord
        ON CONFLICT (account_id, asset, bucket) DO UPDATE SET amount = b.amount + excluded.amount, updated_at_ms = excluded.updated_at_ms
      ), xact AS MATERIALIZED (SELECT pg_current_xact_id() AS xid), op AS (
        INSERT INTO operations (key, hash, type, at_ms, request)
        SELECT ${op.key}, ${op.hash}, ${op.type}, ${op.atMs}, ${JSON.stringify(op.request)} FROM xact
        RETURNING id
      ), posted AS (
        INSERT INTO postings (operation_id, seq, account_id, bucket, asset, amount)
        SELECT op.id, t.seq - 1, t.account_id, t.bucket, t.asset, t.amount
        FROM op, unnest(${p.map((x) => x.account)}::int[], ${p.map((x) => x.bucket)}::text[], ${p.map((x) => x.asset)}::text[], ${p.map((x) => x.amount.toString())}::numeric[])
          WITH ORDINALITY AS t(account_id, bucket, asset, amount, seq)
      )
      SELECT id FROM op`.catch((error: unknown) => {
      const failure = s.length > 0 && (error as { code?: string }).code === NUMERIC_OVERFLOW ? systemBookBeyondLimit(overflowing(s)) : boundary(error);
      this.failure ??= failure;
      throw failure;
    });
    this.newestOperationId = Math.max(this.newestOperationId, Number(row?.id));
    return Number(row?.id);
  }
}

/** Up to this many postings, a restore empties the journal with DELETE rather than TRUNCATE (see `restore`). */
const SMALL_JOURNAL_POSTINGS = 10_000;

/** The columns of no balance writes, for an entry's insert that carries none. */
const NO_WRITES = { accounts: [], assets: [], buckets: [], amounts: [], atMs: [] } as const;

/** PostgreSQL's numeric_value_out_of_range: a sum beyond numeric(78,0). */
const NUMERIC_OVERFLOW = '22003';

/** The book whose sum overflowed is not named by the error: the one whose delta points furthest out is reported. */
function overflowing(deltas: readonly BalanceDelta[]): BalanceDelta {
  const abs = (d: BalanceDelta) => (d.delta < 0n ? -d.delta : d.delta);
  return deltas.reduce((a, b) => (abs(b) > abs(a) ? b : a));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const exhausted = (runs: number) =>
  new LedgerError('CONCURRENCY_EXHAUSTED', `the transaction lost a race with another one ${runs} times; try again`);

export class PostgresStore extends SqlReads implements LedgerStore {
  readonly engine = 'postgres';
  readonly sharedByInstances = true;
  readonly commitRefusesAfterFailedWrite = true;
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
    private readonly sql: Sql,
    private readonly retries: number,
    /** Half the pool, of which group commit uses two at most (GROUP_COMMIT_LANES): the rest stays free for reads while writes queue. */
    readonly writeConcurrency: number,
    /** The LISTEN/NOTIFY channel of this schema's journal. */
    readonly journalChannel: string,
    private readonly watchIntervalMs: number,
    private readonly settle: Omit<SettleOptions, 'onWait'>,
  ) {
    super(new PostgresRunner(sql), POSTGRES_ADAPTER);
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
        const { result, newestOperationId } = await this.runOnce(fn);
        if (newestOperationId > 0) this.announcer.announce(newestOperationId);
        return result;
      } catch (error) {
        if (error instanceof BooksMissing) {
          this.booksCreatedFirst += 1;
          if ((await guarded(insertBooks(this.sql, error.keys))) === 0 && ++fruitless > this.retries) throw exhausted(races + fruitless);
          continue;
        }
        if (isDeadlock(error)) this.deadlocksSeen += 1;
        if (!isRetryable(error)) throw boundary(error);
        races += 1;
        if (races > this.retries) throw exhausted(races);
        this.reruns += 1;
        // Random, growing, short: the other side usually commits within a few milliseconds.
        await sleep(Math.random() * Math.min(50, 2 ** races));
      }
    }
  }

  /**
   * One run of `fn` in a transaction on a reserved connection. BEGIN is not waited for: it goes
   * out in the same packet as the transaction's first queries (postgres.js writes what is issued
   * in one turn together), one round trip fewer than `sql.begin`, which waits for it. Every query
   * of `fn` is awaited before the COMMIT; a transaction PostgreSQL aborted answers COMMIT with
   * ROLLBACK, which is refused here as an error rather than taken for a commit.
   */
  private async runOnce<T>(fn: (tx: StoreTx) => Promise<T>): Promise<{ result: T; newestOperationId: number }> {
    const connection = await guarded(this.sql.reserve());
    let open = false;
    let run: PgTx | undefined;
    try {
      const begun = connection`BEGIN`;
      open = true;
      begun.catch(() => undefined);
      run = new PgTx(connection as unknown as postgres.TransactionSql<Record<string, never>>);
      const result = await fn(run);
      await run.finish();
      await begun;
      const committed = await connection`COMMIT`;
      open = false;
      await run.settled();
      // Refused after a write sent without waiting failed (an entry's insert, the system books'
      // upsert, sent with the COMMIT): that failure is the transaction's (a lost key race is then run again, a refusal reported).
      if (committed.command !== 'COMMIT') throw run.failure ?? new Error(`the transaction was not committed (the server answered ${committed.command})`);
      return { result, newestOperationId: run.newestOperationId };
    } catch (error) {
      if (open) await connection`ROLLBACK`.catch(() => undefined);
      // An entry's insert sent without waiting (a batch, a commit group) failed: whatever failed
      // after it (a statement refused in the aborted transaction, a ROLLBACK TO a savepoint that
      // was never taken) is its consequence, and that first failure is the transaction's.
      if (run?.failure !== undefined) throw run.failure;
      throw error;
    } finally {
      connection.release();
    }
  }

  /** The hot path: one indexed query (a prepared statement), array rows. */
  readBalances(account: number): Promise<Balance[]> {
    return readBalances(this.db, account);
  }

  listJournal(afterId: number, limit: number): Promise<JournalPage> {
    return listJournal(this.db, afterId, limit);
  }

  listSettledJournal(afterId: number, limit: number): Promise<JournalPage> {
    return guarded(listSettledJournal(this.sql, afterId, limit, { ...this.settle, onWait: () => (this.settleWaits += 1) }));
  }

  journalHead(): Promise<number> {
    return journalHead(this.db);
  }

  watchJournal(onNotice: (notice: JournalNotice) => void): Promise<StopWatching> {
    return guarded(watchChannel(this.sql, this.journalChannel, this.tag, this.watchIntervalMs, onNotice));
  }

  scanPostings(): AsyncIterable<Posting & { readonly operationId: number }> {
    return scansOver(this.db).scanPostings();
  }

  scanBalances(): AsyncIterable<BalanceWrite> {
    return scansOver(this.db).scanBalances();
  }

  scanReservations(): AsyncIterable<Reservation> {
    return scansOver(this.db).scanReservations();
  }

  /** One REPEATABLE READ, read-only transaction: both scans see the same committed state. */
  async snapshot<T>(fn: (scans: StoreScans) => Promise<T>): Promise<T> {
    return (await guarded(this.sql.begin('isolation level repeatable read read only', (tx) => fn(scansOver(new PostgresRunner(tx as unknown as Sql)))))) as T;
  }

  /** One TRUNCATE of every ledger table, with the journal's guard lifted for this transaction only. */
  async reset(): Promise<void> {
    await this.replaceLedger('truncate', async () => 0);
  }

  /** One REPEATABLE READ, read-only transaction: every table as of one committed state. */
  async dump(): Promise<LedgerDump> {
    return (await guarded(this.sql.begin('isolation level repeatable read read only', (tx) => dumpTables(new PostgresRunner(tx as unknown as Sql), POSTGRES_ADAPTER)))) as LedgerDump;
  }

  /**
   * A reset and the dump's rows in one transaction; the journal's identity then continues after
   * the dump's newest id. A small ledger is emptied with DELETE under the locks TRUNCATE would
   * take: TRUNCATE swaps every table's files, 25 to 95 ms for nine tables of a few rows here, when
   * a sandbox restores between test cases.
   */
  async restore(dump: LedgerDump): Promise<void> {
    await this.replaceLedger('delete-when-small', async (tx) => {
      await loadTables(new PostgresRunner(tx), POSTGRES_ADAPTER, dump);
      const head = dump.entries.at(-1)?.id ?? 0;
      // The next entry takes head + 1 (an empty journal starts again at 1).
      await tx`SELECT setval(pg_get_serial_sequence('operations', 'id'), ${Math.max(head, 1)}, ${head > 0})`;
      return head;
    });
  }

  /**
   * One transaction under the catalog lock: the reset count bumped, every ledger table truncated
   * with the journal's guard lifted, `fill` run (it resolves the journal's newest id), and other
   * instances told at commit.
   */
  private async replaceLedger(empty: 'truncate' | 'delete-when-small', fill: (tx: Sql) => Promise<number>): Promise<void> {
    const tables = POSTGRES_LEDGER_TABLES as unknown as string[];
    await guarded(
      this.sql.begin(async (begun) => {
        const tx = begun as unknown as Sql;
        await tx`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.catalog}, 0)`;
        // Counted before the tables are emptied, under the same transaction: an instance's cached
        // assets and accounts are of the count before (PgTx.catalogEpoch).
        await tx`INSERT INTO settings (name, value) VALUES (${CATALOG_RESETS}, '1')
          ON CONFLICT (name) DO UPDATE SET value = (settings.value::bigint + 1)::text`;
        await tx`SELECT set_config('assetbook.resetting', 'on', true)`;
        // What TRUNCATE locks, in its order: every reader and writer of the ledger waits for the commit.
        await tx`LOCK TABLE ${tx(tables)} IN ACCESS EXCLUSIVE MODE`;
        const [large] = empty === 'truncate' ? [] : await tx`SELECT 1 FROM postings OFFSET ${SMALL_JOURNAL_POSTINGS} LIMIT 1`;
        if (empty === 'truncate' || large !== undefined) await tx`TRUNCATE ${tx(tables)} RESTART IDENTITY`;
        else for (const table of tables) await tx`DELETE FROM ${tx(table)}`;
        await tx`SELECT set_config('assetbook.resetting', 'off', true)`;
        const head = await fill(tx);
        // Delivered at commit, to every instance's journal watcher but this store's own.
        await tx`SELECT pg_notify(${this.journalChannel}, ${resetPayload(this.tag, head)})`;
      }),
    );
  }

  async claimNonce(scope: string, nonce: string, untilMs: number, nowMs: number): Promise<boolean> {
    if (nowMs >= this.nextNonceSweepMs) {
      this.nextNonceSweepMs = nowMs + 60_000;
      await sweepNonces(this.db, nowMs);
    }
    return claimNonce(this.db, scope, nonce, untilMs, nowMs);
  }

  async ping(): Promise<void> {
    await this.db.values('SELECT 1');
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
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
