import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Account } from '../../ledger/types.js';
import { REVALIDATE_MS } from './sessions.js';
import { tradingAccountIdOf } from './identity.js';
import { ACCOUNT_LISTS_MAX, TradingAccountDirectory } from './trading-accounts.js';

const account = (userId: number, tradingAccountId: string): Account => ({ userId, venues: { bullish: { tradingAccountId } } }) as unknown as Account;

/** The port's `accountsOfUser` only, counting its calls; accounts can be added as a sub-account creation would. */
function setUp() {
  const accounts: Account[] = [account(1, '101'), account(1, '102'), account(2, '201')];
  let reads = 0;
  let nowMs = 1_700_000_000_000;
  let generation = 0;
  const identities = {
    accountsOfUser: async (userId: number) => {
      reads++;
      return accounts.filter((a) => a.userId === userId);
    },
  };
  const directory = new TradingAccountDirectory(identities, () => nowMs, () => generation);
  return {
    directory,
    reads: () => reads,
    add: (a: Account) => accounts.push(a),
    advance: (ms: number) => (nowMs += ms),
    reset: () => generation++,
  };
}

const tradingAccountIdOrNone = (a: Account | undefined) => (a ? tradingAccountIdOf(a) : undefined);
const ids = (list: readonly Account[] | undefined) => list?.map(tradingAccountIdOf);

describe('bullish trading account directory', () => {
  test('a user’s accounts are read once, then served from memory until the revalidation interval', async () => {
    const { directory, reads, advance } = setUp();
    assert.deepEqual(ids(await directory.listOfUser(1)), ['101', '102']);
    assert.equal(tradingAccountIdOrNone(await directory.find(1, '102')), '102');
    assert.equal(reads(), 1);
    advance(REVALIDATE_MS);
    await directory.listOfUser(1);
    assert.equal(reads(), 2);
  });

  test('an id not in the remembered list is looked up at once (a sub-account created since); another user’s id is not found', async () => {
    const { directory, reads, add } = setUp();
    await directory.listOfUser(1);
    add(account(1, '103'));
    assert.equal(tradingAccountIdOrNone(await directory.find(1, '103')), '103');
    assert.equal(await directory.find(1, '201'), undefined, 'user 2’s account is not user 1’s');
    assert.equal(reads(), 3);
  });

  test('a reset in this process (a new ledger generation) has the list read again at once', async () => {
    const { directory, reads, reset } = setUp();
    await directory.listOfUser(1);
    reset();
    await directory.listOfUser(1);
    assert.equal(reads(), 2);
  });

  test('at most ACCOUNT_LISTS_MAX users are remembered, the oldest forgotten first', async () => {
    const { directory, reads } = setUp();
    for (let user = 1; user <= ACCOUNT_LISTS_MAX + 1; user++) await directory.listOfUser(user);
    const before = reads();
    await directory.listOfUser(ACCOUNT_LISTS_MAX + 1);
    assert.equal(reads(), before, 'the newest is remembered');
    await directory.listOfUser(1);
    assert.equal(reads(), before + 1, 'the oldest was forgotten');
  });
});
