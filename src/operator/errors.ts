import { Refusal, type RefusalRenderer } from '../http/refusal.js';
import type { LedgerErrorCode } from '../ledger/errors.js';

/**
 * Tier two for the operator API: every domain code has its HTTP status here, and the compiler
 * refuses a new code until it has one.
 */
export const OPERATOR_STATUS: Record<LedgerErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_AMOUNT: 400,
  ASSET_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  PENDING_NOT_FOUND: 404,
  ASSET_EXISTS: 409,
  USER_EXISTS: 409,
  IDENTITY_TAKEN: 409,
  CREDENTIAL_EXISTS: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PENDING_CLOSED: 409,
  INSUFFICIENT_FUNDS: 422,
  CONCURRENCY_EXHAUSTED: 503,
  STORE_UNAVAILABLE: 503,
};

export interface OperatorErrorBody {
  error: { code: string; message: string; path?: string };
}

export function errorBody(code: string, message: string, path?: string): OperatorErrorBody {
  return { error: path === undefined || path === '' ? { code, message } : { code, message, path } };
}

/** The operator code of a bad request, by the status Fastify chose for it. */
const BAD_REQUEST_CODES: Readonly<Record<number, string>> = {
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  417: 'EXPECTATION_FAILED',
  431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
};

/** A refusal in the operator API's shape. */
export const operatorRefusal = (status: number, code: string, message: string, path?: string): Refusal => new Refusal(status, errorBody(code, message, path), message);
const refusal = operatorRefusal;

/**
 * The operator API's renderer in the one error chain (src/http/refusal.ts): ledger errors by the
 * table above, with their path; schema failures as 400 BAD_REQUEST naming the field (relative to
 * the body, as the ledger's paths are; other parts of the request by name); body-parser failures
 * by their status; anything else an opaque 500.
 */
export const operatorRenderer: RefusalRenderer = {
  ledger: (error) => refusal(OPERATOR_STATUS[error.code], error.code, error.message, error.path),
  badRequest: (message, status, input) =>
    input ? refusal(400, 'BAD_REQUEST', `${input.path || input.context} ${input.reason}`, input.path) : refusal(status, BAD_REQUEST_CODES[status] ?? 'BAD_REQUEST', message),
  notFound: (method, path) => refusal(404, 'NOT_FOUND', `no route ${method} ${path}`),
  internal: () => refusal(500, 'INTERNAL', 'internal error'),
};
