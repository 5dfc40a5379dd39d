import type { Logger } from 'pino';
import type { Keyring } from '../credentials/keyring.js';
import type { BalanceListener, StopWatch } from '../ledger/balance-feed.js';
import type { Account, Asset, Balance, User } from '../ledger/types.js';
import type { HistoryQuery, HistoryResult } from '../ledger/history.js';
import type { RateLimiter, RateLimitRule } from '../rate-limit/rate-limiter.js';
import type { CapCounter, StreamCap } from '../rate-limit/stream-caps.js';
import type { PushFacts, PushFault } from './shared/stream.js';

/**
 * Everything a venue dialect may do with the rest of assetbook, and nothing more. The server
 * builds one port per venue (its venue-port.ts) and hands it to the dialect's plugin; a venue
 * imports no store and nothing of the server, so dependencies point one way: server → venues →
 * this interface. Reads go through the ledger; the few writes a venue makes are named operations,
 * each one transaction whose guarantee holds on every engine (several instances on one
 * PostgreSQL included). A store that cannot be reached surfaces as the ledger's
 * `STORE_UNAVAILABLE`, which each venue renders in its own shape.
 */

/** A venue's id (see `VenueDialect.id`); also the venue a credential belongs to. */
export type VenueName = string;

/**
 * The ledger key a venue's operation is written under: the venue's name, then the key the venue
 * chose (from a client's own id, say). The port writes every operation under it, so one venue's
 * client ids never replay or collide with another venue's, nor with an operator's: the operator API
 * and `assetbook op` refuse a key under a venue's prefix (`venueOwningKey`); a venue
 * finds its entries in history (`HistoryQuery.keys`) under the same name.
 */
export const venueOperationKey = (venue: VenueName, key: string): string => `${venue}:${key}`;

/** The venue among `venues` whose key space (`venueOperationKey`'s prefix) `key` is in, if any. */
export function venueOwningKey(key: string, venues: readonly VenueName[]): VenueName | undefined {
  const colon = key.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = key.slice(0, colon);
  return venues.find((venue) => venue === prefix);
}

/** A transfer a venue asks for: `amount` (a decimal string in the asset's unit) of `asset`, available to available. */
export interface VenueTransfer {
  /** The venue's own key for it (`venueOperationKey` puts the venue's name in front). */
  readonly key: string;
  readonly from: number;
  readonly to: number;
  readonly asset: string;
  readonly amount: string;
}

/** The journal entry a venue's write made, or found under its key. */
export interface VenueWriteResult {
  readonly id: number;
  readonly atMs: number;
  /** True when the key had been written before: this is that first entry, and nothing moved now. */
  readonly replayed: boolean;
}

/** A venue's own settings, parsed, by the keys it declared them under (`VenueDialect.settings`). */
export type VenueSettingValues = Readonly<Record<string, unknown>>;

/** A credential of this venue, as stored: secrets sealed or hashed, opened with the port's keyring. */
export interface VenueCredential {
  readonly id: number;
  readonly venue: VenueName;
  readonly userId: number;
  readonly accountId: number;
  /** What the client presents to name the credential (or its keyed hash), as the venue's `CredentialKind` chose. */
  readonly publicId: string;
  /** The secret the venue checks with, sealed with the keyring. */
  readonly secretSealed: string | null;
  /** Whatever else the venue's credential kind kept (hashes, public keys). */
  readonly extra: Readonly<Record<string, string>>;
  readonly label: string;
  readonly createdAtMs: number;
}

export interface VenuePort {
  /** The venue this port serves: its credentials and records only. */
  readonly venue: VenueName;
  /** The venue's own settings (cast to its type in its folder). */
  readonly settings: VenueSettingValues;
  /** For what happens outside a request. */
  readonly log: Logger;
  /** Opens sealed secrets, checks hashed ones, derives stable venue identifiers. */
  readonly keyring: Keyring;
  /** The server's time, ms since the epoch: injected where the app is built, so tests hold it. */
  clock(): number;
  /** A limiter for one of the venue's rules, counted in this process or in Redis, as configured. */
  limiter(rule: RateLimitRule): RateLimiter;
  /** A counter for one of the venue's stream caps, with its override applied; counted in this process. */
  streamCap(cap: StreamCap): CapCounter;
  /** Bytes of pushes a socket may have waiting (`socket.bufferedAmount`) before the stream ends it as a slow consumer. */
  readonly streamSendBufferBytes: number;
  /** Changes whenever this process empties the store: a cache keyed on it never outlives a reset made here. */
  generation(): number;
  /**
   * What the server's stream fault rules do to this balance push (docs/faults.md): undefined (send
   * it) unless a rule fires. Hand the answer to `pushOrEnd` (shared/stream.ts). One check when no
   * rule is set.
   */
  pushFault(facts: PushFacts): PushFault | undefined;

  // Ledger reads: committed state only.
  /** An account's balance rows; the ledger's ACCOUNT_NOT_FOUND when it does not exist. */
  balances(accountId: number): Promise<Balance[]>;
  asset(symbol: string): Promise<Asset | undefined>;
  assets(): Promise<Asset[]>;
  /**
   * A text derived from one account's balances (a rendered body), computed by `compute` or kept
   * from an earlier call with the same `variant` while the account's balances cannot have
   * changed: a write committed on this instance is seen by the next call, one on another instance
   * within the server's documented bound (docs/deployment.md). `variant` must name everything
   * else the text depends on (query parameters, say); the venue's name is added to it. Never
   * authenticates: check the caller first, and pass the account the credentials name. A kept
   * text comes at once (a string, no promise), so a hot read can answer without awaiting.
   */
  cachedRead(accountId: number, variant: string, compute: () => Promise<string>): string | Promise<string>;
  /**
   * Live balances, what a venue's private stream pushes: `listener` gets the account's balances
   * at once (`snapshot`), then again after every commit that touched it, made on this instance or
   * on another one sharing the store (`update`), until the watch is stopped or ended by a reset or
   * a failed read (ledger/balance-feed.ts). Never authenticates: check the caller first.
   */
  watchBalances(accountId: number, listener: BalanceListener): StopWatch;
  /**
   * An account's deposits, withdrawals and transfers, newest first, each with its status and the
   * fields it was given (ledger/history.ts): what a venue's history endpoints show, paged by the
   * journal id cursor or an offset. The ledger's ACCOUNT_NOT_FOUND for an unknown account. Never
   * authenticates: check the caller first.
   */
  history(query: HistoryQuery): Promise<HistoryResult>;

  // Identity.
  account(id: number): Promise<Account | undefined>;
  /** The account holding this unique fact of this venue (`identity.account`), e.g. `accountId` = '10010'. */
  accountByFact(name: string, value: string): Promise<Account | undefined>;
  /** A user's accounts, the main one first. */
  accountsOfUser(userId: number): Promise<Account[]>;
  user(id: number): Promise<User | undefined>;
  /** This venue's credential named by `publicId`. */
  credential(publicId: string): Promise<VenueCredential | undefined>;

  // Named writes, each atomic across every instance sharing the store.
  /**
   * Records that `scope` (within this venue: the port prefixes the venue's name) used `nonce` until
   * `untilMs`; false when it was used before and is still remembered at `nowMs`.
   */
  claimNonce(scope: string, nonce: string, untilMs: number, nowMs: number): Promise<boolean>;
  /** The venue's token signing key (32 bytes): read, or generated and stored sealed by the first instance to ask. */
  loadOrCreateSigningKey(): Promise<Uint8Array>;
  /** The stored record of a user's ended sessions, as `revokeSession` last wrote it. */
  revocations(userId: number): Promise<string | undefined>;
  /** Replaces a user's record of ended sessions with `update(current)`, read and written in one transaction; resolves what was written. */
  revokeSession(userId: number, update: (current: string | undefined) => string): Promise<string>;
  /**
   * The ledger's `transfer` (from's available to to's), one journaled operation in one
   * transaction, under `venueOperationKey(venue, request.key)`: the same key with the same request
   * answers the first entry (`replayed`), on any instance; with another request it is the ledger's
   * IDEMPOTENCY_CONFLICT. Refusals are the ledger's (INSUFFICIENT_FUNDS, INVALID_AMOUNT,
   * ACCOUNT_NOT_FOUND...) and write nothing. Never authenticates: check the caller first.
   */
  transfer(request: VenueTransfer): Promise<VenueWriteResult>;
  /**
   * The account's first credential on this venue, or one issued with `label` (and the venue's
   * defaults for everything) when it has none. Simultaneous first calls, on any instances, issue
   * one credential and all answer it.
   */
  credentialIssuedIfAbsent(account: Account, label: string): Promise<VenueCredential>;
}
