import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMigrations, type Migration, type MigrationStep, type MigrationTarget } from './migrate.js';

/**
 * The one runner's rules, on a target that records what it is asked (each engine's real target is
 * proven by its store tests: SQLite's synchronously, PostgreSQL's under its lock).
 */
function recordingTarget(startVersion: number, mode: 'sync' | 'async', failOn?: string) {
  const state = { version: startVersion, committed: [] as string[], transactions: 0 };
  const target: MigrationTarget<string[]> = {
    locked<T>(run: (db: MigrationStep<string[]>) => T | Promise<T>): T | Promise<T> {
      state.transactions += 1;
      const pending: string[] = [];
      let version = state.version;
      const step: MigrationStep<string[]> = {
        exec: (sql) => {
          if (sql === failOn) throw new Error(`failed: ${sql}`);
          if (!sql.startsWith('CREATE TABLE IF NOT EXISTS schema_migrations')) pending.push(sql);
          return mode === 'async' ? Promise.resolve() : undefined;
        },
        version: () => (mode === 'async' ? Promise.resolve(version) : version),
        record: (v) => {
          version = v;
          return mode === 'async' ? Promise.resolve() : undefined;
        },
        handle: pending,
      };
      const commit = (result: T) => {
        state.committed.push(...pending);
        state.version = version;
        return result;
      };
      const result = run(step);
      return result instanceof Promise ? result.then(commit) : commit(result);
    },
  };
  return { state, target };
}

const MIGRATIONS: Migration<string[]>[] = [
  { version: 1, name: 'one', sql: 'sql 1' },
  { version: 2, name: 'two', sql: 'sql 2', up: (pending) => pending.push('up 2') },
  { version: 3, name: 'three', sql: 'sql 3' },
];

for (const mode of ['sync', 'async'] as const) {
  test(`[${mode}] pending migrations apply in order, one transaction each, their up after their sql; applied ones are skipped`, async () => {
    const { state, target } = recordingTarget(1, mode);
    const applied = runMigrations(target, MIGRATIONS);
    if (mode === 'sync') assert.ok(!(applied instanceof Promise), 'a synchronous target is migrated synchronously');
    assert.deepEqual(await applied, [2, 3]);
    assert.deepEqual(state.committed, ['sql 2', 'up 2', 'sql 3']);
    assert.equal(state.transactions, 3);
    assert.deepEqual(await runMigrations(target, MIGRATIONS), [], 'nothing left to apply');
  });

  test(`[${mode}] a schema newer than every migration is refused, and so is one behind in check-only mode, applying nothing`, async () => {
    const newer = recordingTarget(4, mode);
    await assert.rejects(async () => runMigrations(newer.target, MIGRATIONS), /version 4 is newer than this assetbook understands \(3\)/);
    const behind = recordingTarget(1, mode);
    await assert.rejects(async () => runMigrations(behind.target, MIGRATIONS, { checkOnly: true }), /version 1 is behind this assetbook \(3\): run assetbook migrate/);
    assert.deepEqual(behind.state.committed, []);
    assert.deepEqual(await runMigrations(recordingTarget(3, mode).target, MIGRATIONS, { checkOnly: true }), [], 'an up-to-date schema passes the check');
  });

  test(`[${mode}] a failing migration stops the run with the ones before it kept and itself not recorded`, async () => {
    const { state, target } = recordingTarget(0, mode, 'sql 2');
    await assert.rejects(async () => runMigrations(target, MIGRATIONS), /failed: sql 2/);
    assert.deepEqual([state.version, state.committed], [1, ['sql 1']]);
  });
}
