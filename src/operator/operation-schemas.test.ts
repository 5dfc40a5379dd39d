import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchInputBody, OperationInputBody } from './operation-schemas.js';
import { OperationRequestSchema, checkedAlready, parseOperation } from '../ledger/operation-types.js';
import { LedgerError } from '../ledger/errors.js';

/**
 * The operator routes tell the ledger their bodies' operations were checked already
 * (`checkedAlready`), so that a batch is not checked twice. That is true only while their body
 * schemas are the ledger's own operation schema.
 */

test("the operator API's operation bodies are the ledger's operation schema itself, so its validation is the ledger's check", () => {
  assert.equal(OperationInputBody, OperationRequestSchema);
  assert.equal(BatchInputBody.properties.operations.items, OperationRequestSchema);
});

test('a request noted as checked is taken as it is; any other object is still checked', () => {
  // Wrong on purpose: a check would refuse it, so being taken proves the note is what counts.
  const noted = { key: 'k', type: 'deposit', account: 1, asset: 'BTC', amount: 'not an amount' } as never;
  const twin = { ...(noted as object) };
  checkedAlready([noted]);
  assert.equal(parseOperation(noted), noted);
  assert.throws(() => parseOperation(twin), (error) => error instanceof LedgerError && error.code === 'INVALID_AMOUNT' && error.path === 'amount');
});
