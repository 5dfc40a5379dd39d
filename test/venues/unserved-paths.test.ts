import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ccxt from 'ccxt';
import { RestClientV2 } from 'bitget-api';
import { DEMO, HttpHarness, type HttpRequest, type HttpResponse } from '../support/http-harness.js';
import { ccxtBullish, demoBullishKey } from '../support/bullish-client.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';
import { sdk, CHAIN_ID } from '../support/loopring-sdk.js';

/**
 * A path the venue has but assetbook does not serve answers in the venue's shape, saying so, with
 * a code the real client does not read as the caller's mistake: ccxt raises ExchangeError for
 * Bitget (it maps no Bitget code to NotSupported) and NotSupported for Bullish; the Loopring SDK
 * throws instead of resolving the body as data. A path the venue does not have keeps the venue's
 * own not-found answer. Either way: any method, never a 500 or a stack trace, nothing written,
 * counted against the per-IP budget like any request.
 */

const BITGET_API = ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert', 'copy', 'earn', 'uta'];

function ccxtBitget(h: HttpHarness) {
  const s = h.secrets('alice', 'bitget');
  const api = Object.fromEntries(BITGET_API.map((k) => [k, h.baseUrl]));
  return new ccxt.bitget({ apiKey: s.apiKey, secret: s.secretKey, password: s.passphrase, urls: { api } });
}

/** The ccxt error a call rejects with: its class name and message. */
async function ccxtRefusal(call: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof ccxt.BaseError, `a ccxt error, not ${String(error)}`);
    return { name: error.constructor.name, message: error.message };
  }
  return assert.fail('ccxt resolved');
}

/** What the Loopring SDK's promise did: resolved (with what) or rejected (with which HTTP status and body). */
async function sdkOutcome(call: () => Promise<unknown>): Promise<{ resolved: unknown } | { rejected: { status: unknown; body: unknown } }> {
  try {
    return { resolved: await call() };
  } catch (error) {
    const response = (error as { response?: { status?: unknown; data?: unknown } }).response;
    return { rejected: { status: response?.status, body: response?.data } };
  }
}

const lastSeen = (h: HttpHarness) => {
  const last = h.seen.at(-1);
  return last && `${last.method} ${last.url.split('?')[0]} ${last.status}`;
};

/** Everything a request could have written: journal entries and credentials. */
async function writes(h: HttpHarness): Promise<string> {
  const { store } = h.runtime;
  return JSON.stringify({ journal: (await store.listJournal(0, 10_000)).entries.map((e) => e.key), credentials: await store.listCredentials() });
}

interface Row {
  readonly claim: string;
  readonly request: HttpRequest;
  readonly status: number;
  readonly code: string | number;
  /** Text the message must hold. */
  readonly says?: string;
}

const codeOf = (body: unknown): unknown => {
  const b = body as { code?: unknown; errorCode?: unknown; resultInfo?: { code?: unknown } } | undefined;
  return b?.code ?? b?.errorCode ?? b?.resultInfo?.code;
};
const messageOf = (body: unknown): string => {
  const b = body as { msg?: string; message?: string; resultInfo?: { message?: string } } | undefined;
  return b?.msg ?? b?.message ?? b?.resultInfo?.message ?? '';
};

const get = (path: string, headers: Record<string, string> = {}): HttpRequest => ({ method: 'GET', path, token: null, headers });
const send = (method: string, path: string, body?: unknown): HttpRequest => ({ method, path, token: null, ...(body === undefined ? {} : { body }) });

const long = 'x'.repeat(129);

const TABLE: readonly Row[] = [
  // Bitget
  { claim: 'bitget: a v2 GET the venue has', request: get('/api/v2/spot/trade/orderInfo?orderId=1'), status: 501, code: '40401', says: 'assetbook does not serve GET /api/v2/spot/trade/orderInfo' },
  { claim: 'bitget: a v2 POST the venue has, with a JSON body', request: send('POST', '/api/v2/spot/trade/place-order', { symbol: 'BTCUSDT', side: 'buy' }), status: 501, code: '40401', says: 'assetbook does not serve POST /api/v2/spot/trade/place-order' },
  { claim: 'bitget: a v2 POST the venue has, without a body', request: send('POST', '/api/v2/spot/trade/cancel-order'), status: 501, code: '40401' },
  { claim: 'bitget: a futures path the venue has', request: get('/api/v2/mix/position/all-position?productType=USDT-FUTURES'), status: 501, code: '40401' },
  {
    claim: 'bitget: a body that is not JSON is bad input first, as on every path',
    request: { method: 'POST', path: '/api/v2/spot/trade/place-order', token: null, rawBody: '{bad', headers: { 'content-type': 'application/json' } },
    status: 400,
    code: '40017',
  },
  { claim: 'bitget: a method the venue does not have on that path', request: send('DELETE', '/api/v2/spot/trade/place-order'), status: 404, code: '40404' },
  { claim: 'bitget: POST on a served GET path', request: send('POST', '/api/v2/spot/account/assets', {}), status: 404, code: '40404' },
  { claim: 'bitget: a path the venue does not have', request: get('/api/v2/spot/trade/nothing'), status: 404, code: '40404' },
  { claim: 'bitget: the same path with a trailing slash', request: get('/api/v2/spot/trade/orderInfo/'), status: 404, code: '40404' },
  { claim: 'bitget: a served path the venue also lists still reaches its route (no credentials: 40001)', request: get('/api/v2/spot/account/assets'), status: 400, code: '40001' },
  // Bullish
  { claim: 'bullish: a v2 GET the venue has', request: get('/trading-api/v2/orders'), status: 501, code: 8318, says: 'assetbook does not serve GET /trading-api/v2/orders' },
  { claim: 'bullish: a path with an id the venue has', request: get('/trading-api/v2/orders/123456'), status: 501, code: 8318, says: 'GET /trading-api/v2/orders/123456' },
  { claim: 'bullish: a POST the venue has, with a JSON body', request: send('POST', '/trading-api/v2/orders', { commandType: 'V3CreateOrder' }), status: 501, code: 8318 },
  { claim: 'bullish: a method the venue does not have on that path', request: send('DELETE', '/trading-api/v2/orders'), status: 404, code: 2016 },
  { claim: 'bullish: an id too long to be one', request: get(`/trading-api/v2/orders/${long}`), status: 404, code: 2016 },
  { claim: 'bullish: a path the venue does not have', request: get('/trading-api/v1/nothing-here'), status: 404, code: 2016 },
  { claim: 'bullish: a served path the venue also lists still reaches its route (no token: 6105)', request: get('/trading-api/v1/accounts/asset?tradingAccountId=111000000000001'), status: 401, code: 6105 },
  // Loopring
  { claim: 'loopring: a GET the SDK calls', request: get('/api/v3/orders?accountId=10010'), status: 501, code: 100000, says: 'assetbook does not serve GET /api/v3/orders' },
  { claim: 'loopring: a DELETE the SDK calls', request: send('DELETE', '/api/v3/order'), status: 501, code: 100000, says: 'DELETE /api/v3/order' },
  { claim: 'loopring: a POST the SDK calls, with a JSON body', request: send('POST', '/api/v3/user/withdrawals', { accountId: 10010 }), status: 501, code: 100000 },
  { claim: 'loopring: a public GET the SDK calls', request: get('/api/v3/exchange/markets'), status: 501, code: 100000 },
  { claim: 'loopring: a method the SDK never sends there', request: send('PUT', '/api/v3/order', {}), status: 400, code: 100000, says: 'assetbook serves no PUT /api/v3/order' },
  { claim: 'loopring: a path the venue does not have', request: get('/api/v3/no-such-endpoint'), status: 400, code: 100000, says: 'assetbook serves no' },
  { claim: 'loopring: POST on a served GET path', request: send('POST', '/api/v3/user/balances', {}), status: 400, code: 100000 },
  { claim: 'loopring: a served path the SDK also lists still reaches its route (no key: 104001)', request: get('/api/v3/user/balances?accountId=10010'), status: 400, code: 104001 },
];

describe('unserved and unknown paths on the wire', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('unserved-wire', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('each answers in its venue shape with its status and code, never a 500 or a stack, and writes nothing', async () => {
    const before = await writes(h);
    for (const row of TABLE) {
      const response: HttpResponse = await h.request(row.request);
      assert.equal(response.status, row.status, `${row.claim}: ${response.text.slice(0, 300)}`);
      assert.equal(codeOf(response.body), row.code, `${row.claim}: ${response.text.slice(0, 300)}`);
      if (row.says !== undefined) assert.ok(messageOf(response.body).includes(row.says), `${row.claim}: ${messageOf(response.body)}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, row.claim);
      assert.doesNotMatch(response.text, /\n\s+at |stack/i, row.claim);
    }
    assert.equal(await writes(h), before);
  });

  test('a HEAD of a path the venue has is the same refusal without a body', async () => {
    for (const [path, status] of [['/api/v2/spot/trade/fills', 501], ['/trading-api/v2/orders', 501], ['/api/v3/orders', 501], ['/api/v3/no-such-endpoint', 400]] as const) {
      const response = await h.request({ method: 'HEAD', path, token: null });
      assert.deepEqual([response.status, response.text], [status, ''], path);
    }
  });

  test('bitget stamps the refusal with the server time like every other', async () => {
    const response = await h.request<{ requestTime: number; data: null }>(get('/api/v2/spot/trade/fills'));
    assert.equal(typeof response.body.requestTime, 'number');
    assert.equal(response.body.data, null);
  });
});

describe('bitget: ccxt and bitget-api calling endpoints assetbook does not serve', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('unserved-bitget', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('ccxt fetchMyTrades, fetchOpenOrders and createOrder raise ExchangeError (not BadRequest) naming what is not served', async () => {
    const ex = ccxtBitget(h);
    const calls: [() => Promise<unknown>, string][] = [
      [() => ex.fetchMyTrades('BTC/USDT'), 'GET /api/v2/spot/trade/fills'],
      [() => ex.fetchOpenOrders('BTC/USDT'), 'GET /api/v2/spot/trade/unfilled-orders'],
      [() => ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 20000), 'POST /api/v2/spot/trade/place-order'],
    ];
    for (const [call, path] of calls) {
      const refusal = await ccxtRefusal(call);
      assert.equal(refusal.name, 'ExchangeError', `${path}: ${refusal.message}`);
      assert.ok(refusal.message.includes(`assetbook does not serve ${path}`), refusal.message);
      assert.equal(lastSeen(h), `${path} 501`);
    }
  });

  test('ccxt still raises BadRequest for a path the venue does not have', async () => {
    const ex = ccxtBitget(h);
    const refusal = await ccxtRefusal(() => ex.request('v2/spot/trade/nothing', ['public', 'spot'], 'GET', {}));
    assert.equal(refusal.name, 'BadRequest', refusal.message);
  });

  test('bitget-api throws with HTTP 501 and the venue body for getSpotFills', async () => {
    const s = h.secrets('alice', 'bitget');
    const client = new RestClientV2({ apiKey: s.apiKey, apiSecret: s.secretKey, apiPass: s.passphrase, baseUrl: h.baseUrl });
    try {
      await client.getSpotFills({ symbol: 'BTCUSDT' });
      assert.fail('bitget-api resolved');
    } catch (error) {
      const e = error as { code?: unknown; body?: { code?: unknown; msg?: unknown } };
      assert.deepEqual([e.code, e.body?.code, e.body?.msg], [501, '40401', 'assetbook does not serve GET /api/v2/spot/trade/fills']);
    }
  });
});

describe('bullish: ccxt calling endpoints assetbook does not serve', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('unserved-bullish', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('fetchOpenOrders, fetchOrder and createOrder raise NotSupported naming what is not served', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    await ex.loadMarkets();
    const symbol = ex.symbols[0]!;
    const calls: [() => Promise<unknown>, string][] = [
      [() => ex.fetchOpenOrders(symbol), 'GET /trading-api/v2/history/orders'],
      [() => ex.fetchOrder('390755628101386241', symbol), 'GET /trading-api/v2/orders/390755628101386241'],
      [() => ex.createOrder(symbol, 'limit', 'buy', 0.01, 100), 'POST /trading-api/v2/orders'],
    ];
    for (const [call, path] of calls) {
      const refusal = await ccxtRefusal(call);
      assert.equal(refusal.name, 'NotSupported', `${path}: ${refusal.message}`);
      assert.ok(refusal.message.includes(`assetbook does not serve ${path}`), refusal.message);
      assert.equal(lastSeen(h), `${path} 501`);
    }
  });
});

describe('loopring: the SDK calling endpoints assetbook does not serve', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('unserved-loopring', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('getOrders, getUserTrades and getMarkets reject with HTTP 501 and the reason, instead of resolving it as data', async () => {
    const { alice } = DEMO_LOOPRING;
    const user = new (sdk as unknown as { UserAPI: new (o: object) => Record<string, (...a: unknown[]) => Promise<unknown>> }).UserAPI({ chainId: CHAIN_ID, baseUrl: h.baseUrl });
    const exchange = new (sdk as unknown as { ExchangeAPI: new (o: object) => Record<string, (...a: unknown[]) => Promise<unknown>> }).ExchangeAPI({ chainId: CHAIN_ID, baseUrl: h.baseUrl });
    const calls: [() => Promise<unknown>, string][] = [
      [() => user.getOrders!({ accountId: alice.accountId, market: 'LRC-ETH' }, alice.apiKey), 'GET /api/v3/orders'],
      [() => user.getUserTrades!({ accountId: alice.accountId, market: 'LRC-ETH' }, alice.apiKey), 'GET /api/v3/user/trades'],
      [() => exchange.getMarkets!(), 'GET /api/v3/exchange/markets'],
    ];
    for (const [call, path] of calls) {
      const outcome = await sdkOutcome(call);
      assert.ok('rejected' in outcome, `${path}: the SDK resolved ${JSON.stringify(outcome).slice(0, 200)}`);
      assert.deepEqual(outcome.rejected, { status: 501, body: { resultInfo: { code: 100000, message: `Unknown error: assetbook does not serve ${path}` } } });
      assert.equal(lastSeen(h), `${path} 501`);
    }
  });

  test('by contrast, a 400 resultInfo is what the SDK resolves as if it were the answer', async () => {
    // Why 501: this is what getOrders would have handed its caller as data.
    const response = await h.request(get('/api/v3/no-such-endpoint'));
    assert.equal(response.status, 400);
    const user = new (sdk as unknown as { UserAPI: new (o: object) => Record<string, (...a: unknown[]) => Promise<unknown>> }).UserAPI({ chainId: CHAIN_ID, baseUrl: h.baseUrl });
    const outcome = await sdkOutcome(() => user.getUserDepositHistory!({ accountId: DEMO_LOOPRING.alice.accountId, status: 'done' }, DEMO_LOOPRING.alice.apiKey));
    assert.ok('resolved' in outcome && (outcome.resolved as { code?: number }).code === 100001, JSON.stringify(outcome));
  });
});

describe('unserved paths count against the per-IP budget like any request', () => {
  test('past each venue IP limit the next unserved request is 429 in the venue shape', async () => {
    const h = await HttpHarness.start('unserved-limits', { flags: { rateLimit: ['bitget.ip=3/60s', 'bullish.ip=3/60s', 'loopring.ip=3/60s'] } });
    try {
      for (const [path, refused] of [
        ['/api/v2/spot/trade/fills', '429'],
        ['/trading-api/v2/orders', 96000],
        ['/api/v3/orders', 100000],
      ] as const) {
        for (let i = 0; i < 3; i++) assert.equal((await h.request(get(path))).status, 501, `${path} #${i + 1}`);
        const over = await h.request(get(path));
        assert.deepEqual([over.status, codeOf(over.body)], [429, refused], `${path}: ${over.text}`);
      }
    } finally {
      await h.close();
    }
  });
});
