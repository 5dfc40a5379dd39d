import type { LedgerError } from '../../ledger/errors.js';
import { VenueError, type VenueErrorRenderer } from '../shared/venue-error.js';
import type { LedgerErrorMap } from '../venue.js';
import { BITGET_VENUE_PATHS } from './unserved.js';

/**
 * Bitget's error catalogue as assetbook uses it: every code this dialect can send, with the HTTP
 * status and the message. Codes and messages are the venue's (api-doc/spot/error-code/restapi);
 * the status is 400 for every refusal, as the venue answers, except where noted. The ccxt
 * exception each code raises is listed in docs/venues/bitget.md and checked by the tests.
 */
export const BITGET_ERRORS = {
  accessKeyEmpty: { code: '40001', status: 400, msg: 'ACCESS_KEY cannot be empty' },
  accessSignEmpty: { code: '40002', status: 400, msg: 'ACCESS_SIGN cannot be empty' },
  timestampInvalid: { code: '40005', status: 400, msg: 'Invalid ACCESS_TIMESTAMP' },
  accessKeyInvalid: { code: '40006', status: 400, msg: 'Invalid ACCESS_KEY' },
  timestampExpired: { code: '40008', status: 400, msg: 'Request timestamp expired' },
  signatureWrong: { code: '40009', status: 400, msg: 'sign signature error' },
  passphraseEmpty: { code: '40011', status: 400, msg: 'ACCESS_PASSPHRASE cannot be empty' },
  passphraseWrong: { code: '40012', status: 400, msg: 'apikey/password is incorrect' },
  permissionDenied: { code: '40014', status: 400, msg: 'Incorrect permissions, need {0} permissions' },
  systemBusy: { code: '40015', status: 503, msg: 'System is abnormal, please try again later' },
  parameterInvalid: { code: '40017', status: 400, msg: 'Parameter verification failed {0}' },
  parameterEmpty: { code: '40019', status: 400, msg: 'Parameter {0} cannot be empty' },
  parameterError: { code: '40020', status: 400, msg: 'Parameter {0} error' },
  parameterUnknown: { code: '40034', status: 400, msg: 'Parameter {0} does not exist' },
  apiKeyUnknown: { code: '40037', status: 400, msg: 'Apikey does not exist' },
  classicAccount: { code: '40084', status: 400, msg: 'You are in Classic Account mode, and the Unified Account API is not supported at this time' },
  notFound: { code: '40404', status: 404, msg: 'Request URL NOT FOUND' },
  /**
   * A path the venue has that assetbook does not serve (unserved.ts). ccxt maps no Bitget code to
   * NotSupported; 40401 ("The operation cannot be performed" in ccxt's table) raises ExchangeError,
   * NotSupported's parent, which reads neither as the caller's mistake (BadRequest, what 40404
   * raises) nor as an outage worth retrying (ExchangeNotAvailable). 501: HTTP's "not implemented".
   */
  notServed: { code: '40401', status: 501, msg: 'assetbook does not serve {0}' },
  insufficientBalance: { code: '43012', status: 400, msg: 'Insufficient balance' },
  windowTooLong: { code: '00001', status: 400, msg: 'startTime and endTime interval cannot be greater than {0} days' },
  startAfterEnd: { code: '20001', status: 400, msg: 'startTime should be less than endTime' },
  tooManyRequests: { code: '429', status: 429, msg: 'Too Many Requests' },
  // Wallet and transfers (routes-wallet.ts, routes-transfer.ts).
  mustBePositive: { code: '01001', status: 400, msg: '{0} must be greater than 0' },
  tooPrecise: { code: '01002', status: 400, msg: '{0} precision must be less than or equal to {1}' },
  subUidNotOwned: { code: '40028', status: 400, msg: 'This subUid does not belong to this account' },
  clientOidInvalid: { code: '40305', status: 400, msg: 'clientOid or clientOrderId length cannot greater than 64, and cannot be Martian characters' },
  chainNotServed: { code: '42017', status: 400, msg: 'The current chain does not support deposit the coin' },
  internal: { code: '40015', status: 500, msg: 'System is abnormal, please try again later' },
  /** Sent only by a fault rule (docs/faults.md): the venue's "server upgrade" code, with 503 (its status is not documented). */
  maintenance: { code: '40200', status: 503, msg: 'Server upgrade, please try again later' },
} as const;

export type BitgetErrorName = keyof typeof BITGET_ERRORS;

export interface BitgetErrorBody {
  readonly code: string;
  readonly msg: string;
  readonly requestTime: number;
  readonly data: null;
}

/** A Bitget refusal: `{0}` in the venue's message is filled with `detail` (`{0}`, `{1}`... with a list). */
export function bitgetError(name: BitgetErrorName, detail: string | readonly string[] = '', headers: Readonly<Record<string, string>> = {}): VenueError {
  const { code, status, msg } = BITGET_ERRORS[name];
  const details = typeof detail === 'string' ? [detail] : detail;
  const text = msg.replace(/\{(\d)\}/g, (_, i: string) => details[Number(i)] ?? '').trim();
  // Restamped by the dialect's error handler with the server clock; the wall clock stands in
  // where no dialect is involved (a request refused by the HTTP parser).
  const body: BitgetErrorBody = { code, msg: text, requestTime: Date.now(), data: null };
  return new VenueError(status, body, text, headers);
}

/** Tier two: every ledger refusal as Bitget shows it. The compiler keeps this complete. */
const LEDGER_ERRORS: LedgerErrorMap<(error: LedgerError) => VenueError> = {
  INVALID_ARGUMENT: (e) => bitgetError('parameterInvalid', e.path ?? ''),
  INVALID_AMOUNT: (e) => bitgetError('parameterError', e.path ?? 'amount'),
  ASSET_NOT_FOUND: () => bitgetError('parameterUnknown', 'coin'),
  ASSET_EXISTS: (e) => bitgetError('parameterInvalid', e.path ?? 'coin'),
  USER_NOT_FOUND: () => bitgetError('apiKeyUnknown'),
  USER_EXISTS: (e) => bitgetError('parameterInvalid', e.path ?? ''),
  ACCOUNT_NOT_FOUND: () => bitgetError('apiKeyUnknown'),
  IDENTITY_TAKEN: (e) => bitgetError('parameterInvalid', e.path ?? ''),
  CREDENTIAL_EXISTS: (e) => bitgetError('parameterInvalid', e.path ?? ''),
  INSUFFICIENT_FUNDS: () => bitgetError('insufficientBalance'),
  IDEMPOTENCY_CONFLICT: (e) => bitgetError('parameterInvalid', e.path ?? 'clientOid'),
  PENDING_NOT_FOUND: (e) => bitgetError('parameterUnknown', e.path ?? 'orderId'),
  PENDING_CLOSED: (e) => bitgetError('parameterError', e.path ?? 'orderId'),
  CONCURRENCY_EXHAUSTED: () => bitgetError('systemBusy'),
  STORE_UNAVAILABLE: () => bitgetError('systemBusy'),
};

export const bitgetErrorRenderer: VenueErrorRenderer = {
  ledger: (error) => LEDGER_ERRORS[error.code](error),
  badRequest: (message) => bitgetError('parameterInvalid', message),
  notFound: (method, path) => (BITGET_VENUE_PATHS.has(method, path) ? bitgetError('notServed', `${method} ${path}`) : bitgetError('notFound')),
  internal: () => bitgetError('internal'),
};
