import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { LedgerError } from '../../ledger/errors.js';

/** A key, secret or passphrase a caller may fix: 8 to 128 printable ASCII characters, no spaces. */
export const Secret = Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', 'x-invalid': 'must be 8 to 128 printable ASCII characters without spaces' });

const TOKEN = /^[\x21-\x7e]{8,128}$/;

export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** The value a caller fixed (checked like `Secret`), or a fresh one from `make`. */
export function fixedOrRandom(value: unknown, make: () => string, path: string): string {
  if (value === undefined) return make();
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new LedgerError('INVALID_ARGUMENT', `${path} must be 8 to 128 printable ASCII characters without spaces`, path);
  }
  return value;
}
