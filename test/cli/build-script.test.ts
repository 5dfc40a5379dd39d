import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './harness.js';

/**
 * scripts/build.mjs, which `npm start` runs with --if-stale: it must build when dist/ is missing
 * or older than its inputs, and do nothing when it is current. Run on a one-file project of the
 * same layout, so that each build costs a second of tsc rather than the whole of src/.
 */

function fixture(dir = tempDir()): string {
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
  copyFileSync(join(ROOT, 'scripts', 'build.mjs'), join(dir, 'scripts', 'build.mjs'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'package-lock.json'), '{ "lockfileVersion": 3 }\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [] } }));
  writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] }));
  writeFileSync(join(dir, 'src', 'cli', 'main.ts'), "#!/usr/bin/env node\nconst greeting: string = 'hello from the bin';\nconsole.log(greeting);\n");
  return dir;
}

/** Runs the build script; `built` tells whether it compiled (a marker left in dist/ is then gone). */
function buildIfStale(dir: string): { built: boolean; stderr: string } {
  const marker = join(dir, 'dist', 'marker');
  if (existsSync(join(dir, 'dist'))) writeFileSync(marker, '');
  const r = spawnSync(process.execPath, [join(dir, 'scripts', 'build.mjs'), '--if-stale'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { built: !existsSync(marker), stderr: r.stderr };
}

test('build --if-stale builds a missing dist/, and its bin runs directly: executable, with its shebang', () => {
  const dir = fixture();
  const first = buildIfStale(dir);
  assert.ok(first.built);
  assert.match(first.stderr, /building/);
  const bin = join(dir, 'dist', 'cli', 'main.js');
  assert.ok((statSync(bin).mode & 0o111) !== 0, 'dist/cli/main.js is executable');
  assert.equal(execFileSync(bin, { encoding: 'utf8' }).trim(), 'hello from the bin');
});

test('build --if-stale does nothing when dist/ was built from the current inputs', () => {
  const dir = fixture();
  buildIfStale(dir);
  const again = buildIfStale(dir);
  assert.equal(again.built, false, 'dist/ was left alone');
  assert.equal(again.stderr, '');
});

test('build --if-stale rebuilds after a source, a tsconfig, package.json or package-lock.json changes, or a source is added or deleted', () => {
  const dir = fixture();
  buildIfStale(dir);
  // Times set in the past, not in the future: the next build's stamp must be newer than the input.
  const now = Date.now();
  const inputs = ['src/cli/main.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
  for (const input of inputs) {
    const stamp = join(dir, 'dist', '.build-stamp');
    // Every other input older than the stamp, so that only this one can make the build stale.
    for (const other of inputs) utimesSync(join(dir, other), new Date(now - 30_000), new Date(now - 30_000));
    utimesSync(stamp, new Date(now - 20_000), new Date(now - 20_000));
    utimesSync(join(dir, input), new Date(now - 10_000), new Date(now - 10_000));
    assert.ok(buildIfStale(dir).built, `rebuilt after ${input} changed`);
    assert.equal(buildIfStale(dir).built, false, 'then current again');
  }
  // An added file, even one whose time is older than the last build (copied, or checked out).
  const added = join(dir, 'src', 'extra.ts');
  writeFileSync(added, 'export const extra = 1;\n');
  utimesSync(added, new Date(0), new Date(0));
  assert.ok(buildIfStale(dir).built, 'rebuilt after a source was added');
  assert.ok(existsSync(join(dir, 'dist', 'extra.js')));
  execFileSync('rm', [added]);
  assert.ok(buildIfStale(dir).built, 'rebuilt after a source was deleted');
  assert.ok(!existsSync(join(dir, 'dist', 'extra.js')), 'its output went with it');
  assert.ok(readFileSync(join(dir, 'dist', '.build-stamp'), 'utf8').includes('src/cli/main.ts'));
});

test('build works in a checkout whose path has spaces', () => {
  const dir = fixture(join(tempDir(), 'My Projects', 'assetbook'));
  assert.ok(buildIfStale(dir).built);
  assert.equal(execFileSync(join(dir, 'dist', 'cli', 'main.js'), { encoding: 'utf8' }).trim(), 'hello from the bin');
  assert.equal(buildIfStale(dir).built, false, 'and then finds it current');
});

test('build --if-stale rebuilds when the installed TypeScript version changes, even with every file older than dist/', () => {
  const dir = fixture();
  // A node_modules of the fixture's own whose typescript is the real one but for its package.json.
  rmSync(join(dir, 'node_modules'));
  const real = join(ROOT, 'node_modules', 'typescript');
  const typescript = join(dir, 'node_modules', 'typescript');
  mkdirSync(typescript, { recursive: true });
  for (const entry of readdirSync(real)) if (entry !== 'package.json') symlinkSync(join(real, entry), join(typescript, entry));
  const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(join(typescript, 'package.json'), JSON.stringify(manifest));
  buildIfStale(dir);
  assert.equal(buildIfStale(dir).built, false);
  writeFileSync(join(typescript, 'package.json'), JSON.stringify({ ...manifest, version: `${manifest.version}-next` }));
  utimesSync(join(typescript, 'package.json'), new Date(0), new Date(0));
  assert.ok(buildIfStale(dir).built, 'rebuilt with the new compiler');
});
