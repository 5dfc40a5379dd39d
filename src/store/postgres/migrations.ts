import type { Migration } from '../sql/migrate.js';

/**
 * PostgreSQL's versioned migrations, applied in order, each in its own transaction, by the one
 * runner (../sql/migrate.ts) in whichever instance (or `assetbook migrate`) holds the migration
 * lock first. Never edit a released migration: add the next one. The schema mirrors SQLite's,
 * with PostgreSQL's own types: amounts are `numeric(78,0)` (exact, and wide enough for any
 * uint256), times are `bigint` milliseconds, and the journal's append-only rule is a trigger as there.
 */
export type PostgresMigration = Migration<never>;

/** Refuses any edit of the journal; `reset` turns these off for its own transaction only. */
const APPEND_ONLY = `
CREATE FUNCTION refuse_journal_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('assetbook.resetting', true) = 'on' THEN
    IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'the journal is append-only' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER operations_append_only BEFORE UPDATE OR DELETE ON operations FOR EACH ROW EXECUTE FUNCTION refuse_journal_edit();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings FOR EACH ROW EXECUTE FUNCTION refuse_journal_edit();
CREATE TRIGGER operations_no_truncate BEFORE TRUNCATE ON operations FOR EACH STATEMENT EXECUTE FUNCTION refuse_journal_edit();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings FOR EACH STATEMENT EXECUTE FUNCTION refuse_journal_edit();
`;

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'ledger core',
    sql: `
CREATE TABLE assets (
  symbol text PRIMARY KEY,
  name text NOT NULL,
  scale integer NOT NULL,
  bitget_coin text NOT NULL UNIQUE,
  bullish_asset_id text NOT NULL UNIQUE,
  bullish_precision integer NOT NULL,
  loopring_token_id integer NOT NULL UNIQUE,
  loopring_address text NOT NULL,
  loopring_decimals integer NOT NULL,
  created_at_ms bigint NOT NULL,
  position bigint GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE users (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE,
  bitget_broker boolean NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE TABLE accounts (
  id integer PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id),
  kind text NOT NULL CHECK (kind IN ('main', 'sub')),
  label text NOT NULL,
  bitget_uid text NOT NULL UNIQUE,
  bullish_trading_account_id text NOT NULL UNIQUE,
  loopring_account_id integer NOT NULL UNIQUE,
  loopring_address text NOT NULL UNIQUE,
  loopring_public_key_x text,
  loopring_public_key_y text,
  created_at_ms bigint NOT NULL
);
CREATE UNIQUE INDEX accounts_one_main_per_user ON accounts (user_id) WHERE kind = 'main';
CREATE INDEX accounts_by_user ON accounts (user_id, id);
CREATE TABLE credentials (
  id integer PRIMARY KEY,
  venue text NOT NULL,
  user_id integer NOT NULL REFERENCES users(id),
  account_id integer NOT NULL REFERENCES accounts(id),
  public_id text NOT NULL,
  secret_sealed text,
  passphrase_hash text,
  rsa_public_key_pem text,
  label text NOT NULL,
  created_at_ms bigint NOT NULL,
  CONSTRAINT credentials_venue_public_id_key UNIQUE (venue, public_id)
);
CREATE INDEX credentials_by_user ON credentials (user_id, id);
CREATE TABLE balances (
  account_id integer NOT NULL,
  asset text NOT NULL,
  bucket text NOT NULL,
  amount numeric(78, 0) NOT NULL,
  updated_at_ms bigint NOT NULL,
  PRIMARY KEY (account_id, asset, bucket)
);
CREATE TABLE operations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key text NOT NULL,
  hash text NOT NULL,
  type text NOT NULL,
  at_ms bigint NOT NULL,
  request text NOT NULL,
  CONSTRAINT operations_key_key UNIQUE (key)
);
CREATE TABLE postings (
  operation_id bigint NOT NULL REFERENCES operations(id),
  seq integer NOT NULL,
  account_id integer NOT NULL,
  bucket text NOT NULL,
  asset text NOT NULL,
  amount numeric(78, 0) NOT NULL,
  PRIMARY KEY (operation_id, seq)
);
CREATE TABLE pendings (
  key text PRIMARY KEY,
  kind text NOT NULL,
  account_id integer NOT NULL,
  asset text NOT NULL,
  amount numeric(78, 0) NOT NULL,
  fee numeric(78, 0) NOT NULL,
  state text NOT NULL
);
CREATE TABLE settings (name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE nonces (
  scope text NOT NULL,
  nonce text NOT NULL,
  until_ms bigint NOT NULL,
  PRIMARY KEY (scope, nonce)
);
CREATE INDEX nonces_by_expiry ON nonces (until_ms);
${APPEND_ONLY}
`,
  },
  {
    version: 2,
    name: 'reservations by id: pending deposits and withdrawals become reservations',
    sql: `
CREATE TABLE reservations (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('order', 'withdrawal', 'deposit', 'other')),
  account_id integer NOT NULL,
  asset text NOT NULL,
  bucket text NOT NULL,
  amount numeric(78, 0) NOT NULL,
  fee numeric(78, 0) NOT NULL,
  posted numeric(78, 0) NOT NULL,
  voided numeric(78, 0) NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'posted', 'voided', 'closed'))
);
CREATE INDEX reservations_open_by_book ON reservations (account_id, asset, bucket) WHERE state = 'open';
-- Each pending becomes the reservation of the same id: its amount (fee included) reserved in its
-- bucket, confirmed and completed ones posted in full, cancelled ones voided in full.
INSERT INTO reservations (id, kind, account_id, asset, bucket, amount, fee, posted, voided, state)
SELECT key, kind, account_id, asset,
  CASE kind WHEN 'deposit' THEN 'pendingDeposit' ELSE 'pendingWithdrawal' END,
  amount + fee, fee,
  CASE WHEN state IN ('confirmed', 'completed') THEN amount + fee ELSE 0 END,
  CASE WHEN state = 'cancelled' THEN amount + fee ELSE 0 END,
  CASE state WHEN 'open' THEN 'open' WHEN 'cancelled' THEN 'voided' ELSE 'posted' END
FROM pendings;
DROP TABLE pendings;
`,
  },
  {
    version: 3,
    name: 'venue facts: per-venue columns become facts by venue, unique ones indexed as identities; credential extras',
    // SQLite's migration 4 (SQLite had one more before it). The one migration that names venues:
    // it moves the columns the release before this one had. Facts are JSON text, as on SQLite.
    sql: `
CREATE TABLE identities (
  subject text NOT NULL CHECK (subject IN ('asset', 'user', 'account')),
  venue text NOT NULL,
  name text NOT NULL,
  value text NOT NULL,
  owner text NOT NULL,
  CONSTRAINT identities_pkey PRIMARY KEY (subject, venue, name, value)
);
CREATE INDEX identities_by_owner ON identities (subject, owner);

INSERT INTO identities (subject, venue, name, value, owner)
SELECT 'asset', 'bitget', 'coin', bitget_coin, symbol FROM assets
UNION ALL SELECT 'asset', 'bullish', 'assetId', bullish_asset_id, symbol FROM assets
UNION ALL SELECT 'asset', 'loopring', 'tokenId', loopring_token_id::text, symbol FROM assets
UNION ALL SELECT 'account', 'bitget', 'uid', bitget_uid, id::text FROM accounts
UNION ALL SELECT 'account', 'bullish', 'tradingAccountId', bullish_trading_account_id, id::text FROM accounts
UNION ALL SELECT 'account', 'loopring', 'accountId', loopring_account_id::text, id::text FROM accounts
UNION ALL SELECT 'account', 'loopring', 'address', loopring_address, id::text FROM accounts;

ALTER TABLE assets ADD COLUMN venues text NOT NULL DEFAULT '{}';
UPDATE assets SET venues = json_build_object(
  'bitget', json_build_object('coin', bitget_coin),
  'bullish', json_build_object('assetId', bullish_asset_id, 'precision', bullish_precision::text),
  'loopring', json_build_object('tokenId', loopring_token_id::text, 'address', loopring_address, 'decimals', loopring_decimals::text)
)::text;
ALTER TABLE assets DROP COLUMN bitget_coin, DROP COLUMN bullish_asset_id, DROP COLUMN bullish_precision,
  DROP COLUMN loopring_token_id, DROP COLUMN loopring_address, DROP COLUMN loopring_decimals;

ALTER TABLE users ADD COLUMN venues text NOT NULL DEFAULT '{}';
UPDATE users SET venues = '{"bitget":{"broker":"true"}}' WHERE bitget_broker;
ALTER TABLE users DROP COLUMN bitget_broker;

-- The key pair is a JSON text value, '{"x":"..","y":".."}', absent when there is none.
ALTER TABLE accounts ADD COLUMN venues text NOT NULL DEFAULT '{}';
UPDATE accounts SET venues = json_strip_nulls(json_build_object(
  'bitget', json_build_object('uid', bitget_uid),
  'bullish', json_build_object('tradingAccountId', bullish_trading_account_id),
  'loopring', json_build_object(
    'accountId', loopring_account_id::text,
    'address', loopring_address,
    'publicKey', CASE WHEN loopring_public_key_x IS NOT NULL AND loopring_public_key_y IS NOT NULL
      THEN '{"x":' || to_json(loopring_public_key_x)::text || ',"y":' || to_json(loopring_public_key_y)::text || '}' END
  )
))::text;
ALTER TABLE accounts DROP COLUMN bitget_uid, DROP COLUMN bullish_trading_account_id, DROP COLUMN loopring_account_id,
  DROP COLUMN loopring_address, DROP COLUMN loopring_public_key_x, DROP COLUMN loopring_public_key_y;

ALTER TABLE credentials ADD COLUMN extra text NOT NULL DEFAULT '{}';
UPDATE credentials SET extra = json_strip_nulls(json_build_object('passphraseHash', passphrase_hash, 'rsaPublicKeyPem', rsa_public_key_pem))::text;
ALTER TABLE credentials DROP COLUMN passphrase_hash, DROP COLUMN rsa_public_key_pem;
`,
  },
  {
    version: 4,
    name: "account history: the journal by account, and when a deposit's or withdrawal's reservation last changed",
    // SQLite's migration 5. Null for reservations older than this: their history shows the time they were opened.
    sql: `
CREATE INDEX postings_by_account ON postings (account_id, operation_id);
ALTER TABLE reservations ADD COLUMN updated_at_ms bigint;
`,
  },
];

/** Advisory lock namespaces, the first key of the two-int form: what each serializes across instances. */
export const LOCK_NAMESPACE = { migrate: 0x61620001, catalog: 0x61620002, setting: 0x61620003 } as const;

/** The tables `reset` empties. Settings (keys, token hash) and nonces survive a reset. */
export const POSTGRES_LEDGER_TABLES = ['postings', 'operations', 'reservations', 'balances', 'credentials', 'identities', 'accounts', 'users', 'assets'] as const;
