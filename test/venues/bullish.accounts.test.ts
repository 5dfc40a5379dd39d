import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ASSETS, TRADING_ACCOUNTS, loginAs } from '../support/bullish-client.js';
import {
  ALICE_EMPTY,
  ALICE_GRID,
  ALICE_MAIN,
  BOB_MAIN,
  NOBODY,
  assets,
  expectAnswer,
  get,
  snapshotWrites,
  type AssetAccount,
  type StoreWrites,
} from '../support/bullish-http.js';
import { DEMO, HttpHarness, type HttpRequest } from '../support/http-harness.js';
import { assetIdOf, tradingAccountIdOf } from '../../src/venues/bullish/identity.js';

/**
 * The Bullish account endpoints through a real server on loopback with the demo scenario: a table
 * per endpoint of request → status and Bullish errorCode, and the ledger's buckets as Bullish fields.
 */

describe('bullish accounts over HTTP', () => {
  let h: HttpHarness;
  let alice: string;
  let bob: string;
  let atStart: StoreWrites;
  before(async () => {
    h = await HttpHarness.start('bullish-accounts-operator', { scenario: DEMO, flags: { rateLimits: 'off' } });
    alice = await loginAs(h, 'alice');
    bob = await loginAs(h, 'bob');
    atStart = await snapshotWrites(h);
  });
  after(async () => h.close());

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
        assert.equal(a.assetId, assetIdOf((await h.runtime.ledger.asset(a.assetSymbol))!));
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
        await h.operate({ type: 'deposit', key: `bullish-accounts/many/${symbol}`, account: carolMain.id, asset: symbol, amount: '1.5' });
      }
      const carol = await loginAs(h, 'carol');
      const response = await h.request<AssetAccount[]>(get(assets(tradingAccountIdOf(carolMain)), carol));
      expectAnswer(response, 200);
      assert.equal(response.body.length, 12);
      assert.equal(response.body.find((a) => a.assetSymbol === 'JJJ')!.availableQuantity, '1.50', 'precision defaults to the scale');
    });

    test('a debt finer than the precision is rounded up: borrowing one wei of ETH shows 0.00000001 borrowed and isBorrowing', async () => {
      const arb2 = h.account('bob', 'arb-2');
      await h.operate({ type: 'borrow', key: 'bullish-accounts/one-wei', account: arb2.id, asset: 'ETH', amount: '0.000000000000000001' });
      const eth = (await h.request<AssetAccount[]>(get(assets(tradingAccountIdOf(arb2)), bob))).body.find((a) => a.assetSymbol === 'ETH')!;
      assert.deepEqual([eth.borrowedQuantity, eth.availableQuantity], ['0.00000001', '0.00000000'], 'the debt shows; the holding is cut');
      const account = (await h.request<{ isBorrowing: string }>(get(`${TRADING_ACCOUNTS}/${tradingAccountIdOf(arb2)}`, bob))).body;
      assert.equal(account.isBorrowing, 'true');
    });

    test('updatedAt follows the latest change of the asset’s books', async () => {
      const before = (await h.request<AssetAccount[]>(get(assets(ALICE_GRID), alice))).body.find((a) => a.assetSymbol === 'BTC')!;
      const t0 = Date.now();
      await h.operate({ type: 'hold', key: 'bullish-accounts/updated-at', account: h.account('alice', 'grid-bot').id, asset: 'BTC', amount: '0.01' });
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

  describe('what the requests above wrote', () => {
    test('only the operator operations made on purpose: no other journal entry, credential, key or logout; the ledger verifies', async () => {
      const now = await snapshotWrites(h);
      assert.deepEqual(now.journal.slice(atStart.journal.length).filter((key) => !key.startsWith('bullish-accounts/')), []);
      assert.deepEqual(now.journal.slice(0, atStart.journal.length), atStart.journal);
      assert.equal(now.credentials, atStart.credentials);
      assert.equal(now.signingKey, atStart.signingKey);
      assert.deepEqual(now.revocations, atStart.revocations);
      assert.equal((await h.runtime.ledger.verify()).ok, true);
    });
  });
});
