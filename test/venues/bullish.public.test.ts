import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TRADING_ACCOUNTS } from '../support/bullish-client.js';
import { ALICE_MAIN, assets, expectAnswer, get, snapshotWrites, type StoreWrites } from '../support/bullish-http.js';
import { DEMO, HttpHarness, type HttpRequest } from '../support/http-harness.js';

/** The Bullish public endpoints, and what anything else under /trading-api answers, through a real server on loopback. */

describe('bullish public endpoints over HTTP', () => {
  let h: HttpHarness;
  let atStart: StoreWrites;
  before(async () => {
    h = await HttpHarness.start('bullish-public-operator', { scenario: DEMO, flags: { rateLimits: 'off' } });
    atStart = await snapshotWrites(h);
  });
  after(async () => h.close());

  describe('public endpoints', () => {
    test('GET /v1/assets lists every asset with its Bullish id and precision, without a token', async () => {
      const response = await h.request<{ assetId: string; symbol: string; precision: string; minFee: string }[]>(get('/trading-api/v1/assets', null));
      expectAnswer(response, 200);
      const usdt = response.body.find((a) => a.symbol === 'USDT')!;
      assert.deepEqual([usdt.assetId, usdt.precision, usdt.minFee], ['3', '4', '0.0000']);
      assert.deepEqual(response.body.map((a) => a.symbol).slice(0, 8), ['BTC', 'ETH', 'USDT', 'USDC', 'SOL', 'LRC', 'DOGE', 'XRP']);
    });

    test('GET /v1/markets lists spot markets against USDC', async () => {
      const response = await h.request<{ symbol: string; marketType: string }[]>(get('/trading-api/v1/markets', null));
      expectAnswer(response, 200);
      assert.ok(response.body.some((m) => m.symbol === 'BTCUSDC' && m.marketType === 'SPOT'));
      assert.ok(!response.body.some((m) => m.symbol === 'USDCUSDC'));
    });

    test('GET /v1/time is the server clock, as a millisecond string and the same instant in ISO form', async () => {
      const t0 = Date.now();
      const response = await h.request<{ timestamp: string; datetime: string }>(get('/trading-api/v1/time', null));
      expectAnswer(response, 200);
      assert.match(response.body.timestamp, /^\d{13}$/);
      const at = Number(response.body.timestamp);
      assert.ok(at >= t0 && at <= Date.now());
      assert.equal(new Date(response.body.datetime).getTime(), at);
    });

    test('GET /v1/nonce is today’s range in microseconds, around now', async () => {
      const response = await h.request<{ lowerBound: number; upperBound: number }>(get('/trading-api/v1/nonce', null));
      expectAnswer(response, 200);
      const nowUs = Date.now() * 1000;
      assert.ok(response.body.lowerBound <= nowUs && nowUs <= response.body.upperBound);
      assert.equal(response.body.upperBound - response.body.lowerBound, 86_400_000_000 - 1);
    });
  });

  describe('everything else under /trading-api', () => {
    const cases: [string, HttpRequest, number, number][] = [
      ['a path Bullish does not have', get('/trading-api/v2/no-such-thing', null), 404, 2016],
      ['a served path with another method', { method: 'DELETE', path: assets(ALICE_MAIN), token: null }, 404, 2016],
      ['a path under a served one', get(`${TRADING_ACCOUNTS}-extra`, null), 404, 2016],
    ];
    for (const [what, request, status, code] of cases) {
      test(`${what}: ${status} ${code}`, async () => {
        expectAnswer(await h.request(request), status, code, what);
      });
    }

    test('paths outside /trading-api keep the operator API’s answers', async () => {
      const response = await h.request(get('/trading-apis/v1/time', null));
      assert.equal(response.status, 404);
      assert.equal((response.body as { error?: { code?: string } }).error?.code, 'NOT_FOUND');
    });


    test('nothing above wrote to the store, and the ledger verifies', async () => {
      assert.deepEqual(await snapshotWrites(h), atStart);
      assert.equal((await h.runtime.ledger.verify()).ok, true);
    });
  });
});
