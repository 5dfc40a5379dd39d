import type postgres from 'postgres';
import { LOCK_NAMESPACE, POSTGRES_MIGRATIONS } from './migrations.js';

type Sql = postgres.Sql<Record<string, never>>;


/**
 * Applies every pending migration, one transaction each, under a transaction-scoped advisory lock:
 * when several instances start at once, one migrates and the others find the work done. A
 * database migrated by a newer assetbook is refused rather than guessed at. With `checkOnly`,
 * nothing is applied and a database behind this assetbook is refused too.
 */
export async function migratePostgres(sql: Sql, options: { checkOnly?: boolean } = {}): Promise<number[]> {
  const applied: number[] = [];
  const newest = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));
  for (const migration of POSTGRES_MIGRATIONS) {
    await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE.migrate}, 0)`;
      await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at_ms bigint NOT NULL)`;
      const [known] = await tx<{ v: number | null }[]>`SELECT max(version) AS v FROM schema_migrations`;
      const current = known?.v ?? 0;
      if (current > newest) throw new Error(`database schema version ${current} is newer than this assetbook understands (${newest})`);
      if (current >= migration.version) return;
      if (options.checkOnly) throw new Error(`database schema version ${current} is behind this assetbook (${newest}): run assetbook migrate`);
      await tx.unsafe(migration.sql);
      await tx`INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (${migration.version}, ${migration.name}, ${Date.now()})`;
      applied.push(migration.version);
    });
  }
  return applied;
}
