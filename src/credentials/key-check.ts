import type { Keyring } from './keyring.js';

/**
 * Which secret key a keyring holds, without showing it: a keyed hash of a fixed text. The store
 * records it at the first start (a start with another key is refused), and a snapshot file carries
 * it (a restore with another key is refused): what was sealed or hashed with one key is of no use
 * under another.
 */
const KEY_CHECK_TEXT = 'assetbook secret key check v1';

export const secretKeyCheck = (keyring: Keyring): string => keyring.hash(KEY_CHECK_TEXT);

/** Whether `keyring` holds the secret key `check` was made with. */
export const holdsSecretKey = (keyring: Keyring, check: string): boolean => keyring.matches(KEY_CHECK_TEXT, check);
