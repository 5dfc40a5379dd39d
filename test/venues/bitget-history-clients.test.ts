import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ccxt from 'ccxt';
import { RestClientV2 } from 'bitget-api';
import type { OperationRequest } from '../../src/ledger/operations.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';

/**
 * ccxt 4.5.84's `bitget`, unmodified but for its URLs and with its default options, reads the
 * history the operator wrote: fetchDeposits, fetchWithdrawals, fetchWithdrawal and fetchLedger
 * show each deposit (chain, address, hash, fee), the pending deposit confirmed and the one
 * cancelled, the withdrawals completed, cancelled and still pending, the transfers and the trade,
 * with ccxt's own statuses, amounts, fees and balances before and after; the ledger verifies clean.
 * bitget-api 3.2.3's RestClientV2 (only its base URL changed) reads the same records, bills and
 * account information, signing its percent-encoded query.
 */

const CCXT_SECTIONS = ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert', 'copy', 'earn', 'uta'];

/**
 * The server's clock: the wall clock (ccxt signs with it, and asks up to its own "now"), held
 * behind it by a lag each step shortens, so every step lands at its own millisecond, in the past.
 */
let lagMs = 20_000;
const now = () => Date.now() - lagMs;

describe('ccxt bitget and bitget-api read the history the operator wrote', () => {
  let h: HttpHarness;
  let ex: InstanceType<typeof ccxt.bitget>;
  const id: Record<string, string> = {};
  const at: Record<string, number> = {};
  let since: number;

  const step = async (request: OperationRequest) => {
    lagMs -= 1000;
    const response = await h.post<{ entry: { id: number; atMs: number } }>('/_assetbook/v1/operations', request);
    assert.equal(response.status, 201, response.text);
    id[request.key] = String(response.body.entry.id);
    at[request.key] = response.body.entry.atMs;
  };

  before(async () => {
    h = await HttpHarness.start('bitget-history-ccxt', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: now });
    const s = h.secrets('bob', 'bitget');
    ex = new ccxt.bitget({ apiKey: s.apiKey, secret: s.secretKey, password: s.passphrase, urls: { api: Object.fromEntries(CCXT_SECTIONS.map((k) => [k, h.baseUrl])) } });
    const bob = h.account('bob').id;
    const alice = h.account('alice').id;
    since = now() + 1;
    await step({ key: 'cx/dep-usdt', type: 'deposit', account: bob, asset: 'USDT', amount: '250.5', fee: '0.5', chain: 'TRC20', address: 'TXfromOutside', txHash: '0xaaa01' });
    await step({ key: 'cx/dep-btc', type: 'deposit.pending', account: bob, asset: 'BTC', amount: '0.5', fee: '0.0001', chain: 'BTC', address: 'bc1qsender', txHash: '0xaaa02' });
    await step({ key: 'cx/dep-eth', type: 'deposit.pending', account: bob, asset: 'ETH', amount: '1', txHash: '0xaaa03' });
    await step({ key: 'cx/dep-btc-ok', type: 'deposit.confirm', pending: 'cx/dep-btc' });
    await step({ key: 'cx/dep-eth-no', type: 'deposit.cancel', pending: 'cx/dep-eth' });
    await step({ key: 'cx/wd-1', type: 'withdrawal.request', account: bob, asset: 'USDT', amount: '100', fee: '1', chain: 'ERC20', address: '0xdead', tag: 'memo-7', txHash: '0xbbb01' });
    await step({ key: 'cx/wd-2', type: 'withdrawal.request', account: bob, asset: 'USDT', amount: '20' });
    await step({ key: 'cx/wd-1-done', type: 'withdrawal.complete', pending: 'cx/wd-1' });
    await step({ key: 'cx/wd-2-no', type: 'withdrawal.cancel', pending: 'cx/wd-2' });
    await step({ key: 'cx/wd-3', type: 'withdrawal.request', account: bob, asset: 'USDT', amount: '5', chain: 'TRC20', address: 'TXdest' });
    await step({ key: 'cx/to-arb', type: 'transfer', from: bob, to: h.account('bob', 'arb-1').id, asset: 'USDT', amount: '10' });
    await step({ key: 'cx/from-alice', type: 'transfer', from: alice, to: bob, asset: 'USDT', amount: '2.5' });
    await step({
      key: 'cx/trade',
      type: 'trade',
      legs: [
        { from: bob, to: alice, asset: 'USDT', amount: '60' },
        { from: alice, to: bob, asset: 'BTC', amount: '0.001' },
      ],
      fees: [{ account: bob, asset: 'USDT', amount: '0.06' }],
    });
  });
  after(async () => h.close());

  test('fetchDeposits: each deposit with its hash, network, sender, credited amount and fee; the confirmed one ok, the cancelled one failed', async () => {
    const from = h.seen.length;
    const deposits = await ex.fetchDeposits(undefined, since);
    const call = h.seen.slice(from).find((r) => r.url.startsWith('/api/v2/spot/wallet/deposit-records'));
    assert.ok(call, 'ccxt called the deposit records');
    assert.equal(call.status, 200);
    assert.match(call.url, /endTime=\d+&startTime=\d+$/, 'ccxt sends the documented required window');
    const view = deposits.map((d) => ({ id: d.id, txid: d.txid, timestamp: d.timestamp, updated: d.updated, network: d.network, addressFrom: d.addressFrom, address: d.address, amount: d.amount, fee: d.fee, type: d.type, currency: d.currency, status: d.status }));
    assert.deepEqual(view, [
      { id: id['cx/dep-usdt'], txid: '0xaaa01', timestamp: at['cx/dep-usdt'], updated: at['cx/dep-usdt'], network: 'TRC20', addressFrom: 'TXfromOutside', address: undefined, amount: 250.5, fee: { currency: 'USDT', cost: 0.5 }, type: 'deposit', currency: 'USDT', status: 'ok' },
      { id: id['cx/dep-btc'], txid: '0xaaa02', timestamp: at['cx/dep-btc'], updated: at['cx/dep-btc-ok'], network: 'BTC', addressFrom: 'bc1qsender', address: undefined, amount: 0.5, fee: { currency: 'BTC', cost: 0.0001 }, type: 'deposit', currency: 'BTC', status: 'ok' },
      { id: id['cx/dep-eth'], txid: '0xaaa03', timestamp: at['cx/dep-eth'], updated: at['cx/dep-eth-no'], network: undefined, addressFrom: undefined, address: undefined, amount: 1, fee: { currency: 'ETH', cost: 0 }, type: 'deposit', currency: 'ETH', status: 'failed' },
    ]);
    assert.deepEqual((await ex.fetchDeposits('BTC', since)).map((d) => d.id), [id['cx/dep-btc']], 'a code becomes the coin filter');
  });

  test('fetchWithdrawals: the completed one ok with its fee and hash, the cancelled one failed, the open one pending; fetchWithdrawal finds one by id', async () => {
    const withdrawals = await ex.fetchWithdrawals(undefined, since);
    const view = withdrawals.map((w) => ({ id: w.id, txid: w.txid, timestamp: w.timestamp, updated: w.updated, network: w.network, address: w.address, tag: w.tag, amount: w.amount, fee: w.fee, type: w.type, currency: w.currency, status: w.status }));
    assert.deepEqual(view, [
      { id: id['cx/wd-1'], txid: '0xbbb01', timestamp: at['cx/wd-1'], updated: at['cx/wd-1-done'], network: 'ERC20', address: '0xdead', tag: 'memo-7', amount: 100, fee: { currency: 'USDT', cost: 1 }, type: 'withdrawal', currency: 'USDT', status: 'ok' },
      { id: id['cx/wd-2'], txid: undefined, timestamp: at['cx/wd-2'], updated: at['cx/wd-2-no'], network: undefined, address: undefined, tag: undefined, amount: 20, fee: { currency: 'USDT', cost: 0 }, type: 'withdrawal', currency: 'USDT', status: 'failed' },
      { id: id['cx/wd-3'], txid: undefined, timestamp: at['cx/wd-3'], updated: at['cx/wd-3'], network: 'TRC20', address: 'TXdest', tag: undefined, amount: 5, fee: { currency: 'USDT', cost: 0 }, type: 'withdrawal', currency: 'USDT', status: 'pending' },
    ]);
    const one = await ex.fetchWithdrawal(id['cx/wd-2']!);
    assert.deepEqual([one.id, one.status, one.amount], [id['cx/wd-2'], 'failed', 20]);
  });

  test('fetchLedger: every balance change of the coin, with direction, type, fee, and the balance before and after each', async () => {
    const ledger = await ex.fetchLedger('USDT', since);
    const view = ledger.map((e) => ({ id: e.id, timestamp: e.timestamp, direction: e.direction, type: e.type, currency: e.currency, amount: e.amount, before: e.before, after: e.after, fee: e.fee?.cost }));
    const bill = (key: string, direction: string, type: string, amount: number, before: number, after: number, fee = 0) => ({
      id: String(Number(id[key]) * 100),
      timestamp: at[key],
      direction,
      type,
      currency: 'USDT',
      amount,
      before,
      after,
      fee,
    });
    assert.deepEqual(view, [
      bill('cx/dep-usdt', 'in', 'deposit', 250.5, 0, 250.5, 0.5),
      bill('cx/wd-1-done', 'out', 'withdrawal', 101, 250.5, 149.5, 1),
      bill('cx/to-arb', 'out', 'transfer', 10, 149.5, 139.5),
      bill('cx/from-alice', 'in', 'transfer', 2.5, 139.5, 142),
      bill('cx/trade', 'out', 'trade', 60.06, 142, 81.94, 0.06),
    ]);
    const all = await ex.fetchLedger(undefined, since);
    assert.deepEqual(
      all.map((e) => `${String(e.currency)} ${String(e.type)} ${String(e.direction)} ${String(e.amount)}`).filter((e) => !e.startsWith('USDT')),
      ['BTC deposit in 0.5', 'BTC trade in 0.001'],
      'without a code, every coin (the cancelled ETH deposit never changed a balance)',
    );
  });

  test('bitget-api reads the same records, bills and account information', async () => {
    const s = h.secrets('bob', 'bitget');
    const client = new RestClientV2({ apiKey: s.apiKey!, apiSecret: s.secretKey!, apiPass: s.passphrase!, baseUrl: h.baseUrl });
    const window = { startTime: String(since), endTime: String(now()) };
    const deposits = await client.getSpotDepositHistory({ ...window, coin: 'USDT' });
    assert.deepEqual(deposits.data.map((d) => [d.orderId, d.size, d.status, d.tradeId]), [[id['cx/dep-usdt'], '251', 'success', '0xaaa01']]);
    const withdrawals = await client.getSpotWithdrawalHistory({ ...window, clientOid: 'cx/wd-1' });
    assert.deepEqual(withdrawals.data.map((w) => [w.orderId, w.size, w.fee, w.status, w.toAddress]), [[id['cx/wd-1'], '101', '-1', 'success', '0xdead']]);
    const bills = await client.getSpotAccountBills({ coin: 'BTC', startTime: String(since) });
    assert.deepEqual(bills.data.map((b) => [b.businessType, b.size, b.balance]), [['buy', '0.001', '1.001'], ['deposit', '0.5', '1']]);
    const info = await client.getSpotAccount();
    assert.deepEqual([info.data.userId, info.data.parentId], [String(h.account('bob').venues.bitget?.uid), Number(h.account('bob').venues.bitget?.uid)]);
  });

  test('after all of it the ledger verifies clean', async () => {
    const verify = await h.get<{ ok: boolean; mismatches: unknown[] }>('/_assetbook/v1/verify');
    assert.deepEqual([verify.status, verify.body.ok, verify.body.mismatches], [200, true, []]);
  });
});
