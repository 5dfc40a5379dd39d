import { dirname, resolve } from 'node:path';
import type { SqliteDurability } from '../store/sqlite/sqlite-store.js';
import type { VenueSettingValues } from '../venues/port.js';
import type { VenueDialect } from '../venues/venue.js';
import { ConfigError, readSettings, type ConfigFlags, type RateLimitOverride } from './settings.js';

export { ConfigError, DEFAULT_DB, parseRateLimitOverrides, parseTrustProxy, type ConfigFlags, type RateLimitOverride } from './settings.js';

/**
 * Configuration: flags win over `ASSETBOOK_*` environment variables, which win over defaults.
 * Each setting's flag, variable, default and parser are declared once, in settings.ts.
 */
export interface Config {
  readonly host: string;
  readonly port: number;
  /** A SQLite file path, ':memory:', or a postgres:// URL. */
  readonly db: string;
  /** Where generated files live (secret key). Defaults to a SQLite file's folder; none for PostgreSQL. */
  readonly dataDir: string | null;
  readonly durability: SqliteDurability;
  /** Connections each instance opens to PostgreSQL. */
  readonly postgresPoolSize: number;
  /** Shared rate-limit counters: a redis:// URL, or null for counters in this process's memory. */
  readonly redis: string | null;
  /**
   * Concurrent single operations share commits (see src/ledger/group-commit.ts). On by default: an
   * fsync or WAL flush per group instead of per operation, and nothing answered before its commit.
   */
  readonly groupCommit: boolean;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address that IP rate limits count
   * by: false (the connection's address), a list of addresses or CIDRs, or a number of hops.
   */
  readonly trustProxy: false | string | number;
  readonly operatorToken: string | null;
  /** The master key for sealing secrets, as 64 hex digits or base64 of 32 bytes. */
  readonly secretKey: string | null;
  /** Off turns every venue rate limit off (load tests). */
  readonly rateLimits: boolean;
  /** Venue rate-limit rules replaced by name (`<venue>.<rule>=20/1s`); the rest keep the venue's documented values. */
  readonly rateLimitOverrides: ReadonlyMap<string, RateLimitOverride>;
  /** Venue stream caps replaced by name (`<venue>.<cap>=N`); the rest keep the venue's documented values. */
  readonly streamCapOverrides: ReadonlyMap<string, number>;
  /** Bytes of pushes a socket may have waiting before its stream is ended as a slow consumer. */
  readonly wsSendBufferBytes: number;
  /** Each venue's own settings (`VenueDialect.settings`), by venue id. */
  readonly venues: Readonly<Record<string, VenueSettingValues>>;
  readonly logLevel: string;
  /** The most bytes a request body may carry. */
  readonly bodyLimitBytes: number;
  /** The most bytes a WebSocket message may carry; a bigger one closes the socket with 1009 (message too big). */
  readonly wsMessageLimitBytes: number;
}

/** A configured URL as it may reach a log or an error: its password, if any, shown as `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

/** True for a database setting that names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

/**
 * Walks the settings table (settings.ts), then applies what one setting implies for another: a
 * SQLite file's folder is the default data folder, and a PostgreSQL store needs a shared key.
 */
export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env, venues?: readonly VenueDialect[]): Config {
  const settings = readSettings(flags, env, venues);
  const { db, secretKey } = settings;
  const postgres = isPostgresUrl(db);
  const dataDir = settings.dataDir ?? (db === ':memory:' || postgres ? null : dirname(resolve(db)));
  if (postgres && secretKey === null && dataDir === null) {
    // Every instance must open the same sealed secrets; a key generated per process would not.
    throw new ConfigError('a PostgreSQL store needs --secret-key (ASSETBOOK_SECRET_KEY), the same on every instance, or --data-dir to keep one in');
  }
  return {
    host: settings.host,
    port: settings.port,
    db,
    dataDir,
    durability: settings.durability,
    postgresPoolSize: settings.postgresPoolSize,
    redis: settings.redis,
    trustProxy: settings.trustProxy,
    groupCommit: settings.groupCommit,
    operatorToken: settings.operatorToken,
    secretKey,
    rateLimits: settings.rateLimits,
    rateLimitOverrides: settings.rateLimit,
    streamCapOverrides: settings.streamLimit,
    wsSendBufferBytes: settings.wsSendBuffer,
    venues: settings.venues,
    logLevel: settings.logLevel,
    bodyLimitBytes: 1_048_576,
    wsMessageLimitBytes: settings.wsMessageLimit,
  };
}
