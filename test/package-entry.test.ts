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
 * `npm start` does), the examples of docs/testing-with-assetbook.md run as they are shown, each
 * under its own runner (node:test, vitest and jest: ccxt, the operator client, snapshots), and the
 * package's TypeScript types hold.
 */

const EXAMPLE = 'examples/testing/node-test.mjs';
const TYPED = 'examples/testing/typed.ts';
const VITEST_EXAMPLE = 'examples/testing/vitest.test.ts';
const JEST_EXAMPLE = 'examples/testing/jest.test.mjs';

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

/** A dev dependency's command, as package.json's "bin" names it (its "exports" do not include it). */
function binOf(name: string): string {
  const dir = join(ROOT, 'node_modules', name);
  const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  return join(dir, typeof bin === 'string' ? bin : bin[name]!);
}

/** A test runner's own CLI, run on one example file as a user runs it; its output on failure. */
function runRunner(args: readonly string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env: cleanEnv({ FORCE_COLOR: '0', NO_COLOR: '1', CI: 'true', ...env }), encoding: 'utf8', timeout: 300_000 });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

test('the vitest example runs against the package entry and passes both its tests (ccxt bullish, snapshots)', () => {
  const run = runRunner([binOf('vitest'), 'run', '--reporter=verbose', VITEST_EXAMPLE]);
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /Tests\s+2 passed \(2\)/, run.output);
});

test('the jest example runs against the package entry, as its comment says to run it (ES modules on, no transform), and passes both its tests', () => {
  const run = runRunner(['--experimental-vm-modules', binOf('jest'), '--config', '{"transform":{}}', '--rootDir', '.', JEST_EXAMPLE]);
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /Tests:\s+2 passed, 2 total/, run.output);
});

test('docs/testing-with-assetbook.md shows the example files as they are: node:test (run above), vitest and jest', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'testing-with-assetbook.md'), 'utf8');
  for (const [file, language] of [[EXAMPLE, 'js'], [VITEST_EXAMPLE, 'ts'], [JEST_EXAMPLE, 'js']] as const) {
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
