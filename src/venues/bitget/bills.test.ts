import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryRecord } from '../../ledger/history.js';
import type { Posting } from '../../ledger/types.js';
import { billsOf, entryOfBill, type Bill } from './bills.js';

/** What an entry makes of an account's bills, from its postings: the words, the sizes, the fees, the ids. */

const ME = 7;
const OTHER = 8;
const post = (account: number, bucket: Posting['bucket'], asset: string, amount: bigint): Posting => ({ account, bucket, asset, amount });

function record(id: number, type: string, request: Record<string, unknown>, postings: Posting[], balances: Record<string, bigint> = {}): HistoryRecord {
  return {
    entry: { id, key: `k${id}`, type, atMs: 1000 + id, request, postings },
    kind: null,
    status: 'completed',
    updatedAtMs: 1000 + id,
    balancesAfter: new Map(Object.entries(balances)),
  };
}
const scaleOf = (asset: string) => (asset === 'BTC' ? 8 : asset === 'BGB' ? 2 : 6);
const brief = (b: Bill) => `${b.billId} ${b.asset} ${b.groupType}/${b.businessType} ${b.size} fee ${b.fee} after ${b.balance}`;

test('a trade makes one bill per coin: buy for the coin received, sell for the coin given, deduction_handling_fee for a coin paid only as a fee', () => {
  const trade = record(
    42,
    'trade',
    {
      legs: [
        { from: ME, to: OTHER, asset: 'USDT', amount: '60' },
        { from: OTHER, to: ME, asset: 'BTC', amount: '0.001' },
      ],
      fees: [
        { account: ME, asset: 'BGB', amount: '0.5' },
        { account: OTHER, asset: 'BTC', amount: '0.00000001' },
      ],
    },
    [
      post(ME, 'held', 'USDT', -60_000000n),
      post(OTHER, 'available', 'USDT', 60_000000n),
      post(OTHER, 'available', 'BTC', -100000n),
      post(ME, 'available', 'BTC', 100000n),
      post(ME, 'available', 'BGB', -50n),
      post(0, 'fees', 'BGB', 50n),
      post(OTHER, 'available', 'BTC', -1n),
      post(0, 'fees', 'BTC', 1n),
    ],
    { USDT: 5n, BTC: 6n, BGB: 7n },
  );
  assert.deepEqual(billsOf(trade, ME, scaleOf).map(brief), [
    '4202 BGB transaction/deduction_handling_fee -50 fee 50 after 7',
    '4201 BTC transaction/buy 100000 fee 0 after 6',
    '4200 USDT transaction/sell -60000000 fee 0 after 5',
  ]);
  // The history query of the other account brings its own balances after the entry.
  const theirs: HistoryRecord = { ...trade, balancesAfter: new Map([['USDT', 8n], ['BTC', 9n]]) };
  assert.deepEqual(billsOf(theirs, OTHER, scaleOf).map(brief), ['4201 BTC transaction/sell -100001 fee 1 after 9', '4200 USDT transaction/buy 60000000 fee 0 after 8']);
});

test('moves between the counted fields make no bill; what leaves or enters them does, with the fee the fees book received', () => {
  const hold = record(1, 'hold', {}, [post(ME, 'available', 'USDT', -5n), post(ME, 'held', 'USDT', 5n)]);
  const request = record(2, 'withdrawal.request', {}, [post(ME, 'available', 'USDT', -11n), post(ME, 'pendingWithdrawal', 'USDT', 11n)]);
  const complete = record(3, 'withdrawal.complete', {}, [post(ME, 'pendingWithdrawal', 'USDT', -11n), post(0, 'world', 'USDT', 10n), post(0, 'fees', 'USDT', 1n)]);
  const pending = record(4, 'deposit.pending', {}, [post(0, 'world', 'USDT', -3n), post(ME, 'pendingDeposit', 'USDT', 3n)]);
  const lend = record(5, 'lend', {}, [post(ME, 'available', 'USDT', -4n), post(ME, 'loaned', 'USDT', 4n)]);
  const adjust = record(6, 'adjust', {}, [post(ME, 'borrowed', 'USDT', 9n), post(0, 'adjustments', 'USDT', -9n)]);
  const credit = record(7, 'adjust', {}, [post(ME, 'available', 'USDT', 2n), post(0, 'adjustments', 'USDT', -2n)]);
  assert.deepEqual([hold, request, pending, adjust].flatMap((r) => billsOf(r, ME, scaleOf)), []);
  assert.deepEqual([complete, lend, credit].flatMap((r) => billsOf(r, ME, scaleOf)).map(brief), [
    '300 USDT withdraw/withdraw -11 fee 1 after 0',
    '500 USDT financial/lend -4 fee 0 after 0',
    '700 USDT other/adjustment_in 2 fee 0 after 0',
  ]);
});

test('a bill id names its entry and its place in it', () => {
  assert.deepEqual(entryOfBill(4201), { entryId: 42, place: 1 });
  assert.deepEqual(entryOfBill(4200), { entryId: 42, place: 0 });
});
