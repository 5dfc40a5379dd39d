import type Database from 'better-sqlite3';
import type { Migration } from '../sql/migrate.js';

/**
 * SQLite's versioned migrations, applied in order, one transaction each, by the one runner
 * (../sql/migrate.ts). Never edit a released migration: add the next one. `up` runs after `sql`,
 * in the same transaction, for data conversions SQL cannot do (amounts are decimal text wider
 * than SQLite's integers).
 */

/** Refuses any edit of the journal; `reset` drops and recreates these around its wipe. */
export const APPEND_ONLY_TRIGGERS = `
CREATE TRIGGER operations_append_only_update BEFORE UPDATE ON operations BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER operations_append_only_delete BEFORE DELETE ON operations BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER postings_append_only_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER postings_append_only_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
`;

export const APPEND_ONLY_TRIGGER_NAMES = ['operations_append_only_update', 'operations_append_only_delete', 'postings_append_only_update', 'postings_append_only_delete'] as const;

/** Run by the one migration runner (../sql/migrate.ts) on the writer connection, synchronously. */
export type SqliteMigration = Migration<Database.Database>;

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'ledger core',
    sql: `
CREATE TABLE assets (
  symbol TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  scale INTEGER NOT NULL,
  bitget_coin TEXT NOT NULL UNIQUE,
  bullish_asset_id TEXT NOT NULL UNIQUE,
  bullish_precision INTEGER NOT NULL,
  loopring_token_id INTEGER NOT NULL UNIQUE,
  loopring_address TEXT NOT NULL,
  loopring_decimals INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  bitget_broker INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('main', 'sub')),
  label TEXT NOT NULL,
  bitget_uid TEXT NOT NULL UNIQUE,
  bullish_trading_account_id TEXT NOT NULL UNIQUE,
  loopring_account_id INTEGER NOT NULL UNIQUE,
  loopring_address TEXT NOT NULL UNIQUE,
  loopring_public_key_x TEXT,
  loopring_public_key_y TEXT,
  created_at_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX accounts_one_main_per_user ON accounts (user_id) WHERE kind = 'main';
CREATE INDEX accounts_by_user ON accounts (user_id, id);
CREATE TABLE credentials (
  id INTEGER PRIMARY KEY,
  venue TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  public_id TEXT NOT NULL,
  secret_sealed TEXT,
  passphrase_hash TEXT,
  rsa_public_key_pem TEXT,
  label TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  UNIQUE (venue, public_id)
);
-- Amounts are decimal integer text: SQLite integers stop at 2^63, an 18-decimal asset does not.
CREATE TABLE balances (
  account_id INTEGER NOT NULL,
  asset TEXT NOT NULL,
  bucket TEXT NOT NULL,
  amount TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, asset, bucket)
) WITHOUT ROWID;
CREATE TABLE operations (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL,
  type TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  request TEXT NOT NULL
);
CREATE TABLE postings (
  operation_id INTEGER NOT NULL REFERENCES operations(id),
  seq INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  bucket TEXT NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  PRIMARY KEY (operation_id, seq)
) WITHOUT ROWID;
CREATE TABLE pendings (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  account_id INTEGER NOT NULL,
  asset TEXT NOT NULL,
  amount TEXT NOT NULL,
  fee TEXT NOT NULL,
  state TEXT NOT NULL
);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
${APPEND_ONLY_TRIGGERS}
`,
  },
  {
    version: 2,
    name: 'login nonces shared by every process on the store',
    sql: `
CREATE TABLE nonces (
  scope TEXT NOT NULL,
  nonce TEXT NOT NULL,
  until_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_by_expiry ON nonces (until_ms);
`,
  },
  {
    version: 3,
    name: 'reservations by id: pending deposits and withdrawals become reservations',
    sql: `
CREATE TABLE reservations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('order', 'withdrawal', 'deposit', 'other')),
  account_id INTEGER NOT NULL,
  asset TEXT NOT NULL,
  bucket TEXT NOT NULL,
  amount TEXT NOT NULL,
  fee TEXT NOT NULL,
  posted TEXT NOT NULL,
  voided TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'posted', 'voided', 'closed'))
);
CREATE INDEX reservations_open_by_book ON reservations (account_id, asset, bucket) WHERE state = 'open';
`,
    up: convertPendings,
  },
  {
    version: 4,
    name: 'venue facts: per-venue columns become facts by venue, unique ones indexed as identities; credential extras',
    // The one migration that names venues: it moves the columns the release before this one had.
    // SQLite cannot drop a UNIQUE column, so assets and accounts are rebuilt (rowids kept, so
    // assets keep their order); the migration target turns foreign keys off around it and checks
    // them before the commit (adapter.ts).
    sql: `
CREATE TABLE identities (
  subject TEXT NOT NULL CHECK (subject IN ('asset', 'user', 'account')),
  venue TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  owner TEXT NOT NULL,
  PRIMARY KEY (subject, venue, name, value)
) WITHOUT ROWID;
CREATE INDEX identities_by_owner ON identities (subject, owner);

INSERT INTO identities (subject, venue, name, value, owner)
SELECT 'asset', 'bitget', 'coin', bitget_coin, symbol FROM assets
UNION ALL SELECT 'asset', 'bullish', 'assetId', bullish_asset_id, symbol FROM assets
UNION ALL SELECT 'asset', 'loopring', 'tokenId', CAST(loopring_token_id AS TEXT), symbol FROM assets
UNION ALL SELECT 'account', 'bitget', 'uid', bitget_uid, CAST(id AS TEXT) FROM accounts
UNION ALL SELECT 'account', 'bullish', 'tradingAccountId', bullish_trading_account_id, CAST(id AS TEXT) FROM accounts
UNION ALL SELECT 'account', 'loopring', 'accountId', CAST(loopring_account_id AS TEXT), CAST(id AS TEXT) FROM accounts
UNION ALL SELECT 'account', 'loopring', 'address', loopring_address, CAST(id AS TEXT) FROM accounts;

CREATE TABLE assets_v4 (
  symbol TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  scale INTEGER NOT NULL,
  venues TEXT NOT NULL DEFAULT '{}',
  created_at_ms INTEGER NOT NULL
);
INSERT INTO assets_v4 (rowid, symbol, name, scale, venues, created_at_ms)
SELECT rowid, symbol, name, scale,
  json_object(
    'bitget', json_object('coin', bitget_coin),
    'bullish', json_object('assetId', bullish_asset_id, 'precision', CAST(bullish_precision AS TEXT)),
    'loopring', json_object('tokenId', CAST(loopring_token_id AS TEXT), 'address', loopring_address, 'decimals', CAST(loopring_decimals AS TEXT))
  ),
  created_at_ms
FROM assets ORDER BY rowid;
DROP TABLE assets;
ALTER TABLE assets_v4 RENAME TO assets;

ALTER TABLE users ADD COLUMN venues TEXT NOT NULL DEFAULT '{}';
UPDATE users SET venues = '{"bitget":{"broker":"true"}}' WHERE bitget_broker = 1;
ALTER TABLE users DROP COLUMN bitget_broker;

CREATE TABLE accounts_v4 (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('main', 'sub')),
  label TEXT NOT NULL,
  venues TEXT NOT NULL DEFAULT '{}',
  created_at_ms INTEGER NOT NULL
);
-- json_patch onto '{}' drops the null publicKey of an account without one; "|| ''" keeps the
-- key pair a JSON text value instead of a nested object.
INSERT INTO accounts_v4 (id, user_id, kind, label, venues, created_at_ms)
SELECT id, user_id, kind, label,
  json_patch('{}', json_object(
    'bitget', json_object('uid', bitget_uid),
    'bullish', json_object('tradingAccountId', bullish_trading_account_id),
    'loopring', json_object(
      'accountId', CAST(loopring_account_id AS TEXT),
      'address', loopring_address,
      'publicKey', CASE WHEN loopring_public_key_x IS NOT NULL AND loopring_public_key_y IS NOT NULL
        THEN json_object('x', loopring_public_key_x, 'y', loopring_public_key_y) || '' END
    )
  )),
  created_at_ms
FROM accounts ORDER BY id;
DROP TABLE accounts;
ALTER TABLE accounts_v4 RENAME TO accounts;
CREATE UNIQUE INDEX accounts_one_main_per_user ON accounts (user_id) WHERE kind = 'main';
CREATE INDEX accounts_by_user ON accounts (user_id, id);

ALTER TABLE credentials ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
UPDATE credentials SET extra = json_patch('{}', json_object('passphraseHash', passphrase_hash, 'rsaPublicKeyPem', rsa_public_key_pem));
ALTER TABLE credentials DROP COLUMN passphrase_hash;
ALTER TABLE credentials DROP COLUMN rsa_public_key_pem;
`,
  },
  {
    version: 5,
    name: "account history: the journal by account, and when a deposit's or withdrawal's reservation last changed",
    // Null for reservations older than this: their history shows the time they were opened.
    sql: `
CREATE INDEX postings_by_account ON postings (account_id, operation_id);
ALTER TABLE reservations ADD COLUMN updated_at_ms INTEGER;
`,
  },
];

/**
 * Each pending becomes the reservation of the same id: its amount (fee included) reserved in its
 * bucket, confirmed and completed ones posted in full, cancelled ones voided in full.
 */
function convertPendings(db: Database.Database): void {
  const pendings = db
    .prepare<[], { key: string; kind: 'deposit' | 'withdrawal'; account_id: number; asset: string; amount: string; fee: string; state: string }>(
      'SELECT * FROM pendings ORDER BY key',
    )
    .all();
  const insert = db.prepare(
    'INSERT INTO reservations (id, kind, account_id, asset, bucket, amount, fee, posted, voided, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (const p of pendings) {
    const total = (BigInt(p.amount) + BigInt(p.fee)).toString();
    const bucket = p.kind === 'deposit' ? 'pendingDeposit' : 'pendingWithdrawal';
    const state = p.state === 'open' ? 'open' : p.state === 'cancelled' ? 'voided' : 'posted';
    const posted = state === 'posted' ? total : '0';
    const voided = state === 'voided' ? total : '0';
    insert.run(p.key, p.kind, p.account_id, p.asset, bucket, total, p.fee, posted, voided, state);
  }
  db.exec('DROP TABLE pendings');
}

/** The tables `reset` empties, children before parents. Settings (keys, token hash) survive a reset. */
export const SQLITE_LEDGER_TABLES = ['postings', 'operations', 'reservations', 'balances', 'credentials', 'identities', 'accounts', 'users', 'assets'] as const;
