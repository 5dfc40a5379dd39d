import type Database from 'better-sqlite3';
import type { SqlAdapter, SqlParam, SqlRunner } from '../sql/adapter.js';
import { atBoundary } from '../sql/errors.js';
import { MIGRATIONS_RECORD, MIGRATIONS_VERSION, runMigrations, type MigrationStep, type MigrationTarget } from '../sql/migrate.js';
import { classifySqliteError } from './errors.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

/**
 * SQLite under the shared core: `?` placeholders as they are, each query prepared once per
 * connection, no row locks (one writer holds the whole database: BEGIN IMMEDIATE), assets in
 * rowid order, and better-sqlite3's errors classified at the runner.
 */
export const SQLITE_ADAPTER: SqlAdapter = { classify: classifySqliteError, rowLock: '', assetOrder: 'rowid', givenIds: '' };

type Gate = <T>(read: () => T) => T | Promise<T>;

/**
 * The core's queries on one better-sqlite3 connection. better-sqlite3 is synchronous: each call
 * runs at once and resolves with its result. `gate` holds a read back while the connection is
 * inside another caller's transaction (a ':memory:' store has one connection for both).
 */
export class SqliteRunner implements SqlRunner {
  private readonly objects = new Map<string, Database.Statement<unknown[], unknown>>();
  private readonly arrays = new Map<string, Database.Statement<unknown[], unknown[]>>();

  constructor(
    readonly db: Database.Database,
    private readonly gate?: Gate,
  ) {}

  private prepared(query: string): Database.Statement<unknown[], unknown> {
    let statement = this.objects.get(query);
    if (!statement) {
      statement = this.db.prepare(query);
      this.objects.set(query, statement);
    }
    return statement;
  }

  private preparedRaw(query: string): Database.Statement<unknown[], unknown[]> {
    let statement = this.arrays.get(query);
    if (!statement) {
      statement = (this.db.prepare(query) as Database.Statement<unknown[], unknown[]>).raw(true);
      this.arrays.set(query, statement);
    }
    return statement;
  }

  /** Runs `work` now (or once the gate opens), its errors through the boundary. */
  private guarded<T>(work: () => T): Promise<T> {
    if (this.gate) {
      try {
        return Promise.resolve(this.gate(work)).catch((error: unknown) => Promise.reject(atBoundary(classifySqliteError, error)));
      } catch (error) {
        return Promise.reject(atBoundary(classifySqliteError, error));
      }
    }
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(atBoundary(classifySqliteError, error));
    }
  }

  all<R extends object>(query: string, params: readonly SqlParam[] = []): Promise<R[]> {
    return this.guarded(() => this.prepared(query).all(...params) as R[]);
  }

  /** The hot read (balances) comes this way. */
  values<R extends unknown[]>(query: string, params: readonly SqlParam[] = []): Promise<R[]> {
    return this.guarded(() => this.preparedRaw(query).all(...params) as R[]);
  }

  run(query: string, params: readonly SqlParam[] = []): Promise<number> {
    return this.guarded(() => this.prepared(query).run(...params).changes);
  }

  /** `run` at once, errors through the boundary: for writes a transaction sends from a synchronous hook. */
  runNow(query: string, params: readonly SqlParam[] = []): number {
    try {
      return this.prepared(query).run(...params).changes;
    } catch (error) {
      throw atBoundary(classifySqliteError, error);
    }
  }

  /** `values` at once, errors through the boundary: for the hot read when no gate applies. */
  valuesNow<R extends unknown[]>(query: string, params: readonly SqlParam[] = []): R[] {
    try {
      return this.preparedRaw(query).all(...params) as R[];
    } catch (error) {
      throw atBoundary(classifySqliteError, error);
    }
  }
}

/**
 * Migrations on the writer connection, synchronously: each in one BEGIN IMMEDIATE transaction
 * (which also keeps another process from migrating the same file at once), with foreign keys off
 * so that a migration may rebuild a table others reference (SQLite cannot drop a UNIQUE column),
 * and checked before the commit instead.
 */
function sqliteMigrationTarget(db: Database.Database): MigrationTarget<Database.Database> {
  const step: MigrationStep<Database.Database> = {
    exec: (sql) => {
      db.exec(sql);
    },
    version: () => (db.prepare(MIGRATIONS_VERSION).get() as { v: number | null } | undefined)?.v ?? 0,
    record: (version, name, atMs) => {
      db.prepare(MIGRATIONS_RECORD).run(version, name, atMs);
    },
    handle: db,
  };
  return {
    locked: (run) => {
      db.pragma('foreign_keys = OFF');
      try {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = run(step);
          if (result instanceof Promise) throw new Error('a SQLite migration step must be synchronous');
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`a migration would break ${broken.length} foreign keys: ${JSON.stringify(broken.slice(0, 3))}`);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      } finally {
        db.pragma('foreign_keys = ON');
      }
    },
  };
}

/** Applies every pending migration, synchronously (a SQLite store opens synchronously). */
export function migrateSqlite(db: Database.Database): void {
  runMigrations(sqliteMigrationTarget(db), SQLITE_MIGRATIONS);
}
