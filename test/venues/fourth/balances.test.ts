import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpHarness } from '../../support/http-harness.js';
import { balancesRequest } from './fourth.case-data.js';
import { startWithFourth } from './support.js';
import { accountNoOf } from './venue/identity.js';

/**
 * The fourth venue's balance read beyond the shared claims: how the ledger's buckets show as free,
 * locked and total; the ticker filter; and which accounts a key may name by `accountNo`.
 */

interface Row {
  readonly ticker: string;
  readonly free: string;
  readonly locked: string;
  readonly total: string;
  readonly updatedAt: number;
}
interface Body {
  readonly code: number;
  readonly message: string;
  readonly data: { readonly accountNo: string; readonly balances: readonly Row[] } | null;
  readonly timestamp?: number;
}

const ALICE = 'demo-alice-fourth-api-key';
const BOB = 'demo-bob-fourth-api-key';

describe('GET /fourth/api/v1/balances', () => {
  let h: HttpHarness;
  let aliceGridKey: string;
  before(async () => {
    h = await startWithFourth({ clock: () => 1_800_000_000_000 });
    const issued = await h.post<{ secrets: { apiKey: string } }>('/_assetbook/v1/credentials', { accountId: h.account('alice', 'grid-bot').id, venue: 'fourth' });
    assert.equal(issued.status, 201, issued.text);
    aliceGridKey = issued.body.secrets.apiKey;
  });
  after(async () => h.close());

  const read = async (apiKey: string | null, query: Record<string, string> = {}) => h.request<Body>(balancesRequest(apiKey, query));

  test('free is available; locked is held, locked, restricted, lent and pending withdrawal; total is both; every amount at full scale', async () => {
    const response = await read(ALICE);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.code, 0);
    assert.equal(response.body.timestamp, 1_800_000_000_000);
    const rows = Object.fromEntries(response.body.data!.balances.map(({ ticker, free, locked, total }) => [ticker, [free, locked, total]]));
    assert.deepEqual(rows, {
      // borrowed 0.05 is a debt and not shown
      BTC: ['1.25000000', '0.30000000', '1.55000000'],
      // pendingDeposit is not shown until credited; pendingWithdrawal 0.25 is still owned
      ETH: ['12.500000000000000000', '0.750000000000000000', '13.250000000000000000'],
      SOL: ['42.123456789', '0.000000000', '42.123456789'],
      USDC: ['10000.123456', '0.000000', '10000.123456'],
      USDT: ['25000.000000', '1800.500000', '26800.500000'],
    });
    assert.deepEqual(response.body.data!.balances.map((r) => r.ticker), ['BTC', 'ETH', 'SOL', 'USDC', 'USDT'], 'ordered by ticker');
  });

  test('one ticker answers its row even when the account never held it', async () => {
    const response = await read(ALICE, { ticker: 'XRP' });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.data!.balances, [{ ticker: 'XRP', free: '0.000000', locked: '0.000000', total: '0.000000', updatedAt: 0 }]);
  });

  test('an unknown ticker is 40002, a repeated parameter 40001, a malformed accountNo 40001', async () => {
    const expect = async (query: Record<string, string> | string, status: number, code: number) => {
      const response =
        typeof query === 'string' ? await h.request<Body>({ ...balancesRequest(ALICE), path: `/fourth/api/v1/balances?${query}` }) : await read(ALICE, query);
      assert.equal(response.status, status, response.text);
      assert.equal(response.body.code, code);
      assert.equal(response.body.data, null);
    };
    await expect({ ticker: 'NOPE' }, 400, 40002);
    await expect('ticker=BTC&ticker=ETH', 400, 40001);
    await expect({ accountNo: 'alice' }, 400, 40001);
  });

  test("a main account's key reads its user's sub-account by accountNo", async () => {
    const grid = h.account('alice', 'grid-bot');
    const response = await read(ALICE, { accountNo: accountNoOf(grid) });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.data!.accountNo, accountNoOf(grid));
  });

  test("a sub-account's key reads only its own account, not its user's main", async () => {
    assert.equal((await read(aliceGridKey)).body.data!.accountNo, accountNoOf(h.account('alice', 'grid-bot')));
    const response = await read(aliceGridKey, { accountNo: accountNoOf(h.account('alice')) });
    assert.equal(response.status, 403, response.text);
    assert.equal(response.body.code, 40301);
  });

  test("another user's account and an account that does not exist are refused alike, so a key learns nothing of either", async () => {
    const other = await read(BOB, { accountNo: accountNoOf(h.account('alice', 'grid-bot')) });
    const missing = await read(BOB, { accountNo: 'F999999999' });
    assert.equal(other.status, 403);
    assert.equal(missing.status, 403);
    assert.equal(other.text, missing.text);
  });

  test('an API key longer than any issued is refused as unknown without a lookup', async () => {
    const response = await read('k'.repeat(129));
    assert.equal(response.status, 401, response.text);
    assert.equal(response.body.code, 40102);
  });
});
