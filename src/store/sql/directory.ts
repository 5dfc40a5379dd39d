import type { AccountSummary, DirectoryPage, DirectoryQuery, UserSummary } from '../store.js';
import type { SqlParam, SqlRunner } from './adapter.js';
import * as rows from './rows.js';

/**
 * The operator's directory, written once for every engine: users and accounts a page at a time,
 * in id order after a cursor, optionally searched (`DirectoryQuery` in ../store.ts).
 *
 * Why it stays fast on a large catalog: the cursor is the primary key (`id > ?`), so an
 * unsearched page is an index range of `limit + 1` rows however many subjects there are; a
 * search adds a filter to that same walk, which stops as soon as the page is full, and compares
 * venue facts through the `identities` primary key (subject, venue, name, value), one lookup per
 * fact. Only a search that matches fewer rows than a page reads the whole table once.
 */

/** `LIKE` with `\` as its escape: the same text on SQLite and PostgreSQL (whose strings are standard). */
const LIKE = "LIKE ? ESCAPE '\\'";

/** A pattern matching `text` anywhere, its own `%`, `_` and `\` taken literally, in lower case. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const ID_MAX = rows.ROW_ID_MAX;

/** An id the search text may be: an integer within the ids' range, else null (a venue's longer numeric id, matched as a fact, is not an account id). */
function searchedId(text: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(text)) return null;
  const id = Number(text);
  return id <= ID_MAX ? id : null;
}

/** The accounts holding one of the query's identities: a subquery over the identities' primary key. */
function identityOwners(query: DirectoryQuery): { sql: string; params: SqlParam[] } | null {
  const identities = query.identities ?? [];
  if (identities.length === 0) return null;
  return {
    sql: `SELECT CAST(owner AS INTEGER) FROM identities WHERE subject = 'account' AND (${identities.map(() => '(venue = ? AND name = ? AND value = ?)').join(' OR ')})`,
    params: identities.flatMap((i) => [i.venue, i.name, i.value]),
  };
}

/** Rows of a page (`limit + 1` were asked for: the extra one says there is more) as the page. */
function toPage<T extends { readonly id: number }>(found: T[], limit: number): DirectoryPage<T> {
  const items = found.slice(0, limit);
  return { items, next: found.length > limit ? items[items.length - 1]!.id : null };
}

export async function listUsersPage(db: SqlRunner, query: DirectoryQuery): Promise<DirectoryPage<UserSummary>> {
  if (!rows.storableId(query.afterId ?? 0)) return { items: [], next: null };
  const where = ['u.id > ?'];
  const params: SqlParam[] = [query.afterId ?? 0];
  const text = query.search?.trim() ?? '';
  if (text !== '') {
    const either = [`lower(u.name) ${LIKE}`];
    const eitherParams: SqlParam[] = [containsPattern(text)];
    const id = searchedId(text);
    if (id !== null) {
      either.push('u.id = ?');
      eitherParams.push(id);
    }
    const owners = identityOwners(query);
    if (owners) {
      either.push(`u.id IN (SELECT a.user_id FROM accounts a WHERE a.id IN (${owners.sql}))`);
      eitherParams.push(...owners.params);
    }
    where.push(`(${either.join(' OR ')})`);
    params.push(...eitherParams);
  }
  const found = await db.all<rows.UserRow & { account_count: number | string }>(
    `SELECT u.id, u.name, u.venues, u.created_at_ms, (SELECT count(*) FROM accounts c WHERE c.user_id = u.id) AS account_count
     FROM users u WHERE ${where.join(' AND ')} ORDER BY u.id LIMIT ?`,
    [...params, query.limit + 1],
  );
  return toPage(
    found.map((r) => ({ ...rows.toUser(r), accountCount: Number(r.account_count) })),
    query.limit,
  );
}

export async function listAccountsPage(db: SqlRunner, query: DirectoryQuery): Promise<DirectoryPage<AccountSummary>> {
  // Past every id there is nothing to list; nor for a user id no user can have.
  if (!rows.storableId(query.afterId ?? 0) || (query.userId !== undefined && !rows.storableId(query.userId))) return { items: [], next: null };
  const where = ['a.id > ?'];
  const params: SqlParam[] = [query.afterId ?? 0];
  if (query.userId !== undefined) {
    where.push('a.user_id = ?');
    params.push(query.userId);
  }
  const text = query.search?.trim() ?? '';
  if (text !== '') {
    const pattern = containsPattern(text);
    // A user's name is matched over users once (a hashed list), not once per account through a join.
    const either = [`lower(a.label) ${LIKE}`, `a.user_id IN (SELECT id FROM users WHERE lower(name) ${LIKE})`];
    const eitherParams: SqlParam[] = [pattern, pattern];
    const id = searchedId(text);
    if (id !== null) {
      either.push('a.id = ?');
      eitherParams.push(id);
    }
    const owners = identityOwners(query);
    if (owners) {
      either.push(`a.id IN (${owners.sql})`);
      eitherParams.push(...owners.params);
    }
    where.push(`(${either.join(' OR ')})`);
    params.push(...eitherParams);
  }
  const found = await db.all<rows.AccountRow & { user_name: string }>(
    `SELECT a.id, a.user_id, a.kind, a.label, a.venues, a.created_at_ms, (SELECT u.name FROM users u WHERE u.id = a.user_id) AS user_name
     FROM accounts a WHERE ${where.join(' AND ')} ORDER BY a.id LIMIT ?`,
    [...params, query.limit + 1],
  );
  return toPage(
    found.map((r) => ({ ...rows.toAccount(r), userName: r.user_name })),
    query.limit,
  );
}
