import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Keyring } from '../credentials/keyring.js';
import { Ledger } from '../ledger/ledger.js';
import { memoryRateLimiters, type RateLimiterFactory } from '../rate-limit/rate-limiter.js';
import type { LedgerStore } from '../store/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ConfigError, type Config } from './config.js';

/** Everything a running assetbook holds: the store, the ledger over it, the keyring, the operator token check. */
export interface Runtime {
  readonly config: Config;
  readonly store: LedgerStore;
  readonly ledger: Ledger;
  readonly keyring: Keyring;
  /** Where venue dialects get their rate limiters. */
  readonly rateLimiters: RateLimiterFactory;
  /** Set when this start generated the operator token: the only time it can be shown. */
  readonly generatedOperatorToken: string | null;
  /** Where the operator token was written when generated, if anywhere. */
  readonly operatorTokenFile: string | null;
  checkOperatorToken(presented: string): boolean;
  close(): Promise<void>;
}

const OPERATOR_TOKEN_SETTING = 'operator_token_hash';

export function openStore(config: Config): LedgerStore {
  if (/^postgres(ql)?:\/\//.test(config.db)) {
    throw new ConfigError('PostgreSQL is not supported yet: use a SQLite path or :memory:');
  }
  if (config.db !== ':memory:') mkdirSync(join(config.db, '..'), { recursive: true });
  return SqliteStore.open({ path: config.db, durability: config.durability });
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

export interface RuntimeOptions {
  /** Generate an operator token when none is configured or stored: only `serve` does. */
  readonly generateOperatorToken?: boolean;
}

export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const keyring = loadKeyring(config);
  const store = openStore(config);
  const ledger = new Ledger(store);
  let generated: string | null = null;
  let tokenFile: string | null = null;
  if (options.generateOperatorToken && config.operatorToken === null && (await store.getSetting(OPERATOR_TOKEN_SETTING)) === undefined) {
    generated = `abk_${randomBytes(24).toString('base64url')}`;
    const hash = keyring.hash(generated);
    await store.transaction((tx) => tx.setSetting(OPERATOR_TOKEN_SETTING, hash));
    if (config.dataDir !== null) {
      tokenFile = join(config.dataDir, 'operator-token');
      writeFileSync(tokenFile, `${generated}\n`, { mode: 0o600 });
      chmodSync(tokenFile, 0o600);
    }
  } else if (config.operatorToken === null && config.dataDir !== null && existsSync(join(config.dataDir, 'operator-token'))) {
    tokenFile = join(config.dataDir, 'operator-token');
  }
  let lastGood: string | null = null;
  // Read once: the hash never changes while the store lives, and this check is on every operator call.
  const tokenHash = config.operatorToken === null ? await store.getSetting(OPERATOR_TOKEN_SETTING) : keyring.hash(config.operatorToken);
  return {
    config,
    store,
    ledger,
    keyring,
    rateLimiters: memoryRateLimiters(config.rateLimits, config.rateLimitOverrides),
    generatedOperatorToken: generated,
    operatorTokenFile: tokenFile,
    checkOperatorToken: (presented) => {
      // Every operator call presents the same token: remember the last one that matched, and
      // compare it in constant time instead of hashing again.
      if (lastGood !== null && presented.length === lastGood.length && timingSafeEqual(Buffer.from(presented), Buffer.from(lastGood))) return true;
      const ok = tokenHash !== undefined && keyring.matches(presented, tokenHash);
      if (ok) lastGood = presented;
      return ok;
    },
    close: () => store.close(),
  };
}
