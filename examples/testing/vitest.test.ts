// The same suite on vitest, in TypeScript, with ccxt's bullish: its API base is `urls.bullish`.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import ccxt from 'ccxt';
import { startAssetbook, type Assetbook, type SnapshotFile } from 'assetbook';

let assetbook: Assetbook;
let exchange: InstanceType<typeof ccxt.bullish>;
let setUp: SnapshotFile;

beforeAll(async () => {
  assetbook = await startAssetbook();
  const keys = assetbook.keys('alice', 'bullish');
  const api = { public: assetbook.urls.bullish, private: assetbook.urls.bullish };
  exchange = new ccxt.bullish({ apiKey: keys.publicKey, secret: keys.secret, urls: { api } });
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
  // ccxt reads Bullish's list of assets as total = availableQuantity.
  expect(balance.BTC?.total).toBe(1.75);
});

test('each test starts from the set-up', async () => {
  const balance = await exchange.fetchBalance();
  expect(balance.BTC?.total).toBe(1.25);
});
