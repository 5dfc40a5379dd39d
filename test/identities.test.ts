import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Account } from '../src/ledger/types.js';
import { loginRequest, ASSETS, TRADING_ACCOUNTS } from './support/bullish-client.js';
import { signedBitgetRequest } from './support/bitget-signer.js';
import { DEMO, HttpHarness } from './support/http-harness.js';
import { tradingAccountIdOf } from '../src/venues/bullish/identity.js';
import { accountIdOf } from '../src/venues/loopring/identity.js';

/**
 * Generated venue identities never clash with ones a scenario fixed. The demo fixes Bitget uids,
 * Bullish trading account ids and Loopring account ids that fall where the generators start, so
 * before this held, every user created after `serve --demo` was refused with IDENTITY_TAKEN.
 */

let h: HttpHarness;
before(async () => {
  h = await HttpHarness.start('identities-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
});
after(async () => h.close());

type Issued = { secrets: Record<string, string> };

async function issue(venue: string, accountId: number): Promise<Record<string, string>> {
  const response = await h.post<Issued>('/_assetbook/v1/credentials', { venue, accountId });
  assert.equal(response.status, 201, `${venue} key for account ${accountId}: ${response.text}`);
  return response.body.secrets;
}

async function bitgetReads(account: Account): Promise<void> {
  const s = await issue('bitget', account.id);
  const response = await h.request<{ code: string }>(signedBitgetRequest({ apiKey: s.apiKey!, passphrase: s.passphrase!, secret: s.secretKey! }, '/api/v2/spot/account/assets'));
  assert.equal(response.body.code, '00000', `bitget read of account ${account.id}: ${response.text}`);
}

async function loopringReads(account: Account): Promise<void> {
  const s = await issue('loopring', account.id);
  const response = await h.request({ method: 'GET', path: `/api/v3/user/balances?accountId=${accountIdOf(account)}&tokens=`, headers: { 'x-api-key': s.apiKey! }, token: null });
  assert.equal(response.status, 200, `loopring read of account ${account.id}: ${response.text}`);
}

/** Logs in with a new Bullish key of the user and reads every one of its trading accounts. */
async function bullishReads(main: Account, accounts: readonly Account[]): Promise<void> {
  const s = await issue('bullish', main.id);
  const login = await h.request<{ token: string }>(loginRequest({ publicKey: s.publicKey!, secret: s.secret! }));
  assert.equal(login.status, 200, login.text);
  const token = login.body.token;
  const listed = await h.request<Array<{ tradingAccountId: string }>>({ method: 'GET', path: TRADING_ACCOUNTS, token });
  assert.deepEqual(listed.body.map((a) => a.tradingAccountId).sort(), accounts.map((a) => tradingAccountIdOf(a)).sort());
  for (const account of accounts) {
    const read = await h.request({ method: 'GET', path: `${ASSETS}?tradingAccountId=${tradingAccountIdOf(account)}`, token });
    assert.equal(read.status, 200, `bullish read of ${tradingAccountIdOf(account)}: ${read.text}`);
  }
}

test('after the demo, 50 users and 50 sub-accounts created through the API all succeed, with identities no other account holds', async () => {
  const created: Array<{ main: Account; sub: Account }> = [];
  for (let i = 0; i < 50; i++) {
    const user = await h.post<{ id: number; accounts: Account[] }>('/_assetbook/v1/users', { name: `newcomer-${i}` });
    assert.equal(user.status, 201, user.text);
    const sub = await h.post<Account>(`/_assetbook/v1/users/${user.body.id}/accounts`, { label: `bot-${i}` });
    assert.equal(sub.status, 201, sub.text);
    created.push({ main: user.body.accounts[0]!, sub: sub.body });
  }
  const all = (await h.get<Account[]>('/_assetbook/v1/accounts')).body;
  for (const [venue, fact] of [['bitget', 'uid'], ['bullish', 'tradingAccountId'], ['loopring', 'accountId'], ['loopring', 'address']] as const) {
    const held = all.map((a) => a.venues[venue]?.[fact]);
    assert.ok(held.every((v) => v !== undefined), `every account has a ${venue} ${fact}`);
    assert.equal(new Set(held).size, all.length, `every ${venue} ${fact} is held once`);
  }
  // Each new account works on all three venues with credentials issued for it.
  for (const { main, sub } of created.slice(0, 10).concat(created.slice(-3))) {
    for (const account of [main, sub]) {
      await bitgetReads(account);
      await loopringReads(account);
    }
    await bullishReads(main, [main, sub]);
  }
});

test('a user created after one that was refused gets the next free identities: a failed attempt leaves nothing in the way', async () => {
  const refused = await h.post('/_assetbook/v1/users', { name: 'fixed-clash', main: { venues: { loopring: { accountId: 10010 } } } });
  assert.equal(refused.status, 409, 'a fixed identity someone holds is still refused');
  const created = await h.post<{ accounts: Account[] }>('/_assetbook/v1/users', { name: 'after-a-refusal' });
  assert.equal(created.status, 201, created.text);
});
