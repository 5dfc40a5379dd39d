import type { Account, Asset } from '../../ledger/types.js';
import type { VenueIdentity } from '../../ledger/venue-facts.js';
import { factOf, highestAssetFact, integerFact, textFact } from '../shared/facts.js';

/**
 * What Bullish knows assets and accounts by: a numeric asset id and the precision it shows amounts
 * with, and each account's trading account id (a user's login reaches all of its accounts).
 */
export const BULLISH = 'bullish' as const;

export const bullishIdentity: VenueIdentity = {
  venue: BULLISH,
  asset: [
    textFact({
      name: 'assetId',
      unique: true,
      pattern: /^[1-9][0-9]{0,19}$/,
      maxLength: 20,
      what: 'a decimal id without leading zeros',
      description: 'The Bullish asset id (default: one more than the highest taken)',
      generate: (ctx) => String(1 + highestAssetFact(ctx, BULLISH, 'assetId', 0) + ctx.attempt),
    }),
    integerFact({
      name: 'precision',
      unique: false,
      min: 0,
      max: 36,
      description: 'Decimal places Bullish shows amounts with (default: the scale)',
      generate: (ctx) => String(ctx.asset!.scale),
    }),
  ],
  user: [],
  account: [
    textFact({
      name: 'tradingAccountId',
      unique: true,
      pattern: /^111[0-9]{1,17}$/,
      maxLength: 20,
      what: 'a decimal id starting with 111',
      description: 'The Bullish trading account id (default: 111000000000000 + account id, stepping past taken ones)',
      generate: (ctx) => String(111_000_000_000_000 + ctx.id + ctx.attempt),
    }),
  ],
};

export const assetIdOf = (asset: Asset): string => factOf(asset, BULLISH, 'assetId') ?? '';
export const precisionOf = (asset: Asset): number => Number(factOf(asset, BULLISH, 'precision') ?? asset.scale);
export const tradingAccountIdOf = (account: Account): string => factOf(account, BULLISH, 'tradingAccountId') ?? '';
