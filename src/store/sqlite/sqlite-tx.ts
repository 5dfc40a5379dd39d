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

/**
 * A transaction on the writer connection. One writer holds the whole database (BEGIN IMMEDIATE),
 * so a plain read is already a lock and the catalog needs none of its own.
 *
 * Books written and journal entries are kept back and sent together: before the next statement
 * that is not a lock of books (`beforeStatement`), inside an operation's savepoint once it is
 * done, and at the end. So every other statement sees them, and a batch of 100 operations writes
 * each book once and its entries and postings in a few multi-row inserts, where it sent three
 * statements per operation (each a call into better-sqlite3 and a promise). A lock of books reads
 * a book kept back from here. An entry's id is known at once: one writer takes ids in order, from
 * the largest stored (read once per transaction), as SQLite itself would give them.
 */
export class SqliteTx extends SqlTx {
  /** Books written and not stored yet: the newest amount per book. */
  private keptWrites = new Map<string, BalanceWrite>();
  /** Entries not stored yet, in id order. */
  private keptEntries: { readonly id: number; readonly op: NewOperation }[] = [];
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
    this.epoch ??= this.db.values<[string]>('SELECT value FROM settings WHERE name = ?', [CATALOG_RESETS]).then(([row]) => Number(row?.[0] ?? 0));
    return this.epoch;
  }

  protected override beforeStatement(): void {
    this.sendKeptBack();
    super.beforeStatement();
  }

  /** Books and entries kept back, stored now (synchronously: better-sqlite3 is). */
  private sendKeptBack(): void {
    if (this.keptWrites.size > 0) this.storeWrites();
    if (this.keptEntries.length > 0) this.storeEntries();
  }

  async lockBalances(keys: readonly BalanceKey[]): Promise<bigint[]> {
    // Reads books only, so what is kept back of other tables stays kept back.
    this.sendSavepoint();
    const amounts: bigint[] = [];
    for (const k of keys) {
      const kept = this.keptWrites.get(balanceKeyId(k));
      const stored = kept ? null : this.writer.valuesNow<[string]>('SELECT amount FROM balances WHERE account_id = ? AND asset = ? AND bucket = ?', [k.account, k.asset, k.bucket]);
      // A system book's amount as this transaction sees it: its own additions wait for the end (core.ts).
      amounts.push((kept ? kept.amount : BigInt(stored?.[0]?.[0] ?? '0')) + this.pendingSystemDelta(k));
    }
    return amounts;
  }

  async writeBalances(writes: readonly BalanceWrite[]): Promise<void> {
    for (const w of writes) this.keptWrites.set(balanceKeyId(w), w);
  }

  private storeWrites(): void {
    const writes = [...this.keptWrites.values()];
    this.keptWrites = new Map();
    for (const b of writes) this.writer.runNow(UPSERT_BALANCE, [b.account, b.asset, b.bucket, b.amount.toString(), b.atMs]);
  }

  /** Ids are taken in commit order (one writer), so every visible entry is settled. */
  async insertOperation(op: NewOperation): Promise<number> {
    if (this.nextEntryId === null) {
      const [row] = this.writer.valuesNow<[number]>('SELECT coalesce(max(id), 0) + 1 FROM operations');
      this.nextEntryId = Number(row?.[0] ?? 1);
    }
    const id = this.nextEntryId++;
    this.keptEntries.push({ id, op });
    return id;
  }

  private storeEntries(): void {
    const entries = this.keptEntries;
    this.keptEntries = [];
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
   * An operation of a commit group: what it keeps back goes out inside its savepoint once it is
   * done, so that whatever fails there is this operation's, as when each statement went out at
   * once. What was kept back before it goes out first; what it kept back is forgotten if it is
   * rolled back.
   */
  override async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    this.sendKeptBack();
    const idMark = this.nextEntryId;
    const forget = () => {
      this.keptWrites = new Map();
      this.keptEntries = [];
      this.nextEntryId = idMark;
    };
    try {
      return await super.savepoint(async () => {
        forget();
        const result = await fn();
        this.sendKeptBack();
        return result;
      });
    } catch (error) {
      forget();
      throw error;
    }
  }

  override async finish(): Promise<void> {
    await super.finish();
    this.sendKeptBack();
  }
}
