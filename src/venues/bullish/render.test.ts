import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUCKETS, type Account, type Asset, type Bucket } from '../../ledger/types.js';
import { formatIsoMillis, sumLockedUnits, renderAsset, renderAssetAccount, renderMarkets, renderNonceRange, renderTime, renderTradingAccount } from './render.js';

const asset = (symbol: string, scale: number, assetId: string, precision: number): Asset => ({
  symbol,
  name: symbol,
  scale,
  venues: { bullish: { assetId, precision: String(precision) } },
});

const ETH = asset('ETH', 18, '2', 8);
const USDC = asset('USDC', 6, '4', 4);
const BTC = asset('BTC', 8, '1', 8);
const TINY = asset('TINY', 2, '9', 6);

function amounts(values: Partial<Record<Bucket, bigint>>): Record<Bucket, bigint> {
  const out = {} as Record<Bucket, bigint>;
  for (const bucket of BUCKETS) out[bucket] = values[bucket] ?? 0n;
  return out;
}

describe('bullish asset account rendering', () => {
  test('quantities are padded to the Bullish precision', () => {
    const row = renderAssetAccount('111000000000001', BTC, amounts({ available: 125_000_000n }), 0);
    assert.equal(row.availableQuantity, '1.25000000');
    assert.equal(row.borrowedQuantity, '0.00000000');
    assert.equal(row.loanedQuantity, '0.00000000');
    assert.equal(row.lockedQuantity, '0.00000000');
  });

  test('digits beyond the Bullish precision are cut toward zero, never rounded up', () => {
    const row = renderAssetAccount('1', ETH, amounts({ available: 1_999_999_999_999_999_999n }), 0);
    assert.equal(row.availableQuantity, '1.99999999');
  });

  test('a debt is rounded up to the Bullish precision, never shown as less than is owed', () => {
    const row = renderAssetAccount('1', ETH, amounts({ borrowed: 1n, available: 1n, loaned: 1n }), 0);
    assert.equal(row.borrowedQuantity, '0.00000001', 'one wei owed shows, so isBorrowing never comes with a zero debt');
    assert.deepEqual([row.availableQuantity, row.loanedQuantity], ['0.00000000', '0.00000000'], 'holdings are still cut');
    assert.equal(renderAssetAccount('1', ETH, amounts({ borrowed: 1_000_000_000_000_000_001n }), 0).borrowedQuantity, '1.00000001');
    assert.equal(renderAssetAccount('1', ETH, amounts({ borrowed: 10n ** 18n }), 0).borrowedQuantity, '1.00000000', 'an exact debt is unchanged');
  });

  test('a precision finer than the ledger scale pads with zeros', () => {
    assert.equal(renderAssetAccount('1', TINY, amounts({ available: 1234n }), 0).availableQuantity, '12.340000');
  });

  test('lockedQuantity is held + locked + loaned + restricted + pending withdrawal; borrowed and pending deposit are not in it', () => {
    const values = amounts({ held: 1n, locked: 10n, loaned: 100n, restricted: 1000n, pendingWithdrawal: 10000n, borrowed: 7n, pendingDeposit: 9n, available: 5n });
    assert.equal(sumLockedUnits(values), 11111n);
    const row = renderAssetAccount('1', BTC, values, 0);
    assert.equal(row.lockedQuantity, '0.00011111');
    assert.equal(row.borrowedQuantity, '0.00000007');
    assert.equal(row.loanedQuantity, '0.00000100');
    assert.equal(row.availableQuantity, '0.00000005');
  });

  test('the locked sum is cut once, not per bucket', () => {
    // Two ETH amounts of 0.000000005 each: cut separately they show 0, summed they show 0.00000001.
    const half = 5_000_000_000n;
    assert.equal(renderAssetAccount('1', ETH, amounts({ held: half, locked: half }), 0).lockedQuantity, '0.00000001');
  });

  test('every field is a string, the ids and the time as the venue writes them', () => {
    const row = renderAssetAccount('111000000000001', BTC, amounts({}), 1_747_135_988_801);
    assert.deepEqual(
      { tradingAccountId: row.tradingAccountId, assetId: row.assetId, assetSymbol: row.assetSymbol, at: row.updatedAtDatetime, ts: row.updatedAtTimestamp },
      { tradingAccountId: '111000000000001', assetId: '1', assetSymbol: 'BTC', at: '2025-05-13T11:33:08.801Z', ts: '1747135988801' },
    );
  });

  test('datetimes have exactly three millisecond digits and Z, even on a whole second and at the epoch', () => {
    assert.equal(formatIsoMillis(1_621_490_985_000), '2021-05-20T06:09:45.000Z');
    assert.equal(formatIsoMillis(0), '1970-01-01T00:00:00.000Z');
  });
});

describe('bullish catalogue rendering', () => {
  test('an asset shows its Bullish id and precision as strings, and a zero fee at that precision', () => {
    assert.deepEqual(renderAsset(USDC), { assetId: '4', symbol: 'USDC', name: 'USDC', precision: '4', minFee: '0.0000' });
    assert.equal(renderAsset(asset('X', 0, '3', 0)).minFee, '0');
  });

  test('markets pair every other asset with USDC, with base and quote precisions, and never offer order entry', () => {
    const markets = renderMarkets([BTC, ETH, USDC]);
    assert.deepEqual(markets.map((m) => m.symbol), ['BTCUSDC', 'ETHUSDC']);
    const btc = markets[0]!;
    assert.deepEqual(
      [btc.baseSymbol, btc.quoteSymbol, btc.basePrecision, btc.quotePrecision, btc.quantityPrecision, btc.pricePrecision, btc.marketType],
      ['BTC', 'USDC', '8', '4', '8', '4', 'SPOT'],
    );
    assert.equal(btc.createOrderEnabled, false);
    assert.equal(new Set(markets.map((m) => m.marketId)).size, markets.length, 'market ids are unique');
  });

  test('without a quote asset there are no markets', () => {
    assert.deepEqual(renderMarkets([BTC, ETH]), []);
    assert.deepEqual(renderMarkets([]), []);
  });
});

describe('bullish trading account rendering', () => {
  const account = (kind: 'main' | 'sub', label: string): Account => ({
    id: 7,
    userId: 2,
    kind,
    label,
    venues: { bullish: { tradingAccountId: '111000000000007' } },
    createdAtMs: 0,
  });

  test('the main account is the primary one, named exactly "Primary Account" (what ccxt looks for)', () => {
    const main = renderTradingAccount(account('main', 'main'), { isBorrowing: true, isLending: false }, 'token');
    assert.deepEqual([main.tradingAccountName, main.isPrimaryAccount, main.isBorrowing, main.isLending], ['Primary Account', 'true', 'true', 'false']);
  });

  test('a sub-account carries its label as its name and is not primary', () => {
    const sub = renderTradingAccount(account('sub', 'grid-bot'), { isBorrowing: false, isLending: true }, 'token');
    assert.deepEqual([sub.tradingAccountName, sub.isPrimaryAccount, sub.isLending], ['grid-bot', 'false', 'true']);
    assert.equal(sub.tradingAccountId, '111000000000007');
  });
});

describe('bullish time and nonce range', () => {
  test('time is milliseconds as a string and the same instant in ISO form', () => {
    assert.deepEqual(renderTime(1_746_475_550_999), { timestamp: '1746475550999', datetime: '2025-05-05T20:05:50.999Z' });
  });

  test('the nonce range is the current UTC day in microseconds, first to last', () => {
    const range = renderNonceRange(Date.UTC(2025, 4, 5, 20, 5, 50, 999));
    assert.equal(range.lowerBound, Date.UTC(2025, 4, 5) * 1000);
    assert.equal(range.upperBound, Date.UTC(2025, 4, 6) * 1000 - 1);
  });
});
