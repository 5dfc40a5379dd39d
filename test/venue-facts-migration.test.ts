import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { Ledger } from '../src/ledger/ledger.js';
import { LedgerError } from '../src/ledger/errors.js';
import type { Account, Asset, JournalEntry, User } from '../src/ledger/types.js';
import type { Reservation } from '../src/ledger/operations.js';
import type { Identity, Subject } from '../src/ledger/venue-facts.js';
import { Keyring } from '../src/credentials/keyring.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import type { BalanceWrite, CredentialRecord, LedgerStore } from '../src/store/store.js';
import { skipWithoutPostgres } from './support/services.js';
import { postgresSchemas } from './support/postgres-schemas.js';

/**
 * test/fixtures/demo-v3.db was written by the release before venue facts (SQLite schema v3; its
 * .json says how, with the secret key, operator token and Bitget keys it was made with). Opening
 * it with this code must move every per-venue column into facts by venue (unique ones indexed as
 * identities) and the credential columns into `extra`, and lose nothing: balances, journal,
 * reservations, settings and credentials as they were, and verify clean. The same on PostgreSQL,
 * from a schema at the migrations before venue facts filled with the fixture's rows.
 */
const FIXTURE = new URL('./fixtures/demo-v3.db', import.meta.url).pathname;
const SECRETS = JSON.parse(readFileSync(new URL('./fixtures/demo-v3.json', import.meta.url), 'utf8')) as {
  secretKey: string;
  operatorToken: string;
  bitgetRsa: { accountId: number; apiKey: string; passphrase: string; privateKeyPem: string };
  bitgetHmac: { accountId: number; apiKey: string; secretKey: string; passphrase: string };
};
const dir = mkdtempSync(join(tmpdir(), 'assetbook-facts-migration-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;
const TABLES = {
  assets: 'rowid',
  users: 'id',
  accounts: 'id',
  credentials: 'id',
  balances: 'account_id, asset, bucket',
  operations: 'id',
  postings: 'operation_id, seq',
  reservations: 'id',
  settings: 'name',
  nonces: 'scope, nonce',
} as const;
type Table = keyof typeof TABLES;

function readFixture(): Record<Table, Row[]> {
  const db = new Database(FIXTURE, { readonly: true });
  try {
    const version = db.prepare<[], { v: number }>('SELECT max(version) AS v FROM schema_migrations').get()?.v;
    assert.equal(version, 3, 'the fixture is at SQLite schema v3');
    return Object.fromEntries(Object.entries(TABLES).map(([t, order]) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY ${order}`).all() as Row[]])) as Record<Table, Row[]>;
  } finally {
    db.close();
  }
}

const text = (v: unknown) => String(v);

/** What each legacy row must have become: the design's mapping, written out once. */
const expected = {
  asset: (r: Row): Asset => ({
    symbol: text(r.symbol),
    name: text(r.name),
    scale: Number(r.scale),
    venues: {
      bitget: { coin: text(r.bitget_coin) },
      bullish: { assetId: text(r.bullish_asset_id), precision: text(r.bullish_precision) },
      loopring: { tokenId: text(r.loopring_token_id), address: text(r.loopring_address), decimals: text(r.loopring_decimals) },
    },
  }),
  user: (r: Row): User => ({
    id: Number(r.id),
    name: text(r.name),
    venues: r.bitget_broker === 1 || r.bitget_broker === true ? { bitget: { broker: 'true' } } : {},
    createdAtMs: Number(r.created_at_ms),
  }),
  account: (r: Row): Account => ({
    id: Number(r.id),
    userId: Number(r.user_id),
    kind: r.kind as Account['kind'],
    label: text(r.label),
    venues: {
      bitget: { uid: text(r.bitget_uid) },
      bullish: { tradingAccountId: text(r.bullish_trading_account_id) },
      loopring: {
        accountId: text(r.loopring_account_id),
        address: text(r.loopring_address),
        ...(r.loopring_public_key_x !== null && r.loopring_public_key_y !== null
          ? { publicKey: JSON.stringify({ x: r.loopring_public_key_x, y: r.loopring_public_key_y }) }
          : {}),
      },
    },
    createdAtMs: Number(r.created_at_ms),
  }),
  credential: (r: Row): CredentialRecord => ({
    id: Number(r.id),
    venue: text(r.venue),
    userId: Number(r.user_id),
    accountId: Number(r.account_id),
    publicId: text(r.public_id),
    secretSealed: r.secret_sealed === null ? null : text(r.secret_sealed),
    extra: {
      ...(r.passphrase_hash !== null ? { passphraseHash: text(r.passphrase_hash) } : {}),
      ...(r.rsa_public_key_pem !== null ? { rsaPublicKeyPem: text(r.rsa_public_key_pem) } : {}),
    },
    label: text(r.label),
    createdAtMs: Number(r.created_at_ms),
  }),
  /** The unique facts the design lists: asset coin, assetId, tokenId; account uid, tradingAccountId, accountId, address. */
  identities: (before: Record<Table, Row[]>): [Subject, Identity, string][] => [
    ...before.assets.flatMap((r): [Subject, Identity, string][] => [
      ['asset', { venue: 'bitget', name: 'coin', value: text(r.bitget_coin) }, text(r.symbol)],
      ['asset', { venue: 'bullish', name: 'assetId', value: text(r.bullish_asset_id) }, text(r.symbol)],
      ['asset', { venue: 'loopring', name: 'tokenId', value: text(r.loopring_token_id) }, text(r.symbol)],
    ]),
    ...before.accounts.flatMap((r): [Subject, Identity, string][] => [
      ['account', { venue: 'bitget', name: 'uid', value: text(r.bitget_uid) }, text(r.id)],
      ['account', { venue: 'bullish', name: 'tradingAccountId', value: text(r.bullish_trading_account_id) }, text(r.id)],
      ['account', { venue: 'loopring', name: 'accountId', value: text(r.loopring_account_id) }, text(r.id)],
      ['account', { venue: 'loopring', name: 'address', value: text(r.loopring_address) }, text(r.id)],
    ]),
  ],
  balance: (r: Row): BalanceWrite => ({ account: Number(r.account_id), asset: text(r.asset), bucket: text(r.bucket), amount: BigInt(text(r.amount)), atMs: Number(r.updated_at_ms) }),
  entry: (op: Row, postings: Row[]): JournalEntry => ({
    id: Number(op.id),
    key: text(op.key),
    type: text(op.type),
    atMs: Number(op.at_ms),
    request: JSON.parse(text(op.request)) as Record<string, unknown>,
    postings: postings
      .filter((p) => Number(p.operation_id) === Number(op.id))
      .map((p) => ({ account: Number(p.account_id), bucket: p.bucket as never, asset: text(p.asset), amount: BigInt(text(p.amount)) })),
  }),
  reservation: (r: Row): Reservation => ({
    id: text(r.id),
    kind: r.kind as Reservation['kind'],
    account: Number(r.account_id),
    asset: text(r.asset),
    bucket: r.bucket as Reservation['bucket'],
    amount: BigInt(text(r.amount)),
    fee: BigInt(text(r.fee)),
    posted: BigInt(text(r.posted)),
    voided: BigInt(text(r.voided)),
    state: r.state as Reservation['state'],
  }),
};

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function wholeJournal(store: LedgerStore): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for (let cursor = 0; ; ) {
    const page = await store.listJournal(cursor, 10);
    out.push(...page.entries);
    if (page.next === null) return out;
    cursor = page.next;
  }
}

/** Everything the fixture held, read back through the new store, as the design maps it; then the store keeps working. */
async function provesMigrated(store: LedgerStore, before: Record<Table, Row[]>): Promise<void> {
  assert.deepEqual(await store.listAssets(), before.assets.map(expected.asset), 'assets, in their order, with their facts');
  assert.deepEqual(await store.listUsers(), before.users.map(expected.user), 'users, the broker flag as a fact');
  assert.deepEqual(await store.listAccounts(), before.accounts.map(expected.account), 'accounts with their facts');
  assert.deepEqual(await store.listCredentials(), before.credentials.map(expected.credential), 'credentials, the hash and PEM in extra');
  assert.ok(before.users.some((u) => u.bitget_broker === 1) && before.users.some((u) => u.bitget_broker === 0), 'the fixture has a broker and others');
  assert.ok(before.accounts.filter((a) => a.loopring_public_key_x !== null).length >= 2, 'the fixture has Loopring keys, the changed one included');

  for (const [subject, identity, owner] of expected.identities(before)) {
    assert.equal(await store.identityTaken(subject, identity), true, `${subject} ${identity.venue}/${identity.name}=${identity.value}`);
    if (subject === 'account') assert.equal((await store.findAccount(identity.venue, identity.name, identity.value))?.id, Number(owner));
  }
  assert.equal(await store.identityTaken('asset', { venue: 'loopring', name: 'address', value: text(before.assets[0]!.loopring_address) }), false, 'an asset address is no identity');
  assert.equal(await store.findAccount('loopring', 'publicKey', expected.account(before.accounts[0]!).venues.loopring!.publicKey!), undefined, 'nor is a public key');

  const byBook = (a: BalanceWrite, b: BalanceWrite) => a.account - b.account || (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0);
  assert.deepEqual((await collect(store.scanBalances())).sort(byBook), before.balances.map(expected.balance).sort(byBook), 'every balance');
  const journal = await wholeJournal(store);
  assert.deepEqual(journal, before.operations.map((op) => expected.entry(op, before.postings)), 'every journal entry and posting');
  for (const op of before.operations) assert.equal((await store.getOperation(text(op.key)))?.hash, op.hash, `${text(op.key)} keeps its content hash`);
  assert.deepEqual(
    (await collect(store.scanReservations())).sort((a, b) => (a.id < b.id ? -1 : 1)),
    before.reservations.map(expected.reservation).sort((a, b) => (a.id < b.id ? -1 : 1)),
    'every reservation',
  );
  for (const s of before.settings) assert.equal(await store.getSetting(text(s.name)), s.value, `setting ${text(s.name)}`);

  // The secrets still open with the key they were made with.
  const keyring = new Keyring(Keyring.parseKey(SECRETS.secretKey));
  assert.equal(keyring.matches('assetbook secret key check v1', (await store.getSetting('secret_key_check'))!), true);
  assert.equal(keyring.matches(SECRETS.operatorToken, (await store.getSetting('operator_token_hash'))!), true, 'the operator token');
  const hmac = await store.getCredential('bitget', SECRETS.bitgetHmac.apiKey);
  assert.equal(hmac?.accountId, SECRETS.bitgetHmac.accountId);
  assert.equal(keyring.open(hmac!.secretSealed!), SECRETS.bitgetHmac.secretKey, 'the HMAC secret');
  assert.equal(keyring.matches(SECRETS.bitgetHmac.passphrase, hmac!.extra.passphraseHash!), true, 'its passphrase');
  const rsa = await store.getCredential('bitget', SECRETS.bitgetRsa.apiKey);
  assert.equal(rsa?.secretSealed, null);
  assert.equal(keyring.matches(SECRETS.bitgetRsa.passphrase, rsa!.extra.passphraseHash!), true);
  assert.equal(rsa!.extra.rsaPublicKeyPem, createPublicKey(SECRETS.bitgetRsa.privateKeyPem).export({ type: 'spki', format: 'pem' }), 'the RSA public key');

  const ledger = new Ledger(store, () => 1_900_000_000_000);
  const report = await ledger.verify();
  assert.deepEqual(report.mismatches, []);
  assert.deepEqual([report.ok, report.entries, report.reservations], [true, before.operations.length, before.reservations.length]);

  // The migrated store keeps working: identities clash with migrated ones, facts change, reservations settle.
  const taken = (error: unknown) => error instanceof LedgerError && error.code === 'IDENTITY_TAKEN' && error.path === 'venues/bitget/uid';
  const uid = text(before.accounts[0]!.bitget_uid);
  await assert.rejects(
    store.transaction(async (tx) => {
      const id = await tx.allocateAccountId();
      await tx.insertAccount({ id, userId: 1, kind: 'sub', label: 'late', venues: { bitget: { uid } }, createdAtMs: 1 }, [{ venue: 'bitget', name: 'uid', value: uid }]);
    }),
    taken,
  );
  assert.equal(await store.transaction((tx) => tx.setAccountFacts(1, 'loopring', { publicKey: null })), true);
  const { publicKey: _dropped, ...rest } = expected.account(before.accounts[0]!).venues.loopring!;
  assert.deepEqual((await store.getAccount(1))?.venues, { ...expected.account(before.accounts[0]!).venues, loopring: rest });
  await ledger.apply({ key: 'after-1', type: 'deposit.confirm', pending: 'fx-dep-pending' });
  await ledger.apply({ key: 'after-2', type: 'reservation.void', reservation: 'order-1' });
  assert.deepEqual((await ledger.verify()).mismatches, []);
}

test('[sqlite] the v3 fixture migrates: facts by venue and identities from the old columns, nothing else changed, verify clean', async () => {
  const path = join(dir, 'demo-v3.db');
  copyFileSync(FIXTURE, path);
  const before = readFixture();
  const store = SqliteStore.open({ path });
  try {
    await provesMigrated(store, before);
  } finally {
    await store.close();
  }

  const raw = new Database(path, { readonly: true });
  try {
    const columns = (table: string) => (raw.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
    assert.deepEqual(columns('assets'), ['symbol', 'name', 'scale', 'venues', 'created_at_ms']);
    assert.deepEqual(columns('users'), ['id', 'name', 'created_at_ms', 'venues']);
    assert.deepEqual(columns('accounts'), ['id', 'user_id', 'kind', 'label', 'venues', 'created_at_ms']);
    assert.deepEqual(columns('credentials'), ['id', 'venue', 'user_id', 'account_id', 'public_id', 'secret_sealed', 'label', 'created_at_ms', 'extra']);
    assert.deepEqual(columns('identities'), ['subject', 'venue', 'name', 'value', 'owner']);
    const references = (table: string) =>
      (raw.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string }[]).map((f) => `${f.from}->${f.table}.${f.to}`).sort();
    assert.deepEqual(references('accounts'), ['user_id->users.id']);
    assert.deepEqual(references('credentials'), ['account_id->accounts.id', 'user_id->users.id']);
    assert.deepEqual(raw.pragma('foreign_key_check'), []);
    const indexes = raw.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all().map((r) => r.name);
    assert.deepEqual(indexes, ['accounts_by_user', 'accounts_one_main_per_user', 'identities_by_owner', 'nonces_by_expiry', 'postings_by_account', 'reservations_open_by_book']);
    const triggers = raw.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all().map((r) => r.name);
    assert.equal(triggers.length, 4, 'the journal is still append-only');
    assert.deepEqual(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all(), [1, 2, 3, 4, 5].map((version) => ({ version })));
    for (const table of ['settings', 'nonces'] as const) {
      assert.deepEqual(raw.prepare(`SELECT * FROM ${table} ORDER BY ${TABLES[table]}`).all(), before[table], `${table} unchanged, row for row`);
    }
  } finally {
    raw.close();
  }

  const writable = new Database(path);
  try {
    assert.throws(() => writable.prepare("INSERT INTO accounts (id, user_id, kind, label, created_at_ms) VALUES (99, 1, 'main', 'second', 0)").run(), /UNIQUE/, 'one main account per user');
    assert.throws(() => writable.prepare("INSERT INTO accounts (id, user_id, kind, label, created_at_ms) VALUES (99, 77, 'sub', 'orphan', 0)").run(), /FOREIGN KEY/, 'accounts belong to users');
    assert.throws(() => writable.prepare('DELETE FROM postings').run(), /append-only/);
  } finally {
    writable.close();
  }
});

const schemas = postgresSchemas();

test('[postgres] a schema at the migrations before venue facts, holding the v3 fixture, migrates alike', { skip: skipWithoutPostgres }, async () => {
  const url = schemas.fresh();
  const schema = new URL(url).searchParams.get('search_path')!;
  const before = readFixture();
  const older = POSTGRES_MIGRATIONS.filter((m) => m.version < 3);
  assert.deepEqual(older.map((m) => m.version), [1, 2], 'venue facts is PostgreSQL migration 3');
  const sql = postgres(url, { onnotice: () => {} });
  try {
    await sql`CREATE SCHEMA ${sql(schema)}`;
    await sql.begin(async (tx) => {
      await tx`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at_ms bigint NOT NULL)`;
      for (const m of older) {
        await tx.unsafe(m.sql);
        await tx`INSERT INTO schema_migrations VALUES (${m.version}, ${m.name}, 0)`;
      }
      for (const table of Object.keys(TABLES) as Table[]) {
        for (const row of before[table]) {
          const values = table === 'users' ? { ...row, bitget_broker: row.bitget_broker === 1 } : row;
          const names = Object.keys(values);
          await tx.unsafe(
            `INSERT INTO ${table} (${names.join(', ')}) ${table === 'operations' ? 'OVERRIDING SYSTEM VALUE' : ''} VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
            Object.values(values) as never[],
          );
        }
      }
      await tx`SELECT setval(pg_get_serial_sequence('operations', 'id'), (SELECT max(id) FROM operations))`;
    });

    const store = await PostgresStore.open({ url });
    try {
      await provesMigrated(store, before);
    } finally {
      await store.close();
    }

    const columns = async (table: string) =>
      (await sql<{ c: string }[]>`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = ${schema} AND table_name = ${table} ORDER BY ordinal_position`).map((r) => r.c);
    assert.deepEqual(await columns('assets'), ['symbol', 'name', 'scale', 'created_at_ms', 'position', 'venues']);
    assert.deepEqual(await columns('users'), ['id', 'name', 'created_at_ms', 'venues']);
    assert.deepEqual(await columns('accounts'), ['id', 'user_id', 'kind', 'label', 'created_at_ms', 'venues']);
    assert.deepEqual(await columns('credentials'), ['id', 'venue', 'user_id', 'account_id', 'public_id', 'secret_sealed', 'label', 'created_at_ms', 'extra']);
    const constraints = (await sql<{ name: string }[]>`
      SELECT c.conname AS name FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
      WHERE n.nspname = ${schema} AND r.relname IN ('assets', 'accounts', 'credentials', 'identities')
      ORDER BY c.conname`).map((r) => r.name);
    assert.deepEqual(constraints, [
      'accounts_kind_check',
      'accounts_pkey',
      'accounts_user_id_fkey',
      'assets_pkey',
      'credentials_account_id_fkey',
      'credentials_pkey',
      'credentials_user_id_fkey',
      'credentials_venue_public_id_key',
      'identities_pkey',
      'identities_subject_check',
    ]);
    const [versions] = await sql<{ v: number[] }[]>`SELECT array_agg(version ORDER BY version) AS v FROM schema_migrations`;
    assert.deepEqual(versions?.v, [1, 2, 3, 4]);
  } finally {
    await sql.end();
  }
});
