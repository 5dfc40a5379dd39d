import { LedgerError } from '../../ledger/errors.js';

/**
 * How PostgreSQL's errors become assetbook's: a unique identity taken is a domain refusal; a lost
 * race (deadlock, serialization failure, an operation key another transaction committed first)
 * is an error the transaction retries; anything else is rethrown as it is.
 */

interface PgError {
  readonly code?: string;
  readonly constraint_name?: string;
}

/** Each unique constraint a client's input can clash with: the domain code and the input field. */
const IDENTITY_CONSTRAINTS: Record<string, { readonly code: LedgerError['code']; readonly field: string }> = {
  assets_pkey: { code: 'ASSET_EXISTS', field: 'symbol' },
  users_name_key: { code: 'USER_EXISTS', field: 'name' },
  credentials_venue_public_id_key: { code: 'CREDENTIAL_EXISTS', field: 'publicId' },
};

/**
 * The unique constraints an operation's key can clash on: the operation's own, and the id of the
 * reservation it opens (inserted before the operation, and often the same string as its key).
 * `reservations_pkey` since migration 2, which replaced the pendings table (`pendings_pkey`).
 */
const KEY_RACE_CONSTRAINTS = new Set(['operations_key_key', 'reservations_pkey']);

/** A unique clash on an operation's key (or the reservation it opens): another transaction committed it first. */
export function isKeyRace(error: unknown): boolean {
  const { code, constraint_name: constraint } = error as PgError;
  return code === UNIQUE_VIOLATION && constraint !== undefined && KEY_RACE_CONSTRAINTS.has(constraint);
}

/** PostgreSQL's deadlock detector aborted the transaction: counted, because the lock order promises none. */
export function isDeadlock(error: unknown): boolean {
  return (error as PgError).code === '40P01';
}

/** SQLSTATEs that mean "another transaction got there first; run again". */
const RETRYABLE_STATES = new Set(['40001', '40P01']);

const UNIQUE_VIOLATION = '23505';

/** A unique clash on a client-chosen identity, as the domain error; undefined for anything else. */
export function identityClash(error: unknown): LedgerError | undefined {
  const { code, constraint_name: constraint } = error as PgError;
  if (code !== UNIQUE_VIOLATION || constraint === undefined) return undefined;
  const known = IDENTITY_CONSTRAINTS[constraint];
  if (!known) return undefined;
  return new LedgerError(known.code, `already taken: ${known.field}`, known.field);
}

/**
 * True when running the transaction again may succeed: a deadlock or serialization abort, or a
 * unique clash on a key assetbook allocates or checks itself (an operation key, a reservation id,
 * a catalog id), which means another transaction committed it after this one looked.
 */
export function isRetryable(error: unknown): boolean {
  const { code } = error as PgError;
  if (code !== undefined && RETRYABLE_STATES.has(code)) return true;
  return code === UNIQUE_VIOLATION && identityClash(error) === undefined;
}
