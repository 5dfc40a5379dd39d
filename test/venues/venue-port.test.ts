import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { issueCredential } from '../../src/credentials/issue.js';
import { Keyring } from '../../src/credentials/keyring.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { venueSettingNames } from '../../src/server/venue-port.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeUnavailable } from '../../src/store/sql/errors.js';
import { bitget as bitgetDialect } from '../../src/venues/bitget/dialect.js';
import { venueOperationKey } from '../../src/venues/port.js';
import { skipWithoutPostgres } from '../support/services.js';
import { portOver } from '../support/venue-port.js';
import { postgresSchemas } from '../support/postgres-schemas.js';

/**
 * The venue port (src/venues/port.ts, built by src/server/venue-port.ts): what it lets a venue
 * see, and the named writes, whose guarantees hold across instances sharing one PostgreSQL.
 */

const schemas = postgresSchemas();

/** Two stores on one fresh schema: two instances sharing a database. */
async function twoPostgresInstances(): Promise<[PostgresStore, PostgresStore]> {
  const url = schemas.fresh();
  const first = await PostgresStore.open({ url });
  return [first, await PostgresStore.open({ url })];
}

describe('venue port: the session signing key', () => {
  test('is generated once, stored sealed, and read back the same on the next start', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const keyring = new Keyring(Keyring.generateKey());
      const name = venueSettingNames('bullish').signingKey;
      assert.equal(await store.getSetting(name), undefined);
      const first = await portOver(store, 'bullish', { keyring }).port.loadOrCreateSigningKey();
      assert.equal(first.length, 32);
      const sealed = await store.getSetting(name);
      assert.ok(sealed !== undefined && !sealed.includes(Buffer.from(first).toString('hex')), 'stored sealed, not in clear');
      assert.deepEqual(await portOver(store, 'bullish', { keyring }).port.loadOrCreateSigningKey(), first, 'a restart reads the same key');
      await assert.rejects(
        portOver(store, 'bullish').port.loadOrCreateSigningKey(),
        /cannot be opened with this secret key/,
        'another master key says so instead of signing with a new key',
      );
    } finally {
      await store.close();
    }
  });

  test('[postgres] instances starting together on one database all get the same key', { skip: skipWithoutPostgres }, async () => {
    const stores = await twoPostgresInstances();
    try {
      const keyring = new Keyring(Keyring.generateKey());
      const keys = await Promise.all(Array.from({ length: 6 }, (_, i) => portOver(stores[i % 2]!, 'bullish', { keyring }).port.loadOrCreateSigningKey()));
      assert.equal(new Set(keys.map((k) => Buffer.from(k).toString('hex'))).size, 1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('venue port: revoking sessions', () => {
  /** Each revocation appends its id to the user's record: a lost update would lose an id. */
  const append = (id: string) => (current: string | undefined) => JSON.stringify([...(JSON.parse(current ?? '[]') as string[]), id]);

  test('a revocation is read back, per user, and resolves what it wrote', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const { port } = portOver(store, 'bullish');
      assert.equal(await port.revocations(1), undefined);
      assert.equal(await port.revokeSession(1, append('a')), '["a"]');
      assert.equal(await port.revocations(1), '["a"]');
      assert.equal(await port.revocations(2), undefined);
    } finally {
      await store.close();
    }
  });

  test('[postgres] simultaneous revocations of one user on two instances all hold (none overwrites another)', { skip: skipWithoutPostgres }, async () => {
    const stores = await twoPostgresInstances();
    try {
      const ports = stores.map((s) => portOver(s, 'bullish').port);
      const ids = Array.from({ length: 10 }, (_, i) => `s${i}`);
      await Promise.all(ids.map((id, i) => ports[i % 2]!.revokeSession(7, append(id))));
      assert.deepEqual((JSON.parse((await ports[0]!.revocations(7))!) as string[]).sort(), ids.sort());
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('venue port: what a venue sees', () => {
  test("a venue's port finds its own credentials only", async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const { port: bitget, ledger, keyring } = portOver(store, 'bitget');
      const { port: bullish } = portOver(store, 'bullish', { ledger, keyring });
      await ledger.session(async (s) => {
        const { main } = await s.createUser({ name: 'alice' });
        await issueCredential(s, keyring, bitgetDialect.credentials, 'bitget', main, { apiKey: 'shared-public-id' });
      });
      assert.equal((await bitget.credential('shared-public-id'))?.venue, 'bitget');
      assert.equal(await bullish.credential('shared-public-id'), undefined);
    } finally {
      await store.close();
    }
  });

  test("a store that cannot be reached reaches the venue as the engine refused it, the ledger's STORE_UNAVAILABLE; other errors pass unchanged", async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const { port } = portOver(store, 'loopring');
      // Engines refuse so themselves (src/store/sql/errors.ts; the PostgreSQL one is tested over a cut connection).
      const refused = storeUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
      store.listAssets = () => Promise.reject(refused);
      await assert.rejects(port.assets(), (error: unknown) => error === refused && error instanceof LedgerError && error.code === 'STORE_UNAVAILABLE');
      const bug = new TypeError('not a store outage');
      store.listAssets = () => Promise.reject(bug);
      await assert.rejects(port.assets(), (error: unknown) => error === bug);
    } finally {
      await store.close();
    }
  });

  test('the clock and the generation are the ones the port was built with', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const { port, clock, ledger } = portOver(store, 'bitget');
      const before = port.clock();
      clock.advance(1234);
      assert.equal(port.clock(), before + 1234);
      const generation = port.generation();
      await ledger.reset();
      assert.notEqual(port.generation(), generation, 'a reset made in this process is seen at once');
    } finally {
      await store.close();
    }
  });
});

describe('venue port: transfers', () => {
  /** A user with a funded main account and a sub-account on `ledger`: their ids. */
  async function funded(ledger: ReturnType<typeof portOver>['ledger']): Promise<{ main: number; sub: number }> {
    const { main, sub } = await ledger.session(async (s) => {
      await s.createAsset({ symbol: 'USDT', name: 'Tether', scale: 6 });
      const { main } = await s.createUser({ name: 'alice' });
      return { main, sub: await s.createSubAccount(main.userId, { label: 'bot' }) };
    });
    await ledger.apply({ type: 'deposit', key: 'fund', account: main.id, asset: 'USDT', amount: '10' });
    return { main: main.id, sub: sub.id };
  }

  test("a transfer is the ledger's, written under the venue's name; its key again answers the first entry and moves nothing", async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const { port, ledger } = portOver(store, 'bitget');
      const { main, sub } = await funded(ledger);
      const first = await port.transfer({ key: 'move-1', from: main, to: sub, asset: 'USDT', amount: '2.5' });
      const again = await port.transfer({ key: 'move-1', from: main, to: sub, asset: 'USDT', amount: '2.5' });
      assert.deepEqual({ ...again, replayed: false }, first);
      assert.deepEqual([first.replayed, again.replayed], [false, true]);
      const history = await port.history({ account: sub, kinds: ['transfer'], keys: [venueOperationKey('bitget', 'move-1')], limit: 10 });
      assert.deepEqual(history.records.map((r) => r.entry.id), [first.id]);
      assert.deepEqual((await port.balances(sub)).map((b) => [b.bucket, b.amount]), [['available', 2_500_000n]]);
      // The operator's key of the same text is another operation: one venue's ids never replay another's or an operator's.
      await ledger.apply({ type: 'transfer', key: 'move-1', from: main, to: sub, asset: 'USDT', amount: '1' });
      assert.equal((await port.history({ account: sub, kinds: ['transfer'], limit: 10 })).records.length, 2);
      assert.ok((await ledger.verify()).ok);
    } finally {
      await store.close();
    }
  });

  test('an overdraw is refused with the ledger code and writes nothing; the key is then free', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const { port, ledger } = portOver(store, 'bitget');
      const { main, sub } = await funded(ledger);
      await assert.rejects(port.transfer({ key: 'big', from: main, to: sub, asset: 'USDT', amount: '11' }), (e: unknown) => e instanceof LedgerError && e.code === 'INSUFFICIENT_FUNDS');
      assert.equal((await port.history({ account: main, kinds: ['transfer'], limit: 10 })).total, 0);
      assert.equal((await port.transfer({ key: 'big', from: main, to: sub, asset: 'USDT', amount: '10' })).replayed, false);
    } finally {
      await store.close();
    }
  });

  test('[postgres] one key sent at once to two instances moves the amount once and answers one entry', { skip: skipWithoutPostgres }, async () => {
    const stores = await twoPostgresInstances();
    try {
      const first = portOver(stores[0]!, 'bitget');
      const { main, sub } = await funded(first.ledger);
      const ports = [first.port, portOver(stores[1]!, 'bitget', { keyring: first.keyring }).port];
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => ports[i % 2]!.transfer({ key: 'race', from: main, to: sub, asset: 'USDT', amount: '3' })));
      assert.equal(new Set(answers.map((a) => a.id)).size, 1);
      assert.equal(answers.filter((a) => !a.replayed).length, 1);
      assert.deepEqual((await first.port.balances(sub)).map((b) => b.amount), [3_000_000n]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
