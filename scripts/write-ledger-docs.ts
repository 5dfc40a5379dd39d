// Rewrites the operation table of docs/ledger.md from src/ledger/operation-types.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withOperationTable } from '../src/ledger/operation-docs.js';

const file = new URL('../docs/ledger.md', import.meta.url);
writeFileSync(file, withOperationTable(readFileSync(file, 'utf8')));
console.log('wrote the operation table of docs/ledger.md');
