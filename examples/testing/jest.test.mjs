// The same suite on jest. assetbook is an ES module: run jest with ES modules on,
//   NODE_OPTIONS=--experimental-vm-modules npx jest
// and no transform for this file (jest.config.js: `export default { transform: {} }`).
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import ccxt from 'ccxt';
import { startAssetbook } from 'assetbook';

let assetbook;
let exchange;
let setUp;

beforeAll(async () => {
  assetbook = await startAssetbook();
  const keys = assetbook.keys('alice', 'bitget');
  const sections = ['spot', 'mix', 'user', 'p2p', 'broker', 'margin', 'common', 'tax', 'convert', 'copy', 'earn', 'uta'];
  const api = Object.fromEntries(sections.map((section) => [section, assetbook.urls.bitget]));
  exchange = new ccxt.bitget({ apiKey: keys.apiKey, secret: keys.secretKey, password: keys.passphrase, urls: { api } });
  setUp = await assetbook.operator.snapshot();
});

beforeEach(async () => {
  await assetbook.operator.restore(setUp);
});

afterAll(async () => {
  await assetbook.stop();
});

test('a deposit shows in fetchBalance', async () => {
  const alice = assetbook.account('alice');
  await assetbook.operator.apply({ key: 'deposit-1', type: 'deposit', account: alice, asset: 'BTC', amount: '0.5' });
  const balance = await exchange.fetchBalance();
  expect(balance.BTC.free).toBe(1.75);
});

test('each test starts from the set-up', async () => {
  const balance = await exchange.fetchBalance();
  expect(balance.BTC.free).toBe(1.25);
});
