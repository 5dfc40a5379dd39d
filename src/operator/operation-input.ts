import { LedgerError } from '../ledger/errors.js';
import type { OperationRequest } from '../ledger/operations.js';
import { OperationInputBody } from './operation-schemas.js';
import { checkerFor, isPlainObject } from './validation.js';

/**
 * The one reading of an operation request, shared by `POST /operations` (through the operator
 * plugin's validator, which compiles the same schema into the same check) and `assetbook op`:
 * one mistake gets one answer, code, path and message, whichever way the operation came in.
 * The ledger still checks what only it can (assets, accounts, scales, balances).
 */
export function parseOperationRequest(value: unknown): OperationRequest {
  if (!isPlainObject(value)) throw new LedgerError('INVALID_ARGUMENT', 'an operation must be a JSON object');
  const refusal = checkerFor(OperationInputBody)(value);
  if (refusal) throw refusal;
  return value as OperationRequest;
}
