import postgres from 'postgres';
import { numberedPlaceholders, type SqlAdapter, type SqlParam, type SqlRunner } from '../sql/adapter.js';
import { atBoundary } from '../sql/errors.js';
import { MIGRATIONS_RECORD, MIGRATIONS_VERSION, runMigrations, type MigrationTarget } from '../sql/migrate.js';
import { classifyPostgresError } from './errors.js';
import { LOCK_NAMESPACE, POSTGRES_MIGRATIONS } from './migrations.js';

/**
 * PostgreSQL under the shared core: `?` placeholders numbered, each query text a named prepared
 * statement, rows read for a change locked `FOR UPDATE`, assets in insertion order (`position`),
 * and postgres.js's errors classified at the runner. Amounts are `numeric(78,0)`, which
 * postgres.js reads as decimal text: the same text SQLite stores.
 */
export const POSTGRES_ADAPTER: SqlAdapter = { classify: classifyPostgresError, rowLock: 'FOR UPDATE', assetOrder: 'position', givenIds: 'OVERRIDING SYSTEM VALUE' };

export type Sql = postgres.Sql<Record<string, never>>;

/**
 * Each query text once split at its `?` placeholders into the strings of a template, so that the
 * core's queries run as postgres.js's own tagged templates do: typed from their values, prepared
 * once per connection (measured: `unsafe` with `prepare` was about a third slower on the hot read).
 */
const templates = new Map<string, TemplateStringsArray>();
function template(query: string): TemplateStringsArray {
  let strings = templates.get(query);
  if (strings === undefined) {
    const parts = query.split('?');
    strings = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
    templates.set(query, strings);
  }
  return strings;
}

/** `?` placeholders as `$1, $2, …`, for a query run with `unsafe` (the migration runner's). */
function numbered(query: string): string {
  return numberedPlaceholders(query);
}

/** An error leaving the engine: STORE_UNAVAILABLE for an unreachable server, a clash as its refusal, a lost race as it is. */
export const boundary = (error: unknown): unknown => atBoundary(classifyPostgresError, error);

/** Runs `work`, its errors through the boundary. */
export async function guarded<T>(work: PromiseLike<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw boundary(error);
  }
}

/** The core's queries over the pool or over one transaction's connection. */
export class PostgresRunner implements SqlRunner {
  constructor(readonly sql: Sql) {}

  all<R extends object>(query: string, params: readonly SqlParam[] = []): Promise<R[]> {
    return guarded(this.sql<R[]>(template(query), ...params));
  }

  values<R extends unknown[]>(query: string, params: readonly SqlParam[] = []): Promise<R[]> {
    return guarded(this.sql(template(query), ...params).values() as unknown as PromiseLike<R[]>);
  }

  async run(query: string, params: readonly SqlParam[] = []): Promise<number> {
    return (await guarded(this.sql(template(query), ...params))).count;
  }
}

/** The pool: int8 (ids, milliseconds) read as numbers, every one well below 2^53; notices not printed. */
export function connect(url: string, max: number): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    types: {
      int8: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (text: string) => Number(text) },
    },
  }) as unknown as Sql;
}

/**
 * Migrations under a transaction-scoped advisory lock, one transaction each: when several
 * instances start at once, one migrates and the others find the work done.
 */
function postgresMigrationTarget(sql: Sql): MigrationTarget<never> {
  return {
    locked<T>(step: Parameters<MigrationTarget<never>['locked']>[0]): Promise<T> {
      return sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.migrate}, 0)`;
        return step({
          exec: async (text) => {
            await tx.unsafe(text);
          },
          version: async () => Number((await tx.unsafe<{ v: number | null }[]>(MIGRATIONS_VERSION))[0]?.v ?? 0),
          record: async (version, name, atMs) => {
            await tx.unsafe(numbered(MIGRATIONS_RECORD), [version, name, atMs]);
          },
          handle: undefined as never,
        });
      }) as unknown as Promise<T>;
    },
  };
}

/** Applies every pending migration (or, with `checkOnly`, refuses a schema behind this assetbook); resolves the versions applied. */
export async function migratePostgres(sql: Sql, options: { checkOnly?: boolean } = {}): Promise<number[]> {
  return runMigrations(postgresMigrationTarget(sql), POSTGRES_MIGRATIONS, options);
}
