import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ShiftedClock } from '../support/clock.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { BullishFileServer } from '../support/bullish-file-server.js';
import { ASSETS, ccxtBullish, demoBullishKey, jwtPayload } from '../support/bullish-client.js';
import { tradingAccountIdOf } from '../../src/venues/bullish/identity.js';
import { ccxtErrorOf } from '../support/client-errors.js';

/**
 * The real ccxt `bullish` client (default options, only its URLs pointed at a loopback server)
 * against assetbook: sign in, accounts, balances, time; balances that follow operator
 * operations; tokens across a restart; and the exception classes ccxt raises for refusals.
 */

const ALICE = { publicKey: 'HMAC-demo-alice', secret: 'demo-alice-bullish-secret' };
const ALICE_MAIN = '111000000000001';

interface AssetInfo {
  assetSymbol: string;
  availableQuantity: string;
  lockedQuantity: string;
  borrowedQuantity: string;
  loanedQuantity: string;
}

describe('ccxt bullish against assetbook', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bullish-ccxt-operator', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('signIn() gets a token from the HMAC login', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    const token = await ex.signIn();
    assert.equal(typeof token, 'string');
    assert.equal(ex.token, token);
    assert.match(String(ex.options.authorizer), /^[0-9A-F]{32}$/);
  });

  test('fetchAccounts() lists alice’s trading accounts, the primary first', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    const accounts = await ex.fetchAccounts();
    assert.deepEqual(
      accounts.map((a) => a.id),
      ['111000000000001', '111000000000002', '111000000000003', '111000000000004'],
    );
    assert.equal((accounts[0]!.info as { tradingAccountName: string }).tradingAccountName, 'Primary Account');
  });

  test('fetchBalance() finds the primary account by name and reads every asset of it', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    const balance = await ex.fetchBalance();
    assert.equal(ex.options.tradingAccountId, ALICE_MAIN);
    const info = balance.info as AssetInfo[];
    assert.deepEqual(info.map((a) => a.assetSymbol).sort(), ['BTC', 'ETH', 'SOL', 'USDC', 'USDT']);
    // ccxt's list parsing: total = availableQuantity, used = lockedQuantity.
    assert.equal(balance.BTC!.total, 1.25);
    assert.equal(balance.BTC!.used, 0.3);
    assert.equal(balance.USDT!.total, 25000);
    assert.equal(balance.USDT!.used, 1800.5);
  });

  test('fetchBalance({code}) reads one asset (ccxt’s stray code parameter is ignored): free = available, used = locked', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    const balance = await ex.fetchBalance({ code: 'BTC' });
    assert.match(String(ex.last_request_url), /\/trading-api\/v1\/accounts\/asset\/BTC\?tradingAccountId=111000000000001&code=BTC$/);
    assert.deepEqual([balance.BTC!.free, balance.BTC!.used, balance.BTC!.total], [1.25, 0.3, 1.55]);
    assert.equal((balance.info as AssetInfo).borrowedQuantity, '0.05000000');
  });

  test('fetchTime() is the server clock', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    const t0 = Date.now();
    const time = await ex.fetchTime();
    assert.ok(time !== undefined && time >= t0 && time <= Date.now(), String(time));
  });

  test('balances follow the operator’s borrow, lend, hold and trade', async () => {
    const bobKey = demoBullishKey(h.secrets('bob', 'bullish'));
    const carol = h.account('carol');
    const bob = h.account('bob');
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('carol', 'bullish')));
    const one = async (code: string) => (await ex.fetchBalance({ code })).info as AssetInfo;
    // carol starts with USDT 100 available and ETH 0.75 available.
    await h.operate({ type: 'borrow', key: 'ccxt/borrow', account: carol.id, asset: 'USDT', amount: '50' });
    let usdt = await one('USDT');
    assert.deepEqual([usdt.availableQuantity, usdt.borrowedQuantity], ['150.0000', '50.0000']);
    await h.operate({ type: 'lend', key: 'ccxt/lend', account: carol.id, asset: 'USDT', amount: '30' });
    usdt = await one('USDT');
    assert.deepEqual([usdt.availableQuantity, usdt.lockedQuantity, usdt.loanedQuantity], ['120.0000', '30.0000', '30.0000']);
    await h.operate({ type: 'hold', key: 'ccxt/hold', account: carol.id, asset: 'ETH', amount: '0.25' });
    let eth = await one('ETH');
    assert.deepEqual([eth.availableQuantity, eth.lockedQuantity], ['0.50000000', '0.25000000']);
    // carol's order fills: 0.25 ETH out of held to bob, 500 USDC from bob to carol; carol pays a 0.5 USDC fee.
    await h.operate({
      type: 'trade',
      key: 'ccxt/trade',
      legs: [
        { from: carol.id, to: bob.id, asset: 'ETH', amount: '0.25', fromBucket: 'held' },
        { from: bob.id, to: carol.id, asset: 'USDC', amount: '500' },
      ],
      fees: [{ account: carol.id, asset: 'USDC', amount: '0.5' }],
    });
    eth = await one('ETH');
    assert.deepEqual([eth.availableQuantity, eth.lockedQuantity], ['0.50000000', '0.00000000']);
    const balance = await ex.fetchBalance();
    assert.equal(balance.USDC!.total, 499.5, 'carol now holds USDC, listed in the all-assets read');
    const bobs = await ccxtBullish(h.baseUrl, bobKey).fetchBalance();
    assert.equal(bobs.ETH!.total, 0.25);
    assert.equal(bobs.USDC!.total, 2000);
  });

  test('a bad login signature or an unknown key raises AuthenticationError', async () => {
    assert.equal(await ccxtErrorOf(() => ccxtBullish(h.baseUrl, { ...ALICE, secret: 'not-alice-secret' }).signIn()), 'AuthenticationError');
    assert.equal(await ccxtErrorOf(() => ccxtBullish(h.baseUrl, { publicKey: 'HMAC-nobody', secret: 'whatever-secret' }).fetchBalance()), 'AuthenticationError');
  });

  test('a tampered or logged-out token raises AuthenticationError; ccxt does not log in again by itself', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    await ex.signIn();
    const good = ex.token;
    ex.token = `${good.slice(0, -4)}${good.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    assert.equal(await ccxtErrorOf(() => ex.fetchBalance({ tradingAccountId: ALICE_MAIN })), 'AuthenticationError');
    ex.token = good;
    await ex.privateGetV1UsersLogout();
    assert.equal(await ccxtErrorOf(() => ex.fetchBalance({ tradingAccountId: ALICE_MAIN })), 'AuthenticationError');
  });

  test('another user’s trading account raises AuthenticationError (Bullish 2010) and an unknown symbol BadSymbol', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    assert.equal(await ccxtErrorOf(() => ex.fetchBalance({ tradingAccountId: tradingAccountIdOf(h.account('bob')) })), 'AuthenticationError');
    await ex.signIn();
    assert.equal(await ccxtErrorOf(() => ex.privateGetV1AccountsAssetSymbol({ symbol: 'NOPE', tradingAccountId: ALICE_MAIN })), 'BadSymbol');
  });
});

describe('ccxt bullish and the token lifetime', () => {
  test('an expired token raises AuthenticationError', async () => {
    // The server's clock follows the wall clock (ccxt signs its login with that) and then jumps past the expiry.
    const clock = new ShiftedClock();
    const h = await HttpHarness.start('bullish-ccxt-ttl', { scenario: DEMO, flags: { rateLimits: 'off', bullishTokenTtl: '60' }, clock: clock.now });
    try {
      const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
      await ex.fetchBalance();
      const expMs = (jwtPayload(ex.token).exp as number) * 1000;
      clock.advance(expMs - clock.now());
      // ccxt believes tokens live 24 h, so it sends the expired one.
      assert.equal(await ccxtErrorOf(() => ex.fetchBalance()), 'AuthenticationError');
    } finally {
      await h.close();
    }
  });

  test('a rate-limited read raises ccxt’s plain ExchangeError (Bullish’s documented 96000 body)', async () => {
    const h = await HttpHarness.start('bullish-ccxt-limit', { scenario: DEMO, flags: { rateLimit: 'bullish.authenticated=2/60s' } });
    try {
      const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
      await ex.fetchBalance(); // trading-accounts + asset: both authenticated requests
      assert.equal(await ccxtErrorOf(() => ex.fetchBalance()), 'ExchangeError');
    } finally {
      await h.close();
    }
  });
});

describe('ccxt bullish across a restart', () => {
  const server = new BullishFileServer();
  before(async () => server.start());
  after(async () => server.dispose());

  test('a token from before a restart still works: same client, same token, no new login', async () => {
    const ex = ccxtBullish(server.baseUrl, ALICE);
    const before = await ex.fetchBalance();
    const token = ex.token;
    await server.stop();
    await server.start();
    const afterRestart = await ex.fetchBalance();
    assert.equal(ex.token, token);
    assert.match(String(ex.last_request_url), new RegExp(`${ASSETS}\\?tradingAccountId=${ALICE_MAIN}$`));
    assert.deepEqual(afterRestart.info, before.info);
  });

  test('a logout survives a restart: the logged-out token stays refused', async () => {
    const ex = ccxtBullish(server.baseUrl, ALICE);
    await ex.signIn();
    await ex.privateGetV1UsersLogout();
    await server.stop();
    await server.start();
    assert.equal(await ccxtErrorOf(() => ex.fetchBalance({ tradingAccountId: ALICE_MAIN })), 'AuthenticationError');
  });
});
