import type { LedgerError } from '../../ledger/errors.js';
import { VenueError, type VenueErrorRenderer } from '../shared/venue-error.js';
import type { LedgerErrorMap } from '../venue.js';
import { BULLISH_VENUE_PATHS } from './unserved.js';

/**
 * Every refusal the Bullish dialect sends, in Bullish's error body
 * `{message, errorCode, errorCodeName, raw}`. Where Bullish's own answer is unknown (the OpenAPI
 * lists only statuses) the code is chosen so that ccxt's `bullish.handleErrors` raises the class
 * named in `ccxt`; test/venues/bullish.errors.test.ts runs ccxt's own handler over every entry to
 * keep that column true, and docs/venues/bullish.md lists every entry (a test checks that too).
 */
export const BULLISH_ERRORS = {
  /** Login: unknown BX-PUBLIC-KEY, wrong or malformed BX-SIGNATURE, missing login headers. Bullish's "Invalid Login". */
  INVALID_LOGIN: { status: 401, errorCode: 8327, ccxt: 'AuthenticationError' },
  /** Login: BX-NONCE malformed or already used by this key, BX-TIMESTAMP malformed or outside the window. */
  INVALID_NONCE: { status: 401, errorCode: 2035, ccxt: 'InvalidNonce' },
  /** Bearer token missing, malformed, tampered, expired, logged out, or naming a credential that is gone; a command's BX-SIGNATURE that does not match. Observed on Bullish. */
  UNAUTHORIZED_COMMAND: { status: 401, errorCode: 6105, ccxt: 'AuthenticationError' },
  /** A tradingAccountId that is not one of the caller's, whether or not it exists. */
  ACCOUNT_DOES_NOT_EXIST: { status: 403, errorCode: 2010, ccxt: 'AuthenticationError' },
  /** `POST /v2/command` without BX-SIGNATURE. Bullish's documented 400 body. */
  MISSING_SIGNATURE_HEADER: { status: 400, errorCode: 6029, ccxt: 'ExchangeError' },
  /** A missing, malformed or repeated parameter, an oversized query, an unreadable body. */
  BAD_INCOMING_REQUEST: { status: 400, errorCode: 2001, ccxt: 'BadRequest' },
  /** An asset symbol the venue does not list. Observed on Bullish (as a 400 there; 404 here, as the OpenAPI lists). */
  INVALID_SYMBOL: { status: 404, errorCode: 28004, ccxt: 'BadSymbol' },
  /** No route for this method and path under /trading-api. */
  UNKNOWN_REQUEST_TYPE: { status: 404, errorCode: 2016, ccxt: 'BadRequest' },
  /** A path Bullish has that assetbook does not serve (unserved.ts). Bullish's "Unsupported operation" code; 501, HTTP's "not implemented". */
  UNSUPPORTED_OPERATION: { status: 501, errorCode: 8318, ccxt: 'NotSupported' },
  /** A transfer command that would overdraw the account it moves from. */
  INSUFFICIENT_BALANCE: { status: 400, errorCode: 3001, ccxt: 'InsufficientFunds' },
  /** A rate limit was exceeded. Bullish's documented body; ccxt raises a plain ExchangeError for it. */
  RATE_LIMIT_EXCEEDED: { status: 429, errorCode: 96000, ccxt: 'ExchangeError' },
  /** A bug, or the store giving up: nothing of the cause is shown. */
  UNKNOWN_ERROR: { status: 500, errorCode: 2005, ccxt: 'ExchangeError' },
  /** The store aborted the transaction too often. */
  SERVICE_BUSY: { status: 503, errorCode: 2005, ccxt: 'ExchangeError' },
} as const satisfies Record<string, { status: number; errorCode: number; ccxt: string }>;

export type BullishErrorName = keyof typeof BULLISH_ERRORS;

/** The wire body. `raw` is always null, as in every Bullish error seen in public. */
export interface BullishErrorBody {
  readonly message: string;
  readonly errorCode: number;
  readonly errorCodeName: string;
  readonly raw: null;
}

/** The name on the wire: the catalogue key, except SERVICE_BUSY, which shares UNKNOWN_ERROR's code and name. */
function toWireName(name: BullishErrorName): string {
  return name === 'SERVICE_BUSY' ? 'UNKNOWN_ERROR' : name;
}

export function buildBullishErrorBody(name: BullishErrorName, message: string): BullishErrorBody {
  return { message, errorCode: BULLISH_ERRORS[name].errorCode, errorCodeName: toWireName(name), raw: null };
}

/** A refusal in Bullish's shape, ready to throw from a hook or a handler. */
export function bullishError(name: BullishErrorName, message: string, headers: Readonly<Record<string, string>> = {}): VenueError {
  return new VenueError(BULLISH_ERRORS[name].status, buildBullishErrorBody(name, message), message, headers);
}

/** Tier two: how Bullish answers every ledger refusal. The compiler refuses a new ledger code until it has a line here. */
export const BULLISH_LEDGER_ERRORS: LedgerErrorMap<BullishErrorName> = {
  INVALID_ARGUMENT: 'BAD_INCOMING_REQUEST',
  INVALID_AMOUNT: 'BAD_INCOMING_REQUEST',
  ASSET_NOT_FOUND: 'INVALID_SYMBOL',
  // Never say whether an account or user exists: the same answer as another tenant's account.
  USER_NOT_FOUND: 'ACCOUNT_DOES_NOT_EXIST',
  ACCOUNT_NOT_FOUND: 'ACCOUNT_DOES_NOT_EXIST',
  PENDING_NOT_FOUND: 'BAD_INCOMING_REQUEST',
  ASSET_EXISTS: 'BAD_INCOMING_REQUEST',
  USER_EXISTS: 'BAD_INCOMING_REQUEST',
  IDENTITY_TAKEN: 'BAD_INCOMING_REQUEST',
  CREDENTIAL_EXISTS: 'BAD_INCOMING_REQUEST',
  IDEMPOTENCY_CONFLICT: 'BAD_INCOMING_REQUEST',
  PENDING_CLOSED: 'BAD_INCOMING_REQUEST',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_BALANCE',
  CONCURRENCY_EXHAUSTED: 'SERVICE_BUSY',
  STORE_UNAVAILABLE: 'SERVICE_BUSY',
};

export const bullishErrorRenderer: VenueErrorRenderer = {
  ledger: (error: LedgerError) => {
    const name = BULLISH_LEDGER_ERRORS[error.code];
    // Account and user refusals never echo what was asked for.
    const message = name === 'ACCOUNT_DOES_NOT_EXIST' ? 'Trading account not found' : error.message;
    return bullishError(name, message);
  },
  badRequest: (message, status) => {
    const refusal = bullishError('BAD_INCOMING_REQUEST', message);
    // Keep Fastify's precise status (413 too large, 415 wrong content type); the body stays Bullish's.
    return status === refusal.status ? refusal : new VenueError(status, refusal.body, message);
  },
  notFound: (method, path) =>
    BULLISH_VENUE_PATHS.has(method, path)
      ? bullishError('UNSUPPORTED_OPERATION', `assetbook does not serve ${method} ${path}`)
      : bullishError('UNKNOWN_REQUEST_TYPE', `No route ${method} ${path}`),
  internal: () => bullishError('UNKNOWN_ERROR', 'Internal error'),
};
