/**
 * The real services some tests need. `.ci/run` sets both URLs; without them those tests are
 * skipped with the reason below, and `scripts/run-tests.mjs` says so before and after the run.
 */
export const TEST_POSTGRES_URL: string | undefined = process.env.ASSETBOOK_TEST_POSTGRES_URL || undefined;
export const TEST_REDIS_URL: string | undefined = process.env.ASSETBOOK_TEST_REDIS_URL || undefined;

/** A `skip` option for node:test: false when PostgreSQL is configured, else the reason. */
export const skipWithoutPostgres: string | false = TEST_POSTGRES_URL
  ? false
  : 'PostgreSQL test skipped: set ASSETBOOK_TEST_POSTGRES_URL (bash .ci/run does)';

/** A `skip` option for node:test: false when Redis is configured, else the reason. */
export const skipWithoutRedis: string | false = TEST_REDIS_URL ? false : 'Redis test skipped: set ASSETBOOK_TEST_REDIS_URL (bash .ci/run does)';
