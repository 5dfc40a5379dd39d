import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import ccxt from 'ccxt';
import { RestClientV2 } from 'bitget-api';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { uidOf } from '../../src/venues/bitget/identity.js';
import { restErrorOf } from '../support/client-errors.js';

/**
 * The real clients against a real server on loopback: ccxt's `bitget` with its default options
 * (only `urls.api` pointed here) and bitget-api's `RestClientV2` (only `baseUrl`), HMAC and RSA.
 */

const ASSETS = '/api/v2/spot/account/assets';
const CCXT_SECTIONS = ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert', 'copy', 'earn', 'uta'];

type CcxtOptions = ConstructorParameters<typeof ccxt.bitget>[0];

function ccxtFor(h: HttpHarness, user: string, extra: CcxtOptions = {}, label = 'main') {
  const s = h.secrets(user, 'bitget', label);
  const api = Object.fromEntries(CCXT_SECTIONS.map((k) => [k, h.baseUrl]));
  return new ccxt.bitget({ apiKey: s.apiKey, secret: s.secretKey, password: s.passphrase, urls: { api }, ...extra });
}

function restFor(h: HttpHarness, user: string, overrides: { apiKey?: string; apiSecret?: string; apiPass?: string } = {}) {
  const s = h.secrets(user, 'bitget');
  return new RestClientV2({ apiKey: s.apiKey, apiSecret: s.secretKey, apiPass: s.passphrase, baseUrl: h.baseUrl, ...overrides });
}

/** The error class ccxt raised, by name. */
async function ccxtErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).constructor.name;
  }
  return 'no error';
}

/** ccxt's unified figures of one currency. */
const fut = (b: { free?: unknown; used?: unknown; total?: unknown } | undefined) => ({ free: b?.free, used: b?.used, total: b?.total });

const paths = (h: HttpHarness, from: number) => h.seen.slice(from).map((r) => `${r.method} ${r.url.split('?')[0]} ${r.status}`);

describe('ccxt bitget, default options', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bitget-ccxt-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('fetchBalance() makes the calls ccxt makes against the venue and returns the ledger balances', async () => {
    const from = h.seen.length;
    const balance = await ccxtFor(h, 'alice').fetchBalance();
    const calls = paths(h, from);
    assert.deepEqual(calls.slice(0, 2), ['GET /api/v2/spot/public/coins 200', 'GET /api/v3/account/settings 400']);
    assert.deepEqual(calls.filter((c) => c.includes('/mix/market/contracts')).length, 6);
    assert.ok(calls.includes('GET /api/v2/spot/public/symbols 200') && calls.includes('GET /api/v2/margin/currencies 200'));
    assert.equal(calls.at(-1), `GET ${ASSETS} 200`);
    assert.ok(calls.every((c) => c.endsWith(' 200') || c === 'GET /api/v3/account/settings 400'), calls.join('\n'));
    // free = available; used = frozen + locked (frozen is held + pending withdrawal).
    assert.deepEqual(fut(balance.BTC), { free: 1.25, used: 0.1, total: 1.35 });
    assert.deepEqual(fut(balance.ETH), { free: 12.5, used: 0.75, total: 13.25 });
    assert.deepEqual(fut(balance.USDT), { free: 25000, used: 1500.5, total: 26500.5 });
  });

  test('fetchBalance({coin}) reads one coin, signed with the query as ccxt signs it', async () => {
    const from = h.seen.length;
    const balance = await ccxtFor(h, 'alice', { markets: {}, options: { uta: false } } as CcxtOptions).fetchBalance({ coin: 'USDC' });
    assert.deepEqual(Object.keys(balance.total ?? {}), ['USDC']);
    assert.equal(balance.USDC?.free, 10000.123456);
    assert.deepEqual(paths(h, from), [`GET ${ASSETS} 200`]);
    assert.equal(h.seen.at(-1)?.url, `${ASSETS}?coin=USDC`);
  });

  test('the implicit sub-account call pages with idLessThan and limit, each sub-account once', async () => {
    const ex = ccxtFor(h, 'bob', { markets: {}, options: { uta: false } } as CcxtOptions);
    const first = (await ex.privateSpotGetV2SpotAccountSubaccountAssets({ limit: '1' })) as { data: { id: number }[] };
    assert.equal(first.data.length, 1);
    const second = (await ex.privateSpotGetV2SpotAccountSubaccountAssets({ limit: '1', idLessThan: String(first.data[0]!.id) })) as { data: { id: number }[] };
    const third = (await ex.privateSpotGetV2SpotAccountSubaccountAssets({ limit: '1', idLessThan: String(second.data[0]!.id) })) as { data: unknown[] };
    assert.deepEqual([...first.data, ...second.data].map((d) => d.id), [h.account('bob', 'arb-2').id, h.account('bob', 'arb-1').id]);
    assert.deepEqual(third.data, []);
  });

  test('balances follow operator operations: deposit, hold, trade, withdrawal', async () => {
    const ex = ccxtFor(h, 'bob', { markets: {}, options: { uta: false } } as CcxtOptions);
    const bob = h.account('bob').id;
    const carol = h.account('carol').id;
    const before = await ex.fetchBalance();
    assert.equal(before.USDT, undefined);
    await h.operate({ type: 'deposit', key: 'ccxt/bob/usdt', account: bob, asset: 'USDT', amount: '1000' });
    await h.operate({ type: 'hold', key: 'ccxt/bob/hold', account: bob, asset: 'USDT', amount: '400' });
    // bob buys 0.1 ETH from carol for 350 USDT drawn from his hold; carol's fee is 0.35 USDT.
    await h.operate({
      type: 'trade',
      key: 'ccxt/bob/trade',
      legs: [
        { from: bob, to: carol, asset: 'USDT', amount: '350', fromBucket: 'held' },
        { from: carol, to: bob, asset: 'ETH', amount: '0.1' },
      ],
      fees: [{ account: carol, asset: 'USDT', amount: '0.35' }],
    });
    await h.operate({ type: 'withdrawal.request', key: 'ccxt/bob/withdraw', account: bob, asset: 'BTC', amount: '0.2', fee: '0.0001' });
    const after = await ex.fetchBalance();
    assert.deepEqual(fut(after.USDT), { free: 600, used: 50, total: 650 });
    assert.deepEqual(fut(after.ETH), { free: 0.1, used: 0, total: 0.1 });
    // The withdrawal (amount + fee) leaves available and shows as frozen until it completes.
    assert.deepEqual(fut(after.BTC), { free: 0.2999, used: 0.2001, total: 0.5 });
    await h.operate({ type: 'withdrawal.complete', key: 'ccxt/bob/withdraw/done', pending: 'ccxt/bob/withdraw' });
    assert.deepEqual(fut((await ex.fetchBalance()).BTC), { free: 0.2999, used: 0, total: 0.2999 });
  });

  test('demo-trading (sandbox mode, the PAPTRADING header) reads the same balances', async () => {
    const ex = ccxtFor(h, 'alice', { markets: {}, options: { uta: false } } as CcxtOptions);
    ex.setSandboxMode(true);
    for (const k of CCXT_SECTIONS) (ex.urls as { api: Record<string, string> }).api[k] = h.baseUrl;
    const balance = await ex.fetchBalance();
    assert.equal(h.seen.at(-1)?.headers.paptrading, '1');
    assert.equal(balance.BTC?.free, 1.25);
  });

  const quiet = { markets: {}, options: { uta: false } } as CcxtOptions;
  const wrongCredentials: [string, (h: HttpHarness) => ReturnType<typeof ccxtFor>, string][] = [
    ['a wrong secret raises AuthenticationError (40009)', (hh) => ccxtFor(hh, 'alice', { ...quiet, secret: 'wrong-secret' }), 'AuthenticationError'],
    ['a wrong passphrase raises AuthenticationError (40012)', (hh) => ccxtFor(hh, 'alice', { ...quiet, password: 'wrong-pass' }), 'AuthenticationError'],
    ['a key never issued raises AuthenticationError (40037)', (hh) => ccxtFor(hh, 'alice', { ...quiet, apiKey: 'bg_not_a_key' }), 'AuthenticationError'],
    ['a clock 60 s behind raises InvalidNonce (40008)', (hh) => ccxtFor(hh, 'alice', { ...quiet, options: { uta: false, timeDifference: 60_000 } } as CcxtOptions), 'InvalidNonce'],
  ];
  for (const [claim, make, expected] of wrongCredentials) {
    test(claim, async () => {
      assert.equal(await ccxtErrorOf(make(h).fetchBalance()), expected);
    });
  }
});

describe('bitget-api RestClientV2', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bitget-rest-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('HMAC: getSpotAccountAssets with coin and assetType, signed over the encoded query', async () => {
    const response = await restFor(h, 'alice').getSpotAccountAssets({ coin: 'USDT', assetType: 'all' });
    assert.equal(response.code, '00000');
    assert.deepEqual(response.data.map((d) => [d.coin, d.available, d.frozen, d.limitAvailable]), [['USDT', '25000', '1500.5', '300']]);
    assert.equal(h.seen.at(-1)?.url, `${ASSETS}?assetType=all&coin=USDT`);
  });

  test('HMAC: getSpotSubAccountAssets and getServerTime', async () => {
    const subs = await restFor(h, 'alice').getSpotSubAccountAssets();
    assert.deepEqual(subs.data.map((d) => d.userId), [Number(uidOf(h.account('alice', 'hodl'))), Number(uidOf(h.account('alice', 'grid-bot')))]);
    const time = await restFor(h, 'alice').getServerTime();
    assert.ok(Math.abs(Number(time.data.serverTime) - Date.now()) < 5000);
  });

  test('RSA: a key registered with its public key reads balances signed SHA256withRSA', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const issued = await h.post<{ secrets: { apiKey: string; passphrase: string } }>('/_assetbook/v1/credentials', {
      venue: 'bitget',
      accountId: h.account('alice', 'grid-bot').id,
      rsaPublicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const client = new RestClientV2({
      apiKey: issued.body.secrets.apiKey,
      apiSecret: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      apiPass: issued.body.secrets.passphrase,
      baseUrl: h.baseUrl,
    });
    const response = await client.getSpotAccountAssets();
    assert.deepEqual(response.data.map((d) => [d.coin, d.available]), [['BTC', '0.05'], ['USDT', '5000']]);
  });

  test('balances follow a deposit made through the operator API', async () => {
    const client = restFor(h, 'carol');
    const before = await client.getSpotAccountAssets({ coin: 'ETH' });
    await h.operate({ type: 'deposit', key: 'rest/carol/eth', account: h.account('carol').id, asset: 'ETH', amount: '0.000000000000000001' });
    const after = await client.getSpotAccountAssets({ coin: 'ETH' });
    assert.equal(before.data[0]?.available, '0.75');
    assert.equal(after.data[0]?.available, '0.750000000000000001');
  });

  const refusals: [string, Parameters<typeof restFor>[2], string][] = [
    ['a wrong secret is refused with 40009', { apiSecret: 'wrong-secret' }, '40009'],
    ['a wrong passphrase is refused with 40012', { apiPass: 'wrong-pass' }, '40012'],
    ['a key never issued is refused with 40037', { apiKey: 'bg_not_a_key' }, '40037'],
  ];
  for (const [claim, overrides, code] of refusals) {
    test(`${claim}: bitget-api throws with HTTP 400 and the envelope`, async () => {
      assert.deepEqual(await restErrorOf(restFor(h, 'alice', overrides).getSpotAccountAssets()), { status: 400, code });
    });
  }
});

describe('rate limit, seen by the clients', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bitget-limit-operator-token', { scenario: DEMO, flags: { rateLimit: 'bitget.account=4/60s' } });
  });
  after(async () => h.close());

  test('a burst over the per-UID limit raises ccxt DDoSProtection and makes bitget-api throw 429', async () => {
    const ex = ccxtFor(h, 'alice', { markets: {}, options: { uta: false }, enableRateLimit: false } as CcxtOptions);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await ccxtErrorOf(ex.fetchBalance()));
    assert.deepEqual(outcomes, ['no error', 'no error', 'no error', 'no error', 'DDoSProtection']);
    assert.deepEqual(await restErrorOf(restFor(h, 'alice').getSpotAccountAssets()), { status: 429, code: '429' });
  });

  test("the limit is per UID: another user's key is still served", async () => {
    const response = await restFor(h, 'bob').getSpotAccountAssets();
    assert.equal(response.code, '00000');
  });
});
