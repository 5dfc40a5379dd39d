import type { TObject } from '@sinclair/typebox';
import type { Keyring } from './keyring.js';
import type { Account } from '../ledger/types.js';

/**
 * How a venue issues its credentials: what a caller may fix, who holds one, and what is stored
 * (sealed or hashed) against what is shown once. Each venue declares one in its folder
 * (`VenueDialect.credentials`); `issueCredential` (./issue.ts), the operator API, scenario files
 * and the demo go through it and name no venue. How a credential is checked on a request is the
 * venue's own auth code.
 */
export interface CredentialKind {
  /**
   * The JSON Schema of what a caller may fix when issuing (every field optional: the rest is
   * generated). The operator API and scenario files take it as is.
   */
  readonly input: TObject;
  /**
   * `account`: each account holds its own (a sub-account too); `user`: the user holds it, filed
   * under its main account, and issuing one on a sub-account is refused.
   */
  readonly holder: 'account' | 'user';
  /**
   * The record to store and the plaintext to show once, from an input the schema accepted
   * (a direct caller may skip the schema: check what matters, throwing INVALID_ARGUMENT).
   */
  issue(input: Readonly<Record<string, unknown>>, keyring: Keyring): IssuedSecrets;
  /**
   * What a client of this venue names the credential's account by, for the demo's printout and
   * the credentials file: `{ uid }`, `{ tradingAccountIds }`, `{ accountId, address }`...
   */
  clientIds(account: Account, userAccounts: readonly Account[]): Readonly<Record<string, unknown>>;
}

export interface IssuedSecrets {
  /** What the client presents to name the credential (or a keyed hash of it): unique per venue. */
  readonly publicId: string;
  /** The secret the venue checks with, sealed with the keyring; null when it keeps none (a public key). */
  readonly secretSealed: string | null;
  /** Whatever else the venue checks with (a passphrase's hash, a PEM public key), by name. */
  readonly extra: Readonly<Record<string, string>>;
  /** Every plaintext value, shown once to whoever issued it. */
  readonly secrets: Readonly<Record<string, string>>;
}
