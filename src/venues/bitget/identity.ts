import type { Account, Asset, User } from '../../ledger/types.js';
import type { VenueIdentity } from '../../ledger/venue-facts.js';
import { booleanFact, factOf, jsonFact, textFact } from '../shared/facts.js';
import { CHAINS_FACT, ChainsFact, checkChains } from './chains.js';

/**
 * What Bitget knows assets, users and accounts by: a coin name and its chains (chains.ts), whether
 * the user is an ND broker (refused by the sub-account endpoint, as on the venue), and each
 * account's numeric uid.
 */
export const BITGET = 'bitget' as const;

export const bitgetIdentity: VenueIdentity = {
  venue: BITGET,
  asset: [
    textFact({
      name: 'coin',
      unique: true,
      pattern: /^[A-Z0-9]{1,20}$/,
      maxLength: 20,
      what: 'a coin name like BTC',
      description: 'The coin name Bitget shows (default: the symbol)',
      generate: (ctx) => ctx.asset!.symbol,
    }),
    jsonFact({
      name: CHAINS_FACT,
      schema: ChainsFact,
      description: "The chains the coin is deposited and withdrawn on, as the coin list shows them (default: the coin's usual chains, else ERC20)",
      check: checkChains,
    }),
  ],
  user: [booleanFact({ name: 'broker', description: 'A Bitget ND broker: refused by the sub-account assets endpoint, as on the venue' })],
  account: [
    textFact({
      name: 'uid',
      unique: true,
      pattern: /^[1-9][0-9]{0,19}$/,
      maxLength: 20,
      what: 'a decimal id without leading zeros',
      description: 'The Bitget uid (default: 6000000000 + account id, stepping past taken ones)',
      generate: (ctx) => String(6_000_000_000 + ctx.id + ctx.attempt),
    }),
  ],
};

export const coinOf = (asset: Asset): string => factOf(asset, BITGET, 'coin') ?? asset.symbol;
export const uidOf = (account: Account): string => factOf(account, BITGET, 'uid') ?? '';
export const isBroker = (user: User): boolean => factOf(user, BITGET, 'broker') === 'true';
/** The asset's `chains` fact as stored (JSON text), undefined when it names none (chains.ts then uses the coin's defaults). */
export const chainsFactOf = (asset: Asset): string | undefined => factOf(asset, BITGET, CHAINS_FACT);
