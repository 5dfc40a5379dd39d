#!/usr/bin/env node
// Compiles src/ into dist/ (tsc -p tsconfig.build.json), makes the `assetbook` bin executable and
// bundles the operator console (console/) into dist/console/ (scripts/build-console.mjs).
// With --if-stale (what `npm start` runs) it does nothing when dist/ was built from the current
// inputs: `npm ci` has just built it, and a full tsc costs 15 to 20 s of CPU on every start.
//
// "Current" means: the stamp written at the start of the last successful build is newer than every
// input, and the list of inputs is the one it records (a deleted or added file rebuilds too), with
// the same TypeScript version (an `npm ci` that changes the compiler rebuilds; so does
// package-lock.json, which is among the inputs).
// An mtime check costs milliseconds, where even a no-op `tsc -b` costs a second or more.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// fileURLToPath, not .pathname: a checkout under a path with spaces would stay percent-encoded.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const BIN = join(ROOT, 'dist', 'cli', 'main.js');
/** The operator console's front end, bundled by scripts/build-console.mjs (a checkout without it builds the server alone). */
const CONSOLE = existsSync(join(ROOT, 'console')) ? 'console' : null;
const CONFIGS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].filter((path) => existsSync(join(ROOT, path)));
const require = createRequire(import.meta.url);
const COMPILER = `typescript ${JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')).version}`;

/** What the stamp records: the compiler, then every input's path. */
const stampText = (inputs) => [COMPILER, ...inputs].join('\n');

function sources(dir, extensions = ['.ts']) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path, extensions);
    return extensions.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.test.ts') ? [path] : [];
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
  if (stamp.text !== stampText(inputs)) return false;
  return inputs.every((path) => statSync(join(ROOT, path)).mtimeMs <= stamp.mtimeMs);
}

async function build(inputs) {
  const started = new Date();
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  chmodSync(BIN, 0o755);
  if (CONSOLE !== null) await (await import('./build-console.mjs')).buildConsole(join(ROOT, 'dist', 'console'));
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(STAMP, stampText(inputs));
  // The stamp carries the time the build started: a file saved while tsc ran is newer, so stale.
  utimesSync(STAMP, started, started);
}

const inputs = [...sources('src').sort(), ...(CONSOLE === null ? [] : sources(CONSOLE, ['.ts', '.tsx', '.css', '.html', '.json']).sort()), ...CONFIGS];
if (process.argv.includes('--if-stale') && isCurrent(inputs)) process.exit(0);
if (process.argv.includes('--if-stale')) console.error('assetbook: dist/ is missing or older than src/: building (tsc, about 20 s)');
await build(inputs);
