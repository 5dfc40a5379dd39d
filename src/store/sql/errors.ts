import { LedgerError } from '../../ledger/errors.js';

/**
 * What a driver's error means to a store: the contract each engine's `errors.ts` fulfils, so that
 * no code outside an engine reads a driver's error codes.
 *
 * - `identity-clash`: a unique name a caller chose is taken (an asset symbol, a user name, a
 *   credential's public id): the domain refusal to throw instead.
 * - `key-race`: an operation key (or the reservation it opens) another transaction committed
 *   after this one looked (a unique clash, or the ledger's `LostKeyRace`): run the operation
 *   again, it now answers as a replay.
 * - `retryable`: another transaction got there first (deadlock, serialization failure, a catalog
 *   id taken in between): run the whole transaction again.
 * - `unreachable`: the database cannot be reached or cannot serve now (connection refused or
 *   lost, server shutting down, database file locked or unreadable): STORE_UNAVAILABLE, a 503
 *   to retry, never a 500.
 * Anything else is a bug and leaves as it is.
 */
export type SqlErrorMeaning =
  | { readonly kind: 'identity-clash'; readonly refusal: LedgerError }
  | { readonly kind: 'key-race' }
  | { readonly kind: 'retryable' }
  | { readonly kind: 'unreachable' };

export type SqlErrorClassifier = (error: unknown) => SqlErrorMeaning | undefined;

/** The refusal of a store that cannot be reached, with the driver's error as its cause (for logs, never for clients). */
export function storeUnavailable(cause: unknown): LedgerError {
  return Object.assign(new LedgerError('STORE_UNAVAILABLE', 'the store cannot be reached; try again'), { cause });
}

/**
 * An error leaving an engine: an identity clash as its refusal, an unreachable store as
 * STORE_UNAVAILABLE; a ledger error, a lost race (for the engine's own retry loop) or a bug as it is.
 */
export function atBoundary(classify: SqlErrorClassifier, error: unknown): unknown {
  if (error instanceof LedgerError) return error;
  const meaning = classify(error);
  if (meaning?.kind === 'identity-clash') return meaning.refusal;
  if (meaning?.kind === 'unreachable') return storeUnavailable(error);
  return error;
}

/** A domain code and the input field it names, for each unique constraint a caller's input can clash with. */
export interface NameClash {
  readonly code: LedgerError['code'];
  readonly field: string;
}

export const nameClash = ({ code, field }: NameClash): LedgerError => new LedgerError(code, `already taken: ${field}`, field);
