import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

/**
 * The shared store suite (store.case.ts) only proves what an engine's test file runs. Each folder
 * beside this file but `sql/` (the core every engine shares) is an engine (ARCHITECTURE.md: one
 * folder per engine), so each must have a test file that calls `runStoreSuite`; a new engine
 * folder without one fails here. Engines are built alike: the same files, so that what one
 * engine does is found where the other does it.
 */
const here = new URL('./', import.meta.url);
const folders = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const engines = folders.filter((name) => name !== 'sql');

test('the store engines are the folders sqlite and postgres, beside the shared SQL core', () => {
  assert.deepEqual(folders, ['postgres', 'sql', 'sqlite']);
  assert.deepEqual(engines, ['postgres', 'sqlite']);
});

/** What every engine folder holds: its adapter to the core, its error classifier, its migrations, its store, and their tests. */
const ENGINE_FILES = (engine: string) => ['adapter.ts', 'errors.test.ts', 'errors.ts', `${engine}-store.test.ts`, `${engine}-store.ts`, 'migrations.ts'];

for (const engine of engines) {
  test(`the ${engine} engine has a test file that runs the shared store suite`, () => {
    const folder = new URL(`./${engine}/`, here);
    const runners = readdirSync(folder)
      .filter((name) => name.endsWith('.test.ts'))
      .filter((name) => /\brunStoreSuite\(/.test(readFileSync(new URL(name, folder), 'utf8')));
    assert.notDeepEqual(runners, [], `no *.test.ts in src/store/${engine}/ calls runStoreSuite`);
  });

  test(`the ${engine} engine has the files every engine has, and builds on the shared core`, () => {
    const folder = new URL(`./${engine}/`, here);
    const files = readdirSync(folder);
    for (const name of ENGINE_FILES(engine)) assert.ok(files.includes(name), `src/store/${engine}/${name} is missing`);
    const store = readFileSync(new URL(`${engine}-store.ts`, folder), 'utf8');
    assert.match(store, /from '\.\.\/sql\/core\.js'/, 'the store builds on ../sql/core.ts');
    // The transaction class lives in the store's file, or in a file of its own beside it.
    const tx = files.includes(`${engine}-tx.ts`) ? readFileSync(new URL(`${engine}-tx.ts`, folder), 'utf8') : store;
    assert.match(tx, /extends SqlTx\b/, 'its transactions extend the core SqlTx');
    assert.match(readFileSync(new URL('adapter.ts', folder), 'utf8'), /runMigrations\(/, 'its migrations go through the one runner');
  });
}
