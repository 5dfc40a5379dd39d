import Database from 'better-sqlite3';
import type { Balance, Posting } from '../../ledger/types.js';
import type { Reservation } from '../../ledger/operations.js';
import { Mutex } from '../mutex.js';
import type { BalanceWrite, JournalNotice, JournalPage, LedgerDump, LedgerStore, StoreScans, StoreTx, StopWatching } from '../store.js';
import { dumpTables, loadTables } from '../sql/snapshot.js';
import { BALANCES_OF_ACCOUNT, CATALOG_RESETS, SqlReads, claimNonce, journalHead, listJournal, readBalances, scansOver, sweepNonces, toBalances, type BalanceValues } from '../sql/core.js';
import { atBoundary } from '../sql/errors.js';
import { SQLITE_ADAPTER, SqliteRunner, migrateSqlite } from './adapter.js';
import { classifySqliteError } from './errors.js';
import { SqliteTx } from './sqlite-tx.js';
import { APPEND_ONLY_TRIGGERS, APPEND_ONLY_TRIGGER_NAMES, SQLITE_LEDGER_TABLES } from './migrations.js';
/**
 * How much an acknowledged write survives (SQLite `synchronous` in WAL mode):
 * - `full`: fsync at every commit; a crash of the process or the machine loses nothing acknowledged.
 * - `normal`: fsync at checkpoints; a process crash loses nothing, a power cut or OS crash may lose
 *   the last commits (the database stays consistent).
 * - `off`: no fsync; a power cut may lose recent commits or corrupt the file. For load tests only.
 */
export type SqliteDurability = 'full' | 'normal' | 'off';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a store that lives as long as the process. */
  readonly path: string;
  readonly durability?: SqliteDurability;
  /** How long a write waits for another process's write lock before failing. */
  readonly busyTimeoutMs?: number;
  /** How often a journal watcher looks for another process's commits to the file (`PRAGMA data_version`). */
  readonly watchIntervalMs?: number;
}

/** One `PRAGMA data_version` a second: another process's commit reaches this one's journal events within about that. */
export const SQLITE_WATCH_INTERVAL_MS = 1_000;

/**
 * The SQLite store: the shared SQL core (../sql/core.ts) over two connections to one file. Writes
 * go through an in-process FIFO mutex and BEGIN IMMEDIATE on the writer (which also serializes
 * writers across processes, so `assetbook op --db` beside a server is safe); reads go to a second,
 * query-only connection and see the last commit (WAL), never a write under way. Another
 * process's commits reach the journal watcher through the writer's `data_version`.
 */
export class SqliteStore extends SqlReads implements LedgerStore {
  readonly engine = 'sqlite';
  /** One writer connection: a second transaction would only queue behind the first. */
  readonly writeConcurrency = 1;
  /** One server per file; `assetbook op` beside it writes, but never resets. */
  readonly sharedByInstances = false;
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  /** The writer connection's queries, for transactions (a fresh `SqliteTx` each, sharing its prepared statements). */
  private readonly writerQueries: SqliteRunner;
  /** The reader connection's queries (the same runner the reads use). */
  private readonly readerQueries: SqliteRunner;
  private readonly writes: Mutex;
  /** A ':memory:' store has one connection, so reads wait for an open transaction to end. */
  private readonly sharedConnection: boolean;

  private closed = false;
  /**
   * A third connection, opened at the first snapshot or dump, for their long read transactions:
   * on the reader, every hot read would see the transaction's snapshot until it ended (a client
   * would not read its own write, and the read cache would keep the stale body). One at a time.
   */
  private scanner: SqliteRunner | null = null;
  private readonly scans = new Mutex();

  private constructor(
    writer: Database.Database,
    reader: Database.Database,
    private readonly watchIntervalMs: number,
    private readonly options: SqliteStoreOptions,
  ) {
    const sharedConnection = writer === reader;
    const writes = new Mutex();
    // A ':memory:' store's reads wait while its one connection is inside a transaction.
    const readerQueries = new SqliteRunner(reader, sharedConnection ? (read) => (writes.busy ? writes.run(async () => read()) : read()) : undefined);
    super(readerQueries, SQLITE_ADAPTER);
    this.readerQueries = readerQueries;
    this.writes = writes;
    this.writer = writer;
    this.reader = reader;
    this.writerQueries = new SqliteRunner(writer);
    this.sharedConnection = sharedConnection;
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const writer = connect(options);
    migrateSqlite(writer);
    const reader = options.path === ':memory:' ? writer : connect(options);
    if (reader !== writer) reader.pragma('query_only = ON');
    return new SqliteStore(writer, reader, options.watchIntervalMs ?? SQLITE_WATCH_INTERVAL_MS, options);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.writes.run(async () => {
      try {
        this.writer.exec('BEGIN IMMEDIATE');
        try {
          const tx = new SqliteTx(this.writerQueries);
          const result = await fn(tx);
          await tx.finish();
          this.writer.exec('COMMIT');
          return result;
        } catch (error) {
          if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
          throw error;
        }
      } catch (error) {
        throw atBoundary(classifySqliteError, error);
      }
    });
  }

  /** The hot read: the core's query and mapping, run at once on the reader (a ':memory:' store waits for a write under way). */
  async readBalances(account: number): Promise<Balance[]> {
    if (this.sharedConnection && this.writes.busy) return readBalances(this.db, account);
    return toBalances(account, this.readerQueries.valuesNow<BalanceValues>(BALANCES_OF_ACCOUNT, [account]));
  }

  listJournal(afterId: number, limit: number): Promise<JournalPage> {
    return listJournal(this.db, afterId, limit);
  }

  /** One writer at a time (BEGIN IMMEDIATE, across processes too) takes ids in commit order: every visible entry is settled. */
  listSettledJournal(afterId: number, limit: number): Promise<JournalPage> {
    return this.listJournal(afterId, limit);
  }

  journalHead(): Promise<number> {
    return journalHead(this.db);
  }

  /**
   * This process's own writes reach its ledger's events directly; what a watcher needs is another
   * process's (`assetbook op --db` beside a server). The writer connection's `data_version` changes
   * exactly when another connection committed to the file, so it is polled while no write of this
   * process is under way. A ':memory:' store has no other process: nothing to watch.
   */
  async watchJournal(onNotice: (notice: JournalNotice) => void): Promise<StopWatching> {
    if (this.sharedConnection) return async () => {};
    const version = () => this.writer.pragma('data_version', { simple: true }) as number;
    let seen = version();
    const timer = setInterval(() => {
      if (this.closed || this.writes.busy) return;
      const now = version();
      if (now === seen) return;
      seen = now;
      onNotice({ kind: 'unknown' });
    }, this.watchIntervalMs);
    timer.unref();
    return async () => clearInterval(timer);
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

  /** A read transaction on the reader connection is a WAL snapshot; ':memory:' has one connection, so it waits for writes instead. */
  snapshot<T>(fn: (scans: StoreScans) => Promise<T>): Promise<T> {
    return this.inReadSnapshot((db) => fn(scansOver(db)));
  }

  /**
   * `fn` over one read transaction (a WAL snapshot) on the scanning connection; a ':memory:'
   * store has one connection, so it runs between writes instead.
   */
  private async inReadSnapshot<T>(fn: (db: SqliteRunner) => Promise<T>): Promise<T> {
    if (this.sharedConnection) return this.writes.run(() => fn(this.writerQueries));
    return this.scans.run(async () => {
      try {
        this.scanner ??= scanningRunner(this.options);
        const db = this.scanner.db;
        db.exec('BEGIN');
        try {
          return await fn(this.scanner);
        } finally {
          db.exec('COMMIT');
        }
      } catch (error) {
        throw atBoundary(classifySqliteError, error);
      }
    });
  }

  async reset(): Promise<void> {
    await this.replaceLedger(async () => {});
  }

  /** The ledger's tables in one read snapshot: the reader's WAL snapshot, or the one connection of ':memory:' between writes. */
  dump(): Promise<LedgerDump> {
    return this.inReadSnapshot((db) => dumpTables(db, SQLITE_ADAPTER));
  }

  async restore(dump: LedgerDump): Promise<void> {
    await this.replaceLedger(() => loadTables(this.writerQueries, SQLITE_ADAPTER, dump));
  }

  /**
   * One write transaction: the journal's guard dropped, every ledger table emptied, `fill` run,
   * the guard put back. Dropped triggers come back with a rollback too (SQLite's DDL is transactional).
   */
  private async replaceLedger(fill: () => Promise<void>): Promise<void> {
    await this.writes.run(async () => {
      try {
        this.writer.exec('BEGIN IMMEDIATE');
        try {
          for (const name of APPEND_ONLY_TRIGGER_NAMES) this.writer.exec(`DROP TRIGGER ${name}`);
          for (const table of SQLITE_LEDGER_TABLES) this.writer.exec(`DELETE FROM ${table}`);
          // A new epoch: a ledger's cached assets and accounts of the one before go unused (SqliteTx.catalogEpoch).
          this.writer
            .prepare("INSERT INTO settings (name, value) VALUES (?, '1') ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")
            .run(CATALOG_RESETS);
          await fill();
          this.writer.exec(APPEND_ONLY_TRIGGERS);
          this.writer.exec('COMMIT');
        } catch (error) {
          if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
          throw error;
        }
      } catch (error) {
        throw atBoundary(classifySqliteError, error);
      }
    });
  }

  /**
   * One upsert on the writer: a nonce still remembered is left alone (no row changes), an expired
   * one is taken again. Expired rows are swept at most once a minute.
   */
  async claimNonce(scope: string, nonce: string, untilMs: number, nowMs: number): Promise<boolean> {
    return this.writes.run(async () => {
      if (nowMs >= this.nextNonceSweepMs) {
        await sweepNonces(this.writerQueries, nowMs);
        this.nextNonceSweepMs = nowMs + 60_000;
      }
      return claimNonce(this.writerQueries, scope, nonce, untilMs, nowMs);
    });
  }

  private nextNonceSweepMs = 0;

  async ping(): Promise<void> {
    await this.db.values('SELECT 1');
  }

  async close(): Promise<void> {
    await this.writes.run(async () => {
      this.closed = true;
      await this.scans.run(async () => this.scanner?.db.close());
      if (this.reader !== this.writer) this.reader.close();
      this.writer.close();
    });
  }
}

/** The connection scans and dumps read on: read-only, like the reader. */
function scanningRunner(options: SqliteStoreOptions): SqliteRunner {
  const db = connect(options);
  db.pragma('query_only = ON');
  return new SqliteRunner(db);
}

function connect(options: SqliteStoreOptions): Database.Database {
  const db = new Database(options.path);
  if (options.path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${(options.durability ?? 'full').toUpperCase()}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('foreign_keys = ON');
  return db;
}

