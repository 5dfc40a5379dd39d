import Database from 'better-sqlite3';
import type { Account, Asset, Balance, Posting, User } from '../../ledger/types.js';
import { LedgerError } from '../../ledger/errors.js';
import type { Reservation, ReservationState } from '../../ledger/operations.js';
import { Mutex } from '../mutex.js';
import type { Identity, Subject } from '../../ledger/venue-facts.js';
import type {
  AccountFilter,
  BalanceKey,
  BalanceWrite,
  CredentialRecord,
  JournalNotice,
  JournalPage,
  LedgerStore,
  NewCredential,
  NewOperation,
  StoreReader,
  StoreScans,
  StoredOperation,
  StoreTx,
  StopWatching,
} from '../store.js';
import { APPEND_ONLY_TRIGGERS, APPEND_ONLY_TRIGGER_NAMES, SQLITE_LEDGER_TABLES, SQLITE_MIGRATIONS } from './migrations.js';
import * as rows from '../rows.js';

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

/** The reads, prepared once per connection. */
class Reads implements StoreReader {
  private readonly s;
  constructor(protected readonly db: Database.Database) {
    this.s = {
      asset: db.prepare<[string], rows.AssetRow>('SELECT * FROM assets WHERE symbol = ?'),
      assets: db.prepare<[], rows.AssetRow>('SELECT * FROM assets ORDER BY rowid'),
      user: db.prepare<[number], rows.UserRow>('SELECT * FROM users WHERE id = ?'),
      userByName: db.prepare<[string], rows.UserRow>('SELECT * FROM users WHERE name = ?'),
      users: db.prepare<[], rows.UserRow>('SELECT * FROM users ORDER BY id'),
      account: db.prepare<[number], rows.AccountRow>('SELECT * FROM accounts WHERE id = ?'),
      accounts: db.prepare<[], rows.AccountRow>('SELECT * FROM accounts ORDER BY id'),
      accountsOfUser: db.prepare<[number], rows.AccountRow>('SELECT * FROM accounts WHERE user_id = ? ORDER BY id'),
      accountByFact: db.prepare<[string, string, string], rows.AccountRow>(
        `SELECT a.* FROM identities i JOIN accounts a ON a.id = CAST(i.owner AS INTEGER)
         WHERE i.subject = 'account' AND i.venue = ? AND i.name = ? AND i.value = ?`,
      ),
      identityTaken: db.prepare<[string, string, string, string], { one: number }>(
        'SELECT 1 AS one FROM identities WHERE subject = ? AND venue = ? AND name = ? AND value = ?',
      ),
      credential: db.prepare<[string, string], rows.CredentialRow>('SELECT * FROM credentials WHERE venue = ? AND public_id = ?'),
      credentials: db.prepare<[], rows.CredentialRow>('SELECT * FROM credentials ORDER BY id'),
      credentialsOfUser: db.prepare<[number], rows.CredentialRow>('SELECT * FROM credentials WHERE user_id = ? ORDER BY id'),
      operation: db.prepare<[string], rows.OperationRow>('SELECT * FROM operations WHERE key = ?'),
      postingsOf: db.prepare<[number], rows.PostingRow>(
        'SELECT operation_id, account_id, bucket, asset, amount FROM postings WHERE operation_id = ? ORDER BY seq',
      ),
      reservation: db.prepare<[string], rows.ReservationRow>('SELECT * FROM reservations WHERE id = ?'),
      setting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?'),
      // The hot read: array rows, because building one object per row is most of its cost.
      balances: db
        .prepare<[number], [string, string, string, number]>('SELECT asset, bucket, amount, updated_at_ms FROM balances WHERE account_id = ?')
        .raw(true),
      journal: db.prepare<[number, number], rows.OperationRow>('SELECT * FROM operations WHERE id > ? ORDER BY id LIMIT ?'),
      journalHead: db.prepare<[], { head: number | null }>('SELECT max(id) AS head FROM operations'),
      postingsBetween: db.prepare<[number, number], rows.PostingRow>(
        'SELECT operation_id, account_id, bucket, asset, amount FROM postings WHERE operation_id BETWEEN ? AND ? ORDER BY operation_id, seq',
      ),
    };
  }

  getAsset = async (symbol: string): Promise<Asset | undefined> => {
    const row = this.s.asset.get(symbol);
    return row && rows.toAsset(row);
  };
  listAssets = async (): Promise<Asset[]> => this.s.assets.all().map(rows.toAsset);
  getUser = async (id: number): Promise<User | undefined> => {
    const row = this.s.user.get(id);
    return row && rows.toUser(row);
  };
  getUserByName = async (name: string): Promise<User | undefined> => {
    const row = this.s.userByName.get(name);
    return row && rows.toUser(row);
  };
  listUsers = async (): Promise<User[]> => this.s.users.all().map(rows.toUser);
  getAccount = async (id: number): Promise<Account | undefined> => {
    const row = this.s.account.get(id);
    return row && rows.toAccount(row);
  };
  listAccounts = async (filter: AccountFilter = {}): Promise<Account[]> =>
    (filter.userId === undefined ? this.s.accounts.all() : this.s.accountsOfUser.all(filter.userId)).map(rows.toAccount);
  findAccount = async (venue: string, name: string, value: string): Promise<Account | undefined> => {
    const row = this.s.accountByFact.get(venue, name, value);
    return row && rows.toAccount(row);
  };
  identityTaken = async (subject: Subject, identity: Identity): Promise<boolean> =>
    this.s.identityTaken.get(subject, identity.venue, identity.name, identity.value) !== undefined;
  getCredential = async (venue: string, publicId: string): Promise<CredentialRecord | undefined> => {
    const row = this.s.credential.get(venue, publicId);
    return row && rows.toCredential(row);
  };
  listCredentials = async (userId?: number): Promise<CredentialRecord[]> =>
    (userId === undefined ? this.s.credentials.all() : this.s.credentialsOfUser.all(userId)).map(rows.toCredential);
  getOperation = async (key: string): Promise<StoredOperation | undefined> => {
    const row = this.s.operation.get(key);
    if (!row) return undefined;
    return { entry: rows.toEntry(row, this.s.postingsOf.all(row.id).map(rows.toPosting).map(rows.withoutOperationId)), hash: row.hash };
  };
  getReservation = async (id: string): Promise<Reservation | undefined> => {
    const row = this.s.reservation.get(id);
    return row && rows.toReservation(row);
  };
  getSetting = async (name: string): Promise<string | undefined> => this.s.setting.get(name)?.value;

  balancesSync(account: number): Balance[] {
    return this.s.balances.all(account).map(([asset, bucket, amount, updatedAtMs]) => ({
      account,
      asset,
      bucket: bucket as Balance['bucket'],
      amount: BigInt(amount),
      updatedAtMs,
    }));
  }

  journalSync(afterId: number, limit: number): JournalPage {
    const ops = this.s.journal.all(afterId, limit + 1);
    const first = ops[0];
    const last = ops.at(Math.min(ops.length, limit) - 1);
    return rows.toJournalPage(ops, first && last ? this.s.postingsBetween.all(first.id, last.id) : [], limit);
  }

  journalHeadSync(): number {
    return this.s.journalHead.get()?.head ?? 0;
  }

  get database(): Database.Database {
    return this.db;
  }
}


/** The writes, bound to the writer connection; used only inside `transaction`. */
class SqliteTx extends Reads implements StoreTx {
  private readonly w;
  constructor(db: Database.Database) {
    super(db);
    this.w = {
      nextAccountId: db.prepare<[], { next: number }>('SELECT coalesce(max(id), 0) + 1 AS next FROM accounts'),
      insertAsset: db.prepare<[string, string, number, string, number]>(
        'INSERT INTO assets (symbol, name, scale, venues, created_at_ms) VALUES (?, ?, ?, ?, ?)',
      ),
      insertUser: db.prepare<[string, string, number]>('INSERT INTO users (name, venues, created_at_ms) VALUES (?, ?, ?)'),
      insertAccount: db.prepare<[number, number, string, string, string, number]>(
        'INSERT INTO accounts (id, user_id, kind, label, venues, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertIdentity: db.prepare<[string, string, string, string, string]>(
        'INSERT INTO identities (subject, venue, name, value, owner) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      insertCredential: db.prepare(
        `INSERT INTO credentials (venue, user_id, account_id, public_id, secret_sealed, extra, label, created_at_ms)
         VALUES (@venue, @user_id, @account_id, @public_id, @secret_sealed, @extra, @label, @created_at_ms)`,
      ),
      accountFacts: db.prepare<[number], { venues: string }>('SELECT venues FROM accounts WHERE id = ?'),
      setAccountFacts: db.prepare<[string, number]>('UPDATE accounts SET venues = ? WHERE id = ?'),
      balance: db.prepare<[number, string, string], { amount: string }>(
        'SELECT amount FROM balances WHERE account_id = ? AND asset = ? AND bucket = ?',
      ),
      upsertBalance: db.prepare(
        `INSERT INTO balances (account_id, asset, bucket, amount, updated_at_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account_id, asset, bucket) DO UPDATE SET amount = excluded.amount, updated_at_ms = excluded.updated_at_ms`,
      ),
      insertReservation: db.prepare(
        'INSERT INTO reservations (id, kind, account_id, asset, bucket, amount, fee, posted, voided, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      updateReservation: db.prepare(
        "UPDATE reservations SET posted = ?, voided = ?, state = ? WHERE id = ? AND state = 'open' AND posted = ? AND voided = ?",
      ),
      openReservations: db.prepare<[number, string, string], { amount: string; posted: string; voided: string }>(
        "SELECT amount, posted, voided FROM reservations WHERE account_id = ? AND asset = ? AND bucket = ? AND state = 'open'",
      ),
      insertOperation: db.prepare('INSERT INTO operations (key, hash, type, at_ms, request) VALUES (?, ?, ?, ?, ?)'),
      insertPosting: db.prepare(
        'INSERT INTO postings (operation_id, seq, account_id, bucket, asset, amount) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      setSetting: db.prepare(
        'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  allocateAccountId = async (): Promise<number> => this.w.nextAccountId.get()?.next ?? 1;

  insertAsset = async (a: Asset, atMs: number, identities: readonly Identity[]): Promise<void> => {
    translateConstraint(() => this.w.insertAsset.run(a.symbol, a.name, a.scale, rows.factsText(a.venues), atMs));
    this.indexIdentities('asset', a.symbol, identities);
  };

  insertUser = async (u: Omit<User, 'id'>, identities: readonly Identity[]): Promise<number> => {
    const id = Number(translateConstraint(() => this.w.insertUser.run(u.name, rows.factsText(u.venues), u.createdAtMs)).lastInsertRowid);
    this.indexIdentities('user', String(id), identities);
    return id;
  };

  insertAccount = async (a: Account, identities: readonly Identity[]): Promise<void> => {
    translateConstraint(() => this.w.insertAccount.run(a.id, a.userId, a.kind, a.label, rows.factsText(a.venues), a.createdAtMs));
    this.indexIdentities('account', String(a.id), identities);
  };

  /** One row per unique fact; one already held by any subject of the kind is IDENTITY_TAKEN (the transaction then rolls back). */
  private indexIdentities(subject: Subject, owner: string, identities: readonly Identity[]): void {
    for (const identity of identities) {
      if (this.w.insertIdentity.run(subject, identity.venue, identity.name, identity.value, owner).changes === 0) throw rows.identityTaken(identity);
    }
  }

  insertCredential = async (c: NewCredential): Promise<number> =>
    Number(
      translateConstraint(() =>
        this.w.insertCredential.run({
          venue: c.venue,
          user_id: c.userId,
          account_id: c.accountId,
          public_id: c.publicId,
          secret_sealed: c.secretSealed,
          extra: JSON.stringify(c.extra),
          label: c.label,
          created_at_ms: c.createdAtMs,
        }),
      ).lastInsertRowid,
    );

  setAccountFacts = async (accountId: number, venue: string, changes: Readonly<Record<string, string | null>>): Promise<boolean> => {
    const row = this.w.accountFacts.get(accountId);
    if (!row) return false;
    this.w.setAccountFacts.run(rows.factsText(rows.changedFacts(rows.parseFacts(row.venues), venue, changes)), accountId);
    return true;
  };

  /** SQLite has one writer at a time (BEGIN IMMEDIATE), so a plain read is already a lock. */
  /** Savepoints nest by name; one at a time is all group commit needs, but a depth counter keeps them distinct. */
  private savepoints = 0;
  savepoint = async <T>(fn: () => Promise<T>): Promise<T> => {
    const name = `sp${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw error;
    } finally {
      this.savepoints -= 1;
    }
  };

  lockBalances = async (keys: readonly BalanceKey[]): Promise<bigint[]> =>
    keys.map((k) => BigInt(this.w.balance.get(k.account, k.asset, k.bucket)?.amount ?? '0'));

  writeBalances = async (writes: readonly BalanceWrite[]): Promise<void> => {
    for (const b of writes) this.w.upsertBalance.run(b.account, b.asset, b.bucket, b.amount.toString(), b.atMs);
  };

  insertReservation = async (r: Reservation): Promise<void> => {
    this.w.insertReservation.run(r.id, r.kind, r.account, r.asset, r.bucket, r.amount.toString(), r.fee.toString(), r.posted.toString(), r.voided.toString(), r.state);
  };

  updateReservation = async (
    id: string,
    from: Pick<Reservation, 'posted' | 'voided'>,
    to: Pick<Reservation, 'posted' | 'voided'> & { readonly state: ReservationState },
  ): Promise<boolean> =>
    this.w.updateReservation.run(to.posted.toString(), to.voided.toString(), to.state, id, from.posted.toString(), from.voided.toString()).changes === 1;

  /** Summed here: amounts are decimal text, beyond SQLite's integers. */
  openReservedTotal = async (key: BalanceKey): Promise<bigint> => {
    let total = 0n;
    for (const r of this.w.openReservations.all(key.account, key.asset, key.bucket)) total += BigInt(r.amount) - BigInt(r.posted) - BigInt(r.voided);
    return total;
  };

  insertOperation = async (op: NewOperation): Promise<number> => {
    const id = Number(this.w.insertOperation.run(op.key, op.hash, op.type, op.atMs, JSON.stringify(op.request)).lastInsertRowid);
    op.postings.forEach((p, seq) => this.w.insertPosting.run(id, seq, p.account, p.bucket, p.asset, p.amount.toString()));
    return id;
  };

  setSetting = async (name: string, value: string): Promise<void> => {
    this.w.setSetting.run(name, value);
  };
}

/** The unique constraints a caller's input can clash with (identities are checked as they are inserted). */
const CONSTRAINTS: Record<string, { readonly code: LedgerError['code']; readonly field: string }> = {
  'assets.symbol': { code: 'ASSET_EXISTS', field: 'symbol' },
  'users.name': { code: 'USER_EXISTS', field: 'name' },
  'credentials.venue, credentials.public_id': { code: 'CREDENTIAL_EXISTS', field: 'publicId' },
};

function translateConstraint<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      const columns = String((error as Error).message).replace(/^UNIQUE constraint failed: /, '');
      const known = CONSTRAINTS[columns];
      if (known) throw new LedgerError(known.code, `already taken: ${known.field}`, known.field);
    }
    throw error;
  }
}

export class SqliteStore extends Reads implements LedgerStore {
  readonly engine = 'sqlite';
  /** One writer connection: a second transaction would only queue behind the first. */
  readonly writeConcurrency = 1;
  /** One server per file; `assetbook op` beside it writes, but never resets. */
  readonly sharedByInstances = false;
  private readonly writer: Database.Database;
  private readonly tx: SqliteTx;
  private readonly writes = new Mutex();
  /** A ':memory:' store has one connection, so reads wait for an open transaction to end. */
  private readonly sharedConnection: boolean;

  private closed = false;

  private constructor(
    writer: Database.Database,
    reader: Database.Database,
    private readonly watchIntervalMs: number,
  ) {
    super(reader);
    this.writer = writer;
    this.tx = new SqliteTx(writer);
    this.sharedConnection = writer === reader;
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const writer = connect(options);
    migrate(writer);
    const reader = options.path === ':memory:' ? writer : connect(options);
    if (reader !== writer) reader.pragma('query_only = ON');
    return new SqliteStore(writer, reader, options.watchIntervalMs ?? SQLITE_WATCH_INTERVAL_MS);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.writes.run(async () => {
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.tx);
        this.writer.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Runs a read at once, unless a ':memory:' store's one connection is inside a transaction. */
  private async committedRead<T>(read: () => T): Promise<T> {
    if (this.sharedConnection && this.writes.busy) return this.writes.run(async () => read());
    return read();
  }

  readBalances(account: number): Promise<Balance[]> {
    return this.committedRead(() => this.balancesSync(account));
  }

  listJournal(afterId: number, limit: number): Promise<JournalPage> {
    return this.committedRead(() => this.journalSync(afterId, limit));
  }

  /** One writer at a time (BEGIN IMMEDIATE, across processes too) takes ids in commit order: every visible entry is settled. */
  listSettledJournal(afterId: number, limit: number): Promise<JournalPage> {
    return this.listJournal(afterId, limit);
  }

  journalHead(): Promise<number> {
    return this.committedRead(() => this.journalHeadSync());
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

  async *scanPostings(): AsyncIterable<Posting & { readonly operationId: number }> {
    const statement = this.database.prepare<[], rows.PostingRow>(
      'SELECT operation_id, account_id, bucket, asset, amount FROM postings ORDER BY operation_id, seq',
    );
    for (const row of statement.iterate()) yield rows.toPosting(row);
  }

  async *scanBalances(): AsyncIterable<BalanceWrite> {
    const statement = this.database.prepare<[], rows.BalanceRow>('SELECT * FROM balances ORDER BY account_id, asset, bucket');
    for (const row of statement.iterate()) {
      yield { account: row.account_id, asset: row.asset, bucket: row.bucket, amount: BigInt(row.amount), atMs: row.updated_at_ms };
    }
  }

  async *scanReservations(): AsyncIterable<Reservation> {
    const statement = this.database.prepare<[], rows.ReservationRow>('SELECT * FROM reservations ORDER BY id');
    for (const row of statement.iterate()) yield rows.toReservation(row);
  }

  /** A read transaction on the reader connection is a WAL snapshot; ':memory:' has one connection, so it waits for writes instead. */
  async snapshot<T>(fn: (scans: StoreScans) => Promise<T>): Promise<T> {
    if (this.sharedConnection) return this.writes.run(() => fn(this));
    this.database.exec('BEGIN');
    try {
      return await fn(this);
    } finally {
      this.database.exec('COMMIT');
    }
  }

  async reset(): Promise<void> {
    await this.writes.run(async () => {
      this.writer.transaction(() => {
        for (const name of APPEND_ONLY_TRIGGER_NAMES) this.writer.exec(`DROP TRIGGER ${name}`);
        for (const table of SQLITE_LEDGER_TABLES) this.writer.exec(`DELETE FROM ${table}`);
        this.writer.exec(APPEND_ONLY_TRIGGERS);
      })();
    });
  }

  /**
   * One upsert on the writer: a nonce still remembered is left alone (no row changes), an expired
   * one is taken again. Expired rows are swept at most once a minute.
   */
  async claimNonce(scope: string, nonce: string, untilMs: number, nowMs: number): Promise<boolean> {
    return this.writes.run(async () => {
      if (nowMs >= this.nextNonceSweepMs) {
        this.writer.prepare('DELETE FROM nonces WHERE until_ms <= ?').run(nowMs);
        this.nextNonceSweepMs = nowMs + 60_000;
      }
      const claimed = this.writer
        .prepare(
          `INSERT INTO nonces (scope, nonce, until_ms) VALUES (?, ?, ?)
           ON CONFLICT (scope, nonce) DO UPDATE SET until_ms = excluded.until_ms WHERE nonces.until_ms <= ?`,
        )
        .run(scope, nonce, untilMs, nowMs);
      return claimed.changes === 1;
    });
  }

  private nextNonceSweepMs = 0;

  async ping(): Promise<void> {
    this.database.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.writes.run(async () => {
      this.closed = true;
      if (this.database !== this.writer) this.database.close();
      this.writer.close();
    });
  }
}

function connect(options: SqliteStoreOptions): Database.Database {
  const db = new Database(options.path);
  if (options.path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${(options.durability ?? 'full').toUpperCase()}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('foreign_keys = ON');
  return db;
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)');
  const applied = new Set(db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((r) => r.version));
  // A migration may rebuild a table others reference (SQLite cannot drop a UNIQUE column), which
  // only works with foreign keys off; they are checked before each migration commits instead.
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        migration.up?.(db);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${migration.version} would break ${broken.length} foreign keys: ${JSON.stringify(broken.slice(0, 3))}`);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          Date.now(),
        );
      })();
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
  const newest = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
  const known = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get()?.v ?? 0;
  if (known > newest) throw new Error(`database schema version ${known} is newer than this assetbook understands (${newest})`);
}
