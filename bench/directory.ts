/**
 * Directory benchmark: how long one page of the operator console's user and account lists takes
 * on a large catalog (src/store/sql/directory.ts), on SQLite and, with --postgres, PostgreSQL.
 *
 *   npx tsx bench/directory.ts [-- --accounts 100000 --runs 21 --postgres postgres://…/db]
 *
 * Seeds `--accounts` users, each with a main account whose made-up venue fact `uid` is unique,
 * then times each query `--runs` times and prints the median and the worst, in milliseconds:
 * the first page, a page deep in the walk, a search by an exact fact, a search by a name part that
 * matches one user, and a search that matches nothing (the one query that reads the whole table).
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { DirectoryQuery, LedgerStore } from '../src/store/store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';

const { values } = parseArgs({
  options: { accounts: { type: 'string', default: '100000' }, runs: { type: 'string', default: '21' }, postgres: { type: 'string' } },
});
const ACCOUNTS = Number(values.accounts);
const RUNS = Number(values.runs);
const PAGE = 25;

async function seed(store: LedgerStore): Promise<void> {
  const batch = 5_000;
  for (let start = 0; start < ACCOUNTS; start += batch) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(start + batch, ACCOUNTS); i++) {
        const uid = String(6_000_000_000 + i);
        const userId = await tx.insertUser({ name: `user-${String(i).padStart(6, '0')}`, venues: {}, createdAtMs: 0 }, []);
        const id = await tx.allocateAccountId();
        await tx.insertAccount({ id, userId, kind: 'main', label: 'main', venues: { acme: { uid } }, createdAtMs: 0 }, [{ venue: 'acme', name: 'uid', value: uid }]);
      }
    });
  }
}

async function time(fn: () => Promise<unknown>): Promise<{ median: number; worst: number }> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, worst: ms.at(-1)! };
}

async function measure(engine: string, store: LedgerStore): Promise<void> {
  const seeding = performance.now();
  await seed(store);
  console.log(`${engine}: seeded ${ACCOUNTS} users and accounts in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  const fact = (text: string): Pick<DirectoryQuery, 'search' | 'identities'> => ({ search: text, identities: [{ venue: 'acme', name: 'uid', value: text }] });
  const deep = Math.floor(ACCOUNTS * 0.9);
  const target = Math.floor(ACCOUNTS * 0.7);
  const queries: [string, () => Promise<unknown>][] = [
    ['accounts: first page', () => store.listAccountsPage({ limit: PAGE })],
    [`accounts: page after id ${deep}`, () => store.listAccountsPage({ limit: PAGE, afterId: deep })],
    ['users: first page (with account counts)', () => store.listUsersPage({ limit: PAGE })],
    ['accounts: search an exact uid', () => store.listAccountsPage({ limit: PAGE, ...fact(String(6_000_000_000 + target)) })],
    ['users: search a name part matching one', () => store.listUsersPage({ limit: PAGE, ...fact(`r-${String(target).padStart(6, '0')}`) })],
    ['accounts: search matching nothing (whole table)', () => store.listAccountsPage({ limit: PAGE, ...fact('nobody') })],
  ];
  for (const [name, fn] of queries) {
    const { median, worst } = await time(fn);
    console.log(`${engine}  ${name.padEnd(48)} median ${median.toFixed(2).padStart(7)} ms   worst ${worst.toFixed(2).padStart(7)} ms`);
  }
}

const sqlite = SqliteStore.open({ path: ':memory:' });
try {
  await measure('sqlite  ', sqlite);
} finally {
  await sqlite.close();
}

if (values.postgres) {
  const schema = `ab_bench_directory_${randomBytes(4).toString('hex')}`;
  const url = new URL(values.postgres);
  url.searchParams.set('search_path', schema);
  const store = await PostgresStore.open({ url: url.toString() });
  try {
    await measure('postgres', store);
  } finally {
    await store.close();
    const sql = postgres(values.postgres, { onnotice: () => {} });
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
    await sql.end();
  }
}
