import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isLedgerError } from '../../../src/ledger/errors.js';
import type { HttpHarness } from '../../support/http-harness.js';
import { balancesRequest } from './fourth.case-data.js';
import { loadRefused, startWithFourth, startWithScenario, type AccountOut, type OperatorError, type UserOut } from './support.js';
import { ACCOUNT_NO, ACCOUNT_NO_BASE } from './venue/identity.js';

/**
 * The fourth venue's facts go through the ledger like any venue's: account numbers generated for
 * every account (demo, operator API, scenario), unique, shown by the operator API under
 * `venues.fourth`, fixed by whoever creates the account, and refused when taken; tickers likewise
 * for assets.
 */

const V1 = '/_assetbook/v1';
const accountNo = (account: AccountOut): unknown => account.venues.fourth?.accountNo;

describe('fourth-venue account numbers through the operator API', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startWithFourth();
  });
  after(async () => h.close());

  const allAccounts = async () => (await h.get<UserOut[]>(`${V1}/users`)).body.flatMap((u) => u.accounts);

  test('every demo account has a generated account number, F100000000 + its id, and no two share one', async () => {
    const accounts = await allAccounts();
    assert.equal(accounts.length, 8, 'the demo has three main accounts and five sub-accounts');
    for (const account of accounts) assert.equal(accountNo(account), `F${ACCOUNT_NO_BASE + account.id}`, `account ${account.id}`);
    assert.equal(new Set(accounts.map(accountNo)).size, accounts.length);
  });

  test('every served venue is present in the output, the fourth beside the registry ones', async () => {
    const [first] = await allAccounts();
    assert.deepEqual(Object.keys(first!.venues).sort(), ['bitget', 'bullish', 'fourth', 'loopring']);
  });

  test('a new user and a new sub-account get their own generated numbers, and reading them back shows the same', async () => {
    const created = await h.post<UserOut>(`${V1}/users`, { name: 'erin' });
    assert.equal(created.status, 201, created.text);
    const main = created.body.accounts[0]!;
    assert.equal(accountNo(main), `F${ACCOUNT_NO_BASE + main.id}`);
    const sub = await h.post<AccountOut>(`${V1}/users/${created.body.id}/accounts`, { label: 'bot' });
    assert.equal(sub.status, 201, sub.text);
    assert.equal(accountNo(sub.body), `F${ACCOUNT_NO_BASE + sub.body.id}`);
    assert.equal(accountNo((await h.get<AccountOut>(`${V1}/accounts/${sub.body.id}`)).body), accountNo(sub.body));
    const numbers = (await allAccounts()).map(accountNo);
    assert.equal(new Set(numbers).size, numbers.length, 'still unique');
  });

  test('a number given at creation is kept; the generator steps past it for a later account', async () => {
    const highest = Math.max(...(await allAccounts()).map((a) => a.id));
    // The next account after this user's main gets id highest + 2: its first candidate is taken here.
    const taken = `F${ACCOUNT_NO_BASE + highest + 2}`;
    const user = await h.post<UserOut>(`${V1}/users`, { name: 'frank', main: { venues: { fourth: { accountNo: taken } } } });
    assert.equal(user.status, 201, user.text);
    assert.equal(accountNo(user.body.accounts[0]!), taken);
    const sub = await h.post<AccountOut>(`${V1}/users/${user.body.id}/accounts`, { label: 'next' });
    assert.equal(sub.status, 201, sub.text);
    assert.equal(sub.body.id, highest + 2);
    assert.equal(accountNo(sub.body), `F${ACCOUNT_NO_BASE + highest + 3}`);
  });

  test('a number another account holds is refused with IDENTITY_TAKEN at its path, and nothing is created', async () => {
    const usersBefore = (await h.get<UserOut[]>(`${V1}/users`)).body.length;
    const alice = h.account('alice');
    const clash = await h.post<OperatorError>(`${V1}/users`, { name: 'grace', main: { venues: { fourth: { accountNo: `F${ACCOUNT_NO_BASE + alice.id}` } } } });
    assert.equal(clash.status, 409, clash.text);
    assert.equal(clash.body.error.code, 'IDENTITY_TAKEN');
    assert.match(clash.body.error.path ?? '', /venues\/fourth\/accountNo$/);
    assert.equal((await h.get<UserOut[]>(`${V1}/users`)).body.length, usersBefore);
  });

  test('a malformed number, or a fact the fourth venue does not declare, is a 400 naming the field', async () => {
    const bad = await h.post<OperatorError>(`${V1}/users`, { name: 'heidi', main: { venues: { fourth: { accountNo: 'F0123' } } } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.code, 'INVALID_ARGUMENT');
    assert.match(bad.body.error.path ?? '', /venues\/fourth\/accountNo$/);
    const unknown = await h.post<OperatorError>(`${V1}/users`, { name: 'heidi', main: { venues: { fourth: { uid: '1' } } } });
    assert.equal(unknown.status, 400, unknown.text);
    assert.match(unknown.body.error.path ?? '', /venues\/fourth/);
  });

  test('an account number is an identity, not a mutable fact: a PATCH cannot change it', async () => {
    const alice = h.account('alice');
    const patch = await h.request<OperatorError>({ method: 'PATCH', path: `${V1}/accounts/${alice.id}`, body: { venues: { fourth: { accountNo: 'F999999999' } } } });
    assert.equal(patch.status, 400, patch.text);
    assert.equal(accountNo((await h.get<AccountOut>(`${V1}/accounts/${alice.id}`)).body), `F${ACCOUNT_NO_BASE + alice.id}`);
  });
});

describe('fourth-venue tickers through the operator API', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startWithFourth();
  });
  after(async () => h.close());

  test('every demo asset is listed under its symbol; a new asset may fix another ticker, which the venue then shows', async () => {
    const assets = await h.get<{ symbol: string; venues: Record<string, Record<string, unknown>> }[]>(`${V1}/assets`);
    assert.equal(assets.status, 200, assets.text);
    for (const asset of assets.body) assert.equal(asset.venues.fourth?.ticker, asset.symbol);
    const created = await h.post<{ venues: Record<string, Record<string, unknown>> }>(`${V1}/assets`, { symbol: 'WBTC', name: 'Wrapped Bitcoin', scale: 8, venues: { fourth: { ticker: 'XBTW' } } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.venues.fourth?.ticker, 'XBTW');
    await h.operate({ type: 'deposit', key: 'fourth/wbtc', account: h.account('alice').id, asset: 'WBTC', amount: '0.5' });
    const read = await h.request<{ data: { balances: { ticker: string; free: string }[] } }>(balancesRequest('demo-alice-fourth-api-key', { ticker: 'XBTW' }));
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.body.data.balances.map((b) => [b.ticker, b.free]), [['XBTW', '0.50000000']]);
  });

  test('a ticker another asset holds is refused with IDENTITY_TAKEN', async () => {
    const clash = await h.post<OperatorError>(`${V1}/assets`, { symbol: 'BTC2', scale: 8, venues: { fourth: { ticker: 'BTC' } } });
    assert.equal(clash.status, 409, clash.text);
    assert.equal(clash.body.error.code, 'IDENTITY_TAKEN');
  });
});

describe('fourth-venue account numbers in a scenario file', () => {
  const scenario = (dora: string, doraBot: string) => ({
    assets: [{ symbol: 'USDT', scale: 6 }],
    users: [
      {
        name: 'dora',
        main: { venues: { fourth: { accountNo: dora } }, balances: { USDT: { available: '7' } } },
        subAccounts: [{ label: 'bot', venues: { fourth: { accountNo: doraBot } } }],
        credentials: { fourth: [{ account: 'main', apiKey: 'dora-fourth-api-key' }] },
      },
      { name: 'eve' },
    ],
  });

  test('a scenario fixes account numbers; an account it leaves out gets a generated one', async () => {
    const h = await startWithScenario(scenario('F555000001', 'F555000002'));
    try {
      assert.equal(h.account('dora').venues.fourth?.accountNo, 'F555000001');
      assert.equal(h.account('dora', 'bot').venues.fourth?.accountNo, 'F555000002');
      const eve = h.account('eve');
      assert.equal(eve.venues.fourth?.accountNo, `F${ACCOUNT_NO_BASE + eve.id}`);
      const read = await h.request<{ data: { accountNo: string } }>(balancesRequest('dora-fourth-api-key'));
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.data.accountNo, 'F555000001');
      assert.match(read.body.data.accountNo, ACCOUNT_NO);
    } finally {
      await h.close();
    }
  });

  test('a scenario giving two accounts the same number is refused with IDENTITY_TAKEN at the second, and loads nothing', async () => {
    await loadRefused(scenario('F555000001', 'F555000001'), async (runtime, refusal) => {
      assert.ok(isLedgerError(refusal), `a ledger refusal: ${String(refusal)}`);
      assert.equal(refusal.code, 'IDENTITY_TAKEN');
      assert.match(refusal.path ?? '', /^users\/0\/subAccounts\/0\/venues\/fourth\/accountNo$/);
      assert.deepEqual(await runtime.store.listUsers(), []);
      assert.deepEqual(await runtime.store.listAssets(), []);
    });
  });
});
