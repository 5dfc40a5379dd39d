#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner (TypeScript through tsx).
// Node 20's runner does not expand globs itself, hence this file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// Tests that need a real PostgreSQL or Redis are skipped without them; say so where it is seen.
const services = [
  ['ASSETBOOK_TEST_POSTGRES_URL', 'PostgreSQL store and multi-instance tests', 'postgres://postgres@127.0.0.1:5432/test'],
  ['ASSETBOOK_TEST_REDIS_URL', 'Redis rate-limit and multi-instance tests', 'redis://127.0.0.1:6379'],
];
const missing = services.filter(([name]) => !process.env[name]);
const skipped = missing.map(([name, what, example]) => `SKIPPED: ${what}, because ${name} is not set (e.g. ${name}=${example}; bash .ci/run sets it)`);
for (const line of skipped) console.log(line);

const only = process.argv.slice(2);
const files = only.length > 0 ? only : ['src', 'test'].flatMap(find).sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
for (const line of skipped) console.log(line);
process.exit(result.status ?? 1);
