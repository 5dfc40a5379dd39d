import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { Ledger } from '../src/ledger/ledger.js';
import type { Reservation } from '../src/ledger/operations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import type { LedgerStore } from '../src/store/store.js';
import { TEST_POSTGRES_URL, skipWithoutPostgres } from './support/services.js';

/**
 * test/fixtures/demo-v2.db was written by assetbook at SQLite schema v2, before reservations: the
 * demo scenario, then (cli `op`) pending deposits and withdrawals left open, confirmed, completed
 * and cancelled, an anonymous hold, and an operator token hash in settings. Opening it with this
 * code must migrate it with nothing lost, its pendings turned into reservations.
 */
const FIXTURE = new URL('./fixtures/demo-v2.db', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'assetbook-migration-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every table but the pendings and the migration list, as the fixture holds them, row by row. */
const KEPT = ['assets', 'users', 'accounts', 'credentials', 'balances', 'operations', 'postings', 'settings'] as const;
const ORDER: Record<(typeof KEPT)[number], string> = {
  assets: 'created_at_ms, symbol',
  users: 'id',
  accounts: 'id',
  credentials: 'id',
  balances: 'account_id, asset, bucket',
  operations: 'id',
  postings: 'operation_id, seq',
  settings: 'name',
};

type Row = Record<string, unknown>;

/**
 * Columns a later migration (venue facts: SQLite 4, PostgreSQL 3) moves into `venues` and
 * `extra`, and those two: compared without them here, test/venue-facts-migration.test.ts proves
 * where they went.
 */
const MOVED_LATER = new Set([
  'bitget_coin', 'bullish_asset_id', 'bullish_precision', 'loopring_token_id', 'loopring_address', 'loopring_decimals',
  'bitget_broker', 'bitget_uid', 'bullish_trading_account_id', 'loopring_account_id', 'loopring_public_key_x', 'loopring_public_key_y',
  'passphrase_hash', 'rsa_public_key_pem', 'venues', 'extra',
]);
const unmoved = (rows: readonly unknown[]): Row[] =>
  rows.map((row) => Object.fromEntries(Object.entries(row as Row).filter(([column]) => !MOVED_LATER.has(column))));

function readFixture(path: string): { tables: Record<string, Row[]>; pendings: Row[] } {
  const db = new Database(path, { readonly: true });
  try {
    const tables = Object.fromEntries(KEPT.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY ${ORDER[t]}`).all() as Row[]]));
    return { tables, pendings: db.prepare('SELECT * FROM pendings ORDER BY key').all() as Row[] };
  } finally {
    db.close();
  }
}

/** What each pending must have become. */
function expectedReservation(p: Row): Reservation {
  const amount = BigInt(String(p.amount)) + BigInt(String(p.fee));
  const state = p.state === 'open' ? 'open' : p.state === 'cancelled' ? 'voided' : 'posted';
  return {
    id: String(p.key),
    kind: p.kind as 'deposit' | 'withdrawal',
    account: Number(p.account_id),
    asset: String(p.asset),
    bucket: p.kind === 'deposit' ? 'pendingDeposit' : 'pendingWithdrawal',
    amount,
    fee: BigInt(String(p.fee)),
    posted: state === 'posted' ? amount : 0n,
    voided: state === 'voided' ? amount : 0n,
    state,
  };
}

async function reservationsOf(store: LedgerStore): Promise<Reservation[]> {
  const out: Reservation[] = [];
  for await (const r of store.scanReservations()) out.push(r);
  return out;
}

/** The new code works on the migrated data: the migrated reservations settle, verify passes. */
async function settleMigrated(store: LedgerStore): Promise<void> {
  const ledger = new Ledger(store, () => 1_800_000_000_000);
  assert.deepEqual((await ledger.verify()).mismatches, [], 'verify passes right after the migration');
  await ledger.apply({ key: 'after-1', type: 'deposit.confirm', pending: 'fx-dp-1' });
  await ledger.apply({ key: 'after-2', type: 'withdrawal.complete', pending: 'fx-wr-1' });
  await ledger.apply({ key: 'after-3', type: 'reservation.void', reservation: 'scenario/alice/main/ETH/pendingDeposit' });
  const report = await ledger.verify();
  assert.deepEqual(report.mismatches, []);
  assert.equal(report.reservations, 7);
}

test('[sqlite] the v2 fixture migrates with every row intact and its pendings as reservations', async () => {
  const path = join(dir, 'demo.db');
  copyFileSync(FIXTURE, path);
  const before = readFixture(path);
  assert.ok(before.pendings.some((p) => p.state === 'open'), 'the fixture has open pendings');

  const store = SqliteStore.open({ path });
  try {
    const migrated = await reservationsOf(store);
    assert.deepEqual(migrated, before.pendings.map(expectedReservation));
    assert.equal(migrated.filter((r) => r.state === 'open').length, 4, 'two demo pendings, fx-dp-1, fx-wr-1');
    await store.close();

    const raw = new Database(path, { readonly: true });
    for (const table of KEPT) {
      assert.deepEqual(unmoved(raw.prepare(`SELECT * FROM ${table} ORDER BY ${ORDER[table]}`).all()), unmoved(before.tables[table]!), `${table} unchanged`);
    }
    assert.equal(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'pendings'").get(), undefined, 'pendings is gone');
    raw.close();

    const reopened = SqliteStore.open({ path });
    try {
      await settleMigrated(reopened);
    } finally {
      await reopened.close();
    }
  } finally {
    await store.close().catch(() => {});
  }
});

/**
 * PostgreSQL: the old schema is its migration 1 (released migrations are never edited), filled with
 * the fixture's rows; then the store opens and migrates.
 */
test('[postgres] a v1 database holding the fixture migrates with every row intact and its pendings as reservations', { skip: skipWithoutPostgres }, async () => {
  const schema = `ab_test_${randomBytes(6).toString('hex')}`;
  const base = postgres(TEST_POSTGRES_URL!, { onnotice: () => {} });
  const url = new URL(TEST_POSTGRES_URL!);
  url.searchParams.set('search_path', schema);
  const sql = postgres(url.toString(), { onnotice: () => {} });
  try {
    await base`CREATE SCHEMA ${base(schema)}`;
    const before = readFixture(FIXTURE);
    const v1 = POSTGRES_MIGRATIONS.find((m) => m.version === 1)!;
    await sql.begin(async (tx) => {
      await tx.unsafe(v1.sql);
      await tx`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at_ms bigint NOT NULL)`;
      await tx`INSERT INTO schema_migrations VALUES (1, ${v1.name}, 0)`;
      for (const table of KEPT) {
        for (const row of before.tables[table]!) {
          const values = table === 'users' ? { ...row, bitget_broker: row.bitget_broker === 1 } : row;
          await tx.unsafe(
            `INSERT INTO ${table} (${Object.keys(values).join(', ')}) ${table === 'operations' ? 'OVERRIDING SYSTEM VALUE' : ''} VALUES (${Object.keys(values).map((_, i) => `$${i + 1}`).join(', ')})`,
            Object.values(values) as never[],
          );
        }
      }
      await tx`SELECT setval(pg_get_serial_sequence('operations', 'id'), (SELECT max(id) FROM operations))`;
      for (const p of before.pendings) await tx`INSERT INTO pendings ${tx(p as Record<string, string>)}`;
    });
    const dump = async () => {
      const out: Record<string, unknown[]> = {};
      for (const table of KEPT) {
        out[table] = unmoved(await sql.unsafe(`SELECT * FROM ${table} ORDER BY ${table === 'assets' ? 'position' : ORDER[table]}`));
      }
      return out;
    };
    const old = await dump();

    const store = await PostgresStore.open({ url: url.toString() });
    try {
      assert.deepEqual(await reservationsOf(store), before.pendings.map(expectedReservation));
      assert.deepEqual(await dump(), old, 'every other table unchanged');
      const [gone] = await sql`SELECT to_regclass('pendings') AS t`;
      assert.equal(gone?.t, null);
      await settleMigrated(store);
    } finally {
      await store.close();
    }
  } finally {
    await sql.end();
    await base`DROP SCHEMA IF EXISTS ${base(schema)} CASCADE`;
    await base.end();
  }
});
