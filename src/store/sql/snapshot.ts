import type { Subject } from '../../ledger/venue-facts.js';
import { compareBalanceKeys, type BalanceWrite, type IdentityRecord, type LedgerDump, type StoredEntry, type StoredReservation } from '../store.js';
import type { SqlAdapter, SqlParam, SqlRunner } from './adapter.js';
import { UNWRITTEN_AT_MS } from './core.js';
import * as rows from './rows.js';

/**
 * The shared SQL core's dump and load of the whole ledger (`LedgerStore.dump`, `restore`), written
 * once for every engine. An engine runs `dumpTables` inside one read snapshot and `loadTables`
 * inside the transaction that emptied the tables, and does what differs around them (lifting the
 * journal's append-only guard, the id sequence, telling other instances).
 */

/** Rows per INSERT: a full chunk, then the rest in powers of two, so a table needs at most 9 prepared texts. */
const ROWS_PER_INSERT = 256;

/** Code-unit order, the same on every engine whatever its collation. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every row of the ledger, as the store holds it. */
export async function dumpTables(db: SqlRunner, adapter: SqlAdapter): Promise<LedgerDump> {
  const assets = await db.all<rows.AssetRow & { created_at_ms: number }>(
    `SELECT symbol, name, scale, venues, created_at_ms FROM assets ORDER BY ${adapter.assetOrder}`,
  );
  const users = await db.all<rows.UserRow>('SELECT id, name, venues, created_at_ms FROM users ORDER BY id');
  const accounts = await db.all<rows.AccountRow>('SELECT id, user_id, kind, label, venues, created_at_ms FROM accounts ORDER BY id');
  const identities = await db.all<{ subject: Subject; venue: string; name: string; value: string; owner: string }>(
    'SELECT subject, venue, name, value, owner FROM identities',
  );
  const credentials = await db.all<rows.CredentialRow>(
    'SELECT id, venue, user_id, account_id, public_id, secret_sealed, extra, label, created_at_ms FROM credentials ORDER BY id',
  );
  const operations = await db.all<rows.OperationRow>('SELECT id, key, hash, type, at_ms, request FROM operations ORDER BY id');
  const postings = await db.all<rows.PostingRow>('SELECT operation_id, account_id, bucket, asset, amount FROM postings ORDER BY operation_id, seq');
  const balances = await db.all<rows.BalanceRow>(`SELECT account_id, asset, bucket, amount, updated_at_ms FROM balances WHERE updated_at_ms <> ${UNWRITTEN_AT_MS}`);
  const reservations = await db.all<rows.ReservationRow & { updated_at_ms: number | null }>(
    'SELECT id, kind, account_id, asset, bucket, amount, fee, posted, voided, state, updated_at_ms FROM reservations',
  );
  return {
    assets: assets.map((a) => ({ ...rows.toAsset(a), createdAtMs: Number(a.created_at_ms) })),
    users: users.map(rows.toUser),
    accounts: accounts.map(rows.toAccount),
    identities: identities
      .map((i): IdentityRecord => ({ subject: i.subject, venue: i.venue, name: i.name, value: i.value, owner: i.owner }))
      .sort((a, b) => byText(a.subject, b.subject) || byText(a.venue, b.venue) || byText(a.name, b.name) || byText(a.value, b.value)),
    credentials: credentials.map(rows.toCredential),
    entries: entriesOf(operations, postings),
    balances: balances
      .map((b): BalanceWrite => ({ account: b.account_id, asset: b.asset, bucket: b.bucket, amount: BigInt(b.amount), atMs: Number(b.updated_at_ms) }))
      .sort(compareBalanceKeys),
    reservations: reservations
      .map((r): StoredReservation => ({ ...rows.toReservation(r), updatedAtMs: r.updated_at_ms === null ? null : Number(r.updated_at_ms) }))
      .sort((a, b) => byText(a.id, b.id)),
  };
}

/** Operations with their postings (both in journal order), as entries with their hashes. */
function entriesOf(operations: readonly rows.OperationRow[], postings: readonly rows.PostingRow[]): StoredEntry[] {
  const out: StoredEntry[] = [];
  let p = 0;
  for (const op of operations) {
    const own = [];
    while (p < postings.length && postings[p]!.operation_id === op.id) own.push(rows.withoutOperationId(rows.toPosting(postings[p++]!)));
    out.push({ ...rows.toEntry(op, own), hash: op.hash });
  }
  return out;
}

/**
 * Writes every row of `dump` into tables the caller emptied, in the order foreign keys need
 * (users before accounts before credentials, entries before their postings), assets in the
 * dump's order (which is their creation order from then on).
 */
export async function loadTables(db: SqlRunner, adapter: SqlAdapter, dump: LedgerDump): Promise<void> {
  const insert = (table: string, columns: readonly string[], values: SqlParam[][], givenIds = '') => insertRows(db, table, columns, values, givenIds);
  await insert(
    'assets',
    ['symbol', 'name', 'scale', 'venues', 'created_at_ms'],
    dump.assets.map((a) => [a.symbol, a.name, a.scale, rows.factsText(a.venues), a.createdAtMs]),
  );
  await insert('users', ['id', 'name', 'venues', 'created_at_ms'], dump.users.map((u) => [u.id, u.name, rows.factsText(u.venues), u.createdAtMs]));
  await insert(
    'accounts',
    ['id', 'user_id', 'kind', 'label', 'venues', 'created_at_ms'],
    dump.accounts.map((a) => [a.id, a.userId, a.kind, a.label, rows.factsText(a.venues), a.createdAtMs]),
  );
  await insert('identities', ['subject', 'venue', 'name', 'value', 'owner'], dump.identities.map((i) => [i.subject, i.venue, i.name, i.value, i.owner]));
  await insert(
    'credentials',
    ['id', 'venue', 'user_id', 'account_id', 'public_id', 'secret_sealed', 'extra', 'label', 'created_at_ms'],
    dump.credentials.map((c) => [c.id, c.venue, c.userId, c.accountId, c.publicId, c.secretSealed, JSON.stringify(c.extra), c.label, c.createdAtMs]),
  );
  await insert(
    'operations',
    ['id', 'key', 'hash', 'type', 'at_ms', 'request'],
    dump.entries.map((e) => [e.id, e.key, e.hash, e.type, e.atMs, JSON.stringify(e.request)]),
    adapter.givenIds,
  );
  await insert(
    'postings',
    ['operation_id', 'seq', 'account_id', 'bucket', 'asset', 'amount'],
    dump.entries.flatMap((e) => e.postings.map((p, seq) => [e.id, seq, p.account, p.bucket, p.asset, p.amount.toString()])),
  );
  await insert(
    'balances',
    ['account_id', 'asset', 'bucket', 'amount', 'updated_at_ms'],
    dump.balances.map((b) => [b.account, b.asset, b.bucket, b.amount.toString(), b.atMs]),
  );
  await insert(
    'reservations',
    ['id', 'kind', 'account_id', 'asset', 'bucket', 'amount', 'fee', 'posted', 'voided', 'state', 'updated_at_ms'],
    dump.reservations.map((r) => [r.id, r.kind, r.account, r.asset, r.bucket, r.amount.toString(), r.fee.toString(), r.posted.toString(), r.voided.toString(), r.state, r.updatedAtMs]),
  );
}

/** Multi-row INSERTs of at most ROWS_PER_INSERT rows; a tail smaller than that goes in powers of two. */
async function insertRows(db: SqlRunner, table: string, columns: readonly string[], values: readonly SqlParam[][], givenIds: string): Promise<void> {
  const row = `(${columns.map(() => '?').join(', ')})`;
  const head = `INSERT INTO ${table} (${columns.join(', ')}) ${givenIds} VALUES `;
  for (let i = 0; i < values.length; ) {
    const left = values.length - i;
    const n = left >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 2 ** Math.floor(Math.log2(left));
    await db.run(head + Array.from({ length: n }, () => row).join(', '), values.slice(i, i + n).flat());
    i += n;
  }
}
