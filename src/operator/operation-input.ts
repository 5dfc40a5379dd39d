/**
 * The one reading of an operation request, shared by `POST /operations` (through the operator
 * plugin's validator, which compiles the same schema into the same check), `assetbook op` and
 * `ledger.apply` itself: it is the ledger's (../ledger/operation-types.ts).
 */
export { parseOperation as parseOperationRequest } from '../ledger/operation-types.js';
