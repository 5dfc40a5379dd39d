/**
 * The one migration runner. Each engine lists its versioned migrations (never edit a released
 * one: add the next) and gives a target that runs a step in one transaction holding its migration
 * lock. The rules are the same everywhere: migrations apply in order, one transaction each,
 * recorded in `schema_migrations`; a database migrated by a newer assetbook is refused rather than
 * guessed at; with `checkOnly`, nothing is applied and a database behind this assetbook is refused
 * too. SQLite's target is synchronous (its store opens synchronously) and PostgreSQL's is not, so
 * the runner is written over values that may be promises: it is synchronous when its target is.
 */

export interface Migration<Handle> {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Runs after `sql`, in the same transaction, for conversions SQL cannot do. */
  readonly up?: (handle: Handle) => void;
}

/** A value, or a promise of it: what a synchronous and an asynchronous target both give. */
export type Maybe<T> = T | Promise<T>;

/** What the runner does inside one migration transaction. */
export interface MigrationStep<Handle> {
  /** Runs statements (several, separated by semicolons). */
  exec(sql: string): Maybe<void>;
  /** The highest version recorded, 0 when none. */
  version(): Maybe<number>;
  /** Records a migration as applied. */
  record(version: number, name: string, atMs: number): Maybe<void>;
  /** What a migration's `up` is given. */
  readonly handle: Handle;
}

export interface MigrationTarget<Handle> {
  /** Runs `step` in one transaction that holds the engine's migration lock; commits when it returns, rolls back when it throws. */
  locked<T>(step: (db: MigrationStep<Handle>) => Maybe<T>): Maybe<T>;
}

export const MIGRATIONS_TABLE = 'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at_ms bigint NOT NULL)';
export const MIGRATIONS_VERSION = 'SELECT max(version) AS v FROM schema_migrations';
export const MIGRATIONS_RECORD = 'INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)';

const then = <T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> => (value instanceof Promise ? value.then(next) : next(value));

/** Applies every pending migration; resolves (or returns, on a synchronous target) the versions applied. */
export function runMigrations<Handle>(target: MigrationTarget<Handle>, migrations: readonly Migration<Handle>[], options: { checkOnly?: boolean } = {}): Maybe<number[]> {
  const newest = Math.max(...migrations.map((m) => m.version));
  const applied: number[] = [];
  const step = (i: number): Maybe<number[]> => {
    const migration = migrations[i];
    if (!migration) return applied;
    const done = target.locked((db) =>
      then(db.exec(MIGRATIONS_TABLE), () =>
        then(db.version(), (current) => {
          if (current > newest) throw new Error(`database schema version ${current} is newer than this assetbook understands (${newest})`);
          if (current >= migration.version) return;
          if (options.checkOnly) throw new Error(`database schema version ${current} is behind this assetbook (${newest}): run assetbook migrate`);
          return then(db.exec(migration.sql), () => {
            migration.up?.(db.handle);
            return then(db.record(migration.version, migration.name, Date.now()), () => {
              applied.push(migration.version);
            });
          });
        }),
      ),
    );
    return then(done, () => step(i + 1));
  };
  return step(0);
}
