import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import ccxt from 'ccxt';
import { formatAmount, parseAmount } from '../../src/ledger/amount.js';
import type { OperationRequest } from '../../src/ledger/operations.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { ccxtBullish, demoBullishKey, loginAs } from '../support/bullish-client.js';
import { sendCommand, transferBody } from '../support/bullish-command.js';
import { ccxtErrorOf } from '../support/client-errors.js';

/**
 * ccxt's bullish (4.5.84, unmodified, only its URLs pointed here) over the history and transfer
 * paths: fetchDepositsWithdrawals shows exactly the deposits and withdrawals the operator made,
 * with their statuses as they settle; transfer() moves an asset between two of the user's trading
 * accounts through POST /v2/command, once however often the same request is sent; fetchTransfers
 * shows the venue's transfers and the operator's; balances read back through the asset endpoint;
 * and the ledger verifies clean after all of it.
 */

const ALICE_MAIN = '111000000000001';
const ALICE_GRID = '111000000000002';
const BOB_MAIN = '111000000000011';

const custodyId = (key: string) => `DB:${createHash('sha256').update(key).digest('hex')}`;

/** Resolves once the wall clock has passed `ms`: entries written after it carry a later time. */
async function clockPast(ms: number): Promise<void> {
  while (Date.now() <= ms) await new Promise((resolve) => setImmediate(resolve));
}

describe('ccxt bullish: deposits and withdrawals the operator made', () => {
  let h: HttpHarness;
  let since: number;
  before(async () => {
    h = await HttpHarness.start('bullish-history-ccxt', { scenario: DEMO, flags: { rateLimits: 'off' } });
    since = Date.now() + 1;
    await clockPast(since);
    const main = h.account('bob').id;
    const arb = h.account('bob', 'arb-1').id;
    const ops: OperationRequest[] = [
      { key: 'bx/dep-btc', type: 'deposit', account: main, asset: 'BTC', amount: '0.25', chain: 'BTC', address: 'bc1qexample', txHash: '0xb7c0' },
      { key: 'bx/dep-usdc', type: 'deposit.pending', account: main, asset: 'USDC', amount: '150', fee: '1.5', chain: 'ETH', address: '0x34625d5f', txHash: '0x791f', tag: '925891241' },
      { key: 'bx/dep-sub', type: 'deposit', account: arb, asset: 'USDT', amount: '20' },
      { key: 'bx/wd-usdc', type: 'withdrawal.request', account: main, asset: 'USDC', amount: '100', fee: '3', chain: 'ETH', address: '0xb0a64d97' },
      { key: 'bx/wd-xrp', type: 'withdrawal.request', account: main, asset: 'XRP', amount: '10.5', tag: '42' },
      { key: 'bx/other-user', type: 'deposit', account: h.account('alice').id, asset: 'BTC', amount: '9' },
      { key: 'bx/confirm-usdc', type: 'deposit.confirm', pending: 'bx/dep-usdc' },
      { key: 'bx/complete-usdc', type: 'withdrawal.complete', pending: 'bx/wd-usdc' },
      { key: 'bx/cancel-xrp', type: 'withdrawal.cancel', pending: 'bx/wd-xrp' },
    ];
    for (const op of ops) await h.operate(op);
  });
  after(async () => h.close());

  test('fetchDepositsWithdrawals lists what the operator did on any of the user’s trading accounts, and only that, with amounts, fees, networks, addresses, memos, hashes and statuses', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('bob', 'bullish')));
    const found = await ex.fetchDepositsWithdrawals(undefined, since);
    assert.match(String(ex.last_request_url), /\/trading-api\/v1\/wallets\/transactions\?createdAtDatetime%5Bgte%5D=\d{4}-\d\d-\d\dT/);
    const brief = found.map((t) => [t.id, t.type, t.currency, t.amount, t.fee?.cost, t.status, t.network, t.address, t.txid]);
    // ccxt sorts by time, oldest first; it maps WITHDRAW (not the venue's WITHDRAWAL) to "withdrawal", and network ETH to its code ERC20.
    assert.deepEqual(brief, [
      [custodyId('bx/dep-btc'), 'deposit', 'BTC', 0.25, 0, 'ok', 'BTC', 'bc1qexample', '0xb7c0'],
      [custodyId('bx/dep-usdc'), 'deposit', 'USDC', 151.5, 1.5, 'ok', 'ERC20', '0x34625d5f', '0x791f'],
      [custodyId('bx/dep-sub'), 'deposit', 'USDT', 20, 0, 'ok', undefined, undefined, undefined],
      [custodyId('bx/wd-usdc'), 'WITHDRAWAL', 'USDC', 103, 3, 'ok', 'ERC20', '0xb0a64d97', undefined],
      [custodyId('bx/wd-xrp'), 'WITHDRAWAL', 'XRP', 10.5, 0, 'canceled', undefined, undefined, undefined],
    ]);
    const usdc = found.find((t) => t.id === custodyId('bx/dep-usdc'))!;
    const info = usdc.info as Record<string, unknown>;
    assert.deepEqual(
      { quantity: info.quantity, fee: info.fee, memo: info.memo, status: info.status, direction: info.direction, network: info.network },
      { quantity: '151.5000', fee: '1.5000', memo: '925891241', status: 'COMPLETE', direction: 'DEPOSIT', network: 'ETH' },
      'the quantity includes the fee; padded to the asset precision',
    );
    assert.ok(usdc.updated! > usdc.timestamp!, 'the confirmation moved updatedAtDateTime');
    assert.ok(!found.some((t) => t.id === custodyId('bx/other-user')), 'another user’s deposit is never listed');
  });

  test('fetchDepositsWithdrawals(code, since, limit, {until}) narrows to the code (ccxt filters it) and the window (the server does)', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('bob', 'bullish')));
    const usdc = await ex.fetchDepositsWithdrawals('USDC', since);
    assert.deepEqual(usdc.map((t) => t.id), [custodyId('bx/dep-usdc'), custodyId('bx/wd-usdc')]);
    const none = await ex.fetchDepositsWithdrawals(undefined, undefined, undefined, { until: since - 1 });
    assert.ok(none.every((t) => t.timestamp! < since), 'only the scenario’s opening deposits are before the window');
    assert.match(String(ex.last_request_url), /createdAtDatetime%5Blte%5D=/);
  });

  test('fetchDeposits and fetchWithdrawals are not implemented by ccxt for bullish (has: false), so NotSupported', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('bob', 'bullish')));
    assert.equal(ex.has.fetchDeposits, false);
    assert.equal(ex.has.fetchWithdrawals, false);
    assert.equal(await ccxtErrorOf(() => ex.fetchDeposits()), 'NotSupported');
    assert.equal(await ccxtErrorOf(() => ex.fetchWithdrawals()), 'NotSupported');
  });
});

describe('ccxt bullish: transfer() between the user’s trading accounts, and fetchTransfers', () => {
  let h: HttpHarness;
  let since: number;
  before(async () => {
    h = await HttpHarness.start('bullish-transfer-ccxt', { scenario: DEMO, flags: { rateLimits: 'off' } });
    since = Date.now() + 1;
    await clockPast(since);
  });
  after(async () => h.close());

  const btcOf = async (ex: InstanceType<typeof ccxt.bullish>, tradingAccountId: string) =>
    ((await ex.fetchBalance({ code: 'BTC', tradingAccountId })).info as { availableQuantity: string }).availableQuantity;

  test('transfer() sends V2TransferAsset, moves the BTC from the primary to the grid account, and the asset endpoint reads it back', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    const before = [await btcOf(ex, ALICE_MAIN), await btcOf(ex, ALICE_GRID)];
    assert.deepEqual(before, ['1.25000000', '0.05000000']);
    const transfer = await ex.transfer('BTC', 0.4, ALICE_MAIN, ALICE_GRID);
    assert.equal(transfer.status, 'ok');
    assert.match(String(transfer.id), /^[1-9][0-9]*$/);
    assert.deepEqual([transfer.fromAccount, transfer.toAccount, transfer.amount, transfer.currency], [ALICE_MAIN, ALICE_GRID, 0.4, 'BTC']);
    assert.deepEqual(JSON.parse(String(ex.last_request_body)), { commandType: 'V2TransferAsset', assetSymbol: 'BTC', quantity: '0.4', fromTradingAccountId: ALICE_MAIN, toTradingAccountId: ALICE_GRID });
    assert.deepEqual([await btcOf(ex, ALICE_MAIN), await btcOf(ex, ALICE_GRID)], ['0.85000000', '0.45000000']);

    // The operator's journal has the entry ccxt's requestId names.
    const journal = await h.get<{ entries: { id: number; key: string; type: string; request: Record<string, unknown> }[] }>('/_assetbook/v1/journal?after=0&limit=500');
    const entry = journal.body.entries.find((e) => String(e.id) === transfer.id);
    assert.equal(entry?.type, 'transfer');
    assert.deepEqual(entry?.request, { from: h.account('alice').id, to: h.account('alice', 'grid-bot').id, asset: 'BTC', amount: '0.4' });
    assert.match(entry!.key, /^bullish:transfer\/\d+\/\d+$/);
    assert.deepEqual((await h.runtime.ledger.verify()).mismatches, []);
  });

  test('fetchTransfers shows the venue’s transfer and the operator’s, both directions, with the BTC code and window ccxt sends', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    await h.operate({ key: 'bx/op-back', type: 'transfer', from: h.account('alice', 'grid-bot').id, to: h.account('alice').id, asset: 'BTC', amount: '0.05' });
    await h.operate({ key: 'bx/op-usdt', type: 'transfer', from: h.account('alice').id, to: h.account('alice', 'hodl').id, asset: 'USDT', amount: '12.5' });
    const btc = await ex.fetchTransfers('BTC', since);
    assert.match(String(ex.last_request_url), /\/v1\/history\/transfer\?tradingAccountId=111000000000001&assetSymbol=BTC&createdAtDatetime%5Bgte%5D=.*&createdAtDatetime%5Blte%5D=/);
    assert.deepEqual(
      btc.map((t) => [t.fromAccount, t.toAccount, t.currency, t.amount, t.status]),
      [
        [ALICE_MAIN, ALICE_GRID, 'BTC', 0.4, 'ok'],
        [ALICE_GRID, ALICE_MAIN, 'BTC', 0.05, 'ok'],
      ],
    );
    const all = await ex.fetchTransfers(undefined, since, 5);
    assert.match(String(ex.last_request_url), /_pageSize=5/);
    assert.deepEqual(all.map((t) => [t.currency, t.amount]), [['BTC', 0.4], ['BTC', 0.05], ['USDT', 12.5]]);
    const grid = await ex.fetchTransfers(undefined, since, undefined, { tradingAccountId: ALICE_GRID });
    assert.deepEqual(grid.map((t) => t.amount), [0.4, 0.05], 'the grid account sees what came in and what went out');
  });

  test('the same command sent again (as it was, or its quantity padded) moves the asset once and answers the same requestId', async () => {
    const key = demoBullishKey(h.secrets('alice', 'bullish'));
    const token = await loginAs(h, 'alice');
    const ex = ccxtBullish(h.baseUrl, key);
    const before = await btcOf(ex, ALICE_GRID);
    const body = transferBody('BTC', '0.01', ALICE_MAIN, ALICE_GRID);
    const first = await sendCommand(h, token, key, body);
    assert.equal(first.response.status, 200, first.response.text);
    const again = await sendCommand(h, token, key, body, { nonce: first.nonce, timestamp: first.timestamp });
    assert.equal(again.response.status, 200, again.response.text);
    assert.deepEqual(again.response.body, first.response.body);
    const padded = await sendCommand(h, token, key, transferBody('BTC', '0.01000000', ALICE_MAIN, ALICE_GRID), { nonce: first.nonce, timestamp: first.timestamp });
    assert.deepEqual(padded.response.body, first.response.body, 'the same transfer with its quantity padded is the same command');
    assert.deepEqual(first.response.body, { message: 'Command acknowledged - TransferAsset', requestId: first.response.body.requestId });
    assert.equal(await btcOf(ex, ALICE_GRID), formatAmount(parseAmount(before, 8) + parseAmount('0.01', 8), 8, 8), 'moved once');
    assert.deepEqual((await h.runtime.ledger.verify()).mismatches, []);
  });

  test('refusals reach ccxt as its exceptions and move nothing: overdraw InsufficientFunds, another user’s account AuthenticationError (either side)', async () => {
    const ex = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('alice', 'bullish')));
    const before = [await btcOf(ex, ALICE_MAIN), await btcOf(ex, ALICE_GRID)];
    assert.equal(await ccxtErrorOf(() => ex.transfer('BTC', 1000, ALICE_MAIN, ALICE_GRID)), 'InsufficientFunds');
    assert.equal(await ccxtErrorOf(() => ex.transfer('BTC', 0.1, ALICE_MAIN, BOB_MAIN)), 'AuthenticationError');
    assert.equal(await ccxtErrorOf(() => ex.transfer('BTC', 0.1, BOB_MAIN, ALICE_MAIN)), 'AuthenticationError');
    assert.deepEqual([await btcOf(ex, ALICE_MAIN), await btcOf(ex, ALICE_GRID)], before);
    const bob = ccxtBullish(h.baseUrl, demoBullishKey(h.secrets('bob', 'bullish')));
    assert.equal(((await bob.fetchBalance({ code: 'BTC', tradingAccountId: BOB_MAIN })).info as { availableQuantity: string }).availableQuantity, '0.50000000');
    assert.equal(await ccxtErrorOf(() => bob.fetchTransfers(undefined, since, undefined, { tradingAccountId: ALICE_MAIN })), 'AuthenticationError');
    assert.deepEqual((await h.runtime.ledger.verify()).mismatches, []);
  });
});
