import { nameClash, type NameClash, type SqlErrorClassifier } from '../sql/errors.js';

/**
 * How SQLite's errors (better-sqlite3's `code`, its extended result codes) become assetbook's, by
 * the contract in ../sql/errors.ts. SQLite names a unique clash by its columns in the message.
 */

/** Each unique constraint a caller's input can clash with, by the columns SQLite names. */
const NAME_CLASHES: Record<string, NameClash> = {
  'assets.symbol': { code: 'ASSET_EXISTS', field: 'symbol' },
  'users.name': { code: 'USER_EXISTS', field: 'name' },
  'credentials.venue, credentials.public_id': { code: 'CREDENTIAL_EXISTS', field: 'publicId' },
};

/** An operation's key and the reservation it opens: one writer at a time makes a race impossible here, but the meaning is the same. */
const KEY_RACES = new Set(['operations.key', 'reservations.id']);

/**
 * The database cannot serve now: locked by another process past the busy timeout, a file that
 * cannot be opened, read or written, a full disk.
 */
const UNREACHABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL)(_|$)/;

export const classifySqliteError: SqlErrorClassifier = (error) => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const columns = String((error as Error).message).replace(/^UNIQUE constraint failed: /, '');
    const clash = NAME_CLASHES[columns];
    if (clash) return { kind: 'identity-clash', refusal: nameClash(clash) };
    return KEY_RACES.has(columns) ? { kind: 'key-race' } : undefined;
  }
  return UNREACHABLE.test(code) ? { kind: 'unreachable' } : undefined;
};
