/**
 * The domain error catalogue: the first of the three error tiers.
 *
 * Every refusal the ledger can make has one code here. The operator API and each venue map every
 * code to their own status and body with a `Record<LedgerErrorCode, ...>`, so adding a code does
 * not compile until every surface has decided how to show it. Programmer mistakes are not in this
 * list: they are `assert` failures (tier three) and surface as an opaque internal error.
 */
export const LEDGER_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_AMOUNT',
  'ASSET_NOT_FOUND',
  'ASSET_EXISTS',
  'USER_NOT_FOUND',
  'USER_EXISTS',
  'ACCOUNT_NOT_FOUND',
  'IDENTITY_TAKEN',
  'CREDENTIAL_EXISTS',
  'INSUFFICIENT_FUNDS',
  'IDEMPOTENCY_CONFLICT',
  'PENDING_NOT_FOUND',
  'PENDING_CLOSED',
  'CONCURRENCY_EXHAUSTED',
  'STORE_UNAVAILABLE',
] as const;

export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/**
 * Not a refusal: an operation key another transaction committed after this one looked it up,
 * noticed through what that operation wrote (the reservation it opens, found after waiting for
 * its book's lock). A store with concurrent writers (PostgreSQL) classifies it as the lost key race
 * it is (like a unique clash on the key): the operation runs again and now answers as a replay. A
 * single writer (SQLite) looks keys up under its write lock, so never meets it.
 */
export class LostKeyRace extends Error {
  override readonly name = 'LostKeyRace';
  constructor(readonly key: string) {
    super(`operation ${key} was committed by another transaction after this one looked`);
  }
}

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    /** JSON-pointer-like location of the offending input field, when there is one. */
    readonly path?: string,
  ) {
    super(message);
  }
}

export function isLedgerError(error: unknown): error is LedgerError {
  return error instanceof LedgerError;
}

/** Tier three: a broken internal promise. Never shown to a client as anything but "internal". */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
