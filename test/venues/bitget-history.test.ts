import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseAmount } from '../../src/ledger/amount.js';
import type { OperationRequest } from '../../src/ledger/operations.js';
import { DEMO, HttpHarness, type HttpResponse } from '../support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest, type BitgetKey } from '../support/bitget-signer.js';
import { ManualClock } from '../support/clock.js';

/**
 * Bitget's history endpoints on the wire, signed by the venue's rules (test/support/bitget-signer.ts,
 * not the server's code): deposit and withdrawal records and bills show exactly what the operator
 * did, with the documented fields; the filters and cursors work as documented; a key reads only
 * its own account; every malformed query is the venue's envelope with its code, never a 500, and
 * writes nothing. The server runs on a clock the test holds, so times are exact.
 */

const DEPOSITS = '/api/v2/spot/wallet/deposit-records';
const WITHDRAWALS = '/api/v2/spot/wallet/withdrawal-records';
const BILLS = '/api/v2/spot/account/bills';
const INFO = '/api/v2/spot/account/info';

interface Envelope<T = unknown> {
  code: string;
  msg: string;
  requestTime: number;
  data: T;
}
type Row = Record<string, unknown>;

const clock = new ManualClock(Date.UTC(2026, 2, 1));
let h: HttpHarness;
let bob: BitgetKey;
let alice: BitgetKey;
/** Entry id and time of each step, by key. */
const id: Record<string, number> = {};
const at: Record<string, number> = {};
let since: number;

const get = (key: BitgetKey, path: string, query = '') => h.request<Envelope>(signedBitgetRequest(key, path, { query, timestampMs: clock.now() }));
const data = async (key: BitgetKey, path: string, query = ''): Promise<Row[]> => {
  const response = await get(key, path, query);
  assert.equal(response.status, 200, `${path}?${query}: ${response.text.slice(0, 300)}`);
  assert.deepEqual([response.body.code, response.body.msg, response.body.requestTime], ['00000', 'success', clock.now()]);
  return response.body.data as Row[];
};
const window = () => `startTime=${since}&endTime=${clock.now()}`;
const journalLength = async () => (await h.runtime.store.listJournal(0, 10_000)).entries.length;

/** One operation through the operator API, a second after the one before; remembers its id and time. */
async function step(request: OperationRequest): Promise<void> {
  clock.advance(1000);
  const response = await h.post<{ entry: { id: number } }>('/_assetbook/v1/operations', request);
  assert.equal(response.status, 201, response.text);
  id[request.key] = response.body.entry.id;
  at[request.key] = clock.now();
}

before(async () => {
  h = await HttpHarness.start('bitget-history-wire', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
  bob = demoBitgetKey(h.secrets('bob', 'bitget'));
  alice = demoBitgetKey(h.secrets('alice', 'bitget'));
  const main = h.account('bob').id;
  clock.advance(60_000);
  since = clock.now() + 1;
  await step({ key: 'bh/dep-usdt', type: 'deposit', account: main, asset: 'USDT', amount: '250.5', fee: '0.5', chain: 'TRC20', address: 'TXfromOutside', txHash: '0xaaa01' });
  await step({ key: 'bh/dep-btc', type: 'deposit.pending', account: main, asset: 'BTC', amount: '0.5', fee: '0.0001', chain: 'BTC', txHash: '0xaaa02' });
  await step({ key: 'bh/dep-eth', type: 'deposit.pending', account: main, asset: 'ETH', amount: '1' });
  await step({ key: 'bh/dep-btc-ok', type: 'deposit.confirm', pending: 'bh/dep-btc' });
  await step({ key: 'bh/dep-eth-no', type: 'deposit.cancel', pending: 'bh/dep-eth' });
  await step({ key: 'bh/wd-1', type: 'withdrawal.request', account: main, asset: 'USDT', amount: '100', fee: '1', chain: 'ERC20', address: '0xdead', tag: 'memo-7', txHash: '0xbbb01' });
  await step({ key: 'bh/wd-2', type: 'withdrawal.request', account: main, asset: 'USDT', amount: '20' });
  await step({ key: 'bh/wd-1-done', type: 'withdrawal.complete', pending: 'bh/wd-1' });
  await step({ key: 'bh/wd-2-no', type: 'withdrawal.cancel', pending: 'bh/wd-2' });
  await step({ key: 'bh/wd-3', type: 'withdrawal.request', account: main, asset: 'USDT', amount: '5' });
  await step({ key: 'bh/to-arb', type: 'transfer', from: main, to: h.account('bob', 'arb-1').id, asset: 'USDT', amount: '10' });
  await step({ key: 'bh/from-alice', type: 'transfer', from: h.account('alice').id, to: main, asset: 'USDT', amount: '2.5' });
  await step({
    key: 'bh/trade',
    type: 'trade',
    legs: [
      { from: main, to: h.account('alice').id, asset: 'USDT', amount: '60' },
      { from: h.account('alice').id, to: main, asset: 'BTC', amount: '0.001' },
    ],
    fees: [
      { account: main, asset: 'USDT', amount: '0.06' },
      { account: h.account('alice').id, asset: 'BTC', amount: '0.000001' },
    ],
  });
  clock.advance(1000);
});
after(async () => h.close());

describe('bitget deposit and withdrawal records', () => {
  test('deposit-records lists the deposits newest first with the documented fields: size with the fee on top, the fee signed, statuses as the pendings settled', async () => {
    const common = { type: 'deposit', dest: 'on_chain', toAddress: null };
    assert.deepEqual(await data(bob, DEPOSITS, window()), [
      { ...common, orderId: String(id['bh/dep-eth']), tradeId: null, coin: 'ETH', size: '1', fee: '0', status: 'fail', fromAddress: null, chain: null, tag: '', cTime: String(at['bh/dep-eth']), uTime: String(at['bh/dep-eth-no']) },
      { ...common, orderId: String(id['bh/dep-btc']), tradeId: '0xaaa02', coin: 'BTC', size: '0.5001', fee: '-0.0001', status: 'success', fromAddress: null, chain: 'BTC', tag: '', cTime: String(at['bh/dep-btc']), uTime: String(at['bh/dep-btc-ok']) },
      { ...common, orderId: String(id['bh/dep-usdt']), tradeId: '0xaaa01', coin: 'USDT', size: '251', fee: '-0.5', status: 'success', fromAddress: 'TXfromOutside', chain: 'TRC20', tag: '', cTime: String(at['bh/dep-usdt']), uTime: String(at['bh/dep-usdt']) },
    ]);
  });

  test('withdrawal-records lists the requests with clientOid (the journal key), address, tag and hash; pending, success and fail as they stand', async () => {
    const rows = await data(bob, WITHDRAWALS, window());
    const common = { type: 'withdraw', coin: 'USDT', dest: 'on_chain', fromAddress: null, confirm: '0' };
    assert.deepEqual(rows, [
      { ...common, orderId: String(id['bh/wd-3']), clientOid: 'bh/wd-3', tradeId: null, size: '5', fee: '0', status: 'pending', toAddress: null, chain: null, tag: '', cTime: String(at['bh/wd-3']), uTime: String(at['bh/wd-3']) },
      { ...common, orderId: String(id['bh/wd-2']), clientOid: 'bh/wd-2', tradeId: null, size: '20', fee: '0', status: 'fail', toAddress: null, chain: null, tag: '', cTime: String(at['bh/wd-2']), uTime: String(at['bh/wd-2-no']) },
      { ...common, orderId: String(id['bh/wd-1']), clientOid: 'bh/wd-1', tradeId: '0xbbb01', size: '101', fee: '-1', status: 'success', toAddress: '0xdead', chain: 'ERC20', tag: 'memo-7', cTime: String(at['bh/wd-1']), uTime: String(at['bh/wd-1-done']) },
    ]);
  });

  test('filters: coin (any case), orderId, clientOid, an inclusive time window, and the idLessThan cursor', async () => {
    const orders = (rows: Row[]) => rows.map((r) => r.orderId);
    assert.deepEqual(orders(await data(bob, DEPOSITS, `coin=btc&${window()}`)), [String(id['bh/dep-btc'])]);
    assert.deepEqual(orders(await data(bob, DEPOSITS, `${window()}&orderId=${id['bh/dep-usdt']}`)), [String(id['bh/dep-usdt'])]);
    assert.deepEqual(orders(await data(bob, DEPOSITS, `${window()}&orderId=${id['bh/wd-1']}`)), [], 'a withdrawal id is no deposit');
    assert.deepEqual(orders(await data(bob, WITHDRAWALS, `clientOid=bh%2Fwd-2&${window()}`)), [String(id['bh/wd-2'])]);
    assert.deepEqual(orders(await data(bob, DEPOSITS, `endTime=${at['bh/dep-eth']}&startTime=${at['bh/dep-btc']}`)), [String(id['bh/dep-eth']), String(id['bh/dep-btc'])], 'both bounds inclusive');
    const first = await data(bob, WITHDRAWALS, `limit=2&${window()}`);
    assert.deepEqual(orders(first), [String(id['bh/wd-3']), String(id['bh/wd-2'])]);
    assert.deepEqual(orders(await data(bob, WITHDRAWALS, `idLessThan=${String(first.at(-1)?.orderId)}&limit=2&${window()}`)), [String(id['bh/wd-1'])]);
    assert.deepEqual(await data(bob, DEPOSITS, `${window()}&orderId=99999999999999999999`), [], 'an id past any assetbook gives matches nothing');
    assert.equal((await data(bob, DEPOSITS, `startTime=0&endTime=${clock.now()}&limit=100000`)).length, 3 + 5, 'a limit over the most is no error; the five opening deposits of the demo are deposits too');
  });
});

describe('bitget bills', () => {
  test('every change of a coin balance, newest first: signed size with the fee in it, the fee signed, the balance after, the venue words', async () => {
    const bill = (key: string, place: number, coin: string, groupType: string, businessType: string, size: string, balance: string, fees = '0') => ({
      billId: String(id[key]! * 100 + place),
      coin,
      groupType,
      businessType,
      size,
      balance,
      fees,
      cTime: String(at[key]),
    });
    assert.deepEqual(await data(bob, BILLS, `startTime=${since}`), [
      bill('bh/trade', 1, 'BTC', 'transaction', 'buy', '0.001', '1.001'),
      bill('bh/trade', 0, 'USDT', 'transaction', 'sell', '-60.06', '81.94', '-0.06'),
      bill('bh/from-alice', 0, 'USDT', 'transfer', 'transfer_in', '2.5', '142'),
      bill('bh/to-arb', 0, 'USDT', 'transfer', 'transfer_out', '-10', '139.5'),
      bill('bh/wd-1-done', 0, 'USDT', 'withdraw', 'withdraw', '-101', '149.5', '-1'),
      bill('bh/dep-btc-ok', 0, 'BTC', 'deposit', 'deposit', '0.5', '1', '-0.0001'),
      bill('bh/dep-usdt', 0, 'USDT', 'deposit', 'deposit', '250.5', '250.5', '-0.5'),
    ]);
  });

  test('filters: coin, groupType, businessType in any spelling, an inclusive window; the cursor goes on inside an entry', async () => {
    const ids = (rows: Row[]) => rows.map((r) => `${String(r.coin)}:${String(r.businessType)}`);
    assert.deepEqual(ids(await data(bob, BILLS, `coin=usdt&startTime=${since}`)), ['USDT:sell', 'USDT:transfer_in', 'USDT:transfer_out', 'USDT:withdraw', 'USDT:deposit']);
    assert.deepEqual(ids(await data(bob, BILLS, `groupType=transfer&startTime=${since}`)), ['USDT:transfer_in', 'USDT:transfer_out']);
    for (const spelling of ['TRANSFER_OUT', 'transfer-out', 'Transfer Out']) {
      assert.deepEqual(ids(await data(bob, BILLS, `businessType=${encodeURIComponent(spelling)}&startTime=${since}`)), ['USDT:transfer_out'], spelling);
    }
    assert.deepEqual(ids(await data(bob, BILLS, `businessType=BUY&startTime=${since}`)), ['BTC:buy']);
    assert.deepEqual(ids(await data(bob, BILLS, `businessType=AIRDROP_REWARDS`)), [], 'a documented word assetbook never shows matches nothing');
    assert.deepEqual(ids(await data(bob, BILLS, `groupType=c2c`)), []);
    assert.deepEqual(ids(await data(bob, BILLS, `endTime=${at['bh/to-arb']}&startTime=${at['bh/wd-1-done']}`)), ['USDT:transfer_out', 'USDT:withdraw']);
    const first = await data(bob, BILLS, `limit=1&startTime=${since}`);
    assert.deepEqual(ids(first), ['BTC:buy']);
    const rest = await data(bob, BILLS, `idLessThan=${String(first[0]?.billId)}&limit=2&startTime=${since}`);
    assert.deepEqual(ids(rest), ['USDT:sell', 'USDT:transfer_in'], 'the trade\'s second bill follows its first');
  });

  test("the whole statement chains: each bill's balance less its size is the balance after the coin's bill before it, down to zero", async () => {
    const rows = await data(bob, BILLS, 'limit=500');
    assert.ok(rows.length > 7, 'the opening balances are bills too');
    const units = (text: unknown) => (String(text).startsWith('-') ? -parseAmount(String(text).slice(1), 18) : parseAmount(String(text), 18));
    const older = new Map<string, bigint>();
    for (const row of [...rows].reverse()) {
      const coin = String(row.coin);
      assert.equal(units(row.balance) - units(row.size), older.get(coin) ?? 0n, `${coin} bill ${String(row.billId)}`);
      older.set(coin, units(row.balance));
    }
    const assets = (await get(bob, '/api/v2/spot/account/assets')).body.data as Row[];
    for (const asset of assets) {
      const total = ['available', 'frozen', 'locked', 'limitAvailable'].reduce((sum, field) => sum + units(asset[field]), 0n);
      assert.equal(older.get(String(asset.coin)), total, `${String(asset.coin)}: the newest bill's balance is what the assets read shows`);
    }
  });
});

describe('bitget history: one key, one account', () => {
  test("alice's key never sees bob's records, even naming them by orderId, clientOid or cursor", async () => {
    const bobIds = new Set(Object.values(id).map(String));
    const everything = `startTime=0&endTime=${clock.now()}&limit=100`;
    for (const path of [DEPOSITS, WITHDRAWALS]) {
      const rows = await data(alice, path, everything);
      assert.ok(rows.length > 0, `${path}: alice has records of her own`);
      assert.ok(rows.every((r) => !bobIds.has(String(r.orderId))), path);
      assert.deepEqual(await data(alice, path, `${everything}&orderId=${id['bh/dep-usdt']}`), [], path);
      assert.deepEqual(await data(alice, path, `${everything}&idLessThan=${id['bh/trade']! + 1}&orderId=${id['bh/wd-1']}`), [], path);
    }
    assert.deepEqual(await data(alice, WITHDRAWALS, `${everything}&clientOid=bh%2Fwd-1`), []);
    const aliceBills = await data(alice, BILLS, 'limit=500');
    const shared = new Set([id['bh/from-alice'], id['bh/trade']].map(String));
    const seenEntries = new Set(aliceBills.map((r) => String(Math.floor(Number(r.billId) / 100))));
    assert.deepEqual([...seenEntries].filter((e) => bobIds.has(e)).sort(), [...shared].sort(), 'of bob\'s entries only the two alice took part in');
    const trade = aliceBills.filter((r) => Math.floor(Number(r.billId) / 100) === id['bh/trade']);
    assert.deepEqual(trade.map((r) => [r.coin, r.businessType, r.size, r.fees]), [['BTC', 'sell', '-0.001001', '-0.000001'], ['USDT', 'buy', '60', '0']], 'her side of the trade, with her fee');
  });

  test("a sub-account's own key reads its own history: the transfer it received, nothing of its main account", async () => {
    const arb = await h.post<{ secrets: Record<string, string> }>('/_assetbook/v1/credentials', { venue: 'bitget', accountId: h.account('bob', 'arb-1').id });
    assert.equal(arb.status, 201, arb.text);
    const key = demoBitgetKey(arb.body.secrets);
    const bills = await data(key, BILLS, `startTime=${since}`);
    assert.deepEqual(bills.map((r) => [r.billId, r.coin, r.groupType, r.businessType, r.size, r.balance]), [[String(id['bh/to-arb']! * 100), 'USDT', 'transfer', 'transfer_in', '10', '710']]);
    assert.deepEqual(await data(key, DEPOSITS, window()), []);
    assert.deepEqual(await data(key, WITHDRAWALS, window()), []);
  });
});

describe('bitget account information', () => {
  test("answers the key's account: its uid, the main account's uid as parentId, the permissions a key has here, its registration time", async () => {
    const response = await get(bob, INFO);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.data, {
      userId: '6200000001',
      inviterId: '',
      ips: '',
      authorities: ['stor', 'wtor', 'chor'],
      parentId: 6200000001,
      traderType: 'not_trader',
      channelCode: '',
      channel: '',
      regisTime: String(h.account('bob').createdAtMs),
    });
    const arb = await h.post<{ secrets: Record<string, string> }>('/_assetbook/v1/credentials', { venue: 'bitget', accountId: h.account('bob', 'arb-2').id });
    const sub = await get(demoBitgetKey(arb.body.secrets), INFO);
    assert.deepEqual([sub.body.data], [{ ...(response.body.data as Row), userId: '6200000003', authorities: ['stor', 'wtor'], regisTime: String(h.account('bob', 'arb-2').createdAtMs) }]);
  });

  test('is counted by its own rule, bitget.account-info, apart from the other account reads', async () => {
    const limited = await HttpHarness.start('bitget-info-limit', { scenario: DEMO, flags: { rateLimit: 'bitget.account-info=1/3600s' }, clock: clock.now });
    try {
      const key = demoBitgetKey(limited.secrets('bob', 'bitget'));
      const call = (path: string, query = '') => limited.request<Envelope>(signedBitgetRequest(key, path, { query, timestampMs: clock.now() }));
      assert.equal((await call(INFO)).status, 200);
      const refused = await call(INFO);
      assert.deepEqual([refused.status, refused.body.code], [429, '429']);
      assert.equal((await call(BILLS)).status, 200, 'the bills are not counted by it');
      assert.equal((await call(DEPOSITS, window())).status, 200);
    } finally {
      await limited.close();
    }
  });
});

describe('bitget history: hostile and malformed queries', () => {
  const records: [string, string, string][] = [
    ['no startTime', `endTime=${Date.UTC(2026, 2, 2)}`, '40019'],
    ['no endTime', `startTime=${Date.UTC(2026, 2, 1)}`, '40019'],
    ['an empty startTime', `endTime=5&startTime=`, '40019'],
    ['a startTime that is not digits', 'endTime=5&startTime=abc', '40020'],
    ['a negative startTime', 'endTime=5&startTime=-1', '40020'],
    ['a startTime with an exponent', 'endTime=5&startTime=1e3', '40020'],
    ['a startTime of 16 digits', 'endTime=5&startTime=1234567890123456', '40020'],
    ['an endTime before the startTime', 'endTime=4&startTime=5', '20001'],
    ['a limit of zero', 'endTime=5&limit=0&startTime=1', '40020'],
    ['a negative limit', 'endTime=5&limit=-5&startTime=1', '40020'],
    ['a fractional limit', 'endTime=5&limit=1.5&startTime=1', '40020'],
    ['a cursor that is not digits', "endTime=5&idLessThan=1'&startTime=1", '40020'],
    ['a negative cursor', 'endTime=5&idLessThan=-1&startTime=1', '40020'],
    ['an orderId that is not digits', 'endTime=5&orderId=abc&startTime=1', '40020'],
    ['an unknown coin', 'coin=NOPE&endTime=5&startTime=1', '40034'],
    ['a repeated parameter', 'endTime=5&limit=1&limit=2&startTime=1', '40020'],
    ['a query over 2048 characters', `endTime=5&startTime=1&x=${'a'.repeat(2100)}`, '40017'],
  ];
  const bills: [string, string, string][] = [
    ['an unknown groupType', 'groupType=everything', '40020'],
    ['an unknown businessType', 'businessType=steal', '40020'],
    ['a window over 90 days', `endTime=${90 * 86_400_000 + 2}&startTime=1`, '00001'],
    ['an endTime before the startTime', 'endTime=4&startTime=5', '20001'],
    ['a startTime that is not digits', 'startTime=yesterday', '40020'],
    ['a limit of zero', 'limit=0', '40020'],
    ['a cursor that is not digits', 'idLessThan=0x10', '40020'],
    ['an unknown coin', 'coin=NOPE', '40034'],
    ['a repeated coin', 'coin=BTC&coin=ETH', '40020'],
  ];

  test('each is a 400 in the venue envelope with its code, never a 500, and writes nothing', async () => {
    const before = await journalLength();
    const rows = [...[DEPOSITS, WITHDRAWALS].flatMap((path) => records.map(([name, query, code]) => [path, name, query, code] as const)), ...bills.map(([name, query, code]) => [BILLS, name, query, code] as const)];
    for (const [path, name, query, code] of rows) {
      const response: HttpResponse<Envelope> = await get(bob, path, query);
      assert.equal(response.status, 400, `${path} ${name}: ${response.text.slice(0, 200)}`);
      assert.deepEqual([response.body.code, response.body.data, typeof response.body.msg], [code, null, 'string'], `${path} ${name}`);
    }
    const windowed = await get(bob, BILLS, `endTime=${90 * 86_400_000 + 1}&startTime=1`);
    assert.equal(windowed.status, 200, 'a window of exactly 90 days is served');
    assert.equal((await get(bob, BILLS, `endTime=${90 * 86_400_000 + 2}&startTime=1`)).body.msg, 'startTime and endTime interval cannot be greater than 90 days');
    for (const path of [DEPOSITS, WITHDRAWALS, BILLS, INFO]) {
      const unsigned = await h.request<Envelope>({ method: 'GET', path, token: null });
      assert.deepEqual([unsigned.status, unsigned.body.code], [400, '40001'], `${path} unsigned`);
      const wrong = await h.request<Envelope>({ ...signedBitgetRequest({ ...bob, secret: 'not-the-secret' }, path, { timestampMs: clock.now() }) });
      assert.deepEqual([wrong.status, wrong.body.code], [400, '40009'], `${path} signed with another secret`);
      const posted = await h.request<Envelope>(signedBitgetRequest(bob, path, { method: 'POST', timestampMs: clock.now() }));
      assert.deepEqual([posted.status, posted.body.code], [404, '40404'], `${path} POST`);
    }
    assert.equal(await journalLength(), before);
  });
});
