import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ConfigFlags } from '../../src/server/config.js';
import { DEMO, HttpHarness, type HttpResponse } from '../support/http-harness.js';
import { ASSETS, TRADING_ACCOUNTS, loginAs } from '../support/bullish-client.js';

/** Bullish's rate limits: categories counted independently, per user when authenticated, per IP otherwise, and a blanket per-IP limit. */

const harnesses: HttpHarness[] = [];
async function start(flags: ConfigFlags): Promise<HttpHarness> {
  const h = await HttpHarness.start('bullish-limits-operator', { scenario: DEMO, flags });
  harnesses.push(h);
  return h;
}
after(async () => {
  for (const h of harnesses) await h.close();
});

const TIME = '/trading-api/v1/time';
const aliceAssets = `${ASSETS}?tradingAccountId=111000000000001`;

function limitHeaders(response: HttpResponse) {
  return {
    limit: response.headers.get('x-ratelimit-limit'),
    remaining: response.headers.get('x-ratelimit-remaining'),
    reset: Number(response.headers.get('x-ratelimit-reset')),
    globalBreach: response.headers.get('x-ratelimit-global-breach'),
  };
}

function expect429(response: HttpResponse): void {
  assert.equal(response.status, 429, response.text);
  assert.deepEqual(
    { ...(response.body as object), message: undefined },
    { errorCode: 96000, errorCodeName: 'RATE_LIMIT_EXCEEDED', message: undefined, raw: null },
  );
  assert.equal(limitHeaders(response).remaining, '0');
}

describe('bullish rate limits', () => {
  test('every answer carries the x-ratelimit headers: a success, an authentication refusal, an unknown path', async () => {
    const h = await start({});
    const token = await loginAs(h, 'alice');
    const t0 = Date.now();
    for (const [path, auth, status] of [
      [aliceAssets, token, 200],
      [aliceAssets, null, 401],
      ['/trading-api/v9/none', null, 404],
      [TIME, null, 200],
    ] as const) {
      const response = await h.get(path, auth);
      assert.equal(response.status, status, path);
      const headers = limitHeaders(response);
      assert.match(headers.limit ?? '', /^\d+$/, `${path}: limit`);
      assert.match(headers.remaining ?? '', /^\d+$/, `${path}: remaining`);
      assert.ok(headers.reset >= t0 && headers.reset <= Date.now() + 60_000, `${path}: reset is an epoch millisecond in the window`);
      assert.equal(headers.globalBreach, 'false');
    }
    const authenticated = limitHeaders(await h.get(aliceAssets, token));
    assert.equal(authenticated.limit, '50', 'a private read shows its category: 50 per second');
  });

  test('the authenticated category counts per user: alice over her limit does not stop bob on the same IP', async () => {
    const h = await start({ rateLimit: 'bullish.authenticated=2/60s' });
    const alice = await loginAs(h, 'alice');
    const bob = await loginAs(h, 'bob');
    assert.deepEqual([(await h.get(aliceAssets, alice)).status, (await h.get(TRADING_ACCOUNTS, alice)).status], [200, 200]);
    const refused = await h.get(aliceAssets, alice);
    expect429(refused);
    assert.equal(limitHeaders(refused).limit, '2');
    assert.equal((await h.get(TRADING_ACCOUNTS, bob)).status, 200);
  });

  test('public endpoints and the login share the unauthenticated category, counted per IP', async () => {
    const h = await start({ rateLimit: 'bullish.unauthenticated=3/60s' });
    await loginAs(h, 'alice');
    assert.equal((await h.get(TIME, null)).status, 200);
    assert.equal((await h.get('/trading-api/v1/assets', null)).status, 200);
    expect429(await h.get('/trading-api/v1/markets', null));
    await assert.rejects(loginAs(h, 'bob'), /429/);
  });

  test('over the per-IP limit every path is refused, and the IP stays blocked for 60 s, well past the window', async () => {
    // A 1 s window, so that only the 60 s block can explain a refusal after it. Requests go in
    // concurrent bursts until one is refused: on a loaded machine four in one second are not a given.
    const h = await start({ rateLimit: 'bullish.ip=3/1s' });
    let refused: HttpResponse | undefined;
    let t0 = 0;
    for (let burst = 0; burst < 20 && refused === undefined; burst++) {
      t0 = Date.now();
      const answers = await Promise.all(Array.from({ length: 8 }, () => h.get(TIME, null)));
      refused = answers.find((a) => a.status === 429);
    }
    assert.ok(refused, 'a burst of eight in one window of three is refused');
    expect429(refused);
    assert.ok(limitHeaders(refused).reset >= t0 + 59_000, 'reset at the end of the 60 s block, not of the 1 s window');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const afterWindow = await h.get(aliceAssets, 'a.b.c');
    expect429(afterWindow);
    assert.ok(limitHeaders(afterWindow).reset >= t0 + 59_000, 'still blocked after the window has ended');
    expect429(await h.get('/trading-api/v1/nowhere', null));
  });

  test('an oversized query is counted against the per-IP budget before it is refused, and carries the headers (unlike Bitget, on purpose)', async () => {
    const h = await start({ rateLimit: 'bullish.ip=3/60s' });
    for (let i = 0; i < 3; i++) {
      const oversized = await h.get(`${TIME}?pad=${'x'.repeat(3000)}`, null);
      assert.equal(oversized.status, 400, oversized.text);
      assert.equal((oversized.body as { errorCode: number }).errorCode, 2001);
      assert.equal(limitHeaders(oversized).remaining, String(2 - i));
    }
    expect429(await h.get(TIME, null));
  });

  test('with rate limits off nothing is refused and the headers still show the rule', async () => {
    const h = await start({ rateLimits: 'off' });
    const token = await loginAs(h, 'alice');
    const statuses = new Set<number>();
    let last: HttpResponse | undefined;
    for (let i = 0; i < 120; i++) {
      last = await h.get(aliceAssets, token);
      statuses.add(last.status);
    }
    assert.deepEqual([...statuses], [200]);
    assert.deepEqual([limitHeaders(last!).limit, limitHeaders(last!).remaining], ['50', '50']);
  });

  test('with rate limits off the reset is still the end of the rule\'s window from now, on every answer', async () => {
    const h = await start({ rateLimits: 'off' });
    const token = await loginAs(h, 'alice');
    // A private read shows its category (1 s); a path no route serves, only the per-IP rule (10 s).
    const windowMs = { private: 1_000, ip: 10_000 };
    const resetOf = async (path: string, auth: string | null, window: number, status = 200) => {
      const before = Date.now();
      const response = await h.get(path, auth);
      assert.equal(response.status, status, response.text);
      const reset = limitHeaders(response).reset;
      assert.ok(reset >= before + window && reset <= Date.now() + window, `${path}: reset ${reset} is now + ${window} ms`);
      return reset;
    };
    const first = await resetOf(aliceAssets, token, windowMs.private);
    // Once the clock has moved, a later answer's reset must move with it (no text kept from an earlier answer).
    while (Date.now() <= first - windowMs.private + 1) await new Promise((resolve) => setImmediate(resolve));
    assert.ok((await resetOf(aliceAssets, token, windowMs.private)) > first, 'a later answer has a later reset');
    await resetOf('/trading-api/v9/none', null, windowMs.ip, 404);
  });
});
