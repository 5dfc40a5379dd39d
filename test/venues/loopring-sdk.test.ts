import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { DEMO_LAYER2_KEYS, DEMO_LOOPRING } from '../support/loopring-demo.js';
import { sdk, sdkClients, type ExchangeApi, type UserApi, type UserBalance } from '../support/loopring-sdk.js';

/**
 * The real Loopring SDK (@loopring-web/loopring-sdk 3.9.22) against assetbook on loopback, with
 * nothing changed but its base URL: the flow its own tests run (getAccount, getUserApiKey signed
 * with the layer-2 key, getUserBalances), the public calls, balances following the operator's
 * operations, and the SDK's own error results for wrong keys.
 */

const { alice, bob } = DEMO_LOOPRING;

describe('loopring: the Loopring SDK against assetbook', () => {
  let h: HttpHarness;
  let exchange: ExchangeApi;
  let user: UserApi;
  before(async () => {
    h = await HttpHarness.start('loopring-sdk-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
    ({ exchange, user } = sdkClients(h.baseUrl));
  });
  after(async () => h.close());

  /** The SDK's balance read of the account, every token, as token id → row. */
  const balancesOf = async (accountId: number, apiKey: string, tokens = ''): Promise<Record<string, UserBalance>> => {
    const result = await user.getUserBalances({ accountId, tokens }, apiKey);
    assert.ok(result.userBalances, `getUserBalances answered ${JSON.stringify(result)}`);
    return result.userBalances;
  };

  test('getAccount, getTokens and getRelayerCurrentTime read the public endpoints', async () => {
    const account = await exchange.getAccount({ owner: alice.address });
    assert.equal(account.accInfo?.accountId, alice.accountId);
    assert.equal(account.accInfo?.owner, alice.address);
    assert.equal(account.accInfo?.frozen, false);
    assert.match(account.accInfo?.publicKey.x ?? '', /^0x[0-9a-f]{64}$/);

    const tokens = await exchange.getTokens();
    assert.deepEqual(Object.keys(tokens.tokensMap).sort(), ['BTC', 'DOGE', 'ETH', 'LRC', 'SOL', 'USDC', 'USDT', 'XRP']);
    assert.equal(tokens.idIndex['2'], 'USDT');
    assert.equal(tokens.addressIndex['0xdac17f958d2ee523a2206206994597c13d831ec7'], 'USDT');
    assert.equal(tokens.tokensMap.ETH?.decimals, 18);
    assert.equal(tokens.tokensMap.ETH?.isLpToken, false);

    const before = Date.now();
    const time = await exchange.getRelayerCurrentTime();
    assert.ok(time.timestamp >= before && time.timestamp <= Date.now());
  });

  test("the SDK's own flow: getAccount, getUserApiKey signed with the layer-2 key, getUserBalances for all tokens and for a list", async () => {
    const { accInfo } = await exchange.getAccount({ owner: alice.address });
    assert.ok(accInfo);
    const { apiKey } = await user.getUserApiKey({ accountId: accInfo.accountId }, DEMO_LAYER2_KEYS.alice);
    assert.equal(apiKey, alice.apiKey);

    const all = await balancesOf(accInfo.accountId, apiKey);
    assert.deepEqual(Object.keys(all), ['0', '2', '4', '6', '7']);
    assert.deepEqual(all['0'], {
      accountId: alice.accountId,
      tokenId: 0,
      total: '13250000000000000000',
      locked: '750000000000000000',
      pending: { withdraw: '250000000000000000', deposit: '1000000000000000001' },
    });
    const listed = await balancesOf(accInfo.accountId, apiKey, '2,6');
    assert.deepEqual(Object.keys(listed), ['2', '6']);
    assert.equal(listed['6']?.total, '10000123456');
  });

  test('balances follow the operator: pending deposit, confirm, withdrawal request, complete', async () => {
    const account = h.account('bob');
    const usdc = () => balancesOf(bob.accountId, bob.apiKey, '6').then((b) => b['6']!);
    const view = (b: UserBalance) => [b.total, b.locked, b.pending.deposit, b.pending.withdraw];
    assert.deepEqual(view(await usdc()), ['2500000000', '0', '0', '0']);

    await h.operate({ key: 'sdk/bob/deposit', type: 'deposit.pending', account: account.id, asset: 'USDC', amount: '100.5' });
    assert.deepEqual(view(await usdc()), ['2500000000', '0', '100500000', '0'], 'a pending deposit is not in total yet');
    await h.operate({ key: 'sdk/bob/confirm', type: 'deposit.confirm', pending: 'sdk/bob/deposit' });
    assert.deepEqual(view(await usdc()), ['2600500000', '0', '0', '0'], 'confirmed: in total, free');
    await h.operate({ key: 'sdk/bob/withdraw', type: 'withdrawal.request', account: account.id, asset: 'USDC', amount: '600', fee: '0.5' });
    assert.deepEqual(view(await usdc()), ['2600500000', '600500000', '0', '600500000'], 'requested: still in total, locked, pending withdrawal');
    await h.operate({ key: 'sdk/bob/complete', type: 'withdrawal.complete', pending: 'sdk/bob/withdraw' });
    assert.deepEqual(view(await usdc()), ['2000000000', '0', '0', '0'], 'completed: gone, fee included');
    assert.equal((await h.runtime.ledger.verify()).ok, true);
  });

  test('an account the operator gives a key derived the SDK way runs the same flow', async () => {
    const derived = sdk.generatePrivateKey({ sig: `0x${'5a'.repeat(65)}`, counterFactualInfo: undefined, error: undefined });
    const created = await h.post<{ accounts: { id: number; venues: { loopring: { accountId: number; address: string } } }[] }>('/_assetbook/v1/users', {
      name: 'dave',
      main: { venues: { loopring: { publicKey: { x: derived.formatedPx, y: derived.formatedPy } } } },
    });
    assert.equal(created.status, 201, created.text);
    const dave = created.body.accounts[0]!;
    const daveIds = dave.venues.loopring;
    await h.operate({ key: 'sdk/dave/deposit', type: 'deposit', account: dave.id, asset: 'LRC', amount: '42.000000000000000001' });

    const { accInfo } = await exchange.getAccount({ owner: daveIds.address });
    assert.deepEqual(accInfo?.publicKey, { x: derived.formatedPx, y: derived.formatedPy });
    const { apiKey } = await user.getUserApiKey({ accountId: daveIds.accountId }, derived.sk);
    const balances = await balancesOf(daveIds.accountId, apiKey);
    assert.deepEqual(balances, {
      1: { accountId: daveIds.accountId, tokenId: 1, total: '42000000000000000001', locked: '0', pending: { withdraw: '0', deposit: '0' } },
    });
  });

  test("wrong keys give the SDK's error results: getUserBalances resolves {code, message}, getUserApiKey throws", async () => {
    const unknown = await user.getUserBalances({ accountId: alice.accountId, tokens: '' }, 'never-issued-loopring-key');
    assert.equal(unknown.code, 104002);
    assert.equal(typeof unknown.message, 'string');
    assert.equal(unknown.userBalances, undefined);
    const empty = await user.getUserBalances({ accountId: alice.accountId, tokens: '' }, '');
    assert.equal(empty.code, 104001, 'the SDK sends no X-API-KEY for an empty key');
    const badToken = await user.getUserBalances({ accountId: alice.accountId, tokens: '0,404' }, alice.apiKey);
    assert.equal(badToken.code, 102002);

    await assert.rejects(user.getUserApiKey({ accountId: alice.accountId }, DEMO_LAYER2_KEYS.bob), (e: { code?: number }) => e.code === 104005);
    await assert.rejects(user.getUserApiKey({ accountId: 10011 }, DEMO_LAYER2_KEYS.alice), (e: { code?: number }) => e.code === 104005, 'no key registered');
    await assert.rejects(user.getUserApiKey({ accountId: 99999 }, DEMO_LAYER2_KEYS.alice), (e: { code?: number }) => e.code === 101002);
    const missing = await exchange.getAccount({ owner: `0x${'9'.repeat(40)}` });
    assert.equal(missing.code, 101002);
  });
});

describe('loopring: the SDK over the limit', () => {
  test('a 429 is not a status the SDK accepts: its call throws an HTTP error', async () => {
    const h = await HttpHarness.start('loopring-sdk-token', { scenario: DEMO, flags: { rateLimit: 'loopring.balances=1/60s' } });
    try {
      const { user } = sdkClients(h.baseUrl);
      assert.ok((await user.getUserBalances({ accountId: alice.accountId, tokens: '' }, alice.apiKey)).userBalances);
      await assert.rejects(user.getUserBalances({ accountId: alice.accountId, tokens: '' }, alice.apiKey), (e: { response?: { status?: number; data?: unknown } }) => {
        assert.equal(e.response?.status, 429);
        assert.deepEqual((e.response?.data as { resultInfo: { code: number } }).resultInfo.code, 100000);
        return true;
      });
    } finally {
      await h.close();
    }
  });
});
