import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, cleanEnv } from './cli/harness.js';

/**
 * The package entry as a user's suite meets it: `import { startAssetbook } from 'assetbook'`
 * resolves through package.json's "exports" to the built dist/ (built here first when stale, as
 * `npm start` does), the node:test example of docs/testing-with-assetbook.md runs as it is shown
 * (ccxt's bitget, the operator client, snapshots), and its TypeScript types hold.
 */

const EXAMPLE = 'examples/testing/node-test.mjs';
const TYPED = 'examples/testing/typed.ts';

before(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
});

test('package.json points main, types and "exports" at the built entry', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; types: string; exports: Record<string, Record<string, string>> };
  assert.deepEqual([pkg.main, pkg.types, pkg.exports['.']], ['./dist/index.js', './dist/index.d.ts', { types: './dist/index.d.ts', default: './dist/index.js' }]);
  // Resolved as a user's code resolves it: by the package's name.
  assert.equal(createRequire(join(ROOT, 'package.json')).resolve('assetbook'), join(ROOT, 'dist', 'index.js'));
});

test('the node:test example runs against the package entry and passes: a deposit seen by ccxt, snapshots restored between and inside tests', () => {
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', EXAMPLE], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /^# pass 3$/m, run.stdout);
  assert.match(run.stdout, /^# fail 0$/m, run.stdout);
});

test('docs/testing-with-assetbook.md shows the example files as they are: node:test (run above), vitest and jest', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'testing-with-assetbook.md'), 'utf8');
  for (const [file, language] of [[EXAMPLE, 'js'], ['examples/testing/vitest.test.ts', 'ts'], ['examples/testing/jest.test.mjs', 'js']] as const) {
    const example = readFileSync(join(ROOT, file), 'utf8');
    assert.ok(doc.includes(`\`\`\`${language}\n${example}\`\`\``), `the doc must show ${file} as it is`);
  }
});

test("the package's types: a TypeScript suite compiles against dist/index.d.ts, and a number for an amount does not", () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const options = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck'];
  const run = spawnSync(process.execPath, [tsc, ...options, TYPED], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout);
});
