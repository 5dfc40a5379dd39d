import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import { DEMO, HttpHarness, type HttpRequest } from '../support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest as signAt, type BitgetKey, type BitgetRequestOptions } from '../support/bitget-signer.js';
import { ManualClock } from '../support/clock.js';

/**
 * Table tests for every Bitget endpoint: a request, the HTTP status and the venue code it must
 * get. Each row's name is the claim. The demo scenario is loaded; limits are off (they have
 * their own test). The server runs on a clock the test holds still, and every request is signed
 * at that clock's time (plus a row's skew), so the timestamp window is exact on any machine.
 */

const clock = new ManualClock();

/** Signs at the server clock's time, `skewMs` off it. */
function signedBitgetRequest(key: BitgetKey, path: string, options: Omit<BitgetRequestOptions, 'timestampMs'> & { readonly skewMs?: number } = {}): HttpRequest {
  const { skewMs = 0, ...rest } = options;
  return signAt(key, path, { ...rest, timestampMs: clock.now() + skewMs });
}

const ASSETS = '/api/v2/spot/account/assets';
const SUBS = '/api/v2/spot/account/subaccount-assets';

interface Row {
  readonly claim: string;
  readonly request: (h: HttpHarness) => HttpRequest;
  readonly status: number;
  readonly code: string;
}

interface Envelope<T = unknown> {
  code: string;
  msg: string;
  requestTime: number;
  data: T;
}

let h: HttpHarness;
let alice: BitgetKey;
let rsaKey: BitgetKey;

before(async () => {
  h = await HttpHarness.start('bitget-table-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
  alice = demoBitgetKey(h.secrets('alice', 'bitget'));
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issued = await h.post<{ secrets: { apiKey: string; passphrase: string } }>('/_assetbook/v1/credentials', {
    venue: 'bitget',
    accountId: h.account('alice', 'hodl').id,
    rsaPublicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  assert.equal(issued.status, 201, issued.text);
  rsaKey = { ...issued.body.secrets, secret: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
});
after(async () => h.close());

const signed = (path: string, options: Parameters<typeof signedBitgetRequest>[2] = {}) => () => signedBitgetRequest(alice, path, options);
const as = (user: string, label: string, path: string, query = '') => (hh: HttpHarness) =>
  signedBitgetRequest(demoBitgetKey(hh.secrets(user, 'bitget', label)), path, { query });
const plain = (path: string, method = 'GET') => (): HttpRequest => ({ method, path, token: null });

const TABLE: Record<string, readonly Row[]> = {
  'GET /api/v2/spot/account/assets': [
    { claim: 'a signed read succeeds', request: signed(ASSETS), status: 200, code: '00000' },
    { claim: 'one coin by name', request: signed(ASSETS, { query: 'coin=USDT' }), status: 200, code: '00000' },
    { claim: 'a coin name in lower case', request: signed(ASSETS, { query: 'coin=usdt' }), status: 200, code: '00000' },
    { claim: 'an unknown coin is 40034', request: signed(ASSETS, { query: 'coin=NOPE' }), status: 400, code: '40034' },
    { claim: 'a repeated coin is 40020', request: signed(ASSETS, { query: 'coin=BTC&coin=ETH' }), status: 400, code: '40020' },
    { claim: 'assetType=all', request: signed(ASSETS, { query: 'assetType=all' }), status: 200, code: '00000' },
    { claim: 'assetType=hold_only', request: signed(ASSETS, { query: 'assetType=hold_only' }), status: 200, code: '00000' },
    { claim: 'an unknown assetType is 40020', request: signed(ASSETS, { query: 'assetType=some' }), status: 400, code: '40020' },
    { claim: 'coin wins over a bad assetType', request: signed(ASSETS, { query: 'assetType=some&coin=BTC' }), status: 200, code: '00000' },
    { claim: 'the query signed percent-encoded, as bitget-api does', request: signed(ASSETS, { query: 'coin=%55SDT' }), status: 200, code: '00000' },
    { claim: 'the query signed decoded, as ccxt does', request: signed(ASSETS, { query: 'coin=%55SDT', signedQuery: 'coin=USDT' }), status: 200, code: '00000' },
    { claim: 'a signature over another query is 40009', request: signed(ASSETS, { query: 'coin=BTC', signedQuery: 'coin=ETH' }), status: 400, code: '40009' },
    { claim: 'the demo-trading header is accepted', request: signed(ASSETS, { headers: { paptrading: '1' } }), status: 200, code: '00000' },
    { claim: 'an RSA key signing SHA256withRSA', request: () => signedBitgetRequest(rsaKey, ASSETS), status: 200, code: '00000' },
    { claim: 'an RSA key with an HMAC signature is 40009', request: () => signedBitgetRequest({ ...rsaKey, secret: 'not-the-key' }, ASSETS), status: 400, code: '40009' },
    { claim: 'no ACCESS-KEY is 40001', request: signed(ASSETS, { headers: { 'ACCESS-KEY': null } }), status: 400, code: '40001' },
    { claim: 'an empty ACCESS-KEY is 40001', request: signed(ASSETS, { headers: { 'ACCESS-KEY': '' } }), status: 400, code: '40001' },
    { claim: 'no ACCESS-SIGN is 40002', request: signed(ASSETS, { headers: { 'ACCESS-SIGN': null } }), status: 400, code: '40002' },
    { claim: 'no ACCESS-PASSPHRASE is 40011', request: signed(ASSETS, { headers: { 'ACCESS-PASSPHRASE': null } }), status: 400, code: '40011' },
    { claim: 'no ACCESS-TIMESTAMP is 40005', request: signed(ASSETS, { headers: { 'ACCESS-TIMESTAMP': null } }), status: 400, code: '40005' },
    { claim: 'a non-numeric timestamp is 40005', request: signed(ASSETS, { headers: { 'ACCESS-TIMESTAMP': '2024-01-01T00:00:00Z' } }), status: 400, code: '40005' },
    { claim: 'a timestamp 31 s old is 40008', request: signed(ASSETS, { skewMs: -31_000 }), status: 400, code: '40008' },
    { claim: 'a timestamp 31 s ahead is 40008', request: signed(ASSETS, { skewMs: 31_000 }), status: 400, code: '40008' },
    { claim: 'a timestamp 30 s old is inside the window', request: signed(ASSETS, { skewMs: -30_000 }), status: 200, code: '00000' },
    { claim: 'a timestamp 30 s ahead is inside the window', request: signed(ASSETS, { skewMs: 30_000 }), status: 200, code: '00000' },
    { claim: 'a timestamp 20 s old is inside the window', request: signed(ASSETS, { skewMs: -20_000 }), status: 200, code: '00000' },
    { claim: 'a key with spaces is 40006', request: signed(ASSETS, { headers: { 'ACCESS-KEY': 'bg demo alice' } }), status: 400, code: '40006' },
    { claim: 'a key never issued is 40037', request: signed(ASSETS, { headers: { 'ACCESS-KEY': 'bg_never_issued' } }), status: 400, code: '40037' },
    { claim: 'a signature that is not base64 is 40009', request: signed(ASSETS, { headers: { 'ACCESS-SIGN': 'not base64 at all!' } }), status: 400, code: '40009' },
    { claim: 'a signature made with another secret is 40009', request: () => signedBitgetRequest({ ...alice, secret: 'another-secret' }, ASSETS), status: 400, code: '40009' },
    { claim: 'a wrong passphrase is 40012', request: signed(ASSETS, { headers: { 'ACCESS-PASSPHRASE': 'not-the-passphrase' } }), status: 400, code: '40012' },
    { claim: 'POST has no route: 40404', request: signed(ASSETS, { method: 'POST' }), status: 404, code: '40404' },
  ],
  'GET /api/v2/spot/account/subaccount-assets': [
    { claim: "a main account's key reads its sub-accounts", request: signed(SUBS), status: 200, code: '00000' },
    { claim: "a sub-account's key is 40014", request: as('alice', 'grid-bot', SUBS), status: 400, code: '40014' },
    { claim: 'an ND broker is 40014', request: as('carol', 'main', SUBS), status: 400, code: '40014' },
    { claim: 'limit=50 is the most', request: signed(SUBS, { query: 'limit=50' }), status: 200, code: '00000' },
    { claim: 'limit=51 is 40020', request: signed(SUBS, { query: 'limit=51' }), status: 400, code: '40020' },
    { claim: 'limit=0 is 40020', request: signed(SUBS, { query: 'limit=0' }), status: 400, code: '40020' },
    { claim: 'limit=-1 is 40020', request: signed(SUBS, { query: 'limit=-1' }), status: 400, code: '40020' },
    { claim: 'limit=2.5 is 40020', request: signed(SUBS, { query: 'limit=2.5' }), status: 400, code: '40020' },
    { claim: 'a non-numeric cursor is 40020', request: signed(SUBS, { query: 'idLessThan=abc' }), status: 400, code: '40020' },
    { claim: 'a cursor below every id is an empty page', request: signed(SUBS, { query: 'idLessThan=1' }), status: 200, code: '00000' },
    { claim: 'unsigned is 40001', request: plain(SUBS), status: 400, code: '40001' },
  ],
  'public endpoints': [
    { claim: 'server time', request: plain('/api/v2/public/time'), status: 200, code: '00000' },
    { claim: 'coins', request: plain('/api/v2/spot/public/coins'), status: 200, code: '00000' },
    { claim: 'one coin', request: plain('/api/v2/spot/public/coins?coin=BTC'), status: 200, code: '00000' },
    { claim: 'an unknown coin is 40034', request: plain('/api/v2/spot/public/coins?coin=NOPE'), status: 400, code: '40034' },
    { claim: 'spot symbols', request: plain('/api/v2/spot/public/symbols'), status: 200, code: '00000' },
    { claim: 'one symbol', request: plain('/api/v2/spot/public/symbols?symbol=BTCUSDT'), status: 200, code: '00000' },
    { claim: 'an unknown symbol is 40034', request: plain('/api/v2/spot/public/symbols?symbol=BTCEUR'), status: 400, code: '40034' },
    { claim: 'margin currencies', request: plain('/api/v2/margin/currencies'), status: 200, code: '00000' },
    { claim: 'futures contracts of a product type', request: plain('/api/v2/mix/market/contracts?productType=USDT-FUTURES'), status: 200, code: '00000' },
    { claim: 'contracts without productType is 40019', request: plain('/api/v2/mix/market/contracts'), status: 400, code: '40019' },
    { claim: 'contracts of an unknown productType is 40020', request: plain('/api/v2/mix/market/contracts?productType=SPOT'), status: 400, code: '40020' },
    { claim: 'an unknown v2 path is 40404', request: plain('/api/v2/spot/nothing'), status: 404, code: '40404' },
  ],
  'GET /api/v3/account/settings (the UTA probe)': [
    { claim: 'signed: the classic-account error 40084', request: signed('/api/v3/account/settings'), status: 400, code: '40084' },
    { claim: 'unsigned: 40001', request: plain('/api/v3/account/settings'), status: 400, code: '40001' },
  ],
};

for (const [endpoint, rows] of Object.entries(TABLE)) {
  describe(endpoint, () => {
    for (const row of rows) {
      test(`${row.claim} (${row.status} ${row.code})`, async () => {
        const response = await h.request<Envelope>(row.request(h));
        assert.equal(response.status, row.status, response.text);
        assert.equal(response.body.code, row.code, response.text);
        assert.equal(typeof response.body.requestTime, 'number');
        assert.equal(response.body.requestTime, clock.now(), 'the envelope, success or refusal, is stamped by the server clock');
        if (row.code === '00000') assert.equal(response.body.msg, 'success');
        else assert.equal(response.body.data, null);
      });
    }
  });
}

describe('what the asset endpoint shows', () => {
  type Item = { coin: string; available: string; frozen: string; locked: string; limitAvailable: string; uTime: string };
  const read = async (query = '') => (await h.request<Envelope<Item[]>>(signedBitgetRequest(alice, ASSETS, { query }))).body.data;

  test('buckets map to fields exactly: frozen = held + pending withdrawal, limitAvailable = restricted', async () => {
    const items = await read();
    assert.deepEqual(
      items.find((i) => i.coin === 'ETH'),
      { coin: 'ETH', available: '12.5', frozen: '0.25', locked: '0.5', limitAvailable: '0', uTime: items.find((i) => i.coin === 'ETH')!.uTime },
    );
    const usdt = items.find((i) => i.coin === 'USDT')!;
    assert.deepEqual([usdt.available, usdt.frozen, usdt.locked, usdt.limitAvailable], ['25000', '1500.5', '0', '300']);
    assert.match(usdt.uTime, /^[0-9]{13}$/);
  });

  test('hold_only lists only coins with a non-zero shown field; all lists every coin', async () => {
    assert.deepEqual((await read()).map((i) => i.coin), ['BTC', 'ETH', 'SOL', 'USDC', 'USDT']);
    assert.deepEqual((await read('assetType=all')).map((i) => i.coin), ['BTC', 'DOGE', 'ETH', 'LRC', 'SOL', 'USDC', 'USDT', 'XRP']);
    assert.deepEqual((await read('assetType=all')).find((i) => i.coin === 'DOGE'), {
      coin: 'DOGE', available: '0', frozen: '0', locked: '0', limitAvailable: '0', uTime: String(h.account('alice').createdAtMs),
    });
  });

  test('an amount finer than a double can hold is shown exactly', async () => {
    await h.operate({ type: 'deposit', key: 'bitget-table/exact', account: h.account('alice').id, asset: 'ETH', amount: '0.000000000000000001' });
    assert.equal((await read('coin=ETH'))[0]!.available, '12.500000000000000001');
  });

  test('a sub-account key reads only its own account', async () => {
    const response = await h.request<Envelope<Item[]>>(as('alice', 'grid-bot', ASSETS)(h));
    assert.deepEqual(response.body.data.map((i) => [i.coin, i.available]), [['BTC', '0.05'], ['USDT', '5000']]);
  });
});

describe('the timestamp window is configurable', () => {
  test('with --bitget-timestamp-window 5, a request signed 10 s ago is 40008', async () => {
    const narrow = await HttpHarness.start('bitget-window-operator-token', { scenario: DEMO, flags: { rateLimits: 'off', bitgetTimestampWindow: '5' }, clock: clock.now });
    try {
      const key = demoBitgetKey(narrow.secrets('alice', 'bitget'));
      const stale = await narrow.request<Envelope>(signedBitgetRequest(key, ASSETS, { skewMs: -10_000 }));
      assert.equal(stale.body.code, '40008');
      const fresh = await narrow.request<Envelope>(signedBitgetRequest(key, ASSETS));
      assert.equal(fresh.body.code, '00000');
    } finally {
      await narrow.close();
    }
  });
});

describe('keys are remembered briefly, never past a reset', () => {
  test('a key used a moment ago is unknown (40037) right after the operator resets the ledger', async () => {
    const own = await HttpHarness.start('bitget-reset-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
    try {
      const key = demoBitgetKey(own.secrets('alice', 'bitget'));
      assert.equal((await own.request<Envelope>(signedBitgetRequest(key, ASSETS))).body.code, '00000');
      assert.equal((await own.post('/_assetbook/v1/reset')).status, 204);
      assert.equal((await own.request<Envelope>(signedBitgetRequest(key, ASSETS))).body.code, '40037');
    } finally {
      await own.close();
    }
  });

  test('a wrong passphrase is refused even right after the right one was accepted', async () => {
    assert.equal((await h.request<Envelope>(signedBitgetRequest(alice, ASSETS))).body.code, '00000');
    const wrong = await h.request<Envelope>(signedBitgetRequest({ ...alice, passphrase: `${alice.passphrase}x` }, ASSETS));
    assert.equal(wrong.body.code, '40012');
  });
});
