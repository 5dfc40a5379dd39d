import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { PostgresStore } from './postgres-store.js';
import { isKeyRace } from './errors.js';
import { TEST_POSTGRES_URL, skipWithoutPostgres as skip } from '../../../test/support/services.js';

const schema = `ab_test_${randomBytes(6).toString('hex')}`;
after(async () => {
  if (!TEST_POSTGRES_URL) return;
  const sql = postgres(TEST_POSTGRES_URL, { onnotice: () => {} });
  await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
  await sql.end();
});

/** The error PostgreSQL raises when `insert` runs twice on a freshly migrated schema. */
async function secondInsertError(insert: (sql: postgres.Sql) => Promise<unknown>): Promise<unknown> {
  const url = new URL(TEST_POSTGRES_URL!);
  url.searchParams.set('search_path', schema);
  const store = await PostgresStore.open({ url: url.toString() });
  await store.close();
  const sql = postgres(url.toString(), { onnotice: () => {} });
  try {
    await insert(sql);
    return await insert(sql).then(() => assert.fail('the second insert should clash'), (error: unknown) => error);
  } finally {
    await sql.end();
  }
}

test('[postgres] two transactions opening the same reservation id is a key race (rerun the savepoint), by the constraint name the migrated schema really has', { skip }, async () => {
  const error = await secondInsertError(
    (sql) => sql`
      INSERT INTO reservations (id, kind, account_id, asset, bucket, amount, fee, posted, voided, state)
      VALUES ('res-1', 'order', 1, 'BTC', 'available', 1, 0, 0, 0, 'open')`,
  );
  assert.equal((error as { constraint_name?: string }).constraint_name, 'reservations_pkey');
  assert.equal(isKeyRace(error), true);
});

test('a clash on some other unique constraint is not a key race', () => {
  assert.equal(isKeyRace({ code: '23505', constraint_name: 'users_name_key' }), false);
  assert.equal(isKeyRace({ code: '23505', constraint_name: 'operations_key_key' }), true);
  assert.equal(isKeyRace({ code: '40P01', constraint_name: 'reservations_pkey' }), false);
});
