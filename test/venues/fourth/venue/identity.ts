import type { Account, Asset } from '../../../../src/ledger/types.js';
import type { VenueIdentity } from '../../../../src/ledger/venue-facts.js';
import { factOf, textFact } from '../../../../src/venues/shared/facts.js';

/**
 * What the fourth venue knows assets and accounts by: a ticker per asset (unique, the symbol by
 * default) and an account number per account (unique, generated). It knows users by nothing.
 */
export const FOURTH = 'fourth' as const;

/** `F` and nine digits, the first not zero: what the venue prints as an account number. */
export const ACCOUNT_NO = /^F[1-9][0-9]{8}$/;

/** The first generated account number is for account 1: F100000001. */
export const ACCOUNT_NO_BASE = 100_000_000;

export const fourthIdentity: VenueIdentity = {
  venue: FOURTH,
  asset: [
    textFact({
      name: 'ticker',
      unique: true,
      pattern: /^[A-Z0-9]{1,20}$/,
      maxLength: 20,
      what: '1 to 20 upper-case letters or digits',
      description: 'The ticker the fourth venue lists the asset under (default: the symbol)',
      generate: (ctx) => ctx.asset!.symbol,
    }),
  ],
  user: [],
  account: [
    textFact({
      name: 'accountNo',
      unique: true,
      pattern: ACCOUNT_NO,
      maxLength: 10,
      what: 'F and nine digits, the first not zero (F100000001)',
      description: `The fourth venue's account number (default: F${ACCOUNT_NO_BASE} + account id, stepping past taken ones)`,
      generate: (ctx) => `F${ACCOUNT_NO_BASE + ctx.id + ctx.attempt}`,
    }),
  ],
};

export const tickerOf = (asset: Asset): string => factOf(asset, FOURTH, 'ticker') ?? asset.symbol;
export const accountNoOf = (account: Account): string => factOf(account, FOURTH, 'accountNo') ?? '';
