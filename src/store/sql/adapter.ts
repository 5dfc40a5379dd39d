import type { SqlErrorClassifier } from './errors.js';

/** What a query parameter may be: ids, times, names and texts; amounts travel as decimal text. */
export type SqlParam = string | number | null;

/**
 * How the shared core (core.ts) runs its queries on one connection: the pool, a reader, or one
 * transaction's. Queries are written once with `?` placeholders; each engine's adapter turns them
 * into its own and prepares each text once. Errors leave a runner as the engine's domain errors
 * (`atBoundary`): a clash on a caller-chosen name as its refusal, an unreachable store as
 * STORE_UNAVAILABLE; a lost race stays as the driver raised it, for the engine's retry loop.
 */
export interface SqlRunner {
  /** Rows as objects, by column name. */
  all<R extends object>(query: string, params?: readonly SqlParam[]): Promise<R[]>;
  /** Rows as arrays in select order: the hot read builds no object per row. */
  values<R extends unknown[]>(query: string, params?: readonly SqlParam[]): Promise<R[]>;
  /** A write; resolves how many rows it changed. */
  run(query: string, params?: readonly SqlParam[]): Promise<number>;
}

/** What differs between engines in the shared queries, besides placeholders. */
export interface SqlAdapter {
  readonly classify: SqlErrorClassifier;
  /**
   * Appended to a read of rows a transaction is about to change: `FOR UPDATE` where writers run
   * concurrently; nothing where one writer holds the whole database.
   */
  readonly rowLock: string;
  /** The column that orders assets by creation. */
  readonly assetOrder: string;
  /**
   * What an insert giving a generated id's value says before VALUES: PostgreSQL's identity
   * columns need `OVERRIDING SYSTEM VALUE`; SQLite's INTEGER PRIMARY KEY takes the value as it is.
   */
  readonly givenIds: string;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the core's queries hold no `?` inside literals). */
export function numberedPlaceholders(query: string): string {
  let n = 0;
  return query.replace(/\?/g, () => `$${++n}`);
}
