import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO, HttpHarness, type HttpResponse } from '../support/http-harness.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';

/**
 * Loopring's history endpoints on the wire: success bodies are `{"totalNum","transactions"}` and
 * nothing else (no `resultInfo`, which would make the SDK return it instead of the rows); every
 * hostile query is the venue's 400 with its code and writes nothing; the key scope and the
 * `loopring.history` limit hold as on balances.
 */

const { alice, bob } = DEMO_LOOPRING;
const PATHS = ['/api/v3/user/deposits', '/api/v3/user/withdrawals', '/api/v3/user/transfers'] as const;
const codeOf = (response: HttpResponse) => (response.body as { resultInfo?: { code?: number } } | undefined)?.resultInfo?.code;
const get = (h: HttpHarness, path: string, apiKey?: string) => h.request({ method: 'GET', path, token: null, headers: apiKey === undefined ? {} : { 'X-API-KEY': apiKey } });
const journalLength = async (h: HttpHarness) => (await h.runtime.store.listJournal(0, 1000)).entries.length;

describe('loopring history on the wire', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('loopring-history-wire', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('a success body holds totalNum and transactions only, on every path, with the demo opening deposits listed', async () => {
    for (const path of PATHS) {
      const response = await get(h, `${path}?accountId=${alice.accountId}`, alice.apiKey);
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(Object.keys(response.body as object), ['totalNum', 'transactions'], path);
      assert.ok(!response.text.includes('resultInfo'), path);
    }
    const deposits = await get(h, `/api/v3/user/deposits?accountId=${alice.accountId}&limit=2`, alice.apiKey);
    const body = deposits.body as { totalNum: number; transactions: { status: string }[] };
    assert.ok(body.totalNum > 2, 'the scenario opening balances are deposits too');
    assert.equal(body.transactions.length, 2, 'limit bounds the page, not the count');
  });

  test('every hostile query is a 400 with the venue code, never a 500, and writes nothing', async () => {
    const before = await journalLength(h);
    const rows: [string, string, string | undefined, number][] = [
      ['no API key', `accountId=${alice.accountId}`, undefined, 104001],
      ['an unknown API key', `accountId=${alice.accountId}`, 'nope', 104002],
      ['no accountId and no hashes', '', alice.apiKey, 107001],
      ['a signed accountId', 'accountId=-1', alice.apiKey, 104003],
      ['an accountId beyond 31 bits', 'accountId=2147483648', alice.apiKey, 104003],
      ['an unknown account', 'accountId=99999', alice.apiKey, 101002],
      ['a start that is not an integer', `accountId=${alice.accountId}&start=1e3`, alice.apiKey, 100001],
      ['an end before the start', `accountId=${alice.accountId}&start=5&end=4`, alice.apiKey, 100001],
      ['a start past 2^53', `accountId=${alice.accountId}&start=99999999999999999`, alice.apiKey, 100001],
      ['an unknown status', `accountId=${alice.accountId}&status=done`, alice.apiKey, 100001],
      ['a limit of zero', `accountId=${alice.accountId}&limit=0`, alice.apiKey, 100001],
      ['a negative offset', `accountId=${alice.accountId}&offset=-5`, alice.apiKey, 100001],
      ['a repeated parameter', `accountId=${alice.accountId}&limit=1&limit=2`, alice.apiKey, 100001],
      ['a token symbol with a quote', `accountId=${alice.accountId}&tokenSymbol=ET'H`, alice.apiKey, 100001],
      ['a hash that is not hex', `hashes=0xzz`, alice.apiKey, 100001],
      ['a hash of odd length', `hashes=0xabc`, alice.apiKey, 100001],
      ['51 hashes', `hashes=${Array.from({ length: 51 }, () => '0xab').join(',')}`, alice.apiKey, 100001],
      ['a query over 2048 characters', `accountId=${alice.accountId}&x=${'a'.repeat(2100)}`, alice.apiKey, 100001],
    ];
    for (const path of PATHS) {
      for (const [name, query, key, code] of rows) {
        const response = await get(h, `${path}?${query}`, key);
        assert.equal(response.status, 400, `${path} ${name}: ${response.text.slice(0, 200)}`);
        assert.equal(codeOf(response), code, `${path} ${name}: ${response.text.slice(0, 200)}`);
      }
    }
    const types: [string, string][] = [
      ['/api/v3/user/withdrawals', 'withdrawalTypes=withdraw'],
      ['/api/v3/user/transfers', 'transferTypes=swap'],
    ];
    for (const [path, query] of types) assert.equal(codeOf(await get(h, `${path}?accountId=${alice.accountId}&${query}`, alice.apiKey)), 100001, `${path} ${query}`);
    const post = await h.request({ method: 'POST', path: '/api/v3/user/withdrawals', token: null, headers: { 'X-API-KEY': alice.apiKey }, body: {} });
    assert.deepEqual([post.status, codeOf(post)], [501, 100000], 'a withdrawal request is not served: 501, which the SDK throws on');
    assert.equal(await journalLength(h), before);
  });

  test('lenient where clients are: a trailing comma, any case, unknown parameters, a limit over the most, an unknown token', async () => {
    const ok = async (path: string) => {
      const response = await get(h, path, alice.apiKey);
      assert.equal(response.status, 200, `${path}: ${response.text.slice(0, 200)}`);
      return response.body as { totalNum: number; transactions: unknown[] };
    };
    assert.ok((await ok(`/api/v3/user/deposits?accountId=${alice.accountId}&status=PROCESSED,`)).totalNum > 0);
    assert.ok((await ok(`/api/v3/user/deposits?accountId=${alice.accountId}&until=5&foo=bar`)).totalNum > 0);
    assert.ok((await ok(`/api/v3/user/deposits?accountId=${alice.accountId}&limit=100000`)).transactions.length > 0);
    assert.deepEqual(await ok(`/api/v3/user/deposits?accountId=${alice.accountId}&tokenSymbol=NOPE`), { totalNum: 0, transactions: [] });
    assert.deepEqual(await ok(`/api/v3/user/deposits?accountId=${alice.accountId}&status=received`), { totalNum: 0, transactions: [] });
  });
});

describe('loopring history: key scope and rate limit', () => {
  test('under key scope own, another account is 104002 on every history path', async () => {
    const h = await HttpHarness.start('loopring-history-scope', { scenario: DEMO, flags: { rateLimits: 'off', loopringKeyScope: 'own' } });
    try {
      for (const path of PATHS) {
        assert.equal((await get(h, `${path}?accountId=${alice.accountId}`, alice.apiKey)).status, 200, path);
        assert.equal(codeOf(await get(h, `${path}?accountId=${alice.accountId}`, bob.apiKey)), 104002, path);
      }
    } finally {
      await h.close();
    }
  });

  test('history reads count against loopring.history per credential: the sixth in the window is 429, balances keep their own budget', async () => {
    const h = await HttpHarness.start('loopring-history-limits', { scenario: DEMO, flags: { rateLimit: ['loopring.history=5/60s'] } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await get(h, `${PATHS[i % 3]}?accountId=${alice.accountId}`, alice.apiKey)).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
      const refused = await get(h, `${PATHS[0]}?accountId=${alice.accountId}`, alice.apiKey);
      assert.match(refused.text, /loopring\.history/);
      assert.ok(refused.headers.get('retry-after'));
      assert.equal((await get(h, `/api/v3/user/balances?accountId=${alice.accountId}`, alice.apiKey)).status, 200);
      assert.equal((await get(h, `${PATHS[0]}?accountId=${bob.accountId}`, bob.apiKey)).status, 200, 'another credential has its own budget');
    } finally {
      await h.close();
    }
  });
});
