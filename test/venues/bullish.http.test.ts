import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { loadScenario } from '../../src/scenario/load.js';
import { DEMO, HttpHarness, type HttpRequest, type HttpResponse } from '../support/http-harness.js';
import { ASSETS, LOGIN, TRADING_ACCOUNTS, demoBullishKey, jwtPayload, loginAs, loginRequest, nextNonce } from '../support/bullish-client.js';

/**
 * Every Bullish endpoint through a real server on loopback with the demo scenario: a table per
 * endpoint of request → status and Bullish errorCode, every authentication failure included.
 */

const ALICE_MAIN = '111000000000001';
const ALICE_GRID = '111000000000002';
const ALICE_EMPTY = '111000000000004';
const BOB_MAIN = '111000000000011';
const NOBODY = '111999999999999';

interface ErrorBody {
  message: string;
  errorCode: number;
  errorCodeName: string;
  raw: null;
}
interface AssetAccount {
  tradingAccountId: string;
  assetId: string;
  assetSymbol: string;
  availableQuantity: string;
  borrowedQuantity: string;
  lockedQuantity: string;
  loanedQuantity: string;
  updatedAtDatetime: string;
  updatedAtTimestamp: string;
}

const get = (path: string, token: string | null, headers: Record<string, string> = {}): HttpRequest => ({ method: 'GET', path, token, headers });
const assets = (tradingAccountId: string, extra = '') => `${ASSETS}?tradingAccountId=${tradingAccountId}${extra}`;

/** Asserts status and, for refusals, Bullish's error body with that code. */
function expectAnswer(response: HttpResponse, status: number, errorCode?: number, what = ''): void {
  assert.equal(response.status, status, `${what}: status (body ${response.text})`);
  if (errorCode === undefined) return;
  const body = response.body as ErrorBody;
  assert.equal(body.errorCode, errorCode, `${what}: errorCode (body ${response.text})`);
  assert.equal(typeof body.errorCodeName, 'string', what);
  assert.equal(typeof body.message, 'string', what);
  assert.equal(body.raw, null, what);
  assert.doesNotMatch(response.text, /at .*\.(ts|js):\d+/, `${what}: no stack trace`);
}

/** A JWT with these header and payload parts and this signature part, base64url-encoded. */
function rawJwt(header: object, payload: object, signature: string): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(payload)}.${signature}`;
}

describe('bullish over HTTP', () => {
  let h: HttpHarness;
  let alice: string;
  let bob: string;
  let journalAtStart: number;
  before(async () => {
    h = await HttpHarness.start('bullish-http-operator', { scenario: DEMO, flags: { rateLimits: 'off' } });
    alice = await loginAs(h, 'alice');
    bob = await loginAs(h, 'bob');
    journalAtStart = (await h.runtime.store.listJournal(0, 1000)).entries.length;
  });
  after(async () => h.close());

  describe('GET /v1/users/hmac/login', () => {
    test('a correctly signed login returns an authorizer, the same owner authorizer, and a JWT that opens the private endpoints', async () => {
      const t0 = Date.now();
      const response = await h.request<{ authorizer: string; ownerAuthorizer: string; token: string }>(loginRequest(demoBullishKey(h.secrets('carol', 'bullish'))));
      const t1 = Date.now();
      expectAnswer(response, 200);
      assert.deepEqual(Object.keys(response.body).sort(), ['authorizer', 'ownerAuthorizer', 'token']);
      assert.match(response.body.authorizer, /^[0-9A-F]{32}$/);
      assert.equal(response.body.ownerAuthorizer, response.body.authorizer);
      assert.match(response.body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      const payload = jwtPayload(response.body.token);
      const expMs = (payload.exp as number) * 1000;
      assert.ok(expMs >= t0 + 86_400_000 && expMs <= t1 + 86_401_000, 'valid at least 24 h by default, exp rounded up to the second');
      expectAnswer(await h.request(get(TRADING_ACCOUNTS, response.body.token)), 200);
    });

    test('each user gets a stable authorizer of their own', async () => {
      const key = demoBullishKey(h.secrets('alice', 'bullish'));
      const first = await h.request<{ authorizer: string }>(loginRequest(key));
      const second = await h.request<{ authorizer: string }>(loginRequest(key));
      const other = await h.request<{ authorizer: string }>(loginRequest(demoBullishKey(h.secrets('bob', 'bullish'))));
      assert.equal(first.body.authorizer, second.body.authorizer);
      assert.notEqual(first.body.authorizer, other.body.authorizer);
    });

    const aliceKey = () => demoBullishKey(h.secrets('alice', 'bullish'));
    const cases: [string, () => HttpRequest, number, number][] = [
      ['no BX-PUBLIC-KEY', () => loginRequest(aliceKey(), { omit: ['bx-public-key'] }), 401, 8327],
      ['no BX-TIMESTAMP', () => loginRequest(aliceKey(), { omit: ['bx-timestamp'] }), 401, 2035],
      ['no BX-NONCE', () => loginRequest(aliceKey(), { omit: ['bx-nonce'] }), 401, 2035],
      ['no BX-SIGNATURE', () => loginRequest(aliceKey(), { omit: ['bx-signature'] }), 401, 8327],
      ['no headers at all', () => get(LOGIN, null), 401, 8327],
      ['a public key never issued', () => loginRequest({ publicKey: 'HMAC-never-issued', secret: 'whatever' }), 401, 8327],
      ['the right key signed with another secret', () => loginRequest({ ...aliceKey(), secret: 'demo-bob-bullish-secret' }), 401, 8327],
      ['bob signing under alice’s public key', () => loginRequest({ publicKey: aliceKey().publicKey, secret: h.secrets('bob', 'bullish').secret! }), 401, 8327],
      [
        'a signature over another path',
        () => {
          const timestamp = String(Date.now());
          const nonce = nextNonce();
          const signature = createHmac('sha256', aliceKey().secret).update(`${timestamp}${nonce}GET/trading-api/v1/accounts/asset`).digest('hex');
          return loginRequest(aliceKey(), { timestamp, nonce, signature });
        },
      401,
        8327,
      ],
      ['an upper-case hex signature', () => {
        const request = loginRequest(aliceKey());
        return { ...request, headers: { ...request.headers, 'bx-signature': request.headers!['bx-signature']!.toUpperCase() } };
      }, 401, 8327],
      ['a timestamp 31 s old', () => loginRequest(aliceKey(), { timestamp: String(Date.now() - 31_000) }), 401, 2035],
      ['a timestamp 31 s ahead', () => loginRequest(aliceKey(), { timestamp: String(Date.now() + 31_000) }), 401, 2035],
      ['a timestamp in seconds', () => loginRequest(aliceKey(), { timestamp: String(Math.floor(Date.now() / 1000)) }), 401, 2035],
      ['a nonce with a leading zero', () => loginRequest(aliceKey(), { nonce: `0${nextNonce()}` }), 401, 2035],
      ['a nonce above 2^64 - 1', () => loginRequest(aliceKey(), { nonce: '99999999999999999999' }), 401, 2035],
    ];
    for (const [what, request, status, code] of cases) {
      test(`${what}: ${status} ${code}`, async () => {
        expectAnswer(await h.request(request()), status, code, what);
      });
    }

    test('a login replayed as it was sent is refused on its nonce; the same nonce under another key is fine', async () => {
      const nonce = nextNonce();
      const first = loginRequest(demoBullishKey(h.secrets('alice', 'bullish')), { nonce });
      expectAnswer(await h.request(first), 200);
      expectAnswer(await h.request(first), 401, 2035, 'replay');
      expectAnswer(await h.request(loginRequest(demoBullishKey(h.secrets('bob', 'bullish')), { nonce })), 200);
    });

    test('a refused login does not use up its nonce: the correctly signed login with that nonce still works', async () => {
      const nonce = nextNonce();
      const key = demoBullishKey(h.secrets('alice', 'bullish'));
      expectAnswer(await h.request(loginRequest({ ...key, secret: 'wrong-secret-123' }, { nonce })), 401, 8327);
      expectAnswer(await h.request(loginRequest(key, { nonce })), 200);
    });
  });

  describe('bearer token on private endpoints', () => {
    const read = (token: string | null, headers: Record<string, string> = {}) => get(assets(ALICE_MAIN), token, headers);

    test('the bearer token alone authenticates a GET: BX-* headers, even wrong ones, are not checked', async () => {
      expectAnswer(await h.request(read(alice)), 200);
      expectAnswer(await h.request(read(alice, { 'bx-timestamp': '1', 'bx-nonce': '1', 'bx-signature': 'not-a-signature' })), 200);
    });

    const cases: [string, () => HttpRequest][] = [
      ['no Authorization header', () => read(null)],
      ['a Basic Authorization header', () => read(null, { authorization: 'Basic YWxpY2U6eA==' })],
      ['Bearer without a token', () => read(null, { authorization: 'Bearer' })],
      ['a token that is not a JWT', () => read('not-a-jwt')],
      ['the operator token', () => read('bullish-http-operator')],
      [
        'alice’s token with its subject changed to bob',
        () => {
          const [head, payload, signature] = alice.split('.') as [string, string, string];
          const changed = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), sub: String(h.account('bob').userId) };
          return read(`${head}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`);
        },
      ],
      ['alice’s token with another signature', () => read(`${alice.split('.').slice(0, 2).join('.')}.${Buffer.alloc(32, 1).toString('base64url')}`)],
      ['an unsigned token (alg none)', () => read(rawJwt({ alg: 'none' }, jwtPayload(alice), ''))],
      ['a token signed with a key the server never had', () => read(rawJwt({ alg: 'HS256' }, jwtPayload(alice), Buffer.alloc(32, 9).toString('base64url')))],
    ];
    for (const [what, request] of cases) {
      test(`${what}: 401 6105`, async () => {
        expectAnswer(await h.request(request()), 401, 6105, what);
      });
    }

    test('the same failures are refused on every private endpoint', async () => {
      for (const path of [assets(ALICE_MAIN), `${ASSETS}/BTC?tradingAccountId=${ALICE_MAIN}`, TRADING_ACCOUNTS, `${TRADING_ACCOUNTS}/${ALICE_MAIN}`]) {
        expectAnswer(await h.request(get(path, null)), 401, 6105, path);
        expectAnswer(await h.request(get(path, 'a.b.c')), 401, 6105, path);
      }
      expectAnswer(await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token: null }), 401, 6105, 'logout');
    });
  });

  describe('GET /v1/accounts/asset', () => {
    test('lists every asset the trading account holds, quantities padded or cut to the Bullish precision, locked = orders + locks + loans + restricted + pending withdrawal', async () => {
      const response = await h.request<AssetAccount[]>(get(assets(ALICE_MAIN), alice));
      expectAnswer(response, 200);
      const bySymbol = new Map(response.body.map((a) => [a.assetSymbol, a]));
      assert.deepEqual([...bySymbol.keys()].sort(), ['BTC', 'ETH', 'SOL', 'USDC', 'USDT']);
      const pick = (a: AssetAccount) => [a.availableQuantity, a.lockedQuantity, a.borrowedQuantity, a.loanedQuantity];
      // Demo: BTC available 1.25, held 0.1, borrowed 0.05, loaned 0.2 → locked 0.1 + 0.2.
      assert.deepEqual(pick(bySymbol.get('BTC')!), ['1.25000000', '0.30000000', '0.05000000', '0.20000000']);
      // ETH available 12.5, locked 0.5, pending withdrawal 0.25; the pending deposit is not shown.
      assert.deepEqual(pick(bySymbol.get('ETH')!), ['12.50000000', '0.75000000', '0.00000000', '0.00000000']);
      // USDT (precision 4) available 25000, held 1500.5, restricted 300.
      assert.deepEqual(pick(bySymbol.get('USDT')!), ['25000.0000', '1800.5000', '0.0000', '0.0000']);
      // Cut toward zero: USDC 10000.123456 at 4 places, SOL 42.123456789 at 8.
      assert.equal(bySymbol.get('USDC')!.availableQuantity, '10000.1234');
      assert.equal(bySymbol.get('SOL')!.availableQuantity, '42.12345678');
      for (const a of response.body) {
        assert.equal(a.tradingAccountId, ALICE_MAIN);
        assert.equal(a.assetId, (await h.runtime.ledger.asset(a.assetSymbol))!.bullish.assetId);
        assert.match(a.updatedAtDatetime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.equal(new Date(a.updatedAtDatetime).getTime(), Number(a.updatedAtTimestamp));
      }
    });

    test('a trading account that holds nothing answers an empty array', async () => {
      const response = await h.request(get(assets(ALICE_EMPTY), alice));
      expectAnswer(response, 200);
      assert.equal(response.text, '[]');
    });

    test('a sub-account of the caller shows its own holdings', async () => {
      const response = await h.request<AssetAccount[]>(get(assets(ALICE_GRID), alice));
      expectAnswer(response, 200);
      assert.deepEqual(response.body.map((a) => [a.tradingAccountId, a.assetSymbol, a.availableQuantity]).sort(), [
        [ALICE_GRID, 'BTC', '0.05000000'],
        [ALICE_GRID, 'USDT', '5000.0000'],
      ]);
    });

    test('unknown query parameters are ignored (ccxt sends code)', async () => {
      const plain = await h.request(get(assets(ALICE_MAIN), alice));
      const extra = await h.request(get(assets(ALICE_MAIN, '&code=BTC&foo=bar&_pageSize=5'), alice));
      expectAnswer(extra, 200);
      assert.equal(extra.text, plain.text);
    });

    const cases: [string, () => HttpRequest, number, number][] = [
      ['no tradingAccountId', () => get(ASSETS, alice), 400, 2001],
      ['an empty tradingAccountId', () => get(`${ASSETS}?tradingAccountId=`, alice), 400, 2001],
      ['tradingAccountId twice', () => get(`${assets(ALICE_MAIN)}&tradingAccountId=${ALICE_GRID}`, alice), 400, 2001],
      ['a tradingAccountId that is not a number', () => get(`${ASSETS}?tradingAccountId=alice`, alice), 400, 2001],
      ['a tradingAccountId with a leading zero', () => get(`${ASSETS}?tradingAccountId=0${ALICE_MAIN}`, alice), 400, 2001],
      ['another user’s trading account', () => get(assets(BOB_MAIN), alice), 403, 2010],
      ['a trading account that does not exist', () => get(assets(NOBODY), alice), 403, 2010],
    ];
    for (const [what, request, status, code] of cases) {
      test(`${what}: ${status} ${code}`, async () => {
        expectAnswer(await h.request(request()), status, code, what);
      });
    }

    test('another user’s account and a nonexistent one get the same answer, word for word', async () => {
      const theirs = await h.request(get(assets(BOB_MAIN), alice));
      const nobodys = await h.request(get(assets(NOBODY), alice));
      assert.equal(theirs.text, nobodys.text);
      assert.doesNotMatch(theirs.text, new RegExp(BOB_MAIN));
    });

    test('an account with more than ten assets lists all of them (maxItems 10 is not a page size)', async () => {
      const carolMain = h.account('carol');
      for (const symbol of ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH', 'III', 'JJJ']) {
        expectAnswer(await h.post('/_assetbook/v1/assets', { symbol, scale: 2 }), 201, undefined, symbol);
        await h.operate({ type: 'deposit', key: `bullish-http/many/${symbol}`, account: carolMain.id, asset: symbol, amount: '1.5' });
      }
      const carol = await loginAs(h, 'carol');
      const response = await h.request<AssetAccount[]>(get(assets(carolMain.bullishTradingAccountId), carol));
      expectAnswer(response, 200);
      assert.equal(response.body.length, 12);
      assert.equal(response.body.find((a) => a.assetSymbol === 'JJJ')!.availableQuantity, '1.50', 'precision defaults to the scale');
    });

    test('a debt finer than the precision is rounded up: borrowing one wei of ETH shows 0.00000001 borrowed and isBorrowing', async () => {
      const arb2 = h.account('bob', 'arb-2');
      await h.operate({ type: 'borrow', key: 'bullish-http/one-wei', account: arb2.id, asset: 'ETH', amount: '0.000000000000000001' });
      const eth = (await h.request<AssetAccount[]>(get(assets(arb2.bullishTradingAccountId), bob))).body.find((a) => a.assetSymbol === 'ETH')!;
      assert.deepEqual([eth.borrowedQuantity, eth.availableQuantity], ['0.00000001', '0.00000000'], 'the debt shows; the holding is cut');
      const account = (await h.request<{ isBorrowing: string }>(get(`${TRADING_ACCOUNTS}/${arb2.bullishTradingAccountId}`, bob))).body;
      assert.equal(account.isBorrowing, 'true');
    });

    test('updatedAt follows the latest change of the asset’s books', async () => {
      const before = (await h.request<AssetAccount[]>(get(assets(ALICE_GRID), alice))).body.find((a) => a.assetSymbol === 'BTC')!;
      const t0 = Date.now();
      await h.operate({ type: 'hold', key: 'bullish-http/updated-at', account: h.account('alice', 'grid-bot').id, asset: 'BTC', amount: '0.01' });
      const afterHold = (await h.request<AssetAccount[]>(get(assets(ALICE_GRID), alice))).body.find((a) => a.assetSymbol === 'BTC')!;
      assert.ok(Number(afterHold.updatedAtTimestamp) >= t0 && Number(afterHold.updatedAtTimestamp) > Number(before.updatedAtTimestamp));
      assert.deepEqual([afterHold.availableQuantity, afterHold.lockedQuantity], ['0.04000000', '0.01000000']);
    });
  });

  describe('GET /v1/accounts/asset/{symbol}', () => {
    const one = (symbol: string, tradingAccountId = ALICE_MAIN, extra = '') => `${ASSETS}/${symbol}?tradingAccountId=${tradingAccountId}${extra}`;

    test('answers one object, the same as that asset’s entry in the list, ignoring ccxt’s stray code parameter', async () => {
      const list = (await h.request<AssetAccount[]>(get(assets(ALICE_MAIN), alice))).body;
      const response = await h.request<AssetAccount>(get(one('BTC', ALICE_MAIN, '&code=BTC'), alice));
      expectAnswer(response, 200);
      assert.deepEqual(response.body, list.find((a) => a.assetSymbol === 'BTC'));
    });

    test('a listed asset the account never held reads as zero since the account was opened', async () => {
      const response = await h.request<AssetAccount>(get(one('XRP'), alice));
      expectAnswer(response, 200);
      assert.deepEqual(
        [response.body.assetSymbol, response.body.availableQuantity, response.body.lockedQuantity, response.body.updatedAtTimestamp],
        ['XRP', '0.000000', '0.000000', String(h.account('alice').createdAtMs)],
      );
    });

    const cases: [string, () => HttpRequest, number, number][] = [
      ['a symbol the venue does not list', () => get(one('NOPE'), alice), 404, 28004],
      ['a lower-case symbol', () => get(one('btc'), alice), 404, 28004],
      ['a symbol with punctuation', () => get(one('BTC%2FUSD'), alice), 404, 28004],
      ['a 200-character symbol', () => get(one('X'.repeat(200)), alice), 404, 28004],
      ['a deeper path under a symbol', () => get(`${ASSETS}/BTC/more?tradingAccountId=${ALICE_MAIN}`, alice), 404, 28004],
      ['no tradingAccountId', () => get(`${ASSETS}/BTC`, alice), 400, 2001],
      ['another user’s trading account', () => get(one('BTC', BOB_MAIN), alice), 403, 2010],
      ['another user’s trading account and an unknown symbol (the account is checked first)', () => get(one('NOPE', BOB_MAIN), alice), 403, 2010],
      ['a trading account that does not exist', () => get(one('BTC', NOBODY), alice), 403, 2010],
    ];
    for (const [what, request, status, code] of cases) {
      test(`${what}: ${status} ${code}`, async () => {
        expectAnswer(await h.request(request()), status, code, what);
      });
    }
  });

  describe('GET /v1/accounts/trading-accounts', () => {
    interface TradingAccount {
      tradingAccountId: string;
      tradingAccountName: string;
      isPrimaryAccount: string;
      isBorrowing: string;
      isLending: string;
      rateLimitToken: string;
    }

    test('lists the caller’s trading accounts, the main one first and named "Primary Account", with borrowing and lending flags from the ledger', async () => {
      const response = await h.request<TradingAccount[]>(get(TRADING_ACCOUNTS, alice));
      expectAnswer(response, 200);
      assert.deepEqual(
        response.body.map((a) => [a.tradingAccountId, a.tradingAccountName, a.isPrimaryAccount]),
        [
          [ALICE_MAIN, 'Primary Account', 'true'],
          [ALICE_GRID, 'grid-bot', 'false'],
          ['111000000000003', 'hodl', 'false'],
          [ALICE_EMPTY, 'empty', 'false'],
        ],
      );
      // alice's main borrows BTC and lends BTC; her sub-accounts do neither.
      assert.deepEqual(response.body.map((a) => [a.isBorrowing, a.isLending]), [['true', 'true'], ['false', 'false'], ['false', 'false'], ['false', 'false']]);
      assert.equal(new Set(response.body.map((a) => a.rateLimitToken)).size, 4);
      for (const a of response.body) assert.match(a.rateLimitToken, /^[0-9a-f]{64}$/);
    });

    test('bob sees only his own', async () => {
      const response = await h.request<TradingAccount[]>(get(TRADING_ACCOUNTS, bob));
      assert.deepEqual(response.body.map((a) => a.tradingAccountId), [BOB_MAIN, '111000000000012', '111000000000013']);
    });

    test('one trading account by id is the same object as in the list', async () => {
      const list = (await h.request<TradingAccount[]>(get(TRADING_ACCOUNTS, alice))).body;
      const response = await h.request<TradingAccount>(get(`${TRADING_ACCOUNTS}/${ALICE_GRID}`, alice));
      expectAnswer(response, 200);
      assert.deepEqual(response.body, list[1]);
    });

    const cases: [string, () => HttpRequest, number, number][] = [
      ['another user’s trading account by id', () => get(`${TRADING_ACCOUNTS}/${BOB_MAIN}`, alice), 403, 2010],
      ['a trading account id that does not exist', () => get(`${TRADING_ACCOUNTS}/${NOBODY}`, alice), 403, 2010],
      ['a trading account id that is not a number', () => get(`${TRADING_ACCOUNTS}/primary`, alice), 400, 2001],
      ['a 200-digit trading account id', () => get(`${TRADING_ACCOUNTS}/${'1'.repeat(200)}`, alice), 400, 2001],
    ];
    for (const [what, request, status, code] of cases) {
      test(`${what}: ${status} ${code}`, async () => {
        expectAnswer(await h.request(request()), status, code, what);
      });
    }
  });

  describe('logout', () => {
    test('POST /v1/users/logout ends that session only: its token is refused, another session of the same user goes on', async () => {
      const doomed = await loginAs(h, 'alice');
      const other = await loginAs(h, 'alice');
      expectAnswer(await h.request(get(assets(ALICE_MAIN), doomed)), 200);
      expectAnswer(await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token: doomed }), 200);
      const refused = await h.request(get(assets(ALICE_MAIN), doomed));
      expectAnswer(refused, 401, 6105);
      assert.match((refused.body as ErrorBody).message, /logout/);
      expectAnswer(await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token: doomed }), 401, 6105, 'second logout');
      expectAnswer(await h.request(get(assets(ALICE_MAIN), other)), 200);
    });

    test('GET /v1/users/logout, as the venue documents it, does the same', async () => {
      const token = await loginAs(h, 'bob');
      expectAnswer(await h.request(get('/trading-api/v1/users/logout', token)), 200);
      expectAnswer(await h.request(get(TRADING_ACCOUNTS, token)), 401, 6105);
    });

    test('a logout with an unreadable body is refused in Bullish’s shape and ends nothing', async () => {
      const token = await loginAs(h, 'bob');
      const badJson = await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token, rawBody: '{', headers: { 'content-type': 'application/json' } });
      expectAnswer(badJson, 400, 2001);
      const text = await h.request({ method: 'POST', path: '/trading-api/v1/users/logout', token, rawBody: 'bye', headers: { 'content-type': 'text/plain' } });
      expectAnswer(text, 415, 2001);
      expectAnswer(await h.request(get(TRADING_ACCOUNTS, token)), 200);
    });
  });

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
      ['an endpoint not served', get('/trading-api/v2/orders', null), 404, 2016],
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

    test('no refusal above wrote anything to the journal, and the ledger verifies', async () => {
      // The only writes in this file are the operator operations it makes on purpose.
      const entries = (await h.runtime.store.listJournal(0, 1000)).entries;
      const unexpected = entries.slice(journalAtStart).filter((e) => !e.key.startsWith('bullish-http/'));
      assert.deepEqual(unexpected.map((e) => e.key), []);
      assert.equal((await h.runtime.ledger.verify()).ok, true);
    });
  });
});

describe('bullish token lifetime over HTTP', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bullish-ttl-operator', { scenario: DEMO, flags: { rateLimits: 'off', bullishTokenTtl: '1' } });
  });
  after(async () => h.close());

  test('a token is accepted until its expiry and refused with 6105 from then on; a new login works again', async () => {
    const token = await loginAs(h, 'alice');
    const expMs = (jwtPayload(token).exp as number) * 1000;
    expectAnswer(await h.request(get(assets(ALICE_MAIN), token)), 200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expMs - Date.now()) + 20));
    const refused = await h.request(get(assets(ALICE_MAIN), token));
    expectAnswer(refused, 401, 6105);
    assert.match((refused.body as ErrorBody).message, /expired/);
    expectAnswer(await h.request(get(assets(ALICE_MAIN), await loginAs(h, 'alice'))), 200);
  });
});

describe('bullish sessions and a sandbox reset', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bullish-reset-operator', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('after the operator empties the ledger, a token from before is refused at once (its key is gone)', async () => {
    const token = await loginAs(h, 'alice');
    expectAnswer(await h.request(get(assets(ALICE_MAIN), token)), 200);
    expectAnswer(await h.post('/_assetbook/v1/reset'), 204);
    const refused = await h.request(get(assets(ALICE_MAIN), token));
    expectAnswer(refused, 401, 6105);
    assert.match((refused.body as ErrorBody).message, /no longer exists/);
  });

  test('a token from before a reset stays refused when the same scenario is loaded again (same ids, same keys); a new login works', async () => {
    const { publicKey } = demoBullishKey(h.secrets('alice', 'bullish'));
    await h.post('/_assetbook/v1/reset');
    await loadScenario(h.runtime.ledger, h.runtime.keyring, JSON.parse(readFileSync(DEMO, 'utf8')));
    const before = await h.runtime.store.getCredential('bullish', publicKey);
    const token = await loginAs(h, 'alice');
    expectAnswer(await h.request(get(assets(ALICE_MAIN), token)), 200);

    expectAnswer(await h.post('/_assetbook/v1/reset'), 204);
    await loadScenario(h.runtime.ledger, h.runtime.keyring, JSON.parse(readFileSync(DEMO, 'utf8')));
    const after = await h.runtime.store.getCredential('bullish', publicKey);
    // What made the old token pass before: the store hands out the same ids again.
    assert.deepEqual([after?.id, after?.userId], [before?.id, before?.userId], 'the reloaded credential has the same id and user');

    const refused = await h.request(get(assets(ALICE_MAIN), token));
    expectAnswer(refused, 401, 6105);
    assert.match((refused.body as ErrorBody).message, /no longer exists/);
    expectAnswer(await h.request(get(TRADING_ACCOUNTS, token)), 401, 6105, 'every private endpoint');
    expectAnswer(await h.request(get(assets(ALICE_MAIN), await loginAs(h, 'alice'))), 200, undefined, 'a fresh login');
  });
});
