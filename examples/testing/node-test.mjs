// A test suite on node's own test runner (`node --test`) against assetbook in the same process:
// ccxt's bitget pointed at it, balances set through the operator API, and the demo ledger
// restored from a snapshot before each test, so every test starts from the same state.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import ccxt from 'ccxt';
import { startAssetbook } from 'assetbook';

let assetbook;
let exchange;
let alice;
let setUp;

before(async () => {
  // The demo: alice, bob and carol, with keys on every venue (alice holds 1.25 BTC on Bitget).
  assetbook = await startAssetbook();
  alice = assetbook.account('alice');
  const keys = assetbook.keys('alice', 'bitget');
  // ccxt's bitget calls several API hosts: every one of them is assetbook.
  const sections = ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert', 'copy', 'earn', 'uta'];
  const api = Object.fromEntries(sections.map((section) => [section, assetbook.urls.bitget]));
  exchange = new ccxt.bitget({ apiKey: keys.apiKey, secret: keys.secretKey, password: keys.passphrase, urls: { api } });
  setUp = await assetbook.operator.snapshot();
});

beforeEach(async () => {
  await assetbook.operator.restore(setUp);
});

after(async () => {
  await assetbook.stop();
});

test('a deposit shows in fetchBalance', async () => {
  await assetbook.operator.apply({ key: 'deposit-1', type: 'deposit', account: alice, asset: 'BTC', amount: '0.5' });
  const balance = await exchange.fetchBalance();
  assert.equal(balance.BTC.free, 1.75);
});

test('each test starts from the set-up: the deposit of the test before is gone', async () => {
  const balance = await exchange.fetchBalance();
  assert.equal(balance.BTC.free, 1.25);
});

test('a snapshot taken inside a test brings its own state back', async () => {
  await assetbook.operator.apply({ key: 'deposit-2', type: 'deposit', account: alice, asset: 'BTC', amount: '1' });
  const funded = await assetbook.operator.snapshot();
  await assetbook.operator.apply({ key: 'withdrawal-1', type: 'withdrawal.request', account: alice, asset: 'BTC', amount: '2' });
  assert.equal((await exchange.fetchBalance()).BTC.free, 0.25);
  await assetbook.operator.restore(funded);
  assert.equal((await exchange.fetchBalance()).BTC.free, 2.25);
  assert.equal((await assetbook.operator.verify()).ok, true);
});
