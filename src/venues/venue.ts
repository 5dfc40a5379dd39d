import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { AnySetting } from '../config/setting.js';
import type { Keyring } from '../credentials/keyring.js';
import type { CredentialKind } from '../credentials/kinds.js';
import type { LedgerErrorCode } from '../ledger/errors.js';
import type { Account, Balance } from '../ledger/types.js';
import type { VenueIdentity } from '../ledger/venue-facts.js';
import type { RateLimitRule } from '../rate-limit/rate-limiter.js';
import type { StreamCap } from '../rate-limit/stream-caps.js';
import type { VenueName, VenuePort } from './port.js';
import type { VenueApiDoc } from './shared/openapi-doc.js';
import type { VenueError, VenueErrorRenderer } from './shared/venue-error.js';

/**
 * The contract every venue dialect implements: one folder beside this file, one line in
 * `index.ts`. A dialect is an encapsulated Fastify plugin that mounts its own routes under its
 * base paths, so its authentication hook, rate limits and error handler (which renders every
 * ledger error code in the venue's own shape) cover its routes and nothing else.
 */
export interface VenueDialect<Id extends VenueName = VenueName> {
  /**
   * Short lower-case name (`[a-z][a-z0-9]*`), also the key of its facts, credentials, scenario
   * part and settings. Each dialect declares its own literal, so `VenueId` in index.ts is the
   * exact set of venues served and maps keyed by it must name each one.
   */
  readonly id: Id;
  /** What it knows assets, users and accounts by: checked, generated and stored by the ledger, read back by the venue. */
  readonly identity: VenueIdentity;
  /** How its credentials are issued, sealed and shown. */
  readonly credentials: CredentialKind;
  /**
   * Its settings, keyed by the name its plugin reads them under (`port.settings[key]`); the flags
   * and variables join the server's table (names beginning with the venue's id).
   */
  readonly settings: Readonly<Record<string, AnySetting>>;
  /** Its part of the demo: fixed credentials of demo users, by user name (each entry as in a scenario file). */
  readonly demo: VenueDemo;
  /** Path prefixes the dialect owns; they must not overlap another dialect's or the operator API's. */
  readonly basePaths: readonly string[];
  /**
   * The base URL the venue's clients are given for a server at `origin` (what ccxt's `urls.api`
   * or an SDK's `baseUrl` takes): the origin itself when absent.
   */
  clientUrl?(origin: string): string;
  /** How it shows every refusal; also used for requests refused before routing (a malformed URL). */
  readonly errors: VenueErrorRenderer;
  /** Every rate-limit rule it enforces, with the venue's documented values; `--rate-limit` overrides them by name. */
  readonly rateLimits: readonly RateLimitRule[];
  /** Every cap its streams enforce (sockets per IP or key, subscriptions per socket); `--stream-limit` overrides them by name. */
  readonly streamCaps?: readonly StreamCap[];
  /** What /openapi.json says of its routes: security schemes, parameters, refusals, error shape. */
  readonly openapi: VenueApiDoc;
  /** What fault rules need of it (docs/faults.md): its answer to each named error, and who a request says it is. */
  readonly faults: VenueFaults;
  /**
   * How its balance read shows one account, for the operator console (optional): the rows its
   * REST read answers with no filter, rendered by its own renderer from the ledger's balances, so
   * the console shows exactly what a client of the venue sees. A venue without it is shown as
   * having no view.
   */
  balanceView?(port: Pick<VenuePort, 'asset'>, account: Account, balances: readonly Balance[]): Promise<VenueBalanceView>;
  /**
   * Registers the dialect's routes, auth and error rendering. The port is all the dialect gets of
   * the rest of assetbook (see port.ts): it never sees the store or the server's runtime.
   */
  plugin(port: VenuePort): FastifyPluginAsync;
}

/** One venue's rows for one account (`VenueDialect.balanceView`). */
export interface VenueBalanceView {
  /** The read these rows answer, as `METHOD path` (`GET /api/v2/spot/account/assets`). */
  readonly source: string;
  /** Each row as the venue's wire shows it, with the ledger asset it shows; assets the read leaves out have none. */
  readonly rows: readonly { readonly asset: string; readonly row: Readonly<Record<string, unknown>> }[];
}

export interface VenueDemo {
  readonly credentials: Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;
  /**
   * Ready-to-paste requests (shell lines) with one demo user's credential, for `serve --demo`'s
   * printout: `ids` is what its `CredentialKind.clientIds` says of the credential's account.
   */
  examples?(url: string, credential: DemoCredential): readonly string[];
}

export interface DemoCredential {
  readonly user: string;
  readonly secrets: Readonly<Record<string, string>>;
  readonly ids: Readonly<Record<string, unknown>>;
}

/**
 * Tier two of the error design: how one venue answers each domain error. Declaring a venue's
 * map with this type makes the compiler refuse it until every ledger error code has an answer.
 */
export type LedgerErrorMap<T> = { readonly [Code in LedgerErrorCode]: T };

/**
 * The named errors a fault rule can answer with (docs/faults.md). Each venue maps every one to its
 * own status, code and body, so a client sees exactly what the venue would send it.
 */
export const FAULT_ERROR_KINDS = ['rate_limited', 'maintenance', 'internal_error', 'service_unavailable', 'timestamp_expired', 'unauthorized'] as const;
export type FaultErrorKind = (typeof FAULT_ERROR_KINDS)[number];

/**
 * A venue's answer to every named fault error, or null where the venue has no such answer (a
 * venue whose requests carry no time cannot say a timestamp expired): a rule naming it for that
 * venue is refused. Declaring the map with this type makes the compiler ask for every kind.
 */
export type FaultErrorMap = { readonly [Kind in FaultErrorKind]: (() => VenueError) | null };

export interface VenueFaults {
  readonly errors: FaultErrorMap;
  /**
   * The API key a request presents (a header, or the key named in a session token), read without
   * checking anything: what a rule's `apiKey` is matched against. Undefined when it shows none.
   * Called only while fault rules are set, never on the hot path otherwise.
   */
  presentedKey(headers: IncomingHttpHeaders): string | undefined;
  /** The public id a credential with this presented key is stored under (`VenueCredential.publicId`): a rule's `account` is matched through it. */
  publicIdOf(key: string, keyring: Keyring): string;
}
