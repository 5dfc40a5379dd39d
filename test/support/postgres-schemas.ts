import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { TEST_POSTGRES_URL } from './services.js';

/**
 * Fresh PostgreSQL schemas for one test file: each URL names a new schema (the store creates it
 * on open), and every schema handed out is dropped when the file ends, so test files never meet.
 */
export function postgresSchemas(prefix = 'ab_test'): { fresh: () => string; urlOf: (schema: string) => string; last: () => string } {
  const schemas: string[] = [];
  after(async () => {
    if (!TEST_POSTGRES_URL || schemas.length === 0) return;
    const sql = postgres(TEST_POSTGRES_URL, { onnotice: () => {} });
    for (const schema of schemas) await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
    await sql.end();
  });
  const urlOf = (schema: string) => {
    const url = new URL(TEST_POSTGRES_URL ?? 'postgres://unset');
    url.searchParams.set('search_path', schema);
    return url.toString();
  };
  return {
    fresh: () => {
      const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return urlOf(schema);
    },
    urlOf,
    last: () => urlOf(schemas.at(-1)!),
  };
}
