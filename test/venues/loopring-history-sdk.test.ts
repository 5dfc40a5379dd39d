import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OperationRequest } from '../../src/ledger/operations.js';
import { ManualClock } from '../support/clock.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';
import { sdkClients, type UserApi } from '../support/loopring-sdk.js';

/**
 * The real Loopring SDK's history calls (@loopring-web/loopring-sdk 3.9.22, only its base URL
 * changed): getUserDepositHistory, getUserOnchainWithdrawalHistory and getUserTransferList show
 * exactly what the operator did, with statuses as the pendings settle; and a walk of 1,000
 * deposits page by page sees each once while deposits keep landing.
 */

const { alice, bob } = DEMO_LOOPRING;
const hex = (key: string) => `0x${Buffer.from(key, 'utf8').toString('hex')}`;

describe('loopring: the SDK reads the history the operator wrote', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 1));
  let h: HttpHarness;
  let user: UserApi;
  let since: number;
  const at: Record<string, number> = {};
  /** One operation through the operator API, a second after the one before; remembers its time. */
  const step = async (request: OperationRequest) => {
    clock.advance(1000);
    await h.operate(request);
    at[request.key] = clock.now();
  };

  before(async () => {
    h = await HttpHarness.start('loopring-history-sdk', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
    ({ user } = sdkClients(h.baseUrl));
    const main = h.account('bob').id;
    clock.advance(60_000);
    since = clock.now() + 1;
    await step({ key: 'h/dep-usdc', type: 'deposit.pending', account: main, asset: 'USDC', amount: '100.5', fee: '0.5', chain: 'ERC20', txHash: '0xfeed01' });
    await step({ key: 'h/dep-eth', type: 'deposit', account: main, asset: 'ETH', amount: '1.25', txHash: '0xfeed02' });
    await step({ key: 'h/dep-bad', type: 'deposit.pending', account: main, asset: 'USDC', amount: '3' });
    await step({ key: 'h/confirm', type: 'deposit.confirm', pending: 'h/dep-usdc' });
    await step({ key: 'h/cancel', type: 'deposit.cancel', pending: 'h/dep-bad' });
    await step({ key: 'h/wd-1', type: 'withdrawal.request', account: main, asset: 'USDC', amount: '50', fee: '1', address: '0x9999999999999999999999999999999999999999', txHash: '0xbeef01' });
    await step({ key: 'h/wd-2', type: 'withdrawal.request', account: main, asset: 'USDC', amount: '10' });
    await step({ key: 'h/wd-1-done', type: 'withdrawal.complete', pending: 'h/wd-1' });
    await step({ key: 'h/to-arb', type: 'transfer', from: main, to: h.account('bob', 'arb-1').id, asset: 'USDC', amount: '5' });
    await step({ key: 'h/from-alice', type: 'transfer', from: h.account('alice').id, to: main, asset: 'USDC', amount: '2.5' });
  });
  after(async () => h.close());

  test('getUserDepositHistory shows the deposits newest first, each amount in the token unit, with its status, times and L1 hash', async () => {
    const answer = await user.getUserDepositHistory({ accountId: bob.accountId, start: since }, bob.apiKey);
    assert.equal(answer.totalNum, 3, JSON.stringify(answer));
    const row = (key: string, symbol: string, amount: string, txHash: string, status: string, updatedAt: number) => ({
      id: answer.userDepositHistory?.find((r) => r.hash === hex(key))?.id,
      hash: hex(key),
      symbol,
      amount,
      status,
      progress: status === 'processing' ? '0%' : '100%',
      timestamp: at[key],
      updatedAt,
      txHash,
      blockNum: 0,
      blockId: 0,
      indexInBlock: 0,
    });
    assert.deepEqual(answer.userDepositHistory, [
      row('h/dep-bad', 'USDC', '3000000', '', 'failed', at['h/cancel']!),
      row('h/dep-eth', 'ETH', '1250000000000000000', '0xfeed02', 'processed', at['h/dep-eth']!),
      row('h/dep-usdc', 'USDC', '100500000', '0xfeed01', 'processed', at['h/confirm']!),
    ]);
    const ids = answer.userDepositHistory?.map((r) => r.id as number) ?? [];
    assert.deepEqual([...ids].sort((a, b) => b - a), ids, 'ids are journal ids, newest first');
  });

  test('getUserOnchainWithdrawalHistory shows the pending request as processing and the completed one with its fee', async () => {
    const answer = await user.getUserOnchainWithdrawalHistory({ accountId: bob.accountId, start: since }, bob.apiKey);
    assert.equal(answer.totalNum, 2, JSON.stringify(answer));
    const [pending, done] = answer.userOnchainWithdrawalHistory ?? [];
    assert.deepEqual(
      { ...pending, id: undefined, requestId: undefined },
      { id: undefined, requestId: undefined, hash: hex('h/wd-2'), symbol: 'USDC', amount: '10000000', status: 'processing', progress: '0%', timestamp: at['h/wd-2'], updatedAt: at['h/wd-2'], txType: 'OFFCHAIN_WITHDRAWAL', txHash: '', feeTokenSymbol: 'USDC', feeAmount: '0', blockNum: 0, distributeHash: '', fastStatus: 'EMPTY' },
    );
    assert.equal(pending?.requestId, pending?.id);
    assert.deepEqual([done?.hash, done?.amount, done?.feeAmount, done?.status, done?.txHash, done?.timestamp, done?.updatedAt], [hex('h/wd-1'), '50000000', '1000000', 'processed', '0xbeef01', at['h/wd-1'], at['h/wd-1-done']]);
    const processing = await user.getUserOnchainWithdrawalHistory({ accountId: bob.accountId, start: since, status: 'processing' }, bob.apiKey);
    assert.deepEqual(processing.userOnchainWithdrawalHistory?.map((r) => r.hash), [hex('h/wd-2')]);
  });

  test('getUserTransferList shows transfers sent and received, with sender and receiver as the venue names them', async () => {
    const answer = await user.getUserTransferList({ accountId: bob.accountId, start: since }, bob.apiKey);
    assert.equal(answer.totalNum, 2, JSON.stringify(answer));
    const view = answer.userTransfers?.map((r) => [r.hash, r.txType, r.symbol, r.amount, r.senderAddress, r.receiver, r.receiverAddress, r.status, r.feeAmount, r.timestamp]);
    assert.deepEqual(view, [
      [hex('h/from-alice'), 'TRANSFER', 'USDC', '2500000', alice.address, bob.accountId, bob.address, 'processed', '0', at['h/from-alice']],
      [hex('h/to-arb'), 'TRANSFER', 'USDC', '5000000', bob.address, 10021, (await h.get<{ venues: { loopring: { address: string } } }>(`/_assetbook/v1/accounts/${h.account('bob', 'arb-1').id}`)).body.venues.loopring.address, 'processed', '0', at['h/to-arb']],
    ]);
  });

  test('filters through the SDK: token, status, hashes, time window, and a type filter that matches nothing', async () => {
    const eth = await user.getUserDepositHistory({ accountId: bob.accountId, start: since, tokenSymbol: 'ETH' }, bob.apiKey);
    assert.deepEqual(eth.userDepositHistory?.map((r) => r.hash), [hex('h/dep-eth')]);
    const failed = await user.getUserDepositHistory({ accountId: bob.accountId, status: 'failed' }, bob.apiKey);
    assert.deepEqual(failed.userDepositHistory?.map((r) => r.hash), [hex('h/dep-bad')]);
    const byHash = await user.getUserDepositHistory({ hashes: `${hex('h/dep-usdc')},${hex('h/dep-eth')}` }, bob.apiKey);
    assert.deepEqual(byHash.userDepositHistory?.map((r) => r.hash), [hex('h/dep-eth'), hex('h/dep-usdc')], 'hashes without accountId: the key\'s own account');
    const window = await user.getUserDepositHistory({ accountId: bob.accountId, start: at['h/dep-eth'], end: at['h/dep-bad'] }, bob.apiKey);
    assert.deepEqual(window.userDepositHistory?.map((r) => r.hash), [hex('h/dep-bad'), hex('h/dep-eth')], 'start and end are inclusive');
    const force = await user.getUserOnchainWithdrawalHistory({ accountId: bob.accountId, withdrawalTypes: 'force_withdrawal' }, bob.apiKey);
    assert.deepEqual([force.totalNum, force.userOnchainWithdrawalHistory], [0, []]);
  });

  test('a refusal reaches the SDK as its resultInfo fields, and the ledger still verifies clean', async () => {
    const refused = await user.getUserDepositHistory({ accountId: bob.accountId, status: 'done' }, bob.apiKey);
    assert.deepEqual([refused.code, refused.userDepositHistory], [100001, undefined]);
    const verify = await h.get<{ ok: boolean; mismatches: unknown[] }>('/_assetbook/v1/verify');
    assert.deepEqual([verify.body.ok, verify.body.mismatches], [true, []]);
  });
});

describe('loopring: a walk of 1,000 deposits page by page while deposits keep landing', () => {
  test('with end fixed at the walk start, each of the 1,000 is seen exactly once and none written during the walk', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const h = await HttpHarness.start('loopring-history-walk', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
    try {
      const { user } = sdkClients(h.baseUrl);
      const carol = h.account('carol').id;
      clock.advance(60_000);
      const start = clock.now();
      const batch = (from: number) =>
        h.post('/_assetbook/v1/operations/batch', {
          operations: Array.from({ length: 250 }, (_, i) => ({ key: `walk/${from + i}`, type: 'deposit', account: carol, asset: 'USDT', amount: '0.01' })),
        });
      for (let i = 0; i < 1000; i += 250) {
        clock.advance(1000);
        assert.equal((await batch(i)).status, 201);
      }
      const end = clock.now();
      const seen: string[] = [];
      let written = 0;
      for (let offset = 0; ; offset += 90) {
        // Later deposits land after `end`: one before each page, one racing its read.
        clock.advance(1000);
        await h.operate({ key: `late/${written++}`, type: 'deposit', account: carol, asset: 'USDT', amount: '1' });
        const racing = h.operate({ key: `late/${written++}`, type: 'deposit', account: carol, asset: 'USDT', amount: '1' });
        const page = await user.getUserDepositHistory({ accountId: DEMO_LOOPRING.carol.accountId, start, end, limit: 90, offset }, DEMO_LOOPRING.carol.apiKey);
        await racing;
        assert.equal(page.totalNum, 1000, JSON.stringify(page).slice(0, 200));
        const rows = page.userDepositHistory ?? [];
        seen.push(...rows.map((r) => Buffer.from(String(r.hash).slice(2), 'hex').toString('utf8')));
        if (rows.length < 90) break;
      }
      assert.equal(seen.length, 1000);
      assert.equal(new Set(seen).size, 1000, 'no deposit twice');
      assert.deepEqual(seen, Array.from({ length: 1000 }, (_, i) => `walk/${999 - i}`), 'every one, newest first');
      assert.ok(written >= 22, 'deposits landed during the walk');
    } finally {
      await h.close();
    }
  });
});
