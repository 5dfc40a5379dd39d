import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { holdsSecretKey, secretKeyCheck } from '../credentials/key-check.js';
import { Keyring } from '../credentials/keyring.js';
import { FaultSet, type Sleep } from '../faults/fault-set.js';
import { BalanceFeed } from '../ledger/balance-feed.js';
import { Ledger } from '../ledger/ledger.js';
import { LedgerSession } from '../ledger/session.js';
import { generatedFactsSignature } from '../ledger/venue-facts.js';
import { memoryRateLimiters, type RateLimiterFactory } from '../rate-limit/rate-limiter.js';
import { redisRateLimiters } from '../rate-limit/redis.js';
import type { LedgerStore } from '../store/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import type { GapPassed } from '../store/postgres/journal-feed.js';
import { VENUES } from '../venues/index.js';
import type { VenueName, VenuePort } from '../venues/port.js';
import type { VenueDialect } from '../venues/venue.js';
import { ConfigError, isPostgresUrl, redactUrl, type Config } from './config.js';
import { ReadCache } from './read-cache.js';
import { createVenuePort } from './venue-port.js';

/** Everything a running assetbook holds: the store, the ledger over it, the keyring, the operator token check. */
export interface Runtime {
  readonly config: Config;
  /** The venues served: their facts shape the ledger's subjects, their plugins the app. */
  readonly venues: readonly VenueDialect[];
  readonly store: LedgerStore;
  /** The ledger; `ledger.events` publishes every committed entry, this instance's and (on PostgreSQL) the others'. */
  readonly ledger: Ledger;
  readonly keyring: Keyring;
  /**
   * The time every part of the server reads (journal times, signature windows, token expiry,
   * response timestamps): `Date.now` unless the caller injected one, as tests do.
   */
  readonly clock: Clock;
  /** Where venue dialects get their rate limiters. */
  readonly rateLimiters: RateLimiterFactory;
  /** For what happens outside a request: a backing service failing, say. */
  readonly log: Logger;
  /** Hot reads' derived bodies per account, valid until the account's balances may have changed (read-cache.ts). */
  readonly readCache: ReadCache;
  /** Live balance watches for venues' private streams: one ledger-events subscription for all of them. */
  readonly balanceFeed: BalanceFeed;
  /** This instance's fault rules (docs/faults.md): in memory, never shared with other instances. */
  readonly faults: FaultSet;
  /** Set when this start generated the operator token: the only time it can be shown. */
  readonly generatedOperatorToken: string | null;
  /** Where the operator token was written when generated, if anywhere. */
  readonly operatorTokenFile: string | null;
  checkOperatorToken(presented: string): boolean;
  /** What a venue dialect is given instead of this runtime: ledger reads, identities, its credentials, named writes. */
  venuePort(venue: VenueName): VenuePort;
  close(): Promise<void>;
}

const OPERATOR_TOKEN_SETTING = 'operator_token_hash';
/** Which generated venue facts the stored subjects were last completed with (`generatedFactsSignature`). */
const FACTS_SIGNATURE_SETTING = 'venue_facts_completed';

/**
 * Completes every subject's generated venue facts, unless the store was completed for exactly
 * these venues' facts already: a normal restart reads one setting. The setting is read inside the
 * transaction, so instances starting together complete once.
 */
async function completeVenueFacts(store: LedgerStore, venues: readonly VenueDialect[], clock: Clock): Promise<void> {
  const identities = venues.map((v) => v.identity);
  const signature = generatedFactsSignature(identities);
  if ((await store.getSetting(FACTS_SIGNATURE_SETTING)) === signature) return;
  await store.transaction(async (tx) => {
    if ((await tx.getSetting(FACTS_SIGNATURE_SETTING)) === signature) return;
    await new LedgerSession(tx, clock(), new Map(), identities).completeFacts();
    await tx.setSetting(FACTS_SIGNATURE_SETTING, signature);
  });
}
/** A keyed hash of a fixed text: tells whether this instance's secret key is the one the store was written with. */
const KEY_CHECK_SETTING = 'secret_key_check';

export async function openStore(config: Config, log?: Logger): Promise<LedgerStore> {
  if (isPostgresUrl(config.db)) {
    try {
      // A journal gap passed after the settle wait is an operator's concern: it goes to the log.
      const onGapPassed = log && ((gap: GapPassed) => log.warn(gap, `journal entries ${gap.fromId}-${gap.toId} did not commit within ${gap.waitedMs} ms: event subscribers pass them`));
      return await PostgresStore.open({ url: config.db, poolSize: config.postgresPoolSize, ...(onGapPassed ? { onGapPassed } : {}) });
    } catch (error) {
      throw new ConfigError(`cannot open the PostgreSQL store at ${redactUrl(config.db)}: ${(error as Error).message}`);
    }
  }
  try {
    if (config.db !== ':memory:') mkdirSync(join(config.db, '..'), { recursive: true });
    return SqliteStore.open({ path: config.db, durability: config.durability });
  } catch (error) {
    throw sqliteOpenError(config.db, error);
  }
}

/** What a start on a wrong or damaged file says: the path, and what to do (not a driver's bare message). */
function sqliteOpenError(path: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const why = (error as Error).message;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new ConfigError(`${path} is not an assetbook database, or is damaged (${why}): check --db; restore the file from a backup, or move it away to start a new one`);
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EACCES') {
    return new ConfigError(`cannot open the database ${path} (${why}): --db must name a file in a folder you can write`);
  }
  return error as Error;
}

/**
 * Every instance on one store must hold the same secret key, or one would seal what the others
 * cannot open. The first start records a keyed hash of a fixed text; a later start with another
 * key is refused before it serves anything.
 */
async function checkSecretKey(store: LedgerStore, keyring: Keyring): Promise<void> {
  const recorded =
    (await store.getSetting(KEY_CHECK_SETTING)) ??
    (await store.transaction(async (tx) => {
      const existing = await tx.getSetting(KEY_CHECK_SETTING);
      if (existing !== undefined) return existing;
      const check = secretKeyCheck(keyring);
      await tx.setSetting(KEY_CHECK_SETTING, check);
      return check;
    }));
  if (!holdsSecretKey(keyring, recorded)) {
    throw new ConfigError('the secret key differs from the one this store was written with: give every instance the same --secret-key');
  }
}

function openRateLimiters(config: Config, log: Logger): RateLimiterFactory & { close?: () => Promise<void> } {
  if (config.redis === null) return memoryRateLimiters(config.rateLimits, config.rateLimitOverrides);
  const factory = redisRateLimiters({
    url: config.redis,
    enabled: config.rateLimits,
    overrides: config.rateLimitOverrides,
    onFailure: (error) => log.warn(`${error.message}; rate limits are counted per instance until Redis answers again`),
  });
  // Not awaited: an instance starts, and limits per process, while Redis is away.
  factory.ready().catch((error: unknown) => log.warn((error as Error).message));
  return factory;
}

/** The master key: configured, else read from (or generated into) the data directory, else ephemeral. */
function loadKeyring(config: Config): Keyring {
  if (config.secretKey !== null) {
    try {
      return new Keyring(Keyring.parseKey(config.secretKey));
    } catch (error) {
      throw new ConfigError(`secret key: ${(error as Error).message}`);
    }
  }
  if (config.dataDir === null) return new Keyring(Keyring.generateKey());
  const file = join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${Keyring.generateKey().toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return new Keyring(Keyring.parseKey(readFileSync(file, 'utf8')));
}

/** Milliseconds since the Unix epoch, as `Date.now` gives them. */
export type Clock = () => number;

export interface RuntimeOptions {
  /** Generate an operator token when none is configured or stored: only `serve` does. */
  readonly generateOperatorToken?: boolean;
  /**
   * Give stored subjects the facts a venue served since they were created generates (a venue or
   * a fact added by an upgrade): `serve` does, once per change of the venues' facts.
   */
  readonly completeVenueFacts?: boolean;
  /** The server's time; `Date.now` by default. */
  readonly clock?: Clock;
  /** The venues to serve; the registry's (`VENUES`) by default. A venue's settings must be in `config.venues` (resolveConfig reads them). */
  readonly venues?: readonly VenueDialect[];
  /** How fault latency waits; a timer by default (tests hand in one they release). */
  readonly faultSleep?: Sleep;
}

export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const venues = options.venues ?? VENUES;
  // A venue's settings are read with the config (resolveConfig's venues): one served without them would read undefined for each.
  const unread = venues.filter((v) => Object.keys(v.settings).length > 0 && config.venues[v.id] === undefined).map((v) => v.id);
  if (unread.length > 0) {
    throw new ConfigError(`the settings of ${unread.join(', ')} were not read: resolve the configuration with the venues served (resolveConfig's third argument)`);
  }
  const keyring = loadKeyring(config);
  const log = pino({ level: config.logLevel });
  const store = await openStore(config, log);
  try {
    await checkSecretKey(store, keyring);
  } catch (error) {
    await store.close();
    throw error;
  }
  const clock = options.clock ?? Date.now;
  const ledger = new Ledger(store, clock, {
    venues: venues.map((v) => v.identity),
    groupCommit: config.groupCommit ? {} : false,
    events: { onError: (error) => log.warn(`ledger events: reading the journal failed (${(error as Error).message}); trying again`) },
  });
  if (options.completeVenueFacts) {
    try {
      await completeVenueFacts(store, venues, clock);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const rateLimiters = openRateLimiters(config, log);
  let generated: string | null = null;
  let tokenFile: string | null = null;
  if (options.generateOperatorToken && config.operatorToken === null && (await store.getSetting(OPERATOR_TOKEN_SETTING)) === undefined) {
    const candidate = `abk_${randomBytes(24).toString('base64url')}`;
    // Instances starting at once on one store: the first to record a token wins, the others use it.
    const won = await store.transaction(async (tx) => {
      if ((await tx.getSetting(OPERATOR_TOKEN_SETTING)) !== undefined) return false;
      await tx.setSetting(OPERATOR_TOKEN_SETTING, keyring.hash(candidate));
      return true;
    });
    generated = won ? candidate : null;
  }
  if (generated !== null) {
    if (config.dataDir !== null) {
      tokenFile = join(config.dataDir, 'operator-token');
      writeFileSync(tokenFile, `${generated}\n`, { mode: 0o600 });
      chmodSync(tokenFile, 0o600);
    }
  } else if (config.operatorToken === null && config.dataDir !== null && existsSync(join(config.dataDir, 'operator-token'))) {
    tokenFile = join(config.dataDir, 'operator-token');
  }
  let lastGood: Buffer | null = null;
  // Read once: the hash never changes while the store lives, and this check is on every operator call.
  const tokenHash = config.operatorToken === null ? await store.getSetting(OPERATOR_TOKEN_SETTING) : keyring.hash(config.operatorToken);
  const readCache = new ReadCache(ledger.readVersions, clock);
  const balanceFeed = new BalanceFeed(ledger.events, (accountId) => ledger.balances(accountId), {
    onError: (error) => log.warn(`balance feed: ${(error as Error).message}`),
  });
  const faults = new FaultSet({ venues, clock, log, ...(options.faultSleep ? { sleep: options.faultSleep } : {}) });
  const parts = { config, store, ledger, keyring, clock, rateLimiters, log, readCache, balanceFeed, faults };
  return {
    config,
    venues,
    store,
    ledger,
    keyring,
    clock,
    rateLimiters,
    log,
    readCache,
    balanceFeed,
    faults,
    generatedOperatorToken: generated,
    operatorTokenFile: tokenFile,
    checkOperatorToken: (presented) => {
      // Every operator call presents the same token: remember the last one that matched, and
      // compare it in constant time instead of hashing again.
      if (lastGood !== null) {
        const bytes = Buffer.from(presented);
        if (bytes.length === lastGood.length && timingSafeEqual(bytes, lastGood)) return true;
      }
      const ok = tokenHash !== undefined && keyring.matches(presented, tokenHash);
      if (ok) lastGood = Buffer.from(presented);
      return ok;
    },
    venuePort: (id) => {
      const venue = venues.find((v) => v.id === id);
      if (!venue) throw new Error(`no venue ${id} is served`);
      return createVenuePort(parts, venue);
    },
    close: async () => {
      balanceFeed.close();
      await ledger.events.close();
      await ledger.readVersions.close();
      await rateLimiters.close?.();
      await store.close();
    },
  };
}
