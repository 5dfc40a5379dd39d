import { balanceKeyId, type BalanceKey, type BalanceWrite, type NewOperation } from '../store.js';
import type { SqlParam } from '../sql/adapter.js';
import { CATALOG_RESETS, SqlTx } from '../sql/core.js';
import { SQLITE_ADAPTER, type SqliteRunner } from './adapter.js';

/** Rows per multi-row insert, largest first: a kept-back run of entries goes out in a few statements of a few prepared shapes. */
const ROW_CHUNKS = [64, 16, 4, 1] as const;

/** A table and its columns, for multi-row inserts. */
interface RowsInto {
  readonly table: string;
  readonly columns: readonly string[];
  readonly width: number;
  /** The insert's text per count of rows, made once. */
  readonly texts: Map<number, string>;
}

const rowsInto = (table: string, columns: readonly string[]): RowsInto => ({ table, columns, width: columns.length, texts: new Map() });
const OPERATION_ROWS = rowsInto('operations', ['id', 'key', 'hash', 'type', 'at_ms', 'request']);
const POSTING_ROWS = rowsInto('postings', ['operation_id', 'seq', 'account_id', 'bucket', 'asset', 'amount']);

function insertText(into: RowsInto, rows: number): string {
  let text = into.texts.get(rows);
  if (text === undefined) {
    const row = `(${into.columns.map(() => '?').join(', ')})`;
    text = `INSERT INTO ${into.table} (${into.columns.join(', ')}) VALUES ${Array<string>(rows).fill(row).join(', ')}`;
    into.texts.set(rows, text);
  }
  return text;
}

const UPSERT_BALANCE = `INSERT INTO balances (account_id, asset, bucket, amount, updated_at_ms) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (account_id, asset, bucket) DO UPDATE SET amount = excluded.amount, updated_at_ms = excluded.updated_at_ms`;

/** What a transaction keeps back: the newest amount per book written, and entries in id order. */
interface KeptBack {
  readonly writes: Map<string, BalanceWrite>;
  readonly entries: { readonly id: number; readonly op: NewOperation }[];
}

const nothingKept = (): KeptBack => ({ writes: new Map(), entries: [] });

/**
 * A transaction on the writer connection. One writer holds the whole database (BEGIN IMMEDIATE),
 * so a plain read is already a lock and the catalog needs none of its own.
 *
 * Books written and journal entries are kept back and sent together: before the next statement
 * (`beforeStatement`; a lock of books reads them from here instead) and at the end. So every
 * statement sees them, and a batch or a commit group of 100 operations writes each book once and
 * its entries and postings in a few multi-row inserts, where it sent three statements per
 * operation (each a call into better-sqlite3 and a promise). An entry's id is known at once: one
 * writer takes ids in order, from the largest stored (read once per transaction), as SQLite
 * itself would give them.
 *
 * An operation of a commit group (`savepoint`) keeps its writes apart until it is done: refused,
 * they are forgotten; done, they join the rest. Its SAVEPOINT goes out only if it sends a
 * statement (`deferSavepoints`): what was kept back before it goes out first, then the
 * SAVEPOINT, then its own writes so far, so that a rollback to it undoes exactly its own. A
 * deposit or transfer sends none, so a group of them costs no savepoint statement at all. The
 * database refuses a kept-back write only for a fault (the keys were looked up and the accounts
 * read under the write lock), and such a refusal fails the whole transaction, as it did when each
 * operation sent its own.
 */
export class SqliteTx extends SqlTx {
  /** Written by finished operations (or outside any), not stored yet. */
  private kept: KeptBack = nothingKept();
  /** Written by the commit group's operation under way, not stored yet; null outside one. */
  private own: KeptBack | null = null;
  /** The id the next entry takes; null until this transaction's first entry. */
  private nextEntryId: number | null = null;
  private epoch: Promise<number> | null = null;

  constructor(private readonly writer: SqliteRunner) {
    super(writer, SQLITE_ADAPTER);
  }

  /**
   * The count of resets (see `CATALOG_RESETS`), read once. This transaction holds the write lock
   * (BEGIN IMMEDIATE), so no reset, by this process or another on the same file, can come
   * between the count and what the transaction reads of the catalog.
   */
  catalogEpoch(): Promise<number> {
    // Straight to the connection: a read of settings needs nothing kept back, nor a savepoint.
    this.epoch ??= new Promise((resolve) => resolve(Number(this.writer.valuesNow<[string]>('SELECT value FROM settings WHERE name = ?', [CATALOG_RESETS])[0]?.[0] ?? 0)));
    return this.epoch;
  }

  /** Nothing is written before an operation's statement needs it: see the class comment for the order. */
  protected override get deferSavepoints(): boolean {
    return true;
  }

  protected override beforeStatement(): void {
    this.store(this.kept);
    this.kept = nothingKept();
    super.beforeStatement();
    if (this.own) {
      this.store(this.own);
      this.own = nothingKept();
    }
  }

  async lockBalances(keys: readonly BalanceKey[]): Promise<bigint[]> {
    // Reads books only, and those kept back from here: nothing needs to go out first.
    const amounts: bigint[] = [];
    for (const k of keys) {
      const id = balanceKeyId(k);
      const kept = this.own?.writes.get(id) ?? this.kept.writes.get(id);
      const stored = kept ? null : this.writer.valuesNow<[string]>('SELECT amount FROM balances WHERE account_id = ? AND asset = ? AND bucket = ?', [k.account, k.asset, k.bucket]);
      // A system book's amount as this transaction sees it: its own additions wait for the end (core.ts).
      amounts.push((kept ? kept.amount : BigInt(stored?.[0]?.[0] ?? '0')) + this.pendingSystemDelta(k));
    }
    return amounts;
  }

  async writeBalances(writes: readonly BalanceWrite[]): Promise<void> {
    const into = (this.own ?? this.kept).writes;
    for (const w of writes) into.set(balanceKeyId(w), w);
  }

  /** Ids are taken in commit order (one writer), so every visible entry is settled. */
  async insertOperation(op: NewOperation): Promise<number> {
    if (this.nextEntryId === null) {
      const [row] = this.writer.valuesNow<[number]>('SELECT coalesce(max(id), 0) + 1 FROM operations');
      this.nextEntryId = Number(row?.[0] ?? 1);
    }
    const id = this.nextEntryId++;
    (this.own ?? this.kept).entries.push({ id, op });
    return id;
  }

  /** Stores what `back` holds (synchronously: better-sqlite3 is); books first, then entries. */
  private store(back: KeptBack): void {
    for (const b of back.writes.values()) this.writer.runNow(UPSERT_BALANCE, [b.account, b.asset, b.bucket, b.amount.toString(), b.atMs]);
    if (back.entries.length > 0) this.storeEntries(back.entries);
  }

  private storeEntries(entries: KeptBack['entries']): void {
    const operations: SqlParam[] = [];
    const postings: SqlParam[] = [];
    for (const { id, op } of entries) {
      operations.push(id, op.key, op.hash, op.type, op.atMs, JSON.stringify(op.request));
      for (const [seq, p] of op.postings.entries()) postings.push(id, seq, p.account, p.bucket, p.asset, p.amount.toString());
    }
    this.insertRows(OPERATION_ROWS, operations);
    this.insertRows(POSTING_ROWS, postings);
  }

  /** `values` (rows of `into.width` values one after another) in order, in as few statements as `ROW_CHUNKS` allow. */
  private insertRows(into: RowsInto, values: readonly SqlParam[]): void {
    for (let at = 0; at < values.length; ) {
      const left = (values.length - at) / into.width;
      const size = ROW_CHUNKS.find((chunk) => chunk <= left) ?? 1;
      const end = at + size * into.width;
      this.writer.runNow(insertText(into, size), values.slice(at, end));
      at = end;
    }
  }

  /**
   * An operation of a commit group, its writes kept apart (`own`) while it runs: each attempt
   * starts with none, a refusal forgets them (the core rolls back to its SAVEPOINT if one went
   * out), and once it is done they join what is kept back.
   */
  override async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    if (this.own) throw new Error('a SQLite transaction runs one operation of a commit group at a time');
    const idMark = this.nextEntryId;
    try {
      return await super.savepoint(async () => {
        this.own = nothingKept();
        this.nextEntryId = idMark;
        const result = await fn();
        this.join(this.own);
        return result;
      });
    } catch (error) {
      this.own = null;
      this.nextEntryId = idMark;
      throw error;
    }
  }

  /** A finished operation's writes, added to what is kept back: a book keeps its newest amount. */
  private join(own: KeptBack | null): void {
    this.own = null;
    if (!own) return;
    for (const [id, w] of own.writes) this.kept.writes.set(id, w);
    for (const e of own.entries) this.kept.entries.push(e);
  }

  override async finish(): Promise<void> {
    await super.finish();
    this.store(this.kept);
    this.kept = nothingKept();
  }
}
