import type postgres from 'postgres';
import type { BalanceKey } from '../store.js';

/**
 * Creating books (balance rows) without ever holding a lock while doing it.
 *
 * A transaction locks its books with `SELECT … FOR UPDATE` in the ledger's one global order. An
 * INSERT does not fit that order: an uncommitted row makes every other inserter of the same key
 * wait for the inserting transaction, so a transaction that inserted a shared book (the system
 * `fees` book, say) after locking its account books holds a lock taken out of order; one that
 * found the book already there locks it first and then waits for those account books. That cycle
 * is a deadlock, and on a fresh ledger every writer meets it at once.
 *
 * So a transaction never inserts a book another transaction could touch. When it finds one
 * missing, it throws `BooksMissing`; the store rolls it back (releasing every lock), creates the
 * books in one autocommitted statement, and runs it again, now finding every row. Only books of an
 * account or asset created in the same transaction, which no other transaction can see, are
 * inserted inside it.
 */

/** `updated_at_ms` of a book created and not written yet: hidden from reads, which show written books only. */
export const UNWRITTEN_AT_MS = -1;

/** A transaction needs books that do not exist yet: the store creates them outside it and runs it again. */
export class BooksMissing extends Error {
  override readonly name = 'BooksMissing';
  constructor(readonly keys: readonly BalanceKey[]) {
    super(`${keys.length} books to create before the transaction can lock them`);
  }
}

/** Columns of `keys`, for `unnest`: one array per column, in the caller's (lock) order. */
export function columnsOf(keys: readonly BalanceKey[]) {
  return { accounts: keys.map((k) => k.account), assets: keys.map((k) => k.asset), buckets: keys.map((k) => k.bucket) };
}

/**
 * Inserts the books at zero, unwritten, skipping any that exist; resolves how many it created.
 * Called outside any transaction (or inside one, for books only it can see). Rows go in the
 * given order, the global lock order, so two of these statements never wait on each other in a cycle.
 */
export async function insertBooks(sql: postgres.Sql<Record<string, never>>, keys: readonly BalanceKey[]): Promise<number> {
  const { accounts, assets, buckets } = columnsOf(keys);
  const result = await sql`
    INSERT INTO balances (account_id, asset, bucket, amount, updated_at_ms)
    SELECT account_id, asset, bucket, 0, ${UNWRITTEN_AT_MS}
    FROM unnest(${accounts}::int[], ${assets}::text[], ${buckets}::text[]) WITH ORDINALITY AS k(account_id, asset, bucket, ord)
    ORDER BY ord
    ON CONFLICT DO NOTHING`;
  return result.count;
}
