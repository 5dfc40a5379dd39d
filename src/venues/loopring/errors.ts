import type { LedgerError } from '../../ledger/errors.js';
import { VenueError, type VenueErrorRenderer } from '../shared/venue-error.js';
import type { LedgerErrorMap } from '../venue.js';
import { LOOPRING_VENUE_PATHS } from './unserved.js';

/**
 * Loopring's error catalogue as assetbook uses it: every code this dialect can send. Codes and
 * messages are the venue's (DEX API v3 docs, and the SDK's `LoopringErrorCode`). Every refusal
 * is HTTP 400 with `{"resultInfo":{"code","message"}}`, because the SDK accepts only 2xx and 400
 * and turns any other status into a thrown HTTP error; the exceptions are the rate limit (429,
 * whose body the venue does not document), a bug (500), a path assetbook does not serve (501),
 * where a thrown error is the point, and maintenance (503, sent only by a fault rule).
 * docs/venues/loopring.md lists when each is sent.
 */
export const LOOPRING_ERRORS = {
  unknown: { code: 100000, status: 400, message: 'Unknown error' },
  invalidParameter: { code: 100001, status: 400, message: 'Invalid parameter' },
  userNotFound: { code: 101002, status: 400, message: 'User not found' },
  unsupportedTokenId: { code: 102002, status: 400, message: 'Unsupported token id' },
  emptyApiKey: { code: 104001, status: 400, message: 'Empty ApiKey' },
  invalidApiKey: { code: 104002, status: 400, message: 'Invalid ApiKey' },
  invalidAccountId: { code: 104003, status: 400, message: 'Invalid Account ID' },
  noSignature: { code: 104004, status: 400, message: 'No signature information provided' },
  wrongSignature: { code: 104005, status: 400, message: 'Wrong signature information' },
  emptyOwner: { code: 107001, status: 400, message: 'Owner/User cannot be empty' },
  tooManyRequests: { code: 100000, status: 429, message: 'Too many requests' },
  internal: { code: 100000, status: 500, message: 'Unknown error' },
  /**
   * A path the venue has that assetbook does not serve (unserved.ts): 501, so that the SDK throws
   * (it resolves a 400's `resultInfo` as if it were the answer) with the body still telling why.
   */
  notServed: { code: 100000, status: 501, message: 'Unknown error' },
  maintenance: { code: 100000, status: 503, message: 'Service under maintenance' },
} as const;

export type LoopringErrorName = keyof typeof LOOPRING_ERRORS;

export interface LoopringErrorBody {
  readonly resultInfo: { readonly code: number; readonly message: string };
}

/** A Loopring refusal; `detail` follows the venue's message after a colon. */
export function loopringError(name: LoopringErrorName, detail = '', headers: Readonly<Record<string, string>> = {}): VenueError {
  const { code, status, message } = LOOPRING_ERRORS[name];
  const text = detail === '' ? message : `${message}: ${detail}`;
  const body: LoopringErrorBody = { resultInfo: { code, message: text } };
  return new VenueError(status, body, text, headers);
}

/**
 * Tier two: every ledger refusal as Loopring shows it. The read endpoints only meet
 * ACCOUNT_NOT_FOUND and ASSET_NOT_FOUND; the rest would come from a write, which this dialect
 * does not serve yet, and are mapped so that a new route cannot leak another shape.
 */
const LEDGER_ERRORS: LedgerErrorMap<(error: LedgerError) => VenueError> = {
  INVALID_ARGUMENT: (e) => loopringError('invalidParameter', e.path ?? ''),
  INVALID_AMOUNT: (e) => loopringError('invalidParameter', e.path ?? 'amount'),
  ASSET_NOT_FOUND: () => loopringError('unsupportedTokenId'),
  ASSET_EXISTS: (e) => loopringError('invalidParameter', e.path ?? ''),
  USER_NOT_FOUND: () => loopringError('userNotFound'),
  USER_EXISTS: (e) => loopringError('invalidParameter', e.path ?? ''),
  ACCOUNT_NOT_FOUND: () => loopringError('userNotFound'),
  IDENTITY_TAKEN: (e) => loopringError('invalidParameter', e.path ?? ''),
  CREDENTIAL_EXISTS: (e) => loopringError('invalidParameter', e.path ?? ''),
  INSUFFICIENT_FUNDS: () => loopringError('unknown', 'insufficient balance'),
  IDEMPOTENCY_CONFLICT: (e) => loopringError('invalidParameter', e.path ?? ''),
  PENDING_NOT_FOUND: (e) => loopringError('invalidParameter', e.path ?? ''),
  PENDING_CLOSED: (e) => loopringError('invalidParameter', e.path ?? ''),
  CONCURRENCY_EXHAUSTED: () => loopringError('unknown', 'busy, try again'),
  STORE_UNAVAILABLE: () => loopringError('unknown', 'busy, try again'),
};

export const loopringErrorRenderer: VenueErrorRenderer = {
  ledger: (error) => LEDGER_ERRORS[error.code](error),
  // Always 400, whatever status Fastify chose (415, 413...): the SDK throws on anything else.
  badRequest: (message) => loopringError('invalidParameter', message),
  notFound: (method, path) =>
    LOOPRING_VENUE_PATHS.has(method, path)
      ? loopringError('notServed', `assetbook does not serve ${method} ${path}`)
      : loopringError('unknown', `assetbook serves no ${method} ${path.slice(0, 200)}`),
  internal: () => loopringError('internal'),
};
