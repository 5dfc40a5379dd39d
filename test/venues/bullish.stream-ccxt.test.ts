import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ccxt from 'ccxt';
import type { Balances } from 'ccxt';
import { ccxtProBullish, demoBullishKey } from '../support/bullish-client.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { tradingAccountIdOf } from '../../src/venues/bullish/identity.js';

/**
 * ccxt pro's `bullish.watchBalance`, unmodified except its URLs (and `loadHttpProxyAgent()`,
 * which ccxt needs for plain ws://), against assetbook's private-data WebSocket: the snapshot,
 * then the change made by each operator operation, and a logout surfacing as ccxt's error.
 */

type Amounts = [number | undefined, number | undefined, number | undefined];
/** ccxt's reading of a push: total = availableQuantity, used = lockedQuantity, free = total - used (its quirk, docs/venues/bullish.md). */
const amounts = (balance: Balances, code: string): Amounts => [balance[code]?.free, balance[code]?.used, balance[code]?.total];

describe('ccxt pro bullish watchBalance against assetbook', () => {
  let h: HttpHarness;
  let ex: InstanceType<typeof ccxt.pro.bullish>;
  let params: { tradingAccountId: string };
  before(async () => {
    h = await HttpHarness.start('bullish-stream-ccxt', { scenario: DEMO, flags: { rateLimits: 'off' } });
    ex = ccxtProBullish(h.baseUrl, demoBullishKey(h.secrets('bob', 'bullish')));
    await ex.loadHttpProxyAgent();
    params = { tradingAccountId: tradingAccountIdOf(h.account('bob')) };
  });
  after(async () => {
    await ex.close();
    await h.close();
  });

  /**
   * Runs `operation` with a watch already waiting, then watches until ccxt's balance of the
   * account satisfies `done`. Between a check and the next watch only promise callbacks run
   * (markets and token are loaded), so no push can slip between them: no timed wait anywhere.
   */
  async function watchAfter(operation: () => Promise<void>, done: (balance: Balances) => boolean): Promise<Balances> {
    const first = ex.watchBalance(params);
    await operation();
    await first;
    const current = () => (ex.balance as Record<string, Balances>)[params.tradingAccountId]!;
    while (!done(current())) await ex.watchBalance(params);
    return current();
  }

  test('the first watchBalance resolves with the snapshot, the same figures as fetchBalance', async () => {
    const snapshot = await ex.watchBalance(params);
    const rest = await ex.fetchBalance(params);
    for (const code of ['BTC', 'USDC', 'XRP', 'DOGE']) assert.deepEqual(amounts(snapshot, code), amounts(rest, code), code);
    assert.deepEqual(amounts(snapshot, 'BTC'), [0.5, 0, 0.5]);
    assert.equal(snapshot.USDT, undefined);
  });

  test('a deposit, a hold, a trade and a withdrawal through the operator API each reach watchBalance', async () => {
    const bob = h.account('bob').id;
    const carol = h.account('carol').id;
    let balance = await watchAfter(
      () => h.operate({ type: 'deposit', key: 'ccxt-ws/bob/usdt', account: bob, asset: 'USDT', amount: '1000' }),
      (b) => b.USDT?.total === 1000,
    );
    assert.deepEqual(amounts(balance, 'USDT'), [1000, 0, 1000]);
    balance = await watchAfter(() => h.operate({ type: 'hold', key: 'ccxt-ws/bob/hold', account: bob, asset: 'USDT', amount: '400' }), (b) => b.USDT?.used === 400);
    assert.deepEqual(amounts(balance, 'USDT'), [200, 400, 600]);
    // bob buys 0.1 ETH from carol for 350 USDT drawn from his hold.
    const trade = () =>
      h.operate({
        type: 'trade',
        key: 'ccxt-ws/bob/trade',
        legs: [
          { from: bob, to: carol, asset: 'USDT', amount: '350', fromBucket: 'held' },
          { from: carol, to: bob, asset: 'ETH', amount: '0.1' },
        ],
        fees: [{ account: carol, asset: 'USDT', amount: '0.35' }],
      });
    balance = await watchAfter(trade, (b) => b.USDT?.used === 50 && b.ETH?.total === 0.1);
    assert.deepEqual(amounts(balance, 'USDT'), [550, 50, 600]);
    assert.deepEqual(amounts(balance, 'ETH'), [0.1, 0, 0.1]);
    balance = await watchAfter(
      () => h.operate({ type: 'withdrawal.request', key: 'ccxt-ws/bob/withdraw', account: bob, asset: 'BTC', amount: '0.2', fee: '0.0001' }),
      (b) => b.BTC?.used !== 0,
    );
    // The withdrawal (amount + fee) leaves available and shows as locked until it completes.
    assert.deepEqual(amounts(balance, 'BTC'), [0.0998, 0.2001, 0.2999]);
    balance = await watchAfter(
      () => h.operate({ type: 'withdrawal.complete', key: 'ccxt-ws/bob/withdraw/done', pending: 'ccxt-ws/bob/withdraw' }),
      (b) => b.BTC?.used === 0,
    );
    assert.deepEqual(amounts(balance, 'BTC'), [0.2999, 0, 0.2999]);
    const rest = await ex.fetchBalance(params);
    for (const code of ['BTC', 'ETH', 'USDT', 'USDC']) assert.deepEqual(amounts(balance, code), amounts(rest, code), code);
  });

  test('a logout ends the stream: the waiting watchBalance rejects with ccxt’s ExchangeError (Bullish’s V1TAErrorResponse 401)', async () => {
    const pending = ex.watchBalance(params);
    await ex.privateGetV1UsersLogout();
    await assert.rejects(pending, (error: unknown) => error instanceof ccxt.ExchangeError && /UNAUTHORIZED/.test(String(error)));
  });
});
