/**
 * Which assetbook code a benchmark's servers run: by default the build in dist/, what `npm start`
 * and the `assetbook` command run (made first when stale, as `npm start` does), not the sources
 * through tsx. tsx compiles with esbuild's keepNames, which wraps every function a function
 * creates in a `__name` call: the SQLite batch path measured 10 to 15% slower in-process that way
 * (docs/benchmarks.md). `BENCH_ASSETBOOK_CODE=src` runs the sources instead, to compare.
 */
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib.js';

export type AssetbookCode = 'dist' | 'src';

export function assetbookCode(): AssetbookCode {
  const code = process.env.BENCH_ASSETBOOK_CODE ?? 'dist';
  if (code !== 'dist' && code !== 'src') throw new Error(`BENCH_ASSETBOOK_CODE is dist or src, not ${code}`);
  return code;
}

/** Builds dist/ unless it is current (scripts/build.mjs --if-stale); nothing to do for the sources. */
export function ensureBuilt(): void {
  if (assetbookCode() === 'src') return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building dist/ failed:\n${build.stdout}${build.stderr}`);
}

/**
 * One of assetbook's modules, from the code chosen: `path` as under src/ (`server/app.js`). The
 * caller types it from the sources (`typeof import('../src/…')`), which the build is made from.
 */
export async function assetbookModule<M>(path: string): Promise<M> {
  return (await import(new URL(`../${assetbookCode()}/${path}`, import.meta.url).href)) as M;
}
