import { derivedAddress } from '../../ledger/catalog.js';
import type { Account, Asset, Bucket } from '../../ledger/types.js';
import { sumBuckets } from '../shared/holdings.js';
import { formatFieldElement, parseFieldElement } from './eddsa/field.js';
import type { AccountBody, BalanceRow, TokenInfo } from './schemas.js';
import { accountIdOf, decimalsOf, ownerOf, layer2KeyOf, tokenAddressOf, tokenIdOf } from './identity.js';

/**
 * From the ledger to Loopring's wire shapes. The bucket mapping (docs/venues/loopring.md):
 *
 * - `locked` is what the account owns on layer 2 but cannot use: held by orders, locked, restricted,
 *   lent out, and requested for withdrawal but not yet sent (the venue's own definition names
 *   "pending withdrawals or orders").
 * - `total` is available plus all of `locked`: everything the account owns on layer 2, so
 *   total − locked = available.
 * - `pending.withdraw` is the pending withdrawal (also inside total and locked until it completes);
 *   `pending.deposit` is the pending deposit (not in total: it has not arrived on layer 2).
 * - `borrowed` is a debt, not a holding: Loopring has no such balance, and it is not shown.
 */

/** The buckets inside `locked` (and so inside `total`). */
export const LOCKED_BUCKETS: readonly Bucket[] = ['held', 'locked', 'restricted', 'loaned', 'pendingWithdrawal'];

/** The exchange every assetbook account is on, for the account's key seed: a made-up address, never mainnet's. */
export const EXCHANGE_ADDRESS = derivedAddress('loopring:exchange');

/** Converts ledger base units (the asset's scale) to the token's base unit (its Loopring decimals), cutting toward zero. */
export function toTokenUnits(units: bigint, scale: number, decimals: number): bigint {
  if (decimals === scale) return units;
  return decimals > scale ? units * 10n ** BigInt(decimals - scale) : units / 10n ** BigInt(scale - decimals);
}

/** One balance row of `asset` for the account; zeros when it holds none. */
export function renderBalanceRow(accountId: number, asset: Asset, amounts: Readonly<Record<Bucket, bigint>> | undefined): BalanceRow {
  const tokenId = tokenIdOf(asset);
  const decimals = decimalsOf(asset);
  const units = (value: bigint) => toTokenUnits(value, asset.scale, decimals).toString();
  if (!amounts) return { accountId, tokenId, total: '0', locked: '0', pending: { withdraw: '0', deposit: '0' } };
  const locked = sumBuckets(amounts, LOCKED_BUCKETS);
  return {
    accountId,
    tokenId,
    total: units(amounts.available + locked),
    locked: units(locked),
    pending: { withdraw: units(amounts.pendingWithdrawal), deposit: units(amounts.pendingDeposit) },
  };
}

/** True when a row shows nothing at all: such tokens are left out of an unfiltered read. */
export function isEmptyRow(row: BalanceRow): boolean {
  return row.total === '0' && row.pending.deposit === '0' && row.pending.withdraw === '0';
}

const ZERO_ADDRESS = `0x${'0'.repeat(40)}`;

/**
 * A token as `/api/v3/exchange/tokens` lists it, with every field the SDK reads. Trading is not
 * served, so the order and fee fields are placeholders: the smallest order is one unit of the
 * display precision, and there is no fast withdrawal and no gas.
 */
export function renderToken(asset: Asset): TokenInfo {
  const tokenId = tokenIdOf(asset);
  const address = tokenAddressOf(asset);
  const decimals = decimalsOf(asset);
  const precision = Math.min(decimals, 8);
  const unit = (10n ** BigInt(decimals - precision)).toString();
  const amounts = { minimum: unit, maximum: (10n ** BigInt(decimals + 12)).toString(), dust: unit };
  return {
    type: address === ZERO_ADDRESS ? 'ETH' : 'ERC20',
    tokenId,
    symbol: asset.symbol,
    name: asset.name,
    address,
    decimals,
    precision,
    precisionForOrder: precision,
    orderAmounts: amounts,
    luckyTokenAmounts: amounts,
    fastWithdrawLimit: '0',
    gasAmounts: { distribution: '0', deposit: '0' },
    enabled: true,
  };
}

/**
 * An account as `/api/v3/account` shows it. Without a layer-2 key the venue shows empty key
 * fields and nonce 0; with one, assetbook shows it as set once (nonce 1, key nonce 0).
 */
export function renderAccount(account: Account): AccountBody {
  const key = layer2KeyOf(account);
  const x = key ? parseFieldElement(key.x) : null;
  const y = key ? parseFieldElement(key.y) : null;
  const hasKey = x !== null && y !== null;
  return {
    accountId: accountIdOf(account),
    owner: ownerOf(account),
    frozen: false,
    publicKey: hasKey ? { x: formatFieldElement(x), y: formatFieldElement(y) } : { x: '', y: '' },
    tags: '',
    nonce: hasKey ? 1 : 0,
    keyNonce: 0,
    keySeed: hasKey ? `Sign this message to access Loopring Exchange: ${EXCHANGE_ADDRESS} with key nonce: 0` : '',
  };
}
