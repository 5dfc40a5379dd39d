import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ccxt from 'ccxt';
import { RestClientV2 } from 'bitget-api';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { restErrorOf } from '../support/client-errors.js';

/**
 * Chains, deposit addresses and main-sub transfers through the real clients, unmodified but for
 * their URLs: ccxt 4.5.84's `bitget` (its unified methods, and its generated method for the
 * sub-account transfer, which has no unified one) and bitget-api 3.2.3's `RestClientV2`, on the
 * demo scenario. Balances after a transfer are read back through the venue's own balance endpoint.
 */

const CCXT_SECTIONS = ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert', 'copy', 'earn', 'uta'];
const ALICE_MAIN_UID = '6100000001';
const ALICE_GRID_UID = '6100000002';
const ALICE_HODL_UID = '6100000003';
const BOB_MAIN_UID = '6200000001';

type Ccxt = InstanceType<typeof ccxt.bitget>;
/** ccxt's generated methods for paths it has no unified method for. */
type CcxtImplicit = Ccxt & {
  privateSpotPostV2SpotWalletSubaccountTransfer(params: Record<string, string>): Promise<{ code: string; data: { transferId: string; clientOid: string } }>;
};

function ccxtFor(h: HttpHarness, user: string, label = 'main'): CcxtImplicit {
  const s = h.secrets(user, 'bitget', label);
  const api = Object.fromEntries(CCXT_SECTIONS.map((k) => [k, h.baseUrl]));
  return new ccxt.bitget({ apiKey: s.apiKey, secret: s.secretKey, password: s.passphrase, urls: { api } }) as CcxtImplicit;
}

function restFor(h: HttpHarness, user: string, label = 'main') {
  const s = h.secrets(user, 'bitget', label);
  return new RestClientV2({ apiKey: s.apiKey, apiSecret: s.secretKey, apiPass: s.passphrase, baseUrl: h.baseUrl });
}

/** One coin's `available` as the venue's own balance endpoint shows it, for the key of `user`/`label`. */
async function availableOf(h: HttpHarness, user: string, label: string, coin: string): Promise<string> {
  const response = await restFor(h, user, label).getSpotAccountAssets({ coin });
  return response.data[0]!.available;
}

/** One coin's `available` in a sub-account without a key of its own, as its main account's sub-account endpoint shows it. */
async function subAvailableOf(h: HttpHarness, user: string, uid: string, coin: string): Promise<string> {
  const response = await restFor(h, user).getSpotSubAccountAssets();
  const sub = response.data.find((s) => String(s.userId) === uid);
  return sub?.assetsList.find((a) => a.coin === coin)?.available ?? '0';
}

/** The id of the newest journal entry: what a refused request must leave as it was. */
async function lastEntryId(h: HttpHarness): Promise<number> {
  let last = 0;
  for (;;) {
    const page = await h.runtime.ledger.journal(last, 500);
    last = page.entries.at(-1)?.id ?? last;
    if (page.next === null) return last;
  }
}

describe('bitget wallet and transfers through ccxt and bitget-api', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bitget-wallet-clients-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => {
    const report = await h.runtime.ledger.verify();
    await h.close();
    assert.ok(report.ok, JSON.stringify(report));
  });

  test('ccxt fetchCurrencies lists each coin with its networks, open for deposit and withdrawal', async () => {
    const currencies = await ccxtFor(h, 'alice').fetchCurrencies();
    const networks = (code: string) => Object.keys(currencies[code]?.networks ?? {}).sort();
    assert.deepEqual(networks('USDT'), ['ERC20', 'TRC20']);
    assert.deepEqual(networks('BTC'), ['BTC']);
    assert.deepEqual(networks('XRP'), ['XRP']);
    assert.deepEqual(networks('SOL'), ['SOL']);
    assert.deepEqual(networks('LRC'), ['ERC20'], 'a coin without usual chains is an ERC20 token');
    const trc20 = currencies.USDT!.networks.TRC20!;
    assert.equal(trc20.deposit, true);
    assert.equal(trc20.withdraw, true);
    assert.equal(trc20.fee, 0);
    assert.equal(trc20.precision, 0.000001, "USDT's scale of 6");
    assert.equal(currencies.USDT!.deposit, true);
    assert.equal(currencies.USDT!.withdraw, true);
    assert.equal(currencies.USDT!.active, true);
  });

  test('ccxt fetchDepositAddress: the same address twice, another per network, per coin and per account; a tag on XRP', async () => {
    const alice = ccxtFor(h, 'alice');
    const trc20 = await alice.fetchDepositAddress('USDT', { network: 'TRC20' });
    assert.deepEqual(await alice.fetchDepositAddress('USDT', { network: 'TRC20' }), trc20);
    assert.equal(trc20.network, 'TRC20');
    assert.match(trc20.address ?? '', /^T[1-9A-HJ-NP-Za-km-z]{33}$/, 'a Tron address');
    const erc20 = await alice.fetchDepositAddress('USDT', { network: 'ERC20' });
    assert.match(erc20.address ?? '', /^0x[0-9a-f]{40}$/);
    assert.equal(erc20.tag, undefined);
    const first = await alice.fetchDepositAddress('USDT');
    assert.equal(first.network, 'ERC20', "without a network: the coin's first chain");
    assert.equal(first.address, erc20.address);
    const ethOnErc20 = await alice.fetchDepositAddress('ETH', { network: 'ERC20' });
    assert.notEqual(ethOnErc20.address, erc20.address, 'each coin its own address');
    const bob = await ccxtFor(h, 'bob').fetchDepositAddress('USDT', { network: 'TRC20' });
    assert.notEqual(bob.address, trc20.address, 'each account its own address');
    const grid = await ccxtFor(h, 'alice', 'grid-bot').fetchDepositAddress('USDT', { network: 'TRC20' });
    assert.notEqual(grid.address, trc20.address, "a sub-account's differs from its main account's");
    const xrp = await alice.fetchDepositAddress('XRP');
    assert.match(xrp.address ?? '', /^r[1-9A-HJ-NP-Za-km-z]{24,34}$/);
    assert.match(xrp.tag ?? '', /^[1-9][0-9]{0,9}$/, 'XRP needs a destination tag');
    assert.match((await alice.fetchDepositAddress('BTC')).address ?? '', /^1[1-9A-HJ-NP-Za-km-z]{25,34}$/);
  });

  test("ccxt transfer (one user's account types) is refused as BadRequest: assetbook keeps spot accounts only; nothing is written", async () => {
    const alice = ccxtFor(h, 'alice');
    const last = await lastEntryId(h);
    const seen = h.seen.length;
    for (const [from, to] of [['spot', 'swap'], ['spot', 'spot']] as const) {
      await assert.rejects(alice.transfer('USDT', 1, from, to), (error: Error) => {
        assert.equal(error.constructor.name, 'BadRequest');
        assert.match(error.message, /40017.*spot accounts only/);
        return true;
      });
    }
    assert.ok(h.seen.slice(seen).some((r) => r.method === 'POST' && r.url === '/api/v2/spot/wallet/transfer' && r.status === 400), 'ccxt called the venue path');
    assert.equal(await lastEntryId(h), last);
  });

  test('ccxt: a main-to-sub transfer moves the amount once, a replay of its clientOid answers the same transferId, and fetchTransfers lists it', async () => {
    const alice = ccxtFor(h, 'alice');
    const before = { main: await availableOf(h, 'alice', 'main', 'USDT'), grid: await availableOf(h, 'alice', 'grid-bot', 'USDT') };
    assert.deepEqual(before, { main: '25000', grid: '5000' });
    const request = { fromType: 'spot', toType: 'spot', amount: '125.5', coin: 'USDT', clientOid: 'ccxt-move-1', fromUserId: ALICE_MAIN_UID, toUserId: ALICE_GRID_UID };
    const first = await alice.privateSpotPostV2SpotWalletSubaccountTransfer(request);
    assert.equal(first.code, '00000');
    assert.match(first.data.transferId, /^[0-9]+$/);
    assert.equal(first.data.clientOid, 'ccxt-move-1');
    const replay = await alice.privateSpotPostV2SpotWalletSubaccountTransfer(request);
    assert.equal(replay.data.transferId, first.data.transferId);
    assert.deepEqual({ main: await availableOf(h, 'alice', 'main', 'USDT'), grid: await availableOf(h, 'alice', 'grid-bot', 'USDT') }, { main: '24874.5', grid: '5125.5' });

    const transfers = await alice.fetchTransfers('USDT');
    const found = transfers.find((t) => t.id === first.data.transferId);
    assert.ok(found, JSON.stringify(transfers));
    assert.deepEqual(
      { amount: found.amount, currency: found.currency, status: found.status, fromAccount: found.fromAccount, toAccount: found.toAccount },
      { amount: 125.5, currency: 'USDT', status: 'ok', fromAccount: 'spot', toAccount: 'spot' },
    );
    assert.equal(found.info.clientOid, 'ccxt-move-1');
    assert.equal(transfers.filter((t) => t.id === first.data.transferId).length, 1, 'the replay wrote nothing');
    const grid = await ccxtFor(h, 'alice', 'grid-bot').fetchTransfers('USDT');
    assert.ok(grid.some((t) => t.id === first.data.transferId), "the receiving sub-account's records show it too");
  });

  test('ccxt: a sub-to-sub transfer by the main key; its main-sub record (bitget-api: ccxt has no method for it) names both uids', async () => {
    const alice = ccxtFor(h, 'alice');
    const done = await alice.privateSpotPostV2SpotWalletSubaccountTransfer({ fromType: 'spot', toType: 'spot', amount: '0.01', coin: 'BTC', clientOid: 'ccxt-sub-sub', fromUserId: ALICE_GRID_UID, toUserId: ALICE_HODL_UID });
    assert.equal(await availableOf(h, 'alice', 'grid-bot', 'BTC'), '0.04');
    assert.equal(await subAvailableOf(h, 'alice', ALICE_HODL_UID, 'BTC'), '0.01');
    const records = await restFor(h, 'alice').getSpotMainSubTransferRecord({ coin: 'BTC', subUid: ALICE_GRID_UID });
    assert.deepEqual(
      records.data.map((r) => ({ transferId: r.transferId, fromUserId: r.fromUserId, toUserId: r.toUserId, size: r.size, status: r.status })),
      [{ transferId: done.data.transferId, fromUserId: ALICE_GRID_UID, toUserId: ALICE_HODL_UID, size: '0.01', status: 'Successful' }],
    );
  });

  test('bitget-api spotSubTransfer moves sub to main, getSpotMainSubTransferRecord and getSpotTransferHistory list it, the balance endpoint shows it', async () => {
    const alice = restFor(h, 'alice');
    const before = await availableOf(h, 'alice', 'main', 'SOL');
    const done = await alice.spotSubTransfer({ fromType: 'spot', toType: 'spot', amount: '0.5', coin: 'SOL', clientOid: 'sdk-back-1', fromUserId: ALICE_MAIN_UID, toUserId: ALICE_HODL_UID });
    assert.equal(done.code, '00000');
    assert.equal(done.data.clientOid, 'sdk-back-1');
    const back = await alice.spotSubTransfer({ fromType: 'spot', toType: 'spot', amount: '0.2', coin: 'SOL', fromUserId: ALICE_HODL_UID, toUserId: ALICE_MAIN_UID });
    assert.match(back.data.clientOid, /^[0-9]+$/, 'a clientOid is made up when none is given');
    assert.equal(before, '42.123456789');
    assert.equal(await availableOf(h, 'alice', 'main', 'SOL'), '41.823456789');
    assert.equal(await subAvailableOf(h, 'alice', ALICE_HODL_UID, 'SOL'), '0.3');

    const initiated = await alice.getSpotMainSubTransferRecord({ coin: 'SOL' });
    assert.deepEqual(initiated.data.map((r) => r.transferId), [done.data.transferId], 'the main account as initiator');
    const received = await alice.getSpotMainSubTransferRecord({ coin: 'SOL', role: 'receiver' });
    assert.deepEqual(received.data.map((r) => [r.transferId, r.clientOid, r.fromUserId, r.toUserId]), [[back.data.transferId, back.data.clientOid, ALICE_HODL_UID, ALICE_MAIN_UID]]);
    const byOid = await alice.getSpotMainSubTransferRecord({ clientOid: 'sdk-back-1' });
    assert.deepEqual(byOid.data.map((r) => r.transferId), [done.data.transferId]);

    const history = await alice.getSpotTransferHistory({ coin: 'SOL', fromType: 'spot', limit: '1' });
    assert.deepEqual(history.data.map((r) => r.transferId), [back.data.transferId], 'newest first, one per page');
    const older = await alice.getSpotTransferHistory({ coin: 'SOL', fromType: 'spot', idLessThan: back.data.transferId });
    assert.deepEqual(older.data.map((r) => r.transferId), [done.data.transferId]);
  });

  test('bitget-api: an overdraw is 43012 and writes nothing; another user\'s uid is 40028; a sub-account key is 40014', async () => {
    const alice = restFor(h, 'alice');
    const last = await lastEntryId(h);
    const base = { fromType: 'spot' as const, toType: 'spot' as const, coin: 'USDT', fromUserId: ALICE_GRID_UID, toUserId: ALICE_MAIN_UID };
    assert.deepEqual(await restErrorOf(alice.spotSubTransfer({ ...base, amount: '1000000', clientOid: 'too-much' })), { status: 400, code: '43012' });
    assert.deepEqual(await restErrorOf(alice.spotSubTransfer({ ...base, amount: '1', toUserId: BOB_MAIN_UID })), { status: 400, code: '40028' });
    assert.deepEqual(await restErrorOf(restFor(h, 'alice', 'grid-bot').spotSubTransfer({ ...base, amount: '1' })), { status: 400, code: '40014' });
    assert.equal(await lastEntryId(h), last);
    // The refused clientOid was not taken: it applies once it can.
    const done = await alice.spotSubTransfer({ ...base, amount: '1', clientOid: 'too-much' });
    assert.equal(done.code, '00000');
  });

  test('bitget-api getSpotCoinInfo and getSpotDepositAddress agree with ccxt', async () => {
    const rest = restFor(h, 'bob');
    // The SDK types `size` (a Lightning deposit's amount) as required; the venue and this call do not need it.
    const addressFor = (params: { coin: string; chain?: string }) => rest.getSpotDepositAddress(params as Parameters<typeof rest.getSpotDepositAddress>[0]);
    const coins = await rest.getSpotCoinInfo({ coin: 'USDT' });
    assert.deepEqual(coins.data[0]!.chains.map((c) => c.chain), ['ERC20', 'TRC20']);
    const address = await addressFor({ coin: 'USDT', chain: 'trc20' });
    assert.equal(address.data.chain, 'TRC20');
    assert.equal(address.data.address, (await ccxtFor(h, 'bob').fetchDepositAddress('USDT', { network: 'TRC20' })).address);
    assert.equal(address.data.url, `https://tronscan.org/#/address/${address.data.address}`);
    assert.deepEqual(await restErrorOf(addressFor({ coin: 'USDT', chain: 'SOL' })), { status: 400, code: '42017' });
    assert.deepEqual(await restErrorOf(addressFor({ coin: 'NOPE' })), { status: 400, code: '40034' });
  });
});
