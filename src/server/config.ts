import { dirname, resolve } from 'node:path';
import type { SqliteDurability } from '../store/sqlite/sqlite-store.js';
import type { VenueSettings } from '../venues/port.js';

/**
 * Configuration: flags win over `ASSETBOOK_*` environment variables, which win over defaults.
 * Every field is documented in docs/configuration.md.
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
   * Concurrent single operations share commits (see src/ledger/group-commit.ts). Off by default:
   * on the measured machine its per-operation cost outweighed the commits it saved (docs/benchmarks.md).
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
  /** Venue rate-limit rules replaced by name (`bitget.account=20/1s`); the rest keep the venue's documented values. */
  readonly rateLimitOverrides: ReadonlyMap<string, RateLimitOverride>;
  readonly venues: VenueSettings;
  readonly logLevel: string;
  /** The most bytes a request body may carry. */
  readonly bodyLimitBytes: number;
}

export interface RateLimitOverride {
  readonly points: number;
  readonly durationMs: number;
}

/** Settings that only one venue dialect reads: declared by the venue port, which hands them to the venues. */
export type { VenueSettings };

export interface ConfigFlags {
  readonly host?: string;
  readonly port?: string;
  readonly db?: string;
  readonly dataDir?: string;
  readonly durability?: string;
  readonly postgresPoolSize?: string;
  readonly redis?: string;
  readonly groupCommit?: string;
  readonly trustProxy?: string;
  readonly operatorToken?: string;
  readonly secretKey?: string;
  readonly rateLimits?: string;
  /** Comma-separated `name=points/<n>s` rules; the CLI folds repeated flags into one list. */
  readonly rateLimit?: string | readonly string[];
  readonly bitgetTimestampWindow?: string;
  readonly bullishTokenTtl?: string;
  readonly loopringKeyScope?: string;
  readonly logLevel?: string;
}

export const DEFAULT_DB = 'data/assetbook.db';

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

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function pick(flag: string | undefined, env: string | undefined): string | undefined {
  if (flag !== undefined) return flag;
  if (env !== undefined && env !== '') return env;
  return undefined;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/** Parses `name=points/durations` rules, e.g. `bitget.account=10/1s,bullish.ip=500/10s`. */
export function parseRateLimitOverrides(text: string | readonly string[] | undefined): Map<string, RateLimitOverride> {
  const out = new Map<string, RateLimitOverride>();
  const items = (typeof text === 'string' ? [text] : (text ?? [])).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  for (const item of items) {
    const match = /^([a-z][a-z0-9.-]*)=([0-9]{1,7})\/([0-9]{1,6})(ms|s)$/.exec(item);
    const points = Number(match?.[2]);
    const durationMs = Number(match?.[3]) * (match?.[4] === 's' ? 1000 : 1);
    if (!match || points < 1 || durationMs < 1) {
      throw new ConfigError(`rate-limit must look like name=points/<n>s or name=points/<n>ms, e.g. bitget.account=10/1s (got "${item}")`);
    }
    out.set(match[1]!, { points, durationMs });
  }
  return out;
}

/** `off`, a hop count (`1`), or comma-separated proxy addresses and CIDRs (`10.0.0.0/8,127.0.0.1`). */
export function parseTrustProxy(text: string): false | string | number {
  if (text === 'off') return false;
  if (/^[0-9]{1,2}$/.test(text) && Number(text) >= 1) return Number(text);
  const items = text.split(',').map((t) => t.trim());
  if (items.every((t) => /^[0-9a-fA-F:.]{2,39}(\/[0-9]{1,3})?$/.test(t))) return items.join(',');
  throw new ConfigError(`trust-proxy must be off, a number of hops, or proxy addresses/CIDRs separated by commas (got "${text}")`);
}

function seconds(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^[0-9]{1,9}(\.[0-9]{1,3})?$/.test(text) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number of seconds from ${min} to ${max} (got "${text}")`);
  }
  return Math.round(value * 1000);
}

export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const portText = pick(flags.port, env.ASSETBOOK_PORT) ?? '8080';
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port > 65535) throw new ConfigError(`port must be 0 to 65535 (got "${portText}")`);
  const db = pick(flags.db, env.ASSETBOOK_DB) ?? DEFAULT_DB;
  const dataDirText = pick(flags.dataDir, env.ASSETBOOK_DATA_DIR);
  const postgres = isPostgresUrl(db);
  const dataDir = dataDirText !== undefined ? resolve(dataDirText) : db === ':memory:' || postgres ? null : dirname(resolve(db));
  const rateLimits = oneOf('rate-limits', pick(flags.rateLimits, env.ASSETBOOK_RATE_LIMITS) ?? 'on', ['on', 'off'] as const);
  const secretKey = pick(flags.secretKey, env.ASSETBOOK_SECRET_KEY) ?? null;
  if (postgres && secretKey === null && dataDir === null) {
    // Every instance must open the same sealed secrets; a key generated per process would not.
    throw new ConfigError('a PostgreSQL store needs --secret-key (ASSETBOOK_SECRET_KEY), the same on every instance, or --data-dir to keep one in');
  }
  const redis = pick(flags.redis, env.ASSETBOOK_REDIS) ?? null;
  if (redis !== null && !/^rediss?:\/\/[^\s]+$/.test(redis)) throw new ConfigError(`redis must be a redis:// or rediss:// URL (got "${redis}")`);
  const poolText = pick(flags.postgresPoolSize, env.ASSETBOOK_POSTGRES_POOL_SIZE) ?? '10';
  if (!/^[0-9]{1,3}$/.test(poolText) || Number(poolText) < 2 || Number(poolText) > 200) {
    throw new ConfigError(`postgres-pool-size must be 2 to 200 (got "${poolText}")`);
  }
  return {
    host: pick(flags.host, env.ASSETBOOK_HOST) ?? '127.0.0.1',
    port,
    db,
    dataDir,
    durability: oneOf('durability', pick(flags.durability, env.ASSETBOOK_DURABILITY) ?? 'full', ['full', 'normal', 'off'] as const),
    postgresPoolSize: Number(poolText),
    redis,
    trustProxy: parseTrustProxy(pick(flags.trustProxy, env.ASSETBOOK_TRUST_PROXY) ?? 'off'),
    groupCommit: oneOf('group-commit', pick(flags.groupCommit, env.ASSETBOOK_GROUP_COMMIT) ?? 'off', ['on', 'off'] as const) === 'on',
    operatorToken: pick(flags.operatorToken, env.ASSETBOOK_OPERATOR_TOKEN) ?? null,
    secretKey,
    rateLimits: rateLimits === 'on',
    rateLimitOverrides: parseRateLimitOverrides(flags.rateLimit ?? env.ASSETBOOK_RATE_LIMIT),
    venues: {
      bitgetTimestampWindowMs: seconds('bitget-timestamp-window', pick(flags.bitgetTimestampWindow, env.ASSETBOOK_BITGET_TIMESTAMP_WINDOW) ?? '30', 1, 86_400),
      bullishTokenTtlMs: seconds('bullish-token-ttl', pick(flags.bullishTokenTtl, env.ASSETBOOK_BULLISH_TOKEN_TTL) ?? '86400', 1, 30 * 86_400),
      loopringKeyScope: oneOf('loopring-key-scope', pick(flags.loopringKeyScope, env.ASSETBOOK_LOOPRING_KEY_SCOPE) ?? 'any', ['any', 'own'] as const),
    },
    logLevel: pick(flags.logLevel, env.ASSETBOOK_LOG_LEVEL) ?? 'warn',
    bodyLimitBytes: 1_048_576,
  };
}
