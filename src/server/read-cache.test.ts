import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../test/support/clock.js';
import { freshKey, makeWorld, type World } from '../../test/support/fixtures.js';
import { postgresSchemas } from '../../test/support/postgres-schemas.js';
import { skipWithoutPostgres } from '../../test/support/services.js';
import { Ledger } from '../ledger/ledger.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { VENUES } from '../venues/index.js';
import { READ_CACHE_MAX_AGE_MS, ReadCache } from './read-cache.js';

/** A read of one account's balances as text, counting how often it really reads. */
function countingRead(ledger: Ledger, account: number) {
  let reads = 0;
  const read = async () => {
    reads += 1;
    return (await ledger.balances(account)).map((b) => `${b.asset}/${b.bucket}=${b.amount}`).join(',');
  };
  return { read, reads: () => reads };
}

/** Reads until the ledger's watch is established (the first read only starts it), then once more to keep the value. */
async function kept(cache: ReadCache, account: number, read: () => Promise<string>): Promise<string> {
  await cache.get(account, 'v', read);
  await new Promise((resolve) => setImmediate(resolve));
  return cache.get(account, 'v', read);
}

describe('the read cache (one process)', () => {
  const clock = new ManualClock(1_700_000_000_000);
  let world: World;
  const setUp = async () => {
    world = await makeWorld(undefined, clock.now);
    return new ReadCache(world.ledger.readVersions, clock.now);
  };

  test('a value is read once while nothing touches its account, and again right after a commit that does', async () => {
    const cache = await setUp();
    const { read, reads } = countingRead(world.ledger, world.alice.id);
    await kept(cache, world.alice.id, read);
    const before = reads();
    assert.equal(await cache.get(world.alice.id, 'v', read), await read());
    assert.equal(reads(), before + 1, 'served kept (the extra read is the comparison)');
    await world.ledger.apply({ type: 'deposit', key: freshKey(), account: world.alice.id, asset: 'BTC', amount: '1' });
    assert.match(await cache.get(world.alice.id, 'v', read), /BTC\/available=100000000/);
  });

  test("a commit on another account leaves an account's value kept", async () => {
    const cache = await setUp();
    const { read, reads } = countingRead(world.ledger, world.alice.id);
    await kept(cache, world.alice.id, read);
    const before = reads();
    await world.ledger.apply({ type: 'deposit', key: freshKey(), account: world.bob.id, asset: 'BTC', amount: '1' });
    await cache.get(world.alice.id, 'v', read);
    assert.equal(reads(), before);
  });

  test('a reset forgets every kept value', async () => {
    const cache = await setUp();
    await world.ledger.apply({ type: 'deposit', key: freshKey(), account: world.alice.id, asset: 'BTC', amount: '1' });
    const { read } = countingRead(world.ledger, world.alice.id);
    assert.match(await kept(cache, world.alice.id, read), /BTC/);
    await world.ledger.reset();
    // The account is gone with everything else: the read is made again, and says so.
    await assert.rejects(async () => cache.get(world.alice.id, 'v', read), /ACCOUNT_NOT_FOUND|no account/);
  });

  test('a value is served no longer than the maximum age', async () => {
    const cache = await setUp();
    const { read, reads } = countingRead(world.ledger, world.alice.id);
    await kept(cache, world.alice.id, read);
    const before = reads();
    clock.advance(READ_CACHE_MAX_AGE_MS - 1);
    await cache.get(world.alice.id, 'v', read);
    assert.equal(reads(), before);
    clock.advance(1);
    await cache.get(world.alice.id, 'v', read);
    assert.equal(reads(), before + 1);
  });

  test('variants and accounts are kept apart', async () => {
    const cache = await setUp();
    await cache.get(world.alice.id, 'v', async () => 'alice');
    await new Promise((resolve) => setImmediate(resolve));
    await cache.get(world.alice.id, 'v', async () => 'alice');
    assert.equal(await cache.get(world.bob.id, 'v', async () => 'bob'), 'bob');
    assert.equal(await cache.get(world.alice.id, 'w', async () => 'alice-w'), 'alice-w');
    assert.equal(await cache.get(world.alice.id, 'v', async () => 'not kept'), 'alice');
  });

  /** Keeps `value` for `account`'s variant (the first read starts the account's watch, the second keeps). */
  const keep = async (cache: ReadCache, account: number, variant: string, value: string) => {
    await cache.get(account, variant, async () => value);
    await new Promise((resolve) => setImmediate(resolve));
    await cache.get(account, variant, async () => value);
  };

  test('memory is bounded across accounts: past the cap, the value of the account stored to longest ago goes', async () => {
    world = await makeWorld(undefined, clock.now);
    const cache = new ReadCache(world.ledger.readVersions, clock.now, READ_CACHE_MAX_AGE_MS, 3);
    for (let account = 1; account <= 10; account++) await keep(cache, account, 'v', String(account));
    assert.equal(cache.size, 3);
    assert.equal(await cache.get(10, 'v', async () => 'not kept'), '10');
    assert.equal(await cache.get(8, 'v', async () => 'not kept'), '8');
    assert.equal(await cache.get(7, 'v', async () => 'read again'), 'read again');
  });

  test("memory is bounded within one account too: past the cap, the account's oldest variant goes", async () => {
    world = await makeWorld(undefined, clock.now);
    const cache = new ReadCache(world.ledger.readVersions, clock.now, READ_CACHE_MAX_AGE_MS, 3);
    for (let n = 1; n <= 10; n++) await keep(cache, world.alice.id, `v${n}`, String(n));
    assert.equal(cache.size, 3);
    assert.equal(await cache.get(world.alice.id, 'v10', async () => 'not kept'), '10');
    assert.equal(await cache.get(world.alice.id, 'v1', async () => 'read again'), 'read again');
  });

  test('storing a variant again replaces its value without counting it twice', async () => {
    const cache = await setUp();
    await keep(cache, world.alice.id, 'v', 'first');
    clock.advance(READ_CACHE_MAX_AGE_MS);
    assert.equal(await cache.get(world.alice.id, 'v', async () => 'second'), 'second');
    assert.equal(await cache.get(world.alice.id, 'v', async () => 'not kept'), 'second');
    assert.equal(cache.size, 1);
  });
});

describe('the read cache across instances (PostgreSQL)', { skip: skipWithoutPostgres }, () => {
  const schemas = postgresSchemas('ab_readcache');
  const ledgers: Ledger[] = [];
  after(async () => {
    for (const ledger of ledgers) {
      await ledger.readVersions.close();
      await ledger.store.close();
    }
  });

  test("another instance's commit reaches a kept value once its notice arrives", async () => {
    const url = schemas.fresh();
    const world = await makeWorld(await PostgresStore.open({ url, poolSize: 2 }));
    const other = new Ledger(await PostgresStore.open({ url, poolSize: 2 }), Date.now, { venues: VENUES.map((v) => v.identity) });
    ledgers.push(world.ledger, other);
    const cache = new ReadCache(other.readVersions, Date.now);
    const { read } = countingRead(other, world.alice.id);
    // Kept once the watch is established: wait for that event rather than a time.
    await cache.get(world.alice.id, 'v', read);
    while (!(await isWatching(other))) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await cache.get(world.alice.id, 'v', read), '');
    const changed = other.readVersions.nextChangeOfAll();
    await world.ledger.apply({ type: 'deposit', key: freshKey(), account: world.alice.id, asset: 'BTC', amount: '2' });
    // The notice may be the periodic look rather than this commit's: wait until the value follows.
    await changed;
    let value = await cache.get(world.alice.id, 'v', read);
    while (!/BTC\/available=200000000/.test(value)) {
      await other.readVersions.nextChangeOfAll();
      value = await cache.get(world.alice.id, 'v', read);
    }
    assert.match(value, /BTC\/available=200000000/);
  });
});

/** True once the ledger hands out versions (its journal watch is established). */
async function isWatching(ledger: Ledger): Promise<boolean> {
  return ledger.readVersions.of(1) !== null;
}
