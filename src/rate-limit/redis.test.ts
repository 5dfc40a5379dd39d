import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, skipWithoutRedis } from '../../test/support/services.js';
import type { RateLimitOverride } from '../server/config.js';
import type { RateLimitRule } from './rate-limiter.js';
import { redisRateLimiters, type RedisRateLimiterFactory, type RedisRateLimiterOptions } from './redis.js';

/** Nothing listens on port 1: connecting is refused at once, as with a Redis that is down. */
const UNREACHABLE = 'redis://127.0.0.1:1';
const NO_OVERRIDES: ReadonlyMap<string, RateLimitOverride> = new Map();

/** A key prefix of this test's own, and its keys deleted afterwards, so parallel runs never collide. */
function isolatedPrefix(t: TestContext): string {
  const prefix = `assetbook-test-${randomUUID()}`;
  t.after(async () => {
    const redis = new Redis(TEST_REDIS_URL!);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return prefix;
}

/** A factory closed when the test ends. */
function factory(t: TestContext, options: Partial<RedisRateLimiterOptions>): RedisRateLimiterFactory {
  const made = redisRateLimiters({ url: TEST_REDIS_URL ?? UNREACHABLE, enabled: true, overrides: NO_OVERRIDES, ...options });
  t.after(() => made.close());
  return made;
}

/**
 * Runs an observation whose claim only holds if it completes within `withinMs` of its start
 * (a key read before it expires, say); on a machine too busy to finish it in time it runs again
 * with a fresh start, rather than mistaking slowness for a defect.
 */
async function observeWithin(withinMs: number, observe: (attempt: number) => Promise<(elapsedMs: number) => void>): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const started = performance.now();
    const check = await observe(attempt);
    const elapsed = performance.now() - started;
    if (elapsed < withinMs) return check(elapsed);
  }
  assert.fail(`the machine never ran the observation within ${withinMs} ms in 8 attempts`);
}

async function redisValue(key: string): Promise<{ value: string | null; pttl: number }> {
  const redis = new Redis(TEST_REDIS_URL!);
  try {
    return { value: await redis.get(key), pttl: await redis.pttl(key) };
  } finally {
    await redis.quit();
  }
}

test('two instances on one Redis share one counter: remaining counts down across both and the N+1th is refused on either', { skip: skipWithoutRedis }, async (t) => {
  const keyPrefix = isolatedPrefix(t);
  const one = factory(t, { keyPrefix });
  const two = factory(t, { keyPrefix });
  await Promise.all([one.ready(), two.ready()]);
  const rule: RateLimitRule = { name: 'venue.account', points: 4, durationMs: 10_000 };
  const [a, b] = [one.create(rule), two.create(rule)];

  const remaining = [];
  for (const limiter of [a, b, a, b]) {
    const verdict = await limiter.consume('client-1');
    assert.equal(verdict.allowed, true);
    assert.equal(verdict.limit, 4);
    remaining.push(verdict.remaining);
  }
  assert.deepEqual(remaining, [3, 2, 1, 0]);
  for (const limiter of [a, b]) {
    const verdict = await limiter.consume('client-1');
    assert.equal(verdict.allowed, false);
    assert.ok(verdict.resetMs > 0 && verdict.resetMs <= 10_000, `resetMs ${verdict.resetMs}`);
  }
  assert.equal((await b.consume('client-2')).allowed, true, 'another key has its own counter');
  assert.equal((await redisValue(`${keyPrefix}:venue.account:client-1`)).value, '6', 'the counter is in Redis under <prefix>:<rule>:<key>');
});

test('once over the limit a key stays refused for blockMs, past the end of its window', { skip: skipWithoutRedis }, async (t) => {
  const keyPrefix = isolatedPrefix(t);
  const limits = factory(t, { keyPrefix });
  await limits.ready();
  const limiter = limits.create({ name: 'venue.ip', points: 2, durationMs: 300, blockMs: 2_000 });

  // Within the block, past the window: the key is refused. Each attempt uses a key of its own.
  let blockedAt = 0;
  let lastKey = '';
  await observeWithin(1_900, async (attempt) => {
    lastKey = `ip-${attempt}`;
    assert.equal((await limiter.consume(lastKey)).allowed, true);
    assert.equal((await limiter.consume(lastKey)).allowed, true);
    const refused = await limiter.consume(lastKey);
    blockedAt = performance.now();
    await sleep(400);
    const stillRefused = await limiter.consume(lastKey);
    return () => {
      assert.equal(refused.allowed, false);
      assert.ok(refused.resetMs > 300 && refused.resetMs <= 2_000, `resetMs ${refused.resetMs} is the block, not the window`);
      assert.equal(stillRefused.allowed, false, 'the 300 ms window is over, the 2 s block is not');
      assert.ok(stillRefused.resetMs > 0 && stillRefused.resetMs <= 1_600, `resetMs ${stillRefused.resetMs}`);
    };
  });

  await sleep(Math.max(0, blockedAt + 2_100 - performance.now()));
  assert.equal((await limiter.consume(lastKey)).allowed, true, 'the block has ended');
});

test('an override replaces the rule, and its sub-second window expires in Redis', { skip: skipWithoutRedis }, async (t) => {
  const keyPrefix = isolatedPrefix(t);
  const overrides = new Map([['venue.balances', { points: 2, durationMs: 250 }]]);
  const limits = factory(t, { keyPrefix, overrides });
  await limits.ready();
  const limiter = limits.create({ name: 'venue.balances', points: 100, durationMs: 60_000 });
  assert.deepEqual(limiter.rule, { name: 'venue.balances', points: 2, durationMs: 250 });

  let key = '';
  await observeWithin(250, async (attempt) => {
    key = `k-${attempt}`;
    const verdicts = await Promise.all([1, 2, 3].map(() => limiter.consume(key)));
    const { pttl } = await redisValue(`${keyPrefix}:venue.balances:${key}`);
    return () => {
      assert.deepEqual(verdicts.map((v) => [v.allowed, v.limit]), [[true, 2], [true, 2], [false, 2]]);
      assert.ok(pttl > 0 && pttl <= 250, `the key expires within the 250 ms window (pttl ${pttl}); rate-limiter-flexible alone sets none`);
    };
  });
  await sleep(300);
  assert.equal((await limiter.consume(key)).allowed, true, 'a new window');
});

test('a window that is not whole seconds keeps its length in Redis: 1.5 s, not 1 s', { skip: skipWithoutRedis }, async (t) => {
  const keyPrefix = isolatedPrefix(t);
  const limits = factory(t, { keyPrefix });
  await limits.ready();
  const limiter = limits.create({ name: 'venue.public', points: 5, durationMs: 1_500 });
  await observeWithin(500, async (attempt) => {
    const verdict = await limiter.consume(`k-${attempt}`);
    const { pttl } = await redisValue(`${keyPrefix}:venue.public:k-${attempt}`);
    // Read within 500 ms of the first write: a 1 s window would show at most 1,000 ms left.
    return () => {
      assert.ok(verdict.resetMs > 1_000 && verdict.resetMs <= 1_500, `resetMs ${verdict.resetMs}`);
      assert.ok(pttl > 1_000 && pttl <= 1_500, `pttl ${pttl}`);
    };
  });
});

test('limits off: every request is allowed and Redis is never contacted', async () => {
  const failures: Error[] = [];
  const limits = redisRateLimiters({ url: UNREACHABLE, enabled: false, overrides: NO_OVERRIDES, onFailure: (e) => failures.push(e) });
  await limits.ready();
  const limiter = limits.create({ name: 'venue.coins', points: 1, durationMs: 1_000 });
  for (let i = 0; i < 5; i++) assert.deepEqual(await limiter.consume('k'), { allowed: true, limit: 1, remaining: 1, resetMs: 1_000 });
  await sleep(100);
  assert.equal(limits.enabled, false);
  assert.deepEqual(failures, [], 'a connection attempt to port 1 would have been refused and reported');
  await limits.close();
});

test('Redis unreachable: consume answers without waiting for Redis, the limit still holds per process, and onFailure is told once', async (t) => {
  const failures: Error[] = [];
  const limits = factory(t, { url: UNREACHABLE, onFailure: (e) => failures.push(e) });
  await assert.rejects(limits.ready(300), /not ready after 300 ms.*counting per process/);
  const limiter = limits.create({ name: 'venue.account', points: 2, durationMs: 10_000 });

  const verdicts = [];
  // An answer at all is the claim: a consume that waited for Redis would never come (the test's timeout).
  for (let i = 0; i < 3; i++) verdicts.push(await limiter.consume('k'));
  assert.deepEqual(
    verdicts.map((v) => [v.allowed, v.remaining]),
    [
      [true, 1],
      [true, 0],
      [false, 0],
    ],
  );
  assert.equal(failures.length, 1, `one report per 10 s however many errors: ${failures.map((e) => e.message).join(' | ')}`);
  assert.match(failures[0]!.message, /counting per process/);
});

interface Relay {
  readonly url: string;
  /** Closes every connection and stops listening, as a Redis that went away. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Holds Redis's replies back (connections stay open), as a Redis that stopped answering. */
  freeze(): void;
  thaw(): void;
}

/** A TCP relay to the real Redis that can be cut or frozen and restored, to stand for an outage. */
async function relayTo(url: string): Promise<Relay> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket)).on('error', () => {});
    }
    client.on('data', (chunk) => upstream.write(chunk)).on('close', () => upstream.destroy());
    upstream.on('data', (chunk) => (frozen ? held.push(() => client.write(chunk)) : client.write(chunk))).on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const relayed = new URL(url);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(port);
  return {
    url: relayed.toString(),
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const write of held.splice(0)) write();
    },
  };
}

test('after an outage counting returns to Redis by itself', { skip: skipWithoutRedis }, async (t) => {
  const keyPrefix = isolatedPrefix(t);
  const relay = await relayTo(TEST_REDIS_URL!);
  t.after(() => relay.cut());
  const failures: Error[] = [];
  const limits = factory(t, { url: relay.url, keyPrefix, onFailure: (e) => failures.push(e) });
  await limits.ready();
  const limiter = limits.create({ name: 'venue.account', points: 10, durationMs: 10_000 });
  const key = `${keyPrefix}:venue.account:k`;

  assert.equal((await limiter.consume('k')).remaining, 9);
  await relay.cut();
  assert.equal((await limiter.consume('k')).allowed, true);
  assert.equal(failures.length, 1, 'the outage was reported');
  assert.equal((await redisValue(key)).value, '1', 'counted in this process, not in Redis');

  await relay.restore();
  await limits.ready(5_000);
  assert.equal((await limiter.consume('k')).remaining, 8, 'counted in Redis again, after the first request');
  assert.equal((await redisValue(key)).value, '2');
});

test('a Redis that stops answering is given up on at the command timeout, and the request answered from the per-process counter', { skip: skipWithoutRedis }, async (t) => {
  const keyPrefix = isolatedPrefix(t);
  const relay = await relayTo(TEST_REDIS_URL!);
  t.after(() => relay.cut());
  const failures: Error[] = [];
  const limits = factory(t, { url: relay.url, keyPrefix, onFailure: (e) => failures.push(e) });
  await limits.ready();
  const limiter = limits.create({ name: 'venue.account', points: 10, durationMs: 10_000 });

  assert.equal((await limiter.consume('k')).remaining, 9);
  relay.freeze();
  const started = performance.now();
  assert.equal((await limiter.consume('k')).allowed, true, 'answered from the per-process counter');
  const took = performance.now() - started;
  // A lower bound only: it waited for the command timeout (how much longer a busy machine adds says nothing).
  assert.ok(took >= 400, `took ${took} ms`);
  assert.equal(failures.length, 1);
  assert.match(failures[0]!.message, /timed out/i);

  relay.thaw();
  // The command that timed out still reached Redis and counted there: 1 + 1 + this one.
  assert.equal((await limiter.consume('k')).remaining, 7);
});

/**
 * Runs a separate node that uses a factory and closes it; resolves with its exit code and output
 * when it exits. A connection left open keeps it alive forever, which the test's own timeout
 * catches: how long a healthy exit takes depends on the machine, so nothing here measures it.
 */
function childThatCloses(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const module = fileURLToPath(new URL('./redis.ts', import.meta.url));
  const script = `
    const { redisRateLimiters } = await import(${JSON.stringify(module)});
    const limits = redisRateLimiters({ url: ${JSON.stringify(url)}, enabled: true, overrides: new Map(), keyPrefix: 'assetbook-test-${randomUUID()}', onFailure: () => {} });
    await limits.ready(500).catch(() => {});
    const verdict = await limits.create({ name: 'venue.close', points: 5, durationMs: 100 }).consume('k');
    await limits.close();
    console.log(JSON.stringify(verdict.allowed));
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** Far beyond any healthy exit, even on a saturated machine: only a process that never exits reaches it. */
const EXIT_TIMEOUT_MS = 120_000;

test('closing the factory closes its connection: a process that used it exits by itself', { skip: skipWithoutRedis, timeout: EXIT_TIMEOUT_MS }, async () => {
  const child = await childThatCloses(TEST_REDIS_URL!);
  assert.equal(child.code, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'true');
});

test('closing the factory while Redis is unreachable stops reconnecting: the process exits by itself', { timeout: EXIT_TIMEOUT_MS }, async () => {
  const child = await childThatCloses(UNREACHABLE);
  assert.equal(child.code, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'true');
});
