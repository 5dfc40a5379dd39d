import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseRateLimitOverrides, resolveConfig, type ConfigFlags } from '../src/server/config.js';
import { buildApp } from '../src/server/app.js';
import { openRuntime } from '../src/server/runtime.js';
import { capCounters, parseStreamCapOverrides } from '../src/rate-limit/stream-caps.js';

/** A venue's flags ride in the same options object as the server's, under their own keys. */
const withVenueFlags = (flags: Record<string, string>): ConfigFlags => flags as ConfigFlags;

test('rate-limit rules parse from repeated flags and comma lists, in seconds or milliseconds', () => {
  const rules = parseRateLimitOverrides(['bitget.account=20/1s', 'bullish.ip=500/10s, loopring.balances=5/250ms']);
  assert.deepEqual(Object.fromEntries(rules), {
    'bitget.account': { points: 20, durationMs: 1000 },
    'bullish.ip': { points: 500, durationMs: 10_000 },
    'loopring.balances': { points: 5, durationMs: 250 },
  });
  assert.equal(parseRateLimitOverrides(undefined).size, 0);
});

test('a malformed rate-limit rule is a ConfigError naming the rule', () => {
  for (const bad of ['bitget.account', 'bitget.account=0/1s', 'bitget.account=10/0s', 'bitget.account=10/1m', 'Bitget=1/1s', '=1/1s', 'x=1.5/1s']) {
    assert.throws(() => parseRateLimitOverrides(bad), (e: unknown) => e instanceof ConfigError && e.message.includes(bad.split(',')[0]!), bad);
  }
});

test('venue settings have their documented defaults and refuse nonsense', () => {
  const config = resolveConfig({}, {});
  assert.deepEqual(config.venues, { bitget: { timestampWindowMs: 30_000, wsPingTimeoutMs: 120_000 }, bullish: { tokenTtlMs: 86_400_000, wsIdleMs: 300_000 }, loopring: { keyScope: 'any', wsKeyTtlMs: 300_000, wsPingIntervalMs: 30_000, wsPongTimeoutMs: 120_000 } });
  assert.equal(resolveConfig(withVenueFlags({ bitgetTimestampWindow: '2.5' }), {}).venues.bitget?.timestampWindowMs, 2500);
  assert.equal(resolveConfig({}, { ASSETBOOK_LOOPRING_KEY_SCOPE: 'own' }).venues.loopring?.keyScope, 'own');
  assert.throws(() => resolveConfig(withVenueFlags({ bitgetTimestampWindow: '0' }), {}), ConfigError);
  assert.throws(() => resolveConfig(withVenueFlags({ bullishTokenTtl: 'soon' }), {}), ConfigError);
  assert.throws(() => resolveConfig(withVenueFlags({ loopringKeyScope: 'some' }), {}), ConfigError);
  assert.equal(resolveConfig(withVenueFlags({ loopringWsPingInterval: '0.5' }), {}).venues.loopring?.wsPingIntervalMs, 500);
  assert.throws(() => resolveConfig(withVenueFlags({ loopringWsKeyTtl: '0' }), {}), ConfigError);
});

test('a rate-limit rule that names no venue rule stops the app from being built', async () => {
  const runtime = await openRuntime(resolveConfig({ db: ':memory:', rateLimit: 'bitget.acount=1/1s' }, {}));
  try {
    await assert.rejects(buildApp(runtime, { logger: false }), (e: unknown) => e instanceof ConfigError && /bitget\.acount/.test(e.message));
  } finally {
    await runtime.close();
  }
});

test('a PostgreSQL store needs a secret key (every instance must open the same secrets); a Redis URL must be one', () => {
  assert.throws(() => resolveConfig({ db: 'postgres://u@h/db' }, {}), /needs --secret-key/);
  const config = resolveConfig({ db: 'postgresql://u@h/db', secretKey: 'a'.repeat(64), redis: 'redis://127.0.0.1:6379' }, {});
  assert.equal(config.dataDir, null, 'no data folder is guessed from a URL');
  assert.equal(config.redis, 'redis://127.0.0.1:6379');
  assert.throws(() => resolveConfig({ redis: 'localhost:6379' }, {}), /redis:\/\//);
  assert.throws(() => resolveConfig({ postgresPoolSize: '1' }, {}), /postgres-pool-size/);
  assert.equal(resolveConfig({ groupCommit: 'on' }, {}).groupCommit, true);
  assert.equal(resolveConfig({}, {}).groupCommit, true, 'on unless turned off: see docs/benchmarks.md');
});

test('an instance whose secret key differs from the one the store was written with is refused before it serves', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'assetbook-key-'));
  try {
    const db = join(dir, 'a.db');
    const first = await openRuntime(resolveConfig({ db, secretKey: '1'.repeat(64) }, {}));
    await first.close();
    await assert.rejects(openRuntime(resolveConfig({ db, secretKey: '2'.repeat(64) }, {})), /secret key differs/);
    const again = await openRuntime(resolveConfig({ db, secretKey: '1'.repeat(64) }, {}));
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('behind a proxy, the client address that IP limits count by comes from X-Forwarded-For only when the proxy is trusted', async () => {
  assert.equal(resolveConfig({}, {}).trustProxy, false);
  assert.equal(resolveConfig({ trustProxy: '1' }, {}).trustProxy, 1);
  assert.equal(resolveConfig({ trustProxy: '10.0.0.0/8, 127.0.0.1' }, {}).trustProxy, '10.0.0.0/8,127.0.0.1');
  assert.throws(() => resolveConfig({ trustProxy: 'everyone' }, {}), /trust-proxy/);
  for (const [trustProxy, expected] of [['off', '127.0.0.1'], ['127.0.0.1', '203.0.113.9']] as const) {
    const runtime = await openRuntime(resolveConfig({ db: ':memory:', trustProxy }, {}));
    const app = await buildApp(runtime, { logger: false });
    app.get('/_test/ip', async (request) => request.ip);
    const response = await app.inject({ url: '/_test/ip', headers: { 'x-forwarded-for': '203.0.113.9' }, remoteAddress: '127.0.0.1' });
    assert.equal(response.body, expected, `trust-proxy ${trustProxy}`);
    await app.close();
    await runtime.close();
  }
});

test("docs/configuration.md's settings table is current (equals the one generated from the settings table; npm run docs:config)", async () => {
  const { readFileSync } = await import('node:fs');
  const { withSettingsTable } = await import('../src/server/settings-docs.js');
  const docs = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
  assert.equal(docs, withSettingsTable(docs));
});

test('every setting is read from its flag, else its variable, else its default; an empty variable counts as unset', () => {
  assert.equal(resolveConfig({ port: '81' }, { ASSETBOOK_PORT: '82' }).port, 81);
  assert.equal(resolveConfig({}, { ASSETBOOK_PORT: '82' }).port, 82);
  assert.equal(resolveConfig({}, { ASSETBOOK_PORT: '' }).port, 8080);
  assert.deepEqual(Object.fromEntries(resolveConfig({}, { ASSETBOOK_RATE_LIMIT: 'bitget.account=2/1s' }).rateLimitOverrides), { 'bitget.account': { points: 2, durationMs: 1000 } });
  assert.equal(resolveConfig({}, { ASSETBOOK_DURABILITY: 'normal' }).durability, 'normal');
  assert.throws(() => resolveConfig({ port: '70000' }, {}), /port must be 0 to 65535 \(got "70000"\)/);
  assert.throws(() => resolveConfig({}, { ASSETBOOK_GROUP_COMMIT: 'yes' }), /group-commit must be one of on, off \(got "yes"\)/);
});

test('stream caps: overrides parse as name=N, a malformed one is a ConfigError, and one naming no venue cap stops the app from being built', async () => {
  assert.deepEqual(Object.fromEntries(parseStreamCapOverrides(['a.x=3', 'b.y=10, c.z=1'])), { 'a.x': 3, 'b.y': 10, 'c.z': 1 });
  for (const bad of ['a.x', 'a.x=0', 'a.x=-1', 'A=1', 'a.x=1.5']) assert.throws(() => parseStreamCapOverrides(bad), ConfigError, bad);
  const runtime = await openRuntime(resolveConfig({ db: ':memory:', streamLimit: 'nobody.ws-connections=1' }, {}));
  try {
    await assert.rejects(buildApp(runtime, { logger: false }), (e: unknown) => e instanceof ConfigError && /nobody\.ws-connections/.test(e.message));
  } finally {
    await runtime.close();
  }
});

test('a stream cap counter admits up to its cap per key, gives places back, and counts nothing when limits are off', () => {
  const cap = { name: 'v.sockets', max: 2 };
  const on = capCounters(true, new Map())(cap);
  assert.deepEqual([on.tryAcquire('ip'), on.tryAcquire('ip'), on.tryAcquire('ip'), on.tryAcquire('other')], [true, true, false, true]);
  on.release('ip');
  assert.equal(on.tryAcquire('ip'), true, 'a place given back can be taken again');
  assert.equal(capCounters(true, new Map([['v.sockets', 5]]))(cap).max, 5, 'an override replaces the declared cap');
  const off = capCounters(false, new Map())(cap);
  assert.ok(Array.from({ length: 1000 }, () => off.tryAcquire('ip')).every(Boolean));
});
