#!/usr/bin/env node
// Compiles src/ into dist/ (tsc -p tsconfig.build.json) and makes the `assetbook` bin executable.
// With --if-stale (what `npm start` runs) it does nothing when dist/ was built from the current
// inputs: `npm ci` has just built it, and a full tsc costs 15 to 20 s of CPU on every start.
//
// "Current" means: the stamp written at the start of the last successful build is newer than every
// input, and the list of inputs is the one it records (a deleted or added file rebuilds too).
// An mtime check costs milliseconds, where even a no-op `tsc -b` costs a second or more.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = new URL('..', import.meta.url).pathname;
const STAMP = join(ROOT, 'dist', '.build-stamp');
const BIN = join(ROOT, 'dist', 'cli', 'main.js');
const CONFIGS = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

function sources(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function isCurrent(inputs) {
  let stamp;
  try {
    stamp = { mtimeMs: statSync(STAMP).mtimeMs, text: readFileSync(STAMP, 'utf8') };
    statSync(BIN);
  } catch {
    return false;
  }
  if (stamp.text !== inputs.join('\n')) return false;
  return inputs.every((path) => statSync(join(ROOT, path)).mtimeMs <= stamp.mtimeMs);
}

function build(inputs) {
  const started = new Date();
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  chmodSync(BIN, 0o755);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(STAMP, inputs.join('\n'));
  // The stamp carries the time the build started: a file saved while tsc ran is newer, so stale.
  utimesSync(STAMP, started, started);
}

const inputs = [...sources('src').sort(), ...CONFIGS];
if (process.argv.includes('--if-stale') && isCurrent(inputs)) process.exit(0);
if (process.argv.includes('--if-stale')) console.error('assetbook: dist/ is missing or older than src/: building (tsc, about 20 s)');
build(inputs);
