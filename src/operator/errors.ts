import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isLedgerError, type LedgerErrorCode } from '../ledger/errors.js';
import { isStoreUnreachable } from '../store/store.js';

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

/** Fastify's own client errors (bad JSON, wrong content type, too large), by their codes. */
const FASTIFY_CLIENT_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BAD_REQUEST'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'BAD_REQUEST'],
};

/**
 * Maps anything a handler throws to a status and the operator error body. Ledger errors by the
 * table above; schema failures and body-parser failures as 4xx with where they were found;
 * everything else is a programmer error: logged, and answered as an opaque 500.
 */
export function operatorErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (isLedgerError(error)) {
    void reply.status(OPERATOR_STATUS[error.code]).send(errorBody(error.code, error.message, error.path));
    return;
  }
  if (isStoreUnreachable(error)) {
    request.log.error({ err: error }, 'store unreachable');
    void reply.status(OPERATOR_STATUS.STORE_UNAVAILABLE).send(errorBody('STORE_UNAVAILABLE', 'the store cannot be reached; try again'));
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    // Paths are relative to the body, as the ledger's are; other parts of the request are named.
    const first = fastifyError.validation[0];
    const context = fastifyError.validationContext ?? 'body';
    const pointer = (first?.instancePath ?? '').replace(/^\//, '');
    const path = context === 'body' ? pointer : `${context}${pointer === '' ? '' : `/${pointer}`}`;
    void reply.status(400).send(errorBody('BAD_REQUEST', `${path || context} ${first?.message ?? 'is invalid'}`, path));
    return;
  }
  const known = fastifyError.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) {
    void reply.status(known[0]).send(errorBody(known[1], fastifyError.message));
    return;
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    void reply.status(fastifyError.statusCode).send(errorBody('BAD_REQUEST', fastifyError.message));
    return;
  }
  request.log.error({ err: error }, 'internal error');
  void reply.status(500).send(errorBody('INTERNAL', 'internal error'));
}
