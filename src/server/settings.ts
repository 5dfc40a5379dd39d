import { resolve } from 'node:path';
import { ConfigError, oneOf, onOff, optional, setting, type AnySetting, type Setting, type SettingCommands } from '../config/setting.js';
import type { SqliteDurability } from '../store/sqlite/sqlite-store.js';
import { parseStreamCapOverrides } from '../rate-limit/stream-caps.js';
import { VENUES } from '../venues/index.js';
import type { VenueDialect } from '../venues/venue.js';

export { ConfigError, type Setting, type SettingCommands } from '../config/setting.js';

/**
 * Every setting, declared once: its flag, environment variable, value syntax, default, what it
 * means, which commands take it, and how its text becomes a value. The server's are `SETTINGS`;
 * each venue declares its own (`VenueDialect.settings`). The CLI's options and --help
 * (src/cli/shared.ts), `ConfigFlags` and `resolveConfig` (config.ts), and the settings table of
 * docs/configuration.md (settings-docs.ts, `npm run docs:config`) all come from both.
 */

export interface RateLimitOverride {
  readonly points: number;
  readonly durationMs: number;
}

/** Parses `name=points/durations` rules, e.g. `venue.rule=10/1s,other.rule=500/10s` (each venue's rule names are in docs/venues/). */
export function parseRateLimitOverrides(text: string | readonly string[] | undefined): Map<string, RateLimitOverride> {
  const out = new Map<string, RateLimitOverride>();
  const items = (typeof text === 'string' ? [text] : (text ?? [])).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  for (const item of items) {
    const match = /^([a-z][a-z0-9.-]*)=([0-9]{1,7})\/([0-9]{1,6})(ms|s)$/.exec(item);
    const points = Number(match?.[2]);
    const durationMs = Number(match?.[3]) * (match?.[4] === 's' ? 1000 : 1);
    if (!match || points < 1 || durationMs < 1) {
      throw new ConfigError(`rate-limit must look like name=points/<n>s or name=points/<n>ms, e.g. ${EXAMPLE_RULE}=10/1s (got "${item}")`);
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

/** A byte count from 1 KiB to 1 GiB, as digits. */
function bytesSetting(name: string): (text?: string) => number {
  return (text = '') => {
    const n = Number(text);
    if (!/^[0-9]{4,10}$/.test(text) || n < 1024 || n > 1_073_741_824) throw new ConfigError(`${name} must be a number of bytes from 1024 to 1073741824 (got "${text}")`);
    return n;
  };
}

export const DEFAULT_DB = 'data/assetbook.db';

/** A rule name for examples in --help and errors: the first rule of the first venue served. */
const EXAMPLE_RULE = VENUES[0].rateLimits[0]?.name ?? 'venue.rule';
/** A stream cap name for the same examples: the first cap any venue served declares. */
const EXAMPLE_CAP = VENUES.flatMap((v) => v.streamCaps ?? [])[0]?.name ?? 'venue.ws-connections-per-ip';

/** In the order --help and the docs list them: the store's settings first, then the server's. */
export const SETTINGS = {
  db: setting({
    flag: 'db',
    value: 'path|url',
    env: 'ASSETBOOK_DB',
    commands: 'store',
    help: 'SQLite file, :memory:, or postgres://user@host:port/database',
    doc: 'SQLite file, `:memory:`, or `postgres://user:password@host:port/database`; `?search_path=<schema>` keeps the tables in that schema (created if missing)',
    fallback: DEFAULT_DB,
    parse: (text = DEFAULT_DB) => text,
  }),
  dataDir: setting({
    flag: 'data-dir',
    value: 'dir',
    env: 'ASSETBOOK_DATA_DIR',
    commands: 'store',
    help: 'where the generated secret key and operator token live',
    doc: 'where `secret.key` and `operator-token` are generated',
    defaultDoc: "a SQLite file's folder; none for PostgreSQL",
    parse: (text): string | null => (text === undefined ? null : resolve(text)),
  }),
  durability: setting({
    flag: 'durability',
    value: 'full|normal|off',
    env: 'ASSETBOOK_DURABILITY',
    commands: 'store',
    help: 'SQLite only: what a crash can lose (see docs/configuration.md)',
    doc: "SQLite only; see below (PostgreSQL's is the server's own `synchronous_commit`)",
    fallback: 'full',
    parse: oneOf<SqliteDurability>('durability', ['full', 'normal', 'off']),
  }),
  secretKey: setting({
    flag: 'secret-key',
    value: 'key',
    env: 'ASSETBOOK_SECRET_KEY',
    commands: 'store',
    help: 'master key for sealed secrets: 64 hex digits or base64 of 32 bytes',
    doc: 'master key for sealed secrets: 64 hex digits or base64 of 32 bytes. Required with PostgreSQL (unless `--data-dir`), the same on every instance; a start with a key other than the one the store was written with is refused',
    defaultDoc: 'generated into `<data-dir>/secret.key`',
    parse: optional,
  }),
  postgresPoolSize: setting({
    flag: 'postgres-pool-size',
    value: 'n',
    env: 'ASSETBOOK_POSTGRES_POOL_SIZE',
    commands: 'store',
    help: 'PostgreSQL connections per instance, 2 to 200',
    doc: 'PostgreSQL connections per instance, 2 to 200; group commit runs two write transactions at once (one with a pool of 2 or 3), batches and sessions take any free connection',
    fallback: '10',
    parse: (text = '') => {
      if (!/^[0-9]{1,3}$/.test(text) || Number(text) < 2 || Number(text) > 200) throw new ConfigError(`postgres-pool-size must be 2 to 200 (got "${text}")`);
      return Number(text);
    },
  }),
  groupCommit: setting({
    flag: 'group-commit',
    value: 'on|off',
    env: 'ASSETBOOK_GROUP_COMMIT',
    commands: 'store',
    help: 'concurrent single operations share commits',
    doc: '`on` (the default): concurrent single operations share one commit, each in its own savepoint, and none is answered before its commit, so a crash loses nothing acknowledged (ARCHITECTURE.md). On by default since it took SQLite at full durability from about 1,400 to 3,900 single operations/s at 32 connections, and measured no worse on PostgreSQL within the noise of the runs (docs/benchmarks.md); `off`: every operation commits alone',
    fallback: 'on',
    parse: onOff('group-commit'),
  }),
  host: setting({
    flag: 'host',
    value: 'host',
    env: 'ASSETBOOK_HOST',
    commands: 'serve',
    help: 'address to listen on',
    fallback: '127.0.0.1',
    parse: (text = '127.0.0.1') => text,
  }),
  port: setting({
    flag: 'port',
    value: 'port',
    env: 'ASSETBOOK_PORT',
    commands: 'serve',
    help: 'port to listen on; 0 picks a free one',
    fallback: '8080',
    parse: (text = '') => {
      if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw new ConfigError(`port must be 0 to 65535 (got "${text}")`);
      return Number(text);
    },
  }),
  operatorToken: setting({
    flag: 'operator-token',
    value: 'token',
    env: 'ASSETBOOK_OPERATOR_TOKEN',
    commands: 'serve',
    help: 'bearer token of the operator API',
    defaultDoc: 'generated on first start',
    parse: optional,
  }),
  rateLimits: setting({
    flag: 'rate-limits',
    value: 'on|off',
    env: 'ASSETBOOK_RATE_LIMITS',
    commands: 'serve',
    help: 'venue rate limits; off turns every one off, for load tests',
    fallback: 'on',
    parse: onOff('rate-limits'),
  }),
  rateLimit: setting<Map<string, RateLimitOverride>, string | readonly string[]>({
    flag: 'rate-limit',
    value: 'rule',
    env: 'ASSETBOOK_RATE_LIMIT',
    commands: 'serve',
    help: `replace one venue rate-limit rule, e.g. ${EXAMPLE_RULE}=20/1s (repeatable)`,
    doc: `replace one venue rule, \`name=points/<n>s\` (or \`ms\`), e.g. \`${EXAMPLE_RULE}=20/1s\`; the names are in docs/venues/; repeatable, or comma-separated in the variable; an unknown name stops the start`,
    defaultDoc: "each venue's documented limits",
    repeatable: true,
    parse: parseRateLimitOverrides,
  }),
  streamLimit: setting<Map<string, number>, string | readonly string[]>({
    flag: 'stream-limit',
    value: 'cap',
    env: 'ASSETBOOK_STREAM_LIMIT',
    commands: 'serve',
    help: `replace one venue stream cap (sockets per IP or key, subscriptions per socket), e.g. ${EXAMPLE_CAP}=500 (repeatable)`,
    doc: `replace one venue stream cap, \`name=N\` (sockets held at once per IP or key, subscriptions per socket), e.g. \`${EXAMPLE_CAP}=500\`; the names are in docs/venues/; repeatable, or comma-separated in the variable; an unknown name stops the start; \`--rate-limits off\` lifts every cap`,
    defaultDoc: "each venue's documented caps",
    repeatable: true,
    parse: parseStreamCapOverrides,
  }),
  wsMessageLimit: setting({
    flag: 'ws-message-limit',
    value: 'bytes',
    env: 'ASSETBOOK_WS_MESSAGE_LIMIT',
    commands: 'serve',
    help: 'the most bytes one WebSocket message may carry; a bigger one closes the socket with 1009',
    fallback: '65536',
    parse: bytesSetting('ws-message-limit'),
  }),
  wsSendBuffer: setting({
    flag: 'ws-send-buffer',
    value: 'bytes',
    env: 'ASSETBOOK_WS_SEND_BUFFER',
    commands: 'serve',
    help: 'pushes a stream may have waiting for a slow client before it is disconnected with the venue\'s close code',
    fallback: '1048576',
    parse: bytesSetting('ws-send-buffer'),
  }),
  redis: setting({
    flag: 'redis',
    value: 'url',
    env: 'ASSETBOOK_REDIS',
    commands: 'serve',
    help: 'keep rate-limit counters in this Redis, shared by every instance on it',
    doc: 'keep rate-limit counters in this Redis, shared by every instance on it (see below)',
    defaultDoc: 'none: counters in memory',
    parse: (text) => {
      if (text !== undefined && !/^rediss?:\/\/[^\s]+$/.test(text)) throw new ConfigError(`redis must be a redis:// or rediss:// URL (got "${text}")`);
      return text ?? null;
    },
  }),
  trustProxy: setting({
    flag: 'trust-proxy',
    value: 'off|hops|addresses',
    env: 'ASSETBOOK_TRUST_PROXY',
    commands: 'serve',
    help: 'take the client address from X-Forwarded-For set by these proxies (CIDRs) or this many hops',
    doc: 'behind a load balancer: take the client address that IP rate limits count by from `X-Forwarded-For`, when set by these proxies (`10.0.0.0/8,127.0.0.1`) or this many hops (`1`)',
    fallback: 'off',
    parse: (text = 'off') => parseTrustProxy(text),
  }),
  logLevel: setting({
    flag: 'log-level',
    value: 'level',
    env: 'ASSETBOOK_LOG_LEVEL',
    commands: 'serve',
    help: 'pino level: fatal, error, warn, info, debug',
    fallback: 'warn',
    parse: (text = 'warn') => text,
  }),
};

export type SettingKey = keyof typeof SETTINGS;

/**
 * What each setting takes from the command line: text, or a list for a repeatable flag. A venue's
 * settings come in the same object under their own keys (commander's camelCase of the flag).
 */
export type ConfigFlags = { readonly [K in SettingKey]?: (typeof SETTINGS)[K] extends Setting<unknown, infer In> ? In : never };

/** Each setting's value once parsed; `venues` holds each venue's own, by venue id then key. */
export type SettingValues = { readonly [K in SettingKey]: ReturnType<(typeof SETTINGS)[K]['parse']> } & {
  readonly venues: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};

/** A setting's key as commander names it: the flag in camelCase. */
export const flagKey = (flag: string): string => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Every setting: the server's, then each venue's, in table order. */
export function allSettings(venues: readonly VenueDialect[] = VENUES): AnySetting[] {
  return [...Object.values(SETTINGS), ...venues.flatMap((v) => Object.values(v.settings))] as AnySetting[];
}

/** The settings `commands` take, as [key, setting] pairs in table order (a venue's keyed by its flag). */
export function settingsFor(commands: SettingCommands, venues: readonly VenueDialect[] = VENUES): [string, AnySetting][] {
  return allSettings(venues)
    .filter((s) => s.commands === commands)
    .map((s) => [flagKey(s.flag), s]);
}

/** The default as --help says it: the value, or the words the docs use, without markdown. */
export function settingDefaultText(setting: AnySetting): string {
  return setting.fallback ?? (setting.defaultDoc ?? 'none').replaceAll('`', '');
}

/**
 * Walks the table: a flag wins over its variable (an empty variable counts as unset), which wins
 * over the default; each text is parsed, and the first bad one stops with its ConfigError. A
 * venue's settings are read the same way, from the same flags object, under their flag's key.
 */
export function readSettings(flags: ConfigFlags, env: NodeJS.ProcessEnv, venues: readonly VenueDialect[] = VENUES): SettingValues {
  const given = flags as Readonly<Record<string, string | readonly string[] | undefined>>;
  const read = (spec: AnySetting) => {
    const fromEnv = env[spec.env] === '' ? undefined : env[spec.env];
    return spec.parse(given[flagKey(spec.flag)] ?? fromEnv ?? spec.fallback);
  };
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, AnySetting][]) values[key] = read(spec);
  values.venues = Object.fromEntries(
    venues.map((venue) => [venue.id, Object.fromEntries(Object.entries(venue.settings).map(([key, spec]) => [key, read(spec)]))]),
  );
  return values as SettingValues;
}

/** A start-up option of one command that is not a setting: no variable, nothing in `Config`. */
export interface CommandOption {
  readonly flag: string;
  /** The value syntax between `<>`; absent for a switch. */
  readonly value?: string;
  readonly help: string;
  /** The commands that take it, as the docs table says. */
  readonly commands: string;
}

/** `serve`'s options that say what to do at start rather than how to run; listed with the settings in the docs. */
export const SERVE_START_OPTIONS: readonly CommandOption[] = [
  { flag: 'scenario', value: 'file', help: 'load this scenario file at start, unless its first user is there already', commands: 'serve' },
  { flag: 'demo', help: "load the built-in demo (examples/demo.json with each venue's demo credentials) at start unless loaded, and print credentials and example requests", commands: 'serve' },
  { flag: 'credentials-file', value: 'path', help: "write the operator token and the loaded users' venue credentials here, as JSON", commands: 'serve, scenario load' },
];
