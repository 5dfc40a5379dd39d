import type { Account, Asset, Balance, Posting, User } from '../../ledger/types.js';
import type { Reservation, ReservationState } from '../../ledger/operations.js';
import type { Identity, Subject } from '../../ledger/venue-facts.js';
import { BASE_UNITS_DIGITS_MAX, isWithinLimit } from '../../ledger/amount.js';
import { LedgerError } from '../../ledger/errors.js';
import { balanceKeyId, compareBalanceKeys } from '../store.js';
import type {
  AccountFilter,
  AccountSummary,
  BalanceDelta,
  BalanceKey,
  BalanceWrite,
  CredentialRecord,
  DirectoryPage,
  DirectoryQuery,
  HistoryFilter,
  HistoryPage,
  HistoryPageRequest,
  JournalPage,
  LockOptions,
  NewCredential,
  NewOperation,
  StoreReader,
  StoreScans,
  StoredOperation,
  StoreTx,
  UserSummary,
} from '../store.js';
import type { SqlAdapter, SqlParam, SqlRunner } from './adapter.js';
import { listAccountsPage, listUsersPage } from './directory.js';
import * as rows from './rows.js';

/**
 * The store's SQL, written once for every engine: the catalog, venue facts and identities,
 * credentials, reservations, settings, journal reads, scans and nonces. An engine folder supplies
 * an adapter (adapter.ts: runners, placeholders, row locks, its error classifier) and what truly
 * differs: how a transaction starts and retries, how books are locked and written, how an entry
 * is inserted, how the journal is watched, and how everything is emptied. The dump and load of a
 * whole ledger (snapshots) are written once beside it, in snapshot.ts.
 */

/**
 * `updated_at_ms` of a book created ahead of its first write (PostgreSQL creates books outside
 * the transaction that needs them, postgres/books.ts): hidden from every read of balances.
 */
export const UNWRITTEN_AT_MS = -1;

/**
 * The setting counting resets and restores: the catalog's epoch (`StoreTx.catalogEpoch`). Settings
 * survive a reset, and each engine's reset adds one to it in the transaction that empties the ledger.
 */
export const CATALOG_RESETS = 'ledger.resets';

/** Where each kind of subject lives, and the column naming it. */
const SUBJECT_ROWS: Readonly<Record<Subject, { readonly table: string; readonly key: string }>> = {
  asset: { table: 'assets', key: 'symbol' },
  user: { table: 'users', key: 'id' },
  account: { table: 'accounts', key: 'id' },
};

/** Keys per lookup of `existingOperationKeys`: below every engine's limit on parameters. */
const KEY_CHUNK = 100;

const RESERVATION_COLUMNS = 'id, kind, account_id, asset, bucket, amount, fee, posted, voided, state';
const POSTING_COLUMNS = 'operation_id, account_id, bucket, asset, amount';

/** The reads, over any runner: the store's own (committed data) or a transaction's. */
export class SqlReads implements StoreReader {
  constructor(
    protected readonly db: SqlRunner,
    protected readonly adapter: SqlAdapter,
  ) {}

  /** Outside a transaction a plain read; a transaction locks the rows it reads for a change. */
  protected get rowLock(): string {
    return '';
  }

  async getAsset(symbol: string): Promise<Asset | undefined> {
    const [row] = await this.db.all<rows.AssetRow>('SELECT symbol, name, scale, venues FROM assets WHERE symbol = ?', [symbol]);
    return row && rows.toAsset(row);
  }
  async listAssets(): Promise<Asset[]> {
    return (await this.db.all<rows.AssetRow>(`SELECT symbol, name, scale, venues FROM assets ORDER BY ${this.adapter.assetOrder}`)).map(rows.toAsset);
  }
  async getUser(id: number): Promise<User | undefined> {
    if (!rows.storableId(id)) return undefined;
    const [row] = await this.db.all<rows.UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row && rows.toUser(row);
  }
  async getUserByName(name: string): Promise<User | undefined> {
    const [row] = await this.db.all<rows.UserRow>('SELECT * FROM users WHERE name = ?', [name]);
    return row && rows.toUser(row);
  }
  async listUsers(): Promise<User[]> {
    return (await this.db.all<rows.UserRow>('SELECT * FROM users ORDER BY id')).map(rows.toUser);
  }
  async getAccount(id: number): Promise<Account | undefined> {
    if (!rows.storableId(id)) return undefined;
    const [row] = await this.db.all<rows.AccountRow>('SELECT * FROM accounts WHERE id = ?', [id]);
    return row && rows.toAccount(row);
  }
  async listAccounts(filter: AccountFilter = {}): Promise<Account[]> {
    if (filter.userId !== undefined && !rows.storableId(filter.userId)) return [];
    const found =
      filter.userId === undefined
        ? await this.db.all<rows.AccountRow>('SELECT * FROM accounts ORDER BY id')
        : await this.db.all<rows.AccountRow>('SELECT * FROM accounts WHERE user_id = ? ORDER BY id', [filter.userId]);
    return found.map(rows.toAccount);
  }
  async findAccount(venue: string, name: string, value: string): Promise<Account | undefined> {
    const [row] = await this.db.all<rows.AccountRow>(
      `SELECT a.* FROM identities i JOIN accounts a ON a.id = CAST(i.owner AS INTEGER)
       WHERE i.subject = 'account' AND i.venue = ? AND i.name = ? AND i.value = ?`,
      [venue, name, value],
    );
    return row && rows.toAccount(row);
  }
  async identityTaken(subject: Subject, identity: Identity): Promise<boolean> {
    const found = await this.db.values('SELECT 1 FROM identities WHERE subject = ? AND venue = ? AND name = ? AND value = ?', [
      subject,
      identity.venue,
      identity.name,
      identity.value,
    ]);
    return found.length > 0;
  }
  async getCredential(venue: string, publicId: string): Promise<CredentialRecord | undefined> {
    const [row] = await this.db.all<rows.CredentialRow>('SELECT * FROM credentials WHERE venue = ? AND public_id = ?', [venue, publicId]);
    return row && rows.toCredential(row);
  }
  async listCredentials(userId?: number): Promise<CredentialRecord[]> {
    if (userId !== undefined && !rows.storableId(userId)) return [];
    const found =
      userId === undefined
        ? await this.db.all<rows.CredentialRow>('SELECT * FROM credentials ORDER BY id')
        : await this.db.all<rows.CredentialRow>('SELECT * FROM credentials WHERE user_id = ? ORDER BY id', [userId]);
    return found.map(rows.toCredential);
  }
  async getOperation(key: string): Promise<StoredOperation | undefined> {
    const [row] = await this.db.all<rows.OperationRow>('SELECT * FROM operations WHERE key = ?', [key]);
    if (!row) return undefined;
    const postings = await this.db.all<rows.PostingRow>(`SELECT ${POSTING_COLUMNS} FROM postings WHERE operation_id = ? ORDER BY seq`, [row.id]);
    return { entry: rows.toEntry(row, postings.map(rows.toPosting).map(rows.withoutOperationId)), hash: row.hash };
  }
  /** In chunks of a bounded number of placeholders, each chunk size one prepared text. */
  async existingOperationKeys(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += KEY_CHUNK) {
      const chunk = keys.slice(i, i + KEY_CHUNK);
      const rows = await this.db.values<[string]>(`SELECT key FROM operations WHERE key IN (${chunk.map(() => '?').join(', ')})`, chunk);
      for (const [key] of rows) found.add(key);
    }
    return found;
  }
  async getReservation(id: string): Promise<Reservation | undefined> {
    const [row] = await this.db.all<rows.ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM reservations WHERE id = ? ${this.rowLock}`, [id]);
    return row && rows.toReservation(row);
  }
  async getSetting(name: string): Promise<string | undefined> {
    const [row] = await this.db.all<{ value: string }>('SELECT value FROM settings WHERE name = ?', [name]);
    return row?.value;
  }

  /**
   * An account's history (`LedgerStore.listHistory`): one query for the page (the entries with
   * their reservation's state, `limit + 1` rows: the extra one says there is more on the side the
   * page was read toward), one for their postings, one for the count, when a cursor was given one
   * look past the page's other end (is there a match beyond it?), and with `balancesOf` one for the
   * balances after each entry. The account's entries are found through `postings_by_account`.
   */
  async listHistory(filter: HistoryFilter, page: HistoryPageRequest): Promise<HistoryPage> {
    const { where, params } = historyWhere(filter);
    const bounds = [...(page.beforeId === undefined ? [] : [page.beforeId]), ...(page.afterId === undefined ? [] : [page.afterId])];
    const cursor = `${page.beforeId === undefined ? '' : ' AND o.id < ?'}${page.afterId === undefined ? '' : ' AND o.id > ?'}`;
    // Back from `afterId`: the oldest entries above it are read first, then listed newest first.
    const back = page.afterId !== undefined;
    const ops = await this.db.all<rows.OperationRow & { r_state: ReservationState | null; r_at: number | null }>(
      `SELECT o.id, o.key, o.hash, o.type, o.at_ms, o.request, r.state AS r_state, r.updated_at_ms AS r_at
       FROM operations o ${HISTORY_JOIN} WHERE ${where}${cursor} ORDER BY o.id ${back ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
      [...params, ...bounds, page.limit + 1, page.offset ?? 0],
    );
    const more = ops.length > page.limit;
    const shown = ops.slice(0, page.limit);
    if (back) shown.reverse();
    const postings = new Map<number, Posting[]>();
    if (shown.length > 0) {
      const found = await this.db.all<rows.PostingRow>(
        `SELECT ${POSTING_COLUMNS} FROM postings WHERE operation_id IN (${shown.map(() => '?').join(', ')}) ORDER BY operation_id, seq`,
        shown.map((op) => op.id),
      );
      for (const p of found) {
        const list = postings.get(p.operation_id) ?? [];
        list.push(rows.withoutOperationId(rows.toPosting(p)));
        postings.set(p.operation_id, list);
      }
    }
    const [count] = await this.db.values<[number | string]>(`SELECT count(*) FROM operations o ${HISTORY_JOIN} WHERE ${where}`, params);
    const matchBeyond = async (comparison: '<' | '>', id: number) =>
      (await this.db.values<[number]>(`SELECT o.id FROM operations o ${HISTORY_JOIN} WHERE ${where} AND o.id ${comparison} ? LIMIT 1`, [...params, id])).length > 0;
    const newest = shown[0]?.id;
    const oldest = shown.at(-1)?.id;
    let next: number | null = null;
    let previous: number | null = null;
    if (newest !== undefined && oldest !== undefined) {
      if (back) {
        previous = more ? newest : null;
        next = (await matchBeyond('<', oldest)) ? oldest : null;
      } else {
        next = more ? oldest : null;
        // The first page (no cursor, no offset) holds the newest match by definition: no look needed.
        const skippedNewer = (page.offset ?? 0) > 0 || (page.beforeId !== undefined && (await matchBeyond('>', newest)));
        previous = skippedNewer ? newest : null;
      }
    }
    const balances =
      page.balancesOf === undefined || typeof filter.account !== 'number'
        ? undefined
        : await readBalancesAfter(this.db, filter.account, page.balancesOf, shown.map((op) => op.id), postings);
    return {
      entries: shown.map((op) => ({
        entry: rows.toEntry(op, postings.get(op.id) ?? []),
        reservationState: op.r_state ?? null,
        reservationAtMs: op.r_at === null || op.r_at === undefined ? null : Number(op.r_at),
        ...(balances === undefined ? {} : { balancesAfter: balances.get(op.id) ?? new Map<string, bigint>() }),
      })),
      next,
      previous,
      total: Number(count?.[0] ?? 0),
    };
  }

  /** The operator's directory (./directory.ts): users and accounts a page at a time, searched. */
  listUsersPage(query: DirectoryQuery): Promise<DirectoryPage<UserSummary>> {
    return listUsersPage(this.db, query);
  }
  listAccountsPage(query: DirectoryQuery): Promise<DirectoryPage<AccountSummary>> {
    return listAccountsPage(this.db, query);
  }
}

/**
 * What `buckets` of `account` held right after each of the entries `ids` (newest first), per
 * asset each entry posted to on them: the books' amounts now less every later posting, read in
 * one statement, so each figure is the sum of the postings up to its entry in one snapshot.
 * Summed here, exactly: SQLite keeps amounts as text, which its `sum` would turn into floats.
 */
async function readBalancesAfter(
  db: SqlRunner,
  account: number,
  buckets: readonly string[],
  ids: readonly number[],
  postings: ReadonlyMap<number, readonly Posting[]>,
): Promise<Map<number, Map<string, bigint>>> {
  const touched = (id: number) => [...new Set((postings.get(id) ?? []).filter((p) => p.account === account && buckets.includes(p.bucket)).map((p) => p.asset))];
  const assets = [...new Set(ids.flatMap(touched))];
  const result = new Map<number, Map<string, bigint>>();
  if (assets.length === 0 || buckets.length === 0) return result;
  const oldest = Math.min(...ids);
  const list = (values: readonly unknown[]) => values.map(() => '?').join(', ');
  const books = `account_id = ? AND bucket IN (${list(buckets)}) AND asset IN (${list(assets)})`;
  const found = await db.values<[number, string, string]>(
    `SELECT operation_id, asset, amount FROM postings WHERE ${books} AND operation_id > ?
     UNION ALL SELECT 0, asset, amount FROM balances WHERE ${books}`,
    [account, ...buckets, ...assets, oldest, account, ...buckets, ...assets],
  );
  // Now, then back through the later postings, newest first: after each entry, what is left.
  const running = new Map<string, bigint>();
  const later: { id: number; asset: string; amount: bigint }[] = [];
  for (const [id, asset, amount] of found) {
    if (Number(id) === 0) running.set(asset, (running.get(asset) ?? 0n) + BigInt(amount));
    else later.push({ id: Number(id), asset, amount: BigInt(amount) });
  }
  later.sort((a, b) => b.id - a.id);
  let next = 0;
  for (const id of [...ids].sort((a, b) => b - a)) {
    for (; next < later.length && later[next]!.id > id; next++) {
      const p = later[next]!;
      running.set(p.asset, (running.get(p.asset) ?? 0n) - p.amount);
    }
    result.set(id, new Map(touched(id).map((asset) => [asset, running.get(asset) ?? 0n])));
  }
  return result;
}

/** A deposit's or withdrawal's reservation is named by the key of the entry that opened it. */
const HISTORY_JOIN = "LEFT JOIN reservations r ON r.id = o.key AND r.kind IN ('deposit', 'withdrawal')";

/** The WHERE clause of a history filter, over `operations o` joined with its reservation `r`. */
function historyWhere(f: HistoryFilter): { where: string; params: SqlParam[] } {
  const list = (values: readonly unknown[]) => values.map(() => '?').join(', ');
  const asset = f.asset === undefined ? '' : ' AND asset = ?';
  const accounts = typeof f.account === 'number' ? [f.account] : f.account;
  const clauses = [
    accounts.length === 0 ? '1 = 0' : `o.id IN (SELECT operation_id FROM postings WHERE account_id ${accounts.length === 1 ? '= ?' : `IN (${list(accounts)})`}${asset})`,
  ];
  const params: SqlParam[] = [...accounts, ...(f.asset === undefined ? [] : [f.asset])];
  if (f.types !== undefined) {
    clauses.push(f.types.length === 0 ? '1 = 0' : `o.type IN (${list(f.types)})`);
    params.push(...f.types);
  }
  if (f.fromMs !== undefined) {
    clauses.push('o.at_ms >= ?');
    params.push(f.fromMs);
  }
  if (f.toMs !== undefined) {
    clauses.push('o.at_ms <= ?');
    params.push(f.toMs);
  }
  if (f.keys !== undefined) {
    clauses.push(f.keys.length === 0 ? '1 = 0' : `o.key IN (${list(f.keys)})`);
    params.push(...f.keys);
  }
  if (f.states !== undefined) {
    const states = f.states.filter((s) => s !== 'none');
    const either = [...(states.length > 0 ? [`r.state IN (${list(states)})`] : []), ...(f.states.includes('none') ? ['r.id IS NULL'] : [])];
    clauses.push(either.length === 0 ? '1 = 0' : `(${either.join(' OR ')})`);
    params.push(...states);
  }
  return { where: clauses.join(' AND '), params };
}

/**
 * A transaction's reads and writes. An engine extends it with its locking of books, its writes of
 * balances and journal entries, and its locks on the catalog and settings where writers run
 * concurrently.
 */
export abstract class SqlTx extends SqlReads implements StoreTx {
  /**
   * Savepoints taken so far: each gets a name of its own in the transaction (`sp1`, `sp2`, …, as
   * many as the transaction has operations), never one a savepoint before it had. When an
   * operation's insert fails unanswered (the engine sends the next operation without waiting,
   * `savepointAwaited`), its RELEASE fails too and its savepoint stays: a later operation's
   * ROLLBACK TO under a reused name would reach back to it and quietly undo the failed operation,
   * where a name of its own finds nothing and leaves the transaction failed.
   */
  private savepoints = 0;
  /** The savepoint of the operation under way (`savepoint`), while its `fn` runs. */
  private current: OpenSavepoint | null = null;
  /** The runner as the engine gave it: the savepoint's own statements go out through it, nothing before them. */
  private readonly direct: SqlRunner;
  /** What this transaction adds to system books, summed per book: applied at its end (`finish`). */
  private systemDeltas = new Map<string, BalanceDelta>();
  /** Accounts and assets this transaction created: no other transaction can see their books yet. */
  protected readonly createdAccounts = new Set<number>();
  protected readonly createdAssets = new Set<string>();

  constructor(db: SqlRunner, adapter: SqlAdapter) {
    // Every statement of the core goes out after the savepoint it belongs to (`deferSavepoints`).
    const hook = { before: (): void => undefined };
    super(beforeEach(db, () => hook.before()), adapter);
    hook.before = () => this.beforeStatement();
    this.direct = db;
  }

  /**
   * Runs before each statement of the core and of the engine (not before the savepoint's own):
   * sends the savepoint of the operation under way. An engine that keeps writes back to send
   * them together (SQLite's books and entries) sends them here first, so every statement sees them.
   */
  protected beforeStatement(): void {
    this.sendSavepoint();
  }

  protected override get rowLock(): string {
    return this.adapter.rowLock;
  }

  /**
   * Whether a savepoint that ran well waits for the answer to its SAVEPOINT before it returns.
   * An engine whose COMMIT is refused after any failed statement (LedgerStore.commitRefusesAfterFailedWrite)
   * need not: its operations then follow one another without a round trip between them.
   */
  protected get savepointAwaited(): boolean {
    return true;
  }

  /**
   * Whether a savepoint is released once its operation is done, applied or rolled back to. One
   * that is not stays until the COMMIT, which ends them all: a statement fewer per operation of a
   * commit group (and no round trip after a refusal). Its name is its own (`savepoints`), so a
   * later ROLLBACK TO can never reach it.
   */
  protected get releasesSavepoints(): boolean {
    return true;
  }

  /**
   * Whether an operation's SAVEPOINT waits until the operation sends a statement, and is never
   * sent when that statement is its entry's insert (`entryGoesOut`): where an operation sends its
   * entry last and the engine refuses the COMMIT of a transaction in which a statement failed
   * (LedgerStore.commitRefusesAfterFailedWrite), nothing of an operation can be refused once the
   * insert is out, and one refused before it has written nothing. A commit group of deposits and
   * transfers (books locked ahead) then sends one statement per operation, not two.
   */
  protected get deferSavepoints(): boolean {
    return false;
  }

  /**
   * Sends the SAVEPOINT of the operation under way if it has not gone out: before any statement
   * of the operation, the entry's insert excepted. A statement after an insert that went out
   * without one would be beyond any rollback: it is refused, and the transaction with it.
   */
  protected sendSavepoint(): void {
    const open = this.current;
    if (open === null || open.begun !== undefined) return;
    if (open.entrySent) throw new Error(`a statement followed the entry's insert of an operation in savepoint ${open.name}, which was never taken: the transaction is abandoned`);
    open.begun = this.direct.run(`SAVEPOINT ${open.name}`);
    // Not waited for here (`savepointAwaited` says whether the savepoint waits before it returns):
    // on a connection it goes out with the statement that follows, and a failure fails that one too.
    open.begun.catch(() => undefined);
  }

  /** The engine is sending an operation's entry (its last statement): a savepoint not taken yet is not needed. */
  protected entryGoesOut(): void {
    const open = this.current;
    if (open !== null && open.begun === undefined) open.entrySent = true;
  }

  /** Serializes catalog writes (ids, generated facts) across writers until the transaction ends; nothing to do with one writer. */
  protected async lockCatalog(): Promise<void> {}

  /** Holds one setting, present or not, until the transaction ends; nothing to do with one writer. */
  protected async lockSetting(_name: string): Promise<void> {}

  abstract lockBalances(keys: readonly BalanceKey[], options?: LockOptions): Promise<bigint[]>;
  abstract writeBalances(rows: readonly BalanceWrite[]): Promise<void>;
  abstract insertOperation(operation: NewOperation): Promise<number>;

  /**
   * Summed per book until the end of the transaction (`finish`): a batch that deposits 100 times
   * writes `world` once, and an engine with concurrent writers holds it only for the commit.
   */
  async addToSystemBooks(deltas: readonly BalanceDelta[]): Promise<void> {
    for (const d of deltas) {
      const id = balanceKeyId(d);
      const sum = this.systemDeltas.get(id);
      this.systemDeltas.set(id, sum ? { account: d.account, bucket: d.bucket, asset: d.asset, delta: sum.delta + d.delta, atMs: Math.max(sum.atMs, d.atMs) } : d);
    }
  }

  /** The system additions not applied yet, in the global book order; they are then no longer pending. */
  protected takeSystemDeltas(): BalanceDelta[] {
    const deltas = [...this.systemDeltas.values()].sort(compareBalanceKeys);
    this.systemDeltas = new Map();
    return deltas;
  }

  /** What this transaction has added to a book and not applied yet: a lock's read includes it. */
  protected pendingSystemDelta(key: BalanceKey): bigint {
    return this.systemDeltas.get(balanceKeyId(key))?.delta ?? 0n;
  }

  /** Runs as the transaction's last statements, before its commit: the store calls it once `fn` resolved. */
  async finish(): Promise<void> {
    const deltas = this.takeSystemDeltas();
    if (deltas.length > 0) await this.applySystemDeltas(deltas);
  }

  /**
   * Read, checked against the limit and written: right for one writer holding the whole
   * database. An engine with concurrent writers adds in one statement instead.
   */
  protected async applySystemDeltas(deltas: readonly BalanceDelta[]): Promise<void> {
    const current = await this.lockBalances(deltas);
    const writes = deltas.map((d, i) => {
      const amount = (current[i] ?? 0n) + d.delta;
      if (!isWithinLimit(amount)) throw systemBookBeyondLimit(d);
      return { account: d.account, bucket: d.bucket, asset: d.asset, amount, atMs: d.atMs };
    });
    await this.writeBalances(writes);
  }

  override async getSetting(name: string): Promise<string | undefined> {
    await this.lockSetting(name);
    return super.getSetting(name);
  }

  /** A new asset derives its venue ids from the existing ones, so the list it reads is held. */
  override async listAssets(): Promise<Asset[]> {
    await this.lockCatalog();
    return super.listAssets();
  }

  /**
   * Rolls back what `fn` wrote if it throws. An operation key another transaction committed after
   * this one looked is the operation's own race: rolled back to the savepoint and run once more,
   * it now sees the key and answers as a replay, instead of the whole transaction running again.
   */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `sp${++this.savepoints}`;
    // Rolled back, a savepoint takes the system additions made inside it with it. The first
    // attempt starts from them as they are: only a rerun needs a fresh copy.
    const marks = new Map(this.systemDeltas);
    for (let attempt = 1; ; attempt += 1) {
      if (attempt > 1) this.systemDeltas = new Map(marks);
      const open: OpenSavepoint = { name, begun: undefined, entrySent: false };
      this.current = open;
      // Sent now, unless the engine defers it to the operation's first statement (`sendSavepoint`).
      if (!this.deferSavepoints) this.sendSavepoint();
      try {
        const result = await fn();
        this.current = null;
        if (this.savepointAwaited) await open.begun;
        // Not waited for either: it goes out with what follows. Should it fail, the transaction
        // is aborted, every later query fails, and its commit is refused (the engine checks).
        if (this.releasesSavepoints && open.begun) this.direct.run(`RELEASE SAVEPOINT ${name}`).catch(() => undefined);
        return result;
      } catch (error) {
        this.current = null;
        // Its entry is out and cannot be rolled back alone: the transaction cannot commit.
        if (open.entrySent) throw new Error(`an operation failed after its entry's insert went out without a savepoint (${String(error)}): the transaction is abandoned`);
        if (open.begun) {
          await open.begun.catch(() => undefined);
          await this.direct.run(`ROLLBACK TO SAVEPOINT ${name}`);
        }
        this.systemDeltas = new Map(marks);
        if (attempt === 1 && this.adapter.classify(error)?.kind === 'key-race') continue;
        if (this.releasesSavepoints && open.begun) await this.direct.run(`RELEASE SAVEPOINT ${name}`);
        throw error;
      }
    }
  }

  /** Catalog ids are `max + 1` under the catalog lock: dense and repeatable on every engine. */
  private async nextId(table: 'users' | 'accounts' | 'credentials'): Promise<number> {
    await this.lockCatalog();
    const [row] = await this.db.values<[number]>(`SELECT coalesce(max(id), 0) + 1 FROM ${table}`);
    return Number(row?.[0] ?? 1);
  }

  allocateAccountId(): Promise<number> {
    return this.nextId('accounts');
  }

  async insertAsset(a: Asset, atMs: number, identities: readonly Identity[]): Promise<void> {
    await this.lockCatalog();
    await this.db.run('INSERT INTO assets (symbol, name, scale, venues, created_at_ms) VALUES (?, ?, ?, ?, ?)', [
      a.symbol,
      a.name,
      a.scale,
      rows.factsText(a.venues),
      atMs,
    ]);
    await this.indexIdentities('asset', a.symbol, identities);
    this.createdAssets.add(a.symbol);
  }

  async insertUser(u: Omit<User, 'id'>, identities: readonly Identity[]): Promise<number> {
    const id = await this.nextId('users');
    await this.db.run('INSERT INTO users (id, name, venues, created_at_ms) VALUES (?, ?, ?, ?)', [id, u.name, rows.factsText(u.venues), u.createdAtMs]);
    await this.indexIdentities('user', String(id), identities);
    return id;
  }

  async insertAccount(a: Account, identities: readonly Identity[]): Promise<void> {
    await this.db.run('INSERT INTO accounts (id, user_id, kind, label, venues, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)', [
      a.id,
      a.userId,
      a.kind,
      a.label,
      rows.factsText(a.venues),
      a.createdAtMs,
    ]);
    await this.indexIdentities('account', String(a.id), identities);
    this.createdAccounts.add(a.id);
  }

  /**
   * One row per unique fact. A row not inserted is held by another subject of the kind (a
   * concurrent inserter's is waited for, and the catalog lock makes that rare): IDENTITY_TAKEN,
   * naming that fact, and the transaction rolls back.
   */
  private async indexIdentities(subject: Subject, owner: string, identities: readonly Identity[]): Promise<void> {
    for (const identity of identities) {
      const inserted = await this.db.run('INSERT INTO identities (subject, venue, name, value, owner) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
        subject,
        identity.venue,
        identity.name,
        identity.value,
        owner,
      ]);
      if (inserted === 0) throw rows.identityTaken(identity);
    }
  }

  async insertCredential(c: NewCredential): Promise<number> {
    const id = await this.nextId('credentials');
    await this.db.run(
      'INSERT INTO credentials (id, venue, user_id, account_id, public_id, secret_sealed, extra, label, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, c.venue, c.userId, c.accountId, c.publicId, c.secretSealed, JSON.stringify(c.extra), c.label, c.createdAtMs],
    );
    return id;
  }

  /**
   * Adds facts of one venue to a stored subject, its unique ones indexed (IDENTITY_TAKEN on a
   * clash), the facts it has kept as they are; false when there is no such subject.
   */
  async addFacts(subject: Subject, owner: string, venue: string, facts: Readonly<Record<string, string>>, identities: readonly Identity[]): Promise<boolean> {
    const { table, key } = SUBJECT_ROWS[subject];
    const ownerParam = subject === 'asset' ? owner : Number(owner);
    const [row] = await this.db.all<{ venues: string }>(`SELECT venues FROM ${table} WHERE ${key} = ? ${this.rowLock}`, [ownerParam]);
    if (!row) return false;
    const stored = rows.parseFacts(row.venues);
    const added = Object.fromEntries(Object.entries(facts).filter(([name]) => stored[venue]?.[name] === undefined));
    await this.db.run(`UPDATE ${table} SET venues = ? WHERE ${key} = ?`, [rows.factsText(rows.changedFacts(stored, venue, added)), ownerParam]);
    await this.indexIdentities(subject, owner, identities.filter((i) => i.venue === venue && added[i.name] !== undefined));
    return true;
  }

  /** A read-modify-write of the account's facts, its row locked where writers run concurrently, so two changes both land. */
  async setAccountFacts(accountId: number, venue: string, changes: Readonly<Record<string, string | null>>): Promise<boolean> {
    const [row] = await this.db.all<{ venues: string }>(`SELECT venues FROM accounts WHERE id = ? ${this.rowLock}`, [accountId]);
    if (!row) return false;
    const venues = rows.factsText(rows.changedFacts(rows.parseFacts(row.venues), venue, changes));
    await this.db.run('UPDATE accounts SET venues = ? WHERE id = ?', [venues, accountId]);
    return true;
  }

  async insertReservation(r: Reservation, atMs: number | null = null): Promise<void> {
    await this.db.run(`INSERT INTO reservations (${RESERVATION_COLUMNS}, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      r.id,
      r.kind,
      r.account,
      r.asset,
      r.bucket,
      r.amount.toString(),
      r.fee.toString(),
      r.posted.toString(),
      r.voided.toString(),
      r.state,
      atMs,
    ]);
  }

  async updateReservation(
    id: string,
    from: Pick<Reservation, 'posted' | 'voided'>,
    to: Pick<Reservation, 'posted' | 'voided'> & { readonly state: ReservationState; readonly atMs?: number },
  ): Promise<boolean> {
    const changed = await this.db.run(
      "UPDATE reservations SET posted = ?, voided = ?, state = ?, updated_at_ms = coalesce(?, updated_at_ms) WHERE id = ? AND state = 'open' AND posted = ? AND voided = ?",
      [
      to.posted.toString(),
      to.voided.toString(),
      to.state,
      to.atMs ?? null,
      id,
      from.posted.toString(),
      from.voided.toString(),
      ],
    );
    return changed === 1;
  }

  /** Summed here, exactly: SQLite's amounts are decimal text, beyond its integers. */
  async openReservedTotal(key: BalanceKey): Promise<bigint> {
    const open = await this.db.values<[string, string, string]>(
      "SELECT amount, posted, voided FROM reservations WHERE account_id = ? AND asset = ? AND bucket = ? AND state = 'open'",
      [key.account, key.asset, key.bucket],
    );
    let total = 0n;
    for (const [amount, posted, voided] of open) total += BigInt(amount) - BigInt(posted) - BigInt(voided);
    return total;
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.db.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
  }
}

/** A system book that an operation would take past what every engine stores exactly: the operation is refused. */
export function systemBookBeyondLimit(book: BalanceKey): LedgerError {
  return new LedgerError(
    'INVALID_AMOUNT',
    `the operation would take the ${book.asset} ${book.bucket} book of account ${book.account} beyond ${BASE_UNITS_DIGITS_MAX} digits in base units, the limit of a balance`,
  );
}

/** The hot path: every written book of one account, as array rows (no object per row). */
export function readBalances(db: SqlRunner, account: number): Promise<Balance[]> {
  return db.values<BalanceValues>(BALANCES_OF_ACCOUNT, [account]).then((found) => toBalances(account, found));
}

/** The hot read's query and its rows, for an engine that runs it without a promise per layer (SQLite). */
export const BALANCES_OF_ACCOUNT = `SELECT asset, bucket, amount, updated_at_ms FROM balances WHERE account_id = ? AND updated_at_ms <> ${UNWRITTEN_AT_MS}`;
export type BalanceValues = [asset: string, bucket: string, amount: string, updatedAtMs: number];
export const toBalances = (account: number, found: readonly BalanceValues[]): Balance[] =>
  found.map(([asset, bucket, amount, updatedAtMs]) => ({ account, asset, bucket: bucket as Balance['bucket'], amount: BigInt(amount), updatedAtMs }));

/** Entries after `afterId`, oldest first, `limit` at most, from `limit + 1` operation rows (the extra one says there is more). */
export async function listJournal(db: SqlRunner, afterId: number, limit: number): Promise<JournalPage> {
  const { ops, postings } = await readJournal(db, afterId, limit);
  return rows.toJournalPage(ops, postings, limit);
}

/** The rows of a journal page: `limit + 1` operations after `afterId` and the postings of the first `limit`. */
export async function readJournal(db: SqlRunner, afterId: number, limit: number): Promise<{ ops: rows.OperationRow[]; postings: rows.PostingRow[] }> {
  const ops = await db.all<rows.OperationRow>('SELECT * FROM operations WHERE id > ? ORDER BY id LIMIT ?', [afterId, limit + 1]);
  const first = ops[0];
  const last = ops.at(Math.min(ops.length, limit) - 1);
  const postings =
    first && last
      ? await db.all<rows.PostingRow>(`SELECT ${POSTING_COLUMNS} FROM postings WHERE operation_id BETWEEN ? AND ? ORDER BY operation_id, seq`, [first.id, last.id])
      : [];
  return { ops, postings };
}

export async function journalHead(db: SqlRunner): Promise<number> {
  const [row] = await db.values<[number | null]>('SELECT max(id) FROM operations');
  return Number(row?.[0] ?? 0);
}

/**
 * Records that `scope` used `nonce` until `untilMs`: false when it is recorded and still
 * remembered at `nowMs` (no row changes), true when new or forgotten (taken again).
 */
export async function claimNonce(db: SqlRunner, scope: string, nonce: string, untilMs: number, nowMs: number): Promise<boolean> {
  const changed = await db.run(
    `INSERT INTO nonces (scope, nonce, until_ms) VALUES (?, ?, ?)
     ON CONFLICT (scope, nonce) DO UPDATE SET until_ms = excluded.until_ms WHERE nonces.until_ms <= ?`,
    [scope, nonce, untilMs, nowMs],
  );
  return changed === 1;
}

export async function sweepNonces(db: SqlRunner, nowMs: number): Promise<void> {
  await db.run('DELETE FROM nonces WHERE until_ms <= ?', [nowMs]);
}

/** Rows a scan reads per query: any table is read in bounded memory. */
const SCAN_PAGE = 10_000;

/** The full scans over one runner, in pages by key (within a snapshot, every page sees the same state). */
export function scansOver(db: SqlRunner): StoreScans {
  return {
    async *scanPostings(): AsyncIterable<Posting & { readonly operationId: number }> {
      let after: [number, number] = [0, -1];
      for (;;) {
        const page = await db.all<rows.PostingRow & { seq: number }>(
          `SELECT ${POSTING_COLUMNS}, seq FROM postings WHERE (operation_id, seq) > (?, ?) ORDER BY operation_id, seq LIMIT ${SCAN_PAGE}`,
          after,
        );
        for (const row of page) yield rows.toPosting(row);
        const last = page.at(-1);
        if (!last || page.length < SCAN_PAGE) return;
        after = [last.operation_id, last.seq];
      }
    },
    async *scanBalances(): AsyncIterable<BalanceWrite> {
      let after: [number, string, string] = [-1, '', ''];
      for (;;) {
        const page = await db.all<rows.BalanceRow>(
          `SELECT account_id, asset, bucket, amount, updated_at_ms FROM balances
           WHERE (account_id, asset, bucket) > (?, ?, ?) AND updated_at_ms <> ${UNWRITTEN_AT_MS}
           ORDER BY account_id, asset, bucket LIMIT ${SCAN_PAGE}`,
          after,
        );
        for (const row of page) yield { account: row.account_id, asset: row.asset, bucket: row.bucket, amount: BigInt(row.amount), atMs: row.updated_at_ms };
        const last = page.at(-1);
        if (!last || page.length < SCAN_PAGE) return;
        after = [last.account_id, last.asset, last.bucket];
      }
    },
    async *scanReservations(): AsyncIterable<Reservation> {
      let after = '';
      for (;;) {
        const page = await db.all<rows.ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM reservations WHERE id > ? ORDER BY id LIMIT ${SCAN_PAGE}`, [after]);
        for (const row of page) yield rows.toReservation(row);
        const last = page.at(-1);
        if (!last || page.length < SCAN_PAGE) return;
        after = last.id;
      }
    },
  };
}

/** A savepoint while its operation runs: `begun` once its SAVEPOINT is sent; `entrySent` once the entry went out without one. */
interface OpenSavepoint {
  readonly name: string;
  begun: Promise<number> | undefined;
  entrySent: boolean;
}

/** `db` with `before` called ahead of every statement (a throw of `before` rejects the statement, which is not sent). */
function beforeEach(db: SqlRunner, before: () => void): SqlRunner {
  return {
    async all<R extends object>(query: string, params?: readonly SqlParam[]): Promise<R[]> {
      before();
      return db.all<R>(query, params);
    },
    async values<R extends unknown[]>(query: string, params?: readonly SqlParam[]): Promise<R[]> {
      before();
      return db.values<R>(query, params);
    },
    async run(query: string, params?: readonly SqlParam[]): Promise<number> {
      before();
      return db.run(query, params);
    },
  };
}
