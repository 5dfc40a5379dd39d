import { dirname, resolve } from 'node:path';
import type { SqliteDurability } from '../store/sqlite/sqlite-store.js';

/**
 * Configuration: flags win over `ASSETBOOK_*` environment variables, which win over defaults.
 * Every field is documented in docs/configuration.md.
 */
export interface Config {
  readonly host: string;
  readonly port: number;
  /** A SQLite file path, or ':memory:'. */
  readonly db: string;
  /** Where generated files live (secret key). Defaults to the database file's folder. */
  readonly dataDir: string | null;
  readonly durability: SqliteDurability;
  readonly operatorToken: string | null;
  /** The master key for sealing secrets, as 64 hex digits or base64 of 32 bytes. */
  readonly secretKey: string | null;
  /** Off turns every venue rate limit off (load tests). */
  readonly rateLimits: boolean;
  readonly logLevel: string;
  /** The most bytes a request body may carry. */
  readonly bodyLimitBytes: number;
}

export interface ConfigFlags {
  readonly host?: string;
  readonly port?: string;
  readonly db?: string;
  readonly dataDir?: string;
  readonly durability?: string;
  readonly operatorToken?: string;
  readonly secretKey?: string;
  readonly rateLimits?: string;
  readonly logLevel?: string;
}

export const DEFAULT_DB = 'data/assetbook.db';

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

export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const portText = pick(flags.port, env.ASSETBOOK_PORT) ?? '8080';
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port > 65535) throw new ConfigError(`port must be 0 to 65535 (got "${portText}")`);
  const db = pick(flags.db, env.ASSETBOOK_DB) ?? DEFAULT_DB;
  const dataDirText = pick(flags.dataDir, env.ASSETBOOK_DATA_DIR);
  const dataDir = dataDirText !== undefined ? resolve(dataDirText) : db === ':memory:' ? null : dirname(resolve(db));
  const rateLimits = oneOf('rate-limits', pick(flags.rateLimits, env.ASSETBOOK_RATE_LIMITS) ?? 'on', ['on', 'off'] as const);
  return {
    host: pick(flags.host, env.ASSETBOOK_HOST) ?? '127.0.0.1',
    port,
    db,
    dataDir,
    durability: oneOf('durability', pick(flags.durability, env.ASSETBOOK_DURABILITY) ?? 'full', ['full', 'normal', 'off'] as const),
    operatorToken: pick(flags.operatorToken, env.ASSETBOOK_OPERATOR_TOKEN) ?? null,
    secretKey: pick(flags.secretKey, env.ASSETBOOK_SECRET_KEY) ?? null,
    rateLimits: rateLimits === 'on',
    logLevel: pick(flags.logLevel, env.ASSETBOOK_LOG_LEVEL) ?? 'warn',
    bodyLimitBytes: 1_048_576,
  };
}
