import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

/**
 * Venues see the rest of assetbook only through the venue port (port.ts): dependencies point
 * server → venues, never back, and no venue reaches past the ledger into a store. This reads every
 * source file under src/venues (tests included) and resolves each relative import, static or
 * dynamic, so a new import of the server or a store fails here instead of quietly bringing the
 * cycle back.
 */
const venues = dirname(fileURLToPath(import.meta.url));
const src = resolve(venues, '..');
const FORBIDDEN = ['server', 'store', 'cli', 'operator', 'scenario'];

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = resolve(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file names: `import … from`, `export … from`, side-effect `import '…'` and `import('…')`. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) found.push(match[1]!);
  return found;
}

/** The top folder of src/ an import lands in, or null when it leaves src/ (a package, test support). */
function srcFolderOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(src, resolve(dirname(file), specifier));
  if (target.startsWith('..')) return null;
  return target.split(/[\\/]/)[0] ?? null;
}

test('the import scanner sees static, re-export, side-effect and dynamic imports', () => {
  const text = "import type { A } from '../../cli/a.js';\nexport { b } from \"../operator/b.js\";\nimport './x.js';\nawait import('../../ledger/y.js');";
  assert.deepEqual(specifiers(text), ['../../cli/a.js', '../operator/b.js', './x.js', '../../ledger/y.js']);
});

test('no venue source imports the server, a store, the CLI, the operator API or the scenario loader', () => {
  const offences: string[] = [];
  for (const file of sources(venues)) {
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      const folder = srcFolderOf(file, specifier);
      if (folder !== null && FORBIDDEN.includes(folder)) offences.push(`${relative(src, file)} imports ${specifier}`);
    }
  }
  assert.deepEqual(offences, [], 'venues reach the rest of assetbook through port.ts only');
});
