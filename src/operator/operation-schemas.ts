import { Type } from '@sinclair/typebox';
import { BATCH_SIZE_MAX } from '../ledger/ledger.js';
import { OperationRequestSchema } from '../ledger/operation-types.js';

/**
 * The operator API's operation bodies. The operation schemas themselves are the ledger's
 * (../ledger/operation-types.ts): the API serves and documents them, it does not own them.
 */


export const OperationInputBody = OperationRequestSchema;

export const BatchInputBody = Type.Object(
  {
    operations: Type.Array(OperationInputBody, {
      minItems: 1,
      maxItems: BATCH_SIZE_MAX,
      'x-invalid': `must be an array of 1 to ${BATCH_SIZE_MAX} operations`,
    }),
  },
  { additionalProperties: false, title: 'a batch', $id: 'BatchInput' },
);
