#!/usr/bin/env node
// Bundles the operator console (console/: Preact, TypeScript) into dist/console/ with esbuild:
// index.html, console.js and console.css, everything the page loads, served by assetbook as
// static files (src/server/console.ts). Run by scripts/build.mjs; on its own, `node
// scripts/build-console.mjs [outdir]`. Nothing is fetched: esbuild and Preact come from
// node_modules, so `npm ci` then `npm run build` works offline but for the npm registry.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CONSOLE_SOURCE = join(ROOT, 'console');
export const CONSOLE_OUT = join(ROOT, 'dist', 'console');

/** Builds the console into `outdir` (emptied first). */
export async function buildConsole(outdir = CONSOLE_OUT) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { console: join(CONSOLE_SOURCE, 'src', 'main.tsx') },
    outdir,
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    tsconfig: join(CONSOLE_SOURCE, 'tsconfig.json'),
  });
  copyFileSync(join(CONSOLE_SOURCE, 'index.html'), join(outdir, 'index.html'));
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildConsole(process.argv[2] ?? CONSOLE_OUT);
}
