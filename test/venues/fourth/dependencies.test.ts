import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

/**
 * The fourth venue keeps the rule every venue under src/venues keeps (src/venues/dependencies.test.ts):
 * it reaches the rest of assetbook through the venue port only, never the server, a store, the CLI,
 * the operator API or the scenario loader. Its sources are the files under ./venue.
 */
const here = dirname(fileURLToPath(import.meta.url));
const venue = resolve(here, 'venue');
const src = resolve(here, '../../../src');
const FORBIDDEN = ['server', 'store', 'cli', 'operator', 'scenario'];

function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

test('no source of the fourth venue imports the server, a store, the CLI, the operator API or the scenario loader', () => {
  const files = readdirSync(venue).filter((name) => name.endsWith('.ts'));
  assert.ok(files.includes('dialect.ts'), 'the venue sources are here');
  const offences: string[] = [];
  for (const name of files) {
    const file = resolve(venue, name);
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(src, resolve(dirname(file), specifier));
      if (target.startsWith('..')) {
        // Outside src/: only its own folder.
        if (!resolve(dirname(file), specifier).startsWith(venue)) offences.push(`${name} imports ${specifier} (outside src/ and its folder)`);
        continue;
      }
      const top = target.split(/[\\/]/)[0] ?? '';
      if (FORBIDDEN.includes(top)) offences.push(`${name} imports ${specifier}`);
    }
  }
  assert.deepEqual(offences, []);
});
