import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assertCleanFailure, cli, demoDb, show, tempDir } from './harness.js';

/**
 * A mistyped --db must not become a new empty database that `verify` calls ok. Only serve,
 * scenario load and migrate create one; a path that holds something else is named, with what to do.
 */

const OP = '{"key":"k1","type":"deposit","account":1,"asset":"BTC","amount":"1"}';
const READERS: readonly (readonly string[])[] = [['verify'], ['balances'], ['op', OP], ['journal'], ['reset', '--yes']];

test('verify, balances, op, journal and reset refuse a --db with nothing there, name it, and create nothing', async () => {
  const dir = tempDir();
  const typo = join(dir, 'data', 'assetbok.db');
  for (const command of READERS) {
    const r = await cli([...command, '--db', typo]);
    assert.equal(r.code, 1, `${command[0]}: ${show(r)}`);
    assertCleanFailure(r);
    assert.ok(r.stderr.includes(`no database at ${typo}`), `${command[0]} names the path\n${show(r)}`);
    assert.match(r.stderr, /--db/, `${command[0]} says which flag picks the database`);
    assert.ok(!existsSync(join(dir, 'data')), `${command[0]} created neither the file nor its folder (nor a secret key in it)`);
  }
});

test('the same refusal when the mistyped path comes from ASSETBOOK_DB', async () => {
  const typo = join(tempDir(), 'assetbok.db');
  const r = await cli(['verify'], { ASSETBOOK_DB: typo });
  assert.equal(r.code, 1, show(r));
  assertCleanFailure(r);
  assert.ok(r.stderr.includes(typo), show(r));
  assert.ok(!existsSync(typo));
});

test('scenario load and migrate still create a new database at a new path', async () => {
  const dir = tempDir();
  const loaded = await cli(['scenario', 'load', 'examples/demo.json', '--db', join(dir, 'new', 'a.db')]);
  assert.equal(loaded.code, 0, show(loaded));
  const migrated = await cli(['migrate', '--db', join(dir, 'other', 'm.db')]);
  assert.equal(migrated.code, 0, show(migrated));
  assert.ok(existsSync(join(dir, 'new', 'a.db')) && existsSync(join(dir, 'other', 'm.db')));
});

test('a --db naming a directory is refused with the path and an example of a file path', async () => {
  const dir = tempDir();
  const folder = join(dir, 'data');
  mkdirSync(folder);
  const r = await cli(['verify', '--db', folder]);
  assert.equal(r.code, 1, show(r));
  assertCleanFailure(r);
  assert.ok(r.stderr.includes(`${folder} is a directory`), show(r));
  assert.ok(r.stderr.includes(join(folder, 'assetbook.db')), show(r));

  const served = await cli(['serve', '--db', folder, '--port', '0']);
  assert.equal(served.code, 2, show(served));
  assertCleanFailure(served);
  assert.ok(served.stderr.includes(folder), show(served));
});

test('a file that is not a database is refused by verify, scenario load and serve, naming it and saying what to do', async () => {
  const dir = tempDir();
  const notes = join(dir, 'notes.db');
  writeFileSync(notes, 'these are my notes, not a database; they are long enough to have a header\n'.repeat(4));
  for (const args of [['verify'], ['scenario', 'load', 'examples/demo.json'], ['serve', '--port', '0']]) {
    const r = await cli([...args, '--db', notes]);
    assert.equal(r.code, 2, `${args[0]}: ${show(r)}`);
    assertCleanFailure(r);
    assert.ok(r.stderr.includes(`${notes} is not an assetbook database`), `${args[0]} names the file\n${show(r)}`);
    assert.match(r.stderr, /check --db/, `${args[0]} says what to do`);
  }
});

test('a database whose header was overwritten is called damaged, by path, not with a stack trace', async () => {
  const dir = tempDir();
  const db = await demoDb(dir);
  const fd = openSync(db, 'r+');
  try {
    writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  const r = await cli(['verify', '--db', db]);
  assert.notEqual(r.code, 0, show(r));
  assertCleanFailure(r);
  assert.ok(r.stderr.includes(db), show(r));
  assert.match(r.stderr, /damaged/, show(r));
  assert.match(r.stderr, /backup/, show(r));
});

test('damage that only a query finds (a journal page overwritten) is named by path with what to do', async () => {
  const dir = tempDir();
  const db = await demoDb(dir);
  const sqlite = new Database(db, { readonly: true });
  const { rootpage } = sqlite.prepare<[], { rootpage: number }>("SELECT rootpage FROM sqlite_master WHERE name = 'postings'").get() ?? { rootpage: 0 };
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  sqlite.close();
  assert.ok(rootpage > 1, 'the postings table has a root page');
  const fd = openSync(db, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0x41), 0, pageSize, (rootpage - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  const r = await cli(['verify', '--db', db]);
  // Found when the store opens (exit 2, as for any unusable --db) or by verify's first query (exit 1): either way, by path.
  assert.ok(r.code === 1 || r.code === 2, show(r));
  assertCleanFailure(r);
  assert.ok(r.stderr.includes(`${db} is`) && /damaged/.test(r.stderr), show(r));
  assert.match(r.stderr, /restore (it|the file) from a backup/, show(r));
});
