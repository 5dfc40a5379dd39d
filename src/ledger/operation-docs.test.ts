import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { operationTableMarkdown, withOperationTable } from './operation-docs.js';
import { OPERATION_TYPES } from './operation-types.js';

test('docs/ledger.md holds the operation table generated from the operation schemas (run `npm run docs:ledger` after changing them)', () => {
  const docs = readFileSync(new URL('../../docs/ledger.md', import.meta.url), 'utf8');
  assert.equal(docs, withOperationTable(docs));
});

test('the operation table has one row per operation type, with its required and optional fields', () => {
  const rows = operationTableMarkdown().split('\n').slice(2);
  assert.deepEqual(rows.map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1]), [...OPERATION_TYPES]);
  assert.match(rows.find((row) => row.startsWith('| `withdrawal.request` ')) ?? '', /\| account, asset, amount, fee\?, chain\?, address\?, tag\?, txHash\? \|/);
  assert.match(rows.find((row) => row.startsWith('| `trade` ')) ?? '', /\| legs\[\], fees\[\]\? \|/);
  assert.match(rows.find((row) => row.startsWith('| `adjust` ')) ?? '', /amount \(signed\), reason \|/);
});
