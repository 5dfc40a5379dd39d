import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LedgerError, LostKeyRace } from '../../ledger/errors.js';
import { PostgresStore } from './postgres-store.js';
import { classifyPostgresError, isKeyRace } from './errors.js';
import { seedStore } from '../seed.case.js';
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

test('a key race the ledger finds itself (LostKeyRace: the reservation of a key committed meanwhile) is a key race (rerun), never a bug', () => {
  assert.equal(isKeyRace(new LostKeyRace('p1')), true);
});

test('a clash on some other unique constraint is not a key race', () => {
  assert.equal(isKeyRace({ code: '23505', constraint_name: 'users_name_key' }), false);
  assert.equal(isKeyRace({ code: '23505', constraint_name: 'operations_key_key' }), true);
  assert.equal(isKeyRace({ code: '40P01', constraint_name: 'reservations_pkey' }), false);
});

test('a clash on a name a caller chose is its refusal; an unreachable server is unreachable; anything else has no meaning here', () => {
  const clash = classifyPostgresError({ code: '23505', constraint_name: 'users_name_key' });
  assert.deepEqual(clash?.kind === 'identity-clash' && [clash.refusal.code, clash.refusal.path], ['USER_EXISTS', 'name']);
  assert.equal(classifyPostgresError({ code: '23505', constraint_name: 'accounts_pkey' })?.kind, 'retryable', 'a catalog id taken in between');
  assert.equal(classifyPostgresError({ code: '40001' })?.kind, 'retryable');
  for (const code of ['ECONNREFUSED', 'CONNECTION_CLOSED', '08006', '57P01']) assert.equal(classifyPostgresError({ code })?.kind, 'unreachable', code);
  assert.equal(classifyPostgresError({ code: '42P01' }), undefined);
  assert.equal(classifyPostgresError(new Error('no code')), undefined);
});

/** A TCP relay to the test server that can be cut and restored: the server going away, with no outage of the real one. */
async function relay(target: URL): Promise<{ port: number; cut: () => Promise<void>; restore: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connectTcp(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    port,
    cut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server!.close(() => resolve());
      }),
    restore: listen,
  };
}

const unavailable = (error: unknown) => error instanceof LedgerError && error.code === 'STORE_UNAVAILABLE' && (error as { cause?: unknown }).cause !== undefined;

test('[postgres] a server that goes away is STORE_UNAVAILABLE from the store, for reads, writes and scans, and the store serves again once it is back', { skip }, async () => {
  const direct = new URL(TEST_POSTGRES_URL!);
  const link = await relay(direct);
  const url = new URL(direct);
  url.hostname = '127.0.0.1';
  url.port = String(link.port);
  url.searchParams.set('search_path', schema);
  const store = await PostgresStore.open({ url: url.toString(), retries: 1 });
  try {
    const ids = await seedStore(store, { BTC: 8 }, ['carol']);
    await link.cut();
    await assert.rejects(store.readBalances(ids.carol!), unavailable);
    await assert.rejects(store.getAccount(ids.carol!), unavailable);
    await assert.rejects(store.transaction((tx) => tx.setSetting('x', '1')), unavailable);
    await assert.rejects(store.listSettledJournal(0, 10), unavailable);
    await assert.rejects(store.snapshot(async (scans) => { for await (const _ of scans.scanBalances()) break; }), unavailable);
    await link.restore();
    assert.deepEqual(await store.readBalances(ids.carol!), []);
    await store.transaction((tx) => tx.setSetting('x', '1'));
    assert.equal(await store.getSetting('x'), '1');
  } finally {
    await store.close();
    await link.cut();
  }
});
