import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

/**
 * The shared store suite (store.case.ts) only proves what an engine's test file runs. Each folder
 * beside this file is an engine (ARCHITECTURE.md: one folder per engine), so each must have a test
 * file that calls `runStoreSuite`; a new engine folder without one fails here.
 */
const here = new URL('./', import.meta.url);
const engines = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

test('the store engines are the folders sqlite and postgres', () => {
  assert.deepEqual(engines, ['postgres', 'sqlite']);
});

for (const engine of engines) {
  test(`the ${engine} engine has a test file that runs the shared store suite`, () => {
    const folder = new URL(`./${engine}/`, here);
    const runners = readdirSync(folder)
      .filter((name) => name.endsWith('.test.ts'))
      .filter((name) => /\brunStoreSuite\(/.test(readFileSync(new URL(name, folder), 'utf8')));
    assert.notDeepEqual(runners, [], `no *.test.ts in src/store/${engine}/ calls runStoreSuite`);
  });
}
