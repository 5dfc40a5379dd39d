import type { LedgerError } from '../../../../src/ledger/errors.js';
import { VenueError, type VenueErrorRenderer } from '../../../../src/venues/shared/venue-error.js';
import type { LedgerErrorMap } from '../../../../src/venues/venue.js';

/**
 * The fourth venue's error catalogue: every code this dialect can send. Each code begins with its
 * HTTP status; the body is always `{"code", "message", "data": null}` (a success has code 0).
 */
export const FOURTH_ERRORS = {
  invalidParameter: { code: 40001, status: 400, message: 'Invalid parameter' },
  unknownTicker: { code: 40002, status: 400, message: 'Unknown ticker' },
  insufficientBalance: { code: 40003, status: 400, message: 'Insufficient balance' },
  apiKeyMissing: { code: 40101, status: 401, message: 'X-API-KEY header is required' },
  apiKeyInvalid: { code: 40102, status: 401, message: 'Invalid API key' },
  accountForbidden: { code: 40301, status: 403, message: 'This API key cannot read that account' },
  notFound: { code: 40401, status: 404, message: 'No such endpoint' },
  tooManyRequests: { code: 42901, status: 429, message: 'Too many requests' },
  internal: { code: 50001, status: 500, message: 'Internal error' },
  busy: { code: 50301, status: 503, message: 'Service busy, try again' },
} as const;

export type FourthErrorName = keyof typeof FOURTH_ERRORS;

export interface FourthErrorBody {
  readonly code: number;
  readonly message: string;
  readonly data: null;
}

/** A refusal in the venue's shape; `detail` follows the message after a colon. */
export function fourthError(name: FourthErrorName, detail = '', headers: Readonly<Record<string, string>> = {}): VenueError {
  const { code, status, message } = FOURTH_ERRORS[name];
  const text = detail === '' ? message : `${message}: ${detail}`;
  const body: FourthErrorBody = { code, message: text, data: null };
  return new VenueError(status, body, text, headers);
}

/**
 * Tier two: every ledger refusal as the fourth venue shows it. The one route is a read, which only
 * meets ACCOUNT_NOT_FOUND, ASSET_NOT_FOUND and the store's two transient codes; the rest are mapped
 * so that a new route cannot leak another shape, and the compiler keeps the map complete.
 */
const LEDGER_ERRORS: LedgerErrorMap<(error: LedgerError) => VenueError> = {
  INVALID_ARGUMENT: (e) => fourthError('invalidParameter', e.path ?? ''),
  INVALID_AMOUNT: (e) => fourthError('invalidParameter', e.path ?? 'amount'),
  ASSET_NOT_FOUND: () => fourthError('unknownTicker'),
  ASSET_EXISTS: (e) => fourthError('invalidParameter', e.path ?? ''),
  USER_NOT_FOUND: () => fourthError('apiKeyInvalid'),
  USER_EXISTS: (e) => fourthError('invalidParameter', e.path ?? ''),
  // An account that went away under a known key (a reset elsewhere): the key no longer reads anything.
  ACCOUNT_NOT_FOUND: () => fourthError('apiKeyInvalid'),
  IDENTITY_TAKEN: (e) => fourthError('invalidParameter', e.path ?? ''),
  CREDENTIAL_EXISTS: (e) => fourthError('invalidParameter', e.path ?? ''),
  INSUFFICIENT_FUNDS: () => fourthError('insufficientBalance'),
  IDEMPOTENCY_CONFLICT: (e) => fourthError('invalidParameter', e.path ?? ''),
  PENDING_NOT_FOUND: (e) => fourthError('invalidParameter', e.path ?? ''),
  PENDING_CLOSED: (e) => fourthError('invalidParameter', e.path ?? ''),
  CONCURRENCY_EXHAUSTED: () => fourthError('busy'),
  STORE_UNAVAILABLE: () => fourthError('busy'),
};

export const fourthErrorRenderer: VenueErrorRenderer = {
  ledger: (error) => LEDGER_ERRORS[error.code](error),
  // Always 400, whatever status Fastify chose (413, 415...): every code begins with its status.
  badRequest: (message) => fourthError('invalidParameter', message.slice(0, 200)),
  notFound: (method, path) => fourthError('notFound', `${method} ${path.slice(0, 200)}`),
  internal: () => fourthError('internal'),
};
