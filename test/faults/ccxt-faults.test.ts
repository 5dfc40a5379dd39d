import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ccxt from 'ccxt';
import type { FaultErrorKind } from '../../src/venues/venue.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { ccxtBullish, demoBullishKey, loginRequest, LOGIN } from '../support/bullish-client.js';
import { ALICE_MAIN } from '../support/bullish-http.js';
import { clearFaults, errorClassOf, ledgerState, listFaults, nextFaultEvent, setFaults } from '../support/faults.js';

/**
 * Fault rules met by real, unmodified ccxt clients (only their URLs point here): each named error
 * raises the class the venue's own answer maps to in ccxt, a stalled request ends in ccxt's own
 * RequestTimeout, a dropped connection in its NetworkError, and a request a rule failed wrote
 * nothing: `verify` stays clean and the journal, every balance and every credential are as they
 * were. The Bitget clients read with `markets: {}` and `uta: false`, so each fetchBalance is the
 * one request the rule is on.
 */

const ASSETS = '/api/v2/spot/account/assets';
const BULLISH_ASSETS = '/trading-api/v1/accounts/asset';
const CCXT_SECTIONS = ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert', 'copy', 'earn', 'uta'];

type CcxtOptions = ConstructorParameters<typeof ccxt.bitget>[0];

function bitgetFor(h: HttpHarness, extra: CcxtOptions = {}) {
  const s = h.secrets('alice', 'bitget');
  const api = Object.fromEntries(CCXT_SECTIONS.map((k) => [k, h.baseUrl]));
  return new ccxt.bitget({ apiKey: s.apiKey, secret: s.secretKey, password: s.passphrase, urls: { api }, markets: {}, options: { uta: false }, ...extra } as CcxtOptions);
}

/** What ccxt raises for each venue's answer to each named error (the venue's code through ccxt's own exceptions map; docs/faults.md). */
const BITGET_CLASSES: Record<FaultErrorKind, { status: number; code: string; ccxt: string }> = {
  rate_limited: { status: 429, code: '429', ccxt: 'DDoSProtection' },
  maintenance: { status: 503, code: '40200', ccxt: 'OnMaintenance' },
  internal_error: { status: 500, code: '40015', ccxt: 'ExchangeError' },
  service_unavailable: { status: 503, code: '40015', ccxt: 'ExchangeError' },
  timestamp_expired: { status: 400, code: '40008', ccxt: 'InvalidNonce' },
  unauthorized: { status: 400, code: '40006', ccxt: 'AuthenticationError' },
};

const BULLISH_CLASSES: Record<FaultErrorKind, { status: number; ccxt: string }> = {
  // Bullish's documented 429 body carries errorCode 96000, which ccxt maps to nothing: a plain ExchangeError.
  rate_limited: { status: 429, ccxt: 'ExchangeError' },
  // No errorCode: ccxt judges the status.
  maintenance: { status: 503, ccxt: 'ExchangeNotAvailable' },
  internal_error: { status: 500, ccxt: 'ExchangeError' },
  service_unavailable: { status: 503, ccxt: 'ExchangeError' },
  timestamp_expired: { status: 401, ccxt: 'InvalidNonce' },
  unauthorized: { status: 401, ccxt: 'AuthenticationError' },
};

const KINDS = Object.keys(BITGET_CLASSES) as FaultErrorKind[];

describe('ccxt bitget under fault rules', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('faults-ccxt-bitget', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  for (const kind of KINDS) {
    const expected = BITGET_CLASSES[kind];
    test(`${kind}: Bitget's ${expected.code} with HTTP ${expected.status}, which ccxt raises as ${expected.ccxt}; nothing written, and the next read (rule used up) answers`, async () => {
      await setFaults(h, [{ venue: 'bitget', method: 'GET', path: ASSETS, action: { type: 'error', kind }, count: 1 }]);
      const before = await ledgerState(h);
      const from = h.seen.length;
      const ex = bitgetFor(h);
      assert.equal(await errorClassOf(ex.fetchBalance()), expected.ccxt);
      const answered = h.seen.slice(from).map((r) => `${r.url.split('?')[0]} ${r.status}`);
      assert.deepEqual(answered, [`${ASSETS} ${expected.status}`]);
      const body = JSON.parse(String(ex.last_http_response)) as { code: string; data: null };
      assert.deepEqual([body.code, body.data], [expected.code, null]);
      assert.deepEqual(await ledgerState(h), before);
      assert.equal(before.verified, true);
      assert.equal((await bitgetFor(h).fetchBalance()).BTC?.free, 1.25, 'the count of 1 is used up: the rule expired');
      assert.deepEqual(
        (await listFaults(h)).map((r) => [r.state, r.expiredBy, r.injected]),
        [['expired', 'count', 1]],
      );
    });
  }

  test("a stalled request is never answered: ccxt's own timeout raises RequestTimeout, and nothing is written", async () => {
    await setFaults(h, [{ venue: 'bitget', path: ASSETS, action: { type: 'stall' } }]);
    const before = await ledgerState(h);
    const ex = bitgetFor(h, { timeout: 300 });
    const error = await ex.fetchBalance().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ccxt.RequestTimeout, String(error));
    assert.ok(error instanceof ccxt.NetworkError);
    assert.deepEqual(await ledgerState(h), before);
    assert.equal((await listFaults(h))[0]?.injected, 1);
    await clearFaults(h);
  });

  test('a dropped connection raises NetworkError (no answer at all), and nothing is written', async () => {
    await setFaults(h, [{ venue: 'bitget', path: ASSETS, action: { type: 'drop' }, count: 1 }]);
    const before = await ledgerState(h);
    const error = await bitgetFor(h).fetchBalance().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal((error as Error).constructor.name, 'NetworkError', String(error));
    assert.deepEqual(await ledgerState(h), before);
    assert.equal((await bitgetFor(h).fetchBalance()).BTC?.free, 1.25);
  });

  test('a rule on one API key leaves every other key alone', async () => {
    const alice = h.secrets('alice', 'bitget').apiKey!;
    await setFaults(h, [{ venue: 'bitget', apiKey: alice, action: { type: 'error', kind: 'maintenance' } }]);
    const s = h.secrets('bob', 'bitget');
    const bob = new ccxt.bitget({ apiKey: s.apiKey, secret: s.secretKey, password: s.passphrase, urls: { api: Object.fromEntries(CCXT_SECTIONS.map((k) => [k, h.baseUrl])) }, markets: {}, options: { uta: false } } as CcxtOptions);
    assert.equal((await bob.fetchBalance()).BTC?.free, 0.5);
    assert.equal(await errorClassOf(bitgetFor(h).fetchBalance()), 'OnMaintenance');
    await clearFaults(h);
  });

  test("a rule on an account faults that account's keys only", async () => {
    await setFaults(h, [{ venue: 'bitget', account: h.account('alice').id, action: { type: 'error', kind: 'rate_limited' } }]);
    assert.equal(await errorClassOf(bitgetFor(h).fetchBalance()), 'DDoSProtection');
    const s = h.secrets('bob', 'bitget');
    const bob = new ccxt.bitget({ apiKey: s.apiKey, secret: s.secretKey, password: s.passphrase, urls: { api: Object.fromEntries(CCXT_SECTIONS.map((k) => [k, h.baseUrl])) }, markets: {}, options: { uta: false } } as CcxtOptions);
    assert.equal((await bob.fetchBalance()).BTC?.free, 0.5);
    await clearFaults(h);
  });
});

describe('ccxt bullish under fault rules', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('faults-ccxt-bullish', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  const client = () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    ex.markets = {} as typeof ex.markets;
    ex.options.tradingAccountId = ALICE_MAIN;
    return ex;
  };

  for (const kind of KINDS) {
    const expected = BULLISH_CLASSES[kind];
    test(`${kind}: Bullish's answer with HTTP ${expected.status}, which ccxt raises as ${expected.ccxt}; nothing written`, async () => {
      await setFaults(h, [{ venue: 'bullish', path: BULLISH_ASSETS, action: { type: 'error', kind }, count: 1 }]);
      const before = await ledgerState(h);
      const from = h.seen.length;
      assert.equal(await errorClassOf(client().fetchBalance()), expected.ccxt);
      assert.deepEqual(
        h.seen.slice(from).map((r) => `${r.url.split('?')[0]} ${r.status}`),
        [`${LOGIN} 200`, `${BULLISH_ASSETS} ${expected.status}`],
      );
      assert.deepEqual(await ledgerState(h), before);
      assert.equal(before.verified, true);
    });
  }

  test('a rule naming the API key matches the REST calls made with its session token too', async () => {
    const key = demoBullishKey(h.secrets('alice', 'bullish'));
    await setFaults(h, [{ venue: 'bullish', path: BULLISH_ASSETS, apiKey: key.publicKey, action: { type: 'error', kind: 'unauthorized' } }]);
    assert.equal(await errorClassOf(client().fetchBalance()), 'AuthenticationError');
    const bob = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('bob', 'bullish')));
    bob.markets = {} as typeof bob.markets;
    assert.equal(await errorClassOf(bob.fetchBalance()), 'no error');
    await clearFaults(h);
  });

  test("a login a rule failed claimed nothing: the very same login (its nonce too) is accepted once the rule is gone", async () => {
    await setFaults(h, [{ venue: 'bullish', path: LOGIN, action: { type: 'error', kind: 'service_unavailable' } }]);
    const before = await ledgerState(h);
    const login = loginRequest(demoBullishKey(h.secrets('alice', 'bullish')));
    const refused = await h.request(login);
    assert.equal(refused.status, 503, refused.text);
    assert.deepEqual(refused.body, { message: 'Service busy, please try again later', errorCode: 2005, errorCodeName: 'UNKNOWN_ERROR', raw: null });
    assert.deepEqual(await ledgerState(h), before);
    await clearFaults(h);
    assert.equal((await h.request(login)).status, 200, 'the nonce was never claimed');
    assert.equal((await h.request(login)).status, 401, 'and now it is, once');
  });

  test('a stalled login ends in RequestTimeout and a dropped one in NetworkError', async () => {
    await setFaults(h, [{ venue: 'bullish', path: LOGIN, action: { type: 'stall' }, count: 1 }, { venue: 'bullish', path: LOGIN, action: { type: 'drop' }, count: 1 }]);
    const stalled = client();
    stalled.timeout = 300;
    const injected = nextFaultEvent(h, (e) => e.type === 'injected');
    assert.equal(await errorClassOf(stalled.fetchBalance()), 'RequestTimeout');
    await injected;
    assert.equal(await errorClassOf(client().fetchBalance()), 'NetworkError');
    assert.equal(await errorClassOf(client().fetchBalance()), 'no error', 'both rules used up');
  });
});
