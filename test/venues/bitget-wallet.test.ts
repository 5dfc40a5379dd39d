import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest, type BitgetKey } from '../support/bitget-signer.js';
import { base58 } from '../../src/venues/bitget/deposit-address.js';

/**
 * The coin list's chains and `GET /api/v2/spot/wallet/deposit-address`: every chain field is the
 * venue's (strings), an asset's `chains` fact replaces the coin's usual chains, an address is the
 * same on every request and every restart with the same secret key, another for each account,
 * coin and chain, in its chain's own form, and unknowable without the server's secret key.
 */

const COINS = '/api/v2/spot/public/coins';
const ADDRESS = '/api/v2/spot/wallet/deposit-address';
const SECRET_A = 'a'.repeat(64);
const SECRET_B = 'b'.repeat(64);
const CHAIN_FIELDS = [
  'chain', 'needTag', 'withdrawable', 'rechargeable', 'withdrawFee', 'extraWithdrawFee', 'depositConfirm', 'withdrawConfirm',
  'minDepositAmount', 'minWithdrawAmount', 'browserUrl', 'contractAddress', 'withdrawStep', 'withdrawMinScale', 'congestion',
];

interface Envelope<T> {
  code: string;
  msg: string;
  data: T;
}
type Chain = Record<string, string>;
interface Coin {
  coin: string;
  chains: Chain[];
}
interface Address {
  coin: string;
  address: string;
  chain: string;
  tag: string;
  url: string;
}

const start = (secretKey: string) => HttpHarness.start('bitget-wallet-token', { scenario: DEMO, flags: { rateLimits: 'off', secretKey } });

async function addressOf(h: HttpHarness, key: BitgetKey, query: string): Promise<Envelope<Address>> {
  const response = await h.request<Envelope<Address>>(signedBitgetRequest(key, ADDRESS, { query }));
  return response.body;
}

describe('the coin list shows chains', () => {
  let h: HttpHarness;
  before(async () => {
    h = await start(SECRET_A);
  });
  after(async () => h.close());

  test("every coin has chains, each with Bitget's fifteen fields, all strings; usual chains by coin, ERC20 otherwise", async () => {
    const response = await h.get<Envelope<Coin[]>>(COINS, null);
    assert.equal(response.body.code, '00000');
    for (const coin of response.body.data) {
      assert.ok(coin.chains.length > 0, coin.coin);
      for (const chain of coin.chains) {
        assert.deepEqual(Object.keys(chain), CHAIN_FIELDS);
        assert.ok(Object.values(chain).every((v) => typeof v === 'string'), JSON.stringify(chain));
      }
    }
    const chainsOf = (coin: string) => response.body.data.find((c) => c.coin === coin)!.chains;
    assert.deepEqual(chainsOf('USDT').map((c) => c.chain), ['ERC20', 'TRC20']);
    assert.deepEqual(chainsOf('DOGE').map((c) => c.chain), ['DOGE']);
    assert.deepEqual(chainsOf('LRC').map((c) => c.chain), ['ERC20']);
    assert.deepEqual(chainsOf('XRP').map((c) => c.needTag), ['true']);
    assert.deepEqual(chainsOf('USDT')[1], {
      chain: 'TRC20', needTag: 'false', withdrawable: 'true', rechargeable: 'true', withdrawFee: '0', extraWithdrawFee: '0', depositConfirm: '19', withdrawConfirm: '19',
      minDepositAmount: '0', minWithdrawAmount: '0', browserUrl: 'https://tronscan.org/#/transaction/', contractAddress: '', withdrawStep: '0', withdrawMinScale: '6', congestion: 'normal',
    });
  });

  test("an asset's chains fact replaces the coin's usual chains: names, tag, fees, contract, closed deposits", async () => {
    const created = await h.post('/_assetbook/v1/assets', {
      symbol: 'WIDGET',
      name: 'Widget',
      scale: 4,
      venues: {
        bitget: {
          chains: [
            { chain: 'WidgetNet', needTag: true, withdrawFee: '0.5', minWithdrawAmount: '2', minDepositAmount: '0.1' },
            { chain: 'ERC20', contractAddress: '0x00000000000000000000000000000000000000aa', rechargeable: false, withdrawable: false },
          ],
        },
      },
    });
    assert.equal(created.status, 201, created.text);
    const response = await h.get<Envelope<Coin[]>>(`${COINS}?coin=WIDGET`, null);
    const [own, erc20] = response.body.data[0]!.chains;
    assert.deepEqual(
      { chain: own!.chain, needTag: own!.needTag, withdrawFee: own!.withdrawFee, minWithdrawAmount: own!.minWithdrawAmount, minDepositAmount: own!.minDepositAmount, browserUrl: own!.browserUrl, withdrawMinScale: own!.withdrawMinScale },
      { chain: 'WidgetNet', needTag: 'true', withdrawFee: '0.5', minWithdrawAmount: '2', minDepositAmount: '0.1', browserUrl: '', withdrawMinScale: '4' },
    );
    assert.deepEqual(
      { contractAddress: erc20!.contractAddress, rechargeable: erc20!.rechargeable, withdrawable: erc20!.withdrawable },
      { contractAddress: '0x00000000000000000000000000000000000000aa', rechargeable: 'false', withdrawable: 'false' },
    );
    const alice = demoBitgetKey(h.secrets('alice', 'bitget'));
    const address = await addressOf(h, alice, 'coin=WIDGET');
    assert.equal(address.data.chain, 'WidgetNet', 'the first chain when none is named');
    assert.match(address.data.address, /^0x[0-9a-f]{40}$/, 'a chain assetbook does not know gets an EVM address');
    assert.match(address.data.tag, /^[1-9][0-9]*$/, 'needTag: a tag');
    assert.equal(address.data.url, '');
    assert.equal((await addressOf(h, alice, 'coin=WIDGET&chain=ERC20')).code, '42017', 'deposits closed on that chain');
  });

  for (const [claim, chains, path] of [
    ['a chain named twice (any case) is refused', [{ chain: 'ERC20' }, { chain: 'erc20' }], 'venues/bitget/chains/1/chain'],
    ['a fee that is not a decimal is refused', [{ chain: 'ERC20', withdrawFee: '1e3' }], 'venues/bitget/chains/0/withdrawFee'],
    ['a chain name with a space is refused', [{ chain: 'ERC 20' }], 'venues/bitget/chains/0/chain'],
    ['a field a chain does not take is refused', [{ chain: 'ERC20', fee: '1' }], 'venues/bitget/chains/0/fee'],
    ['an empty list is refused', [], 'venues/bitget/chains'],
  ] as const) {
    test(`operator API: ${claim}, naming the field, and no asset is created`, async () => {
      const refused = await h.post<{ error: { code: string; path?: string } }>('/_assetbook/v1/assets', { symbol: 'BADCHAINS', name: 'x', scale: 2, venues: { bitget: { chains } } });
      assert.equal(refused.status, 400, refused.text);
      assert.deepEqual({ code: refused.body.error.code, path: refused.body.error.path }, { code: 'INVALID_ARGUMENT', path });
      assert.equal((await h.get(`${COINS}?coin=BADCHAINS`, null)).status, 400);
    });
  }
});

describe('deposit addresses', () => {
  let h: HttpHarness;
  let again: HttpHarness;
  let other: HttpHarness;
  let alice: BitgetKey;
  before(async () => {
    h = await start(SECRET_A);
    again = await start(SECRET_A);
    other = await start(SECRET_B);
    alice = demoBitgetKey(h.secrets('alice', 'bitget'));
  });
  after(async () => Promise.all([h.close(), again.close(), other.close()]));

  test('the same request gets the same address; a restart with the same secret key too; another secret key another address', async () => {
    const first = await addressOf(h, alice, 'coin=USDT&chain=TRC20');
    assert.equal(first.code, '00000');
    assert.deepEqual((await addressOf(h, alice, 'coin=USDT&chain=TRC20')).data, first.data);
    assert.equal((await addressOf(again, demoBitgetKey(again.secrets('alice', 'bitget')), 'coin=USDT&chain=TRC20')).data.address, first.data.address);
    assert.notEqual((await addressOf(other, demoBitgetKey(other.secrets('alice', 'bitget')), 'coin=USDT&chain=TRC20')).data.address, first.data.address);
  });

  test('each account, coin and chain has its own address; any case names a coin or a chain', async () => {
    const seen = new Map<string, string>();
    const keys = { alice, grid: demoBitgetKey(h.secrets('alice', 'bitget', 'grid-bot')), bob: demoBitgetKey(h.secrets('bob', 'bitget')) };
    for (const [who, key] of Object.entries(keys)) {
      for (const query of ['coin=USDT&chain=ERC20', 'coin=USDT&chain=TRC20', 'coin=USDC&chain=ERC20', 'coin=ETH', 'coin=LRC']) {
        const address = (await addressOf(h, key, query)).data.address;
        assert.ok(!seen.has(address), `${who} ${query} shares ${address} with ${seen.get(address)}`);
        seen.set(address, `${who} ${query}`);
      }
    }
    assert.equal((await addressOf(h, alice, 'coin=usdt&chain=trc20')).data.address, (await addressOf(h, alice, 'coin=USDT&chain=TRC20')).data.address);
  });

  test("each chain's own address form, tag and explorer link", async () => {
    const of = async (query: string) => (await addressOf(h, alice, query)).data;
    const btc = await of('coin=BTC');
    assert.match(btc.address, /^1[1-9A-HJ-NP-Za-km-z]{25,33}$/);
    assert.equal(btc.url, `https://blockchair.com/bitcoin/address/${btc.address}`);
    assert.match((await of('coin=DOGE')).address, /^D[1-9A-HJ-NP-Za-km-z]{25,33}$/);
    assert.match((await of('coin=USDT&chain=TRC20')).address, /^T[1-9A-HJ-NP-Za-km-z]{33}$/);
    const sol = await of('coin=SOL');
    assert.match(sol.address, /^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    const xrp = await of('coin=XRP');
    assert.match(xrp.address, /^r[1-9A-HJ-NP-Za-km-z]{24,34}$/);
    assert.match(xrp.tag, /^[1-9][0-9]{0,9}$/);
    assert.ok(Number(xrp.tag) <= 4_294_967_295);
    assert.deepEqual({ tag: btc.tag, coin: btc.coin, chain: btc.chain }, { tag: '', coin: 'BTC', chain: 'BTC' });
  });

  test('base58 writes leading zero bytes as the alphabet\'s first letter (the rule every checked form above relies on)', () => {
    assert.equal(base58(Buffer.from([0, 0, 1])), '112');
    assert.equal(base58(Buffer.from('hello world')), 'StV1DL6CwTryKyV');
  });

  for (const [claim, query, code] of [
    ['no coin: 40019', '', '40019'],
    ['an unknown coin: 40034', 'coin=NOPE', '40034'],
    ['a chain the coin is not on: 42017', 'coin=BTC&chain=TRC20', '42017'],
    ['a chain nobody has: 42017', 'coin=USDT&chain=MOON', '42017'],
    ['a repeated chain: 40020', 'coin=USDT&chain=ERC20&chain=TRC20', '40020'],
  ] as const) {
    test(claim, async () => {
      const response = await h.request<Envelope<null>>(signedBitgetRequest(alice, ADDRESS, { query }));
      assert.equal(response.status, 400, response.text);
      assert.equal(response.body.code, code, response.text);
    });
  }

  test('unsigned: 40001', async () => {
    const response = await h.get<Envelope<null>>(`${ADDRESS}?coin=USDT`, null);
    assert.equal(response.body.code, '40001');
  });
});
