import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import Database from 'better-sqlite3';
import { runStoreSuite } from '../store.case.js';
import { SqliteStore } from './sqlite-store.js';
import { Ledger } from '../../ledger/ledger.js';
import { seedStore } from '../seed.case.js';

const dir = mkdtempSync(join(tmpdir(), 'assetbook-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStoreSuite('sqlite memory', async () => SqliteStore.open({ path: ':memory:' }));
runStoreSuite('sqlite file', async () => SqliteStore.open({ path: join(dir, `suite-${++n}.db`) }));

test('[sqlite] the journal refuses edits at the database itself', async () => {
  const path = join(dir, 'append-only.db');
  const store = SqliteStore.open({ path });
  const ledger = new Ledger(store);
  await seedStore(store, { BTC: 8 }, ['alice']);
  await ledger.apply({ key: 'd', type: 'deposit', account: 1, asset: 'BTC', amount: '1' });
  await store.close();
  const raw = new Database(path);
  assert.throws(() => raw.prepare("UPDATE postings SET amount = '999'").run(), /append-only/);
  assert.throws(() => raw.prepare('DELETE FROM operations').run(), /append-only/);
  raw.close();
});

test('[sqlite] a file store keeps everything across a reopen, with migrations applied once', async () => {
  const path = join(dir, 'reopen.db');
  const first = SqliteStore.open({ path, durability: 'full' });
  await seedStore(first, { BTC: 8 }, []);
  await first.close();
  const second = SqliteStore.open({ path, durability: 'normal' });
  assert.equal((await second.listAssets())[0]?.symbol, 'BTC');
  await second.close();
});

test('[sqlite] a database from a newer assetbook is refused, not guessed at', () => {
  const path = join(dir, 'newer.db');
  SqliteStore.open({ path }).close();
  const raw = new Database(path);
  raw.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (999, ?, 0)').run('future');
  raw.close();
  assert.throws(() => SqliteStore.open({ path }), /newer than this assetbook/);
});

test('[sqlite] readers of a file store never see an uncommitted write', async () => {
  const store = SqliteStore.open({ path: join(dir, 'isolation.db') });
  const ledger = new Ledger(store);
  await seedStore(store, { BTC: 8 }, ['alice']);
  let seenInside: number | undefined;
  await assert.rejects(
    ledger.session(async (s) => {
      await s.apply({ key: 'd', type: 'deposit', account: 1, asset: 'BTC', amount: '1' });
      seenInside = (await store.readBalances(1)).length;
      throw new Error('rolled back');
    }),
  );
  assert.equal(seenInside, 0);
  await store.close();
});

test('[sqlite] a read while a verify (or a dump: the same read snapshot) holds its snapshot sees every commit: scans read on a connection of their own', async () => {
  const store = SqliteStore.open({ path: join(dir, 'scan-isolation.db') });
  const ledger = new Ledger(store);
  await seedStore(store, { BTC: 8 }, ['alice']);
  await ledger.apply({ key: 'd1', type: 'deposit', account: 1, asset: 'BTC', amount: '1' });
  const amount = async () => (await store.readBalances(1)).find((b) => b.bucket === 'available')?.amount;
  await store.snapshot(async (scans) => {
    for await (const _ of scans.scanBalances()) break;
    await ledger.apply({ key: 'd2', type: 'deposit', account: 1, asset: 'BTC', amount: '1' });
    assert.equal(await amount(), 200_000_000n, 'the writer reads its own write during a verify');
    let scanned = 0n;
    for await (const b of scans.scanBalances()) if (b.account === 1) scanned = b.amount;
    assert.equal(scanned, 100_000_000n, 'while the scans still see the state they began at');
  });
  await store.close();
});
