import { LostKeyRace } from '../../ledger/errors.js';
import { nameClash, type NameClash, type SqlErrorClassifier } from '../sql/errors.js';

/**
 * How PostgreSQL's errors (postgres.js's, with the SQLSTATE in `code`) become assetbook's, by the
 * contract in ../sql/errors.ts.
 */

interface PgError {
  readonly code?: string;
  readonly constraint_name?: string;
}

/** Each unique constraint a caller's input can clash with: the domain code and the input field. */
const NAME_CLASHES: Record<string, NameClash> = {
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

const UNIQUE_VIOLATION = '23505';

/** SQLSTATEs that mean "another transaction got there first; run again". */
const RETRYABLE_STATES = new Set(['40001', '40P01']);

/**
 * The database cannot be reached or dropped the connection: socket errors, postgres.js's own, and
 * SQLSTATE classes 08 (connection exception) and 57P (the server shutting down or starting).
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

export const classifyPostgresError: SqlErrorClassifier = (error) => {
  // The same race as a unique clash on the key, found by the ledger before any insert could clash.
  if (error instanceof LostKeyRace) return { kind: 'key-race' };
  const { code, constraint_name: constraint } = (error ?? {}) as PgError;
  if (typeof code !== 'string') return undefined;
  if (code === UNIQUE_VIOLATION) {
    const clash = constraint === undefined ? undefined : NAME_CLASHES[constraint];
    if (clash) return { kind: 'identity-clash', refusal: nameClash(clash) };
    // Any other unique clash is on a key assetbook allocates or checks itself (an operation key, a
    // reservation id, a catalog id): another transaction committed it after this one looked.
    return constraint !== undefined && KEY_RACE_CONSTRAINTS.has(constraint) ? { kind: 'key-race' } : { kind: 'retryable' };
  }
  if (RETRYABLE_STATES.has(code)) return { kind: 'retryable' };
  if (UNREACHABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) return { kind: 'unreachable' };
  return undefined;
};

/** A unique clash on an operation's key (or the reservation it opens): another transaction committed it first. */
export function isKeyRace(error: unknown): boolean {
  return classifyPostgresError(error)?.kind === 'key-race';
}

/** PostgreSQL's deadlock detector aborted the transaction: counted, because the lock order promises none. */
export function isDeadlock(error: unknown): boolean {
  return (error as PgError | null)?.code === '40P01';
}

/** True when running the transaction again may succeed: a lost race of any kind. */
export function isRetryable(error: unknown): boolean {
  const kind = classifyPostgresError(error)?.kind;
  return kind === 'retryable' || kind === 'key-race';
}
