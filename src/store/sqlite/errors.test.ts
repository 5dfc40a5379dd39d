import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LedgerError } from '../../ledger/errors.js';
import { SqliteStore } from './sqlite-store.js';
import { classifySqliteError } from './errors.js';
import { seedStore } from '../seed.case.js';

const dir = mkdtempSync(join(tmpdir(), 'assetbook-sqlite-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** The error SQLite raises when `insert` runs twice on a freshly migrated file. */
function secondInsertError(insert: (db: Database.Database) => void): unknown {
  const path = join(dir, `clash-${++n}.db`);
  SqliteStore.open({ path }).close();
  const db = new Database(path);
  try {
    insert(db);
    try {
      insert(db);
    } catch (error) {
      return error;
    }
    return assert.fail('the second insert should clash');
  } finally {
    db.close();
  }
}

test('[sqlite] a clash on a name a caller chose is its refusal, by the columns the migrated schema really has', () => {
  const user = secondInsertError((db) => db.prepare("INSERT INTO users (name, venues, created_at_ms) VALUES ('alice', '{}', 0)").run());
  const meaning = classifySqliteError(user);
  assert.equal(meaning?.kind, 'identity-clash');
  assert.deepEqual(meaning?.kind === 'identity-clash' && [meaning.refusal.code, meaning.refusal.path], ['USER_EXISTS', 'name']);
  const key = secondInsertError((db) => db.prepare("INSERT INTO operations (key, hash, type, at_ms, request) VALUES ('k', 'h', 'deposit', 0, '{}')").run());
  assert.equal(classifySqliteError(key)?.kind, 'key-race');
  assert.equal(classifySqliteError(new Error('anything else')), undefined);
  assert.equal(classifySqliteError(null), undefined);
});

test('[sqlite] a file another process holds locked past the busy timeout is STORE_UNAVAILABLE from the store, and serves again once released', async () => {
  const path = join(dir, 'locked.db');
  const store = SqliteStore.open({ path, busyTimeoutMs: 0 });
  const other = new Database(path);
  try {
    const ids = await seedStore(store, { BTC: 8 }, ['alice']);
    other.exec('BEGIN IMMEDIATE');
    await assert.rejects(
      store.transaction((tx) => tx.setSetting('x', '1')),
      (error: unknown) => error instanceof LedgerError && error.code === 'STORE_UNAVAILABLE' && (error as { cause?: { code?: string } }).cause?.code === 'SQLITE_BUSY',
    );
    await assert.rejects(store.claimNonce('s', 'n', 2, 1), (error: unknown) => error instanceof LedgerError && error.code === 'STORE_UNAVAILABLE');
    assert.deepEqual(await store.readBalances(ids.alice!), [], 'reads go on meanwhile (WAL)');
    other.exec('ROLLBACK');
    await store.transaction((tx) => tx.setSetting('x', '1'));
    assert.equal(await store.getSetting('x'), '1');
  } finally {
    other.close();
    await store.close();
  }
});
