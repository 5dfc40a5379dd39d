import { Type, type Static } from '@sinclair/typebox';
import { LedgerError } from '../../ledger/errors.js';
import { DECIMAL_PATTERN, described } from '../../ledger/operation-types.js';
import { checkerFor } from '../../ledger/validation.js';
import type { AddressFamily } from './deposit-address.js';

/**
 * The chains (networks) a coin is deposited and withdrawn on, as `/api/v2/spot/public/coins`
 * lists them and the deposit address endpoint takes them. The ledger keeps no chains: an asset's
 * Bitget fact `chains` names them (operator API or scenario, when the asset is created); without
 * it, the coin's usual chains below (`DEFAULT_CHAINS`), else ERC20. What a chain is (its address
 * form, explorer, confirmations, whether it needs a tag) comes from `KNOWN_CHAINS` by its name;
 * an unknown name is an EVM chain without an explorer. docs/venues/bitget.md ("Chains").
 */

export const CHAINS_FACT = 'chains';
export const CHAINS_MAX = 16;

const Decimal = Type.String({ pattern: DECIMAL_PATTERN, maxLength: 40, description: 'A decimal in the coin\'s unit, e.g. "0.5"', 'x-invalid': 'must be a decimal string like "0.5" (no sign, no exponent)' });

/** One chain of an asset's `chains` fact: its name, and what to show instead of the defaults. */
export const ChainFactItem = Type.Object(
  {
    chain: Type.String({ pattern: '^[A-Za-z0-9._-]{1,32}$', description: "The chain's Bitget name, e.g. ERC20, TRC20, BTC, SOL", 'x-invalid': 'must be 1 to 32 letters, digits, dots, dashes or underscores' }),
    needTag: Type.Optional(Type.Boolean({ description: 'Deposits need a tag (memo); default: as the chain is known (XRP does), else false' })),
    withdrawFee: Type.Optional(described(Decimal, 'Shown as the withdrawal fee (default 0)')),
    minDepositAmount: Type.Optional(described(Decimal, 'Shown as the smallest deposit (default 0)')),
    minWithdrawAmount: Type.Optional(described(Decimal, 'Shown as the smallest withdrawal (default 0)')),
    contractAddress: Type.Optional(Type.String({ maxLength: 128, pattern: '^[\\x21-\\x7e]*$', description: "The token's contract on this chain (default none)" })),
    rechargeable: Type.Optional(Type.Boolean({ description: 'Deposits open (default true); false: no deposit address is given on it' })),
    withdrawable: Type.Optional(Type.Boolean({ description: 'Withdrawals open (default true)' })),
  },
  { additionalProperties: false, title: 'a chain' },
);
export type ChainFactItem = Static<typeof ChainFactItem>;

export const ChainsFact = Type.Array(ChainFactItem, { minItems: 1, maxItems: CHAINS_MAX });

/** Checks an asset's `chains` fact as given: the schema, then no chain named twice (any case). */
export function checkChains(value: unknown, path: string): ChainFactItem[] {
  const refusal = checkerFor(ChainsFact, path)(value);
  if (refusal) throw refusal;
  const items = value as ChainFactItem[];
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    const name = item.chain.toUpperCase();
    if (seen.has(name)) throw new LedgerError('INVALID_ARGUMENT', `${path}/${i}/chain names ${item.chain} a second time`, `${path}/${i}/chain`);
    seen.add(name);
  }
  return items;
}

/** What a chain is, by its name: how its addresses look and where its explorer is. */
interface ChainKind {
  readonly family: AddressFamily;
  readonly needTag: boolean;
  readonly depositConfirm: string;
  readonly withdrawConfirm: string;
  /** The explorer's transaction URL, the hash appended (Bitget's `browserUrl`). */
  readonly txUrl: string;
  /** The explorer's address URL, the address appended (the deposit address's `url`). */
  readonly addressUrl: string;
}

const KNOWN_CHAINS: Readonly<Record<string, ChainKind>> = {
  BTC: { family: 'bitcoin', needTag: false, depositConfirm: '1', withdrawConfirm: '1', txUrl: 'https://blockchair.com/bitcoin/transaction/', addressUrl: 'https://blockchair.com/bitcoin/address/' },
  ERC20: { family: 'evm', needTag: false, depositConfirm: '12', withdrawConfirm: '64', txUrl: 'https://etherscan.io/tx/', addressUrl: 'https://etherscan.io/address/' },
  TRC20: { family: 'tron', needTag: false, depositConfirm: '19', withdrawConfirm: '19', txUrl: 'https://tronscan.org/#/transaction/', addressUrl: 'https://tronscan.org/#/address/' },
  BSC: { family: 'evm', needTag: false, depositConfirm: '15', withdrawConfirm: '15', txUrl: 'https://bscscan.com/tx/', addressUrl: 'https://bscscan.com/address/' },
  SOL: { family: 'solana', needTag: false, depositConfirm: '1', withdrawConfirm: '1', txUrl: 'https://solscan.io/tx/', addressUrl: 'https://solscan.io/account/' },
  XRP: { family: 'xrp', needTag: true, depositConfirm: '1', withdrawConfirm: '1', txUrl: 'https://xrpscan.com/tx/', addressUrl: 'https://xrpscan.com/account/' },
  DOGE: { family: 'dogecoin', needTag: false, depositConfirm: '6', withdrawConfirm: '6', txUrl: 'https://blockchair.com/dogecoin/transaction/', addressUrl: 'https://blockchair.com/dogecoin/address/' },
};

const UNKNOWN_CHAIN: ChainKind = { family: 'evm', needTag: false, depositConfirm: '12', withdrawConfirm: '12', txUrl: '', addressUrl: '' };

/** A coin's chains when its asset names none: the networks the coin is usually moved on. */
const DEFAULT_CHAINS: Readonly<Record<string, readonly string[]>> = {
  BTC: ['BTC'],
  ETH: ['ERC20'],
  USDT: ['ERC20', 'TRC20'],
  USDC: ['ERC20'],
  SOL: ['SOL'],
  XRP: ['XRP'],
  DOGE: ['DOGE'],
  TRX: ['TRC20'],
  BNB: ['BSC'],
};
const FALLBACK_CHAINS = ['ERC20'];

/** One chain of a coin, everything shown about it settled. */
export interface CoinChain {
  readonly chain: string;
  readonly family: AddressFamily;
  readonly needTag: boolean;
  readonly rechargeable: boolean;
  readonly withdrawable: boolean;
  readonly withdrawFee: string;
  readonly minDepositAmount: string;
  readonly minWithdrawAmount: string;
  readonly depositConfirm: string;
  readonly withdrawConfirm: string;
  readonly contractAddress: string;
  readonly txUrl: string;
  readonly addressUrl: string;
}

function settle(item: ChainFactItem): CoinChain {
  const kind = KNOWN_CHAINS[item.chain.toUpperCase()] ?? UNKNOWN_CHAIN;
  return {
    chain: item.chain,
    family: kind.family,
    needTag: item.needTag ?? kind.needTag,
    rechargeable: item.rechargeable ?? true,
    withdrawable: item.withdrawable ?? true,
    withdrawFee: item.withdrawFee ?? '0',
    minDepositAmount: item.minDepositAmount ?? '0',
    minWithdrawAmount: item.minWithdrawAmount ?? '0',
    depositConfirm: kind.depositConfirm,
    withdrawConfirm: kind.withdrawConfirm,
    contractAddress: item.contractAddress ?? '',
    txUrl: kind.txUrl,
    addressUrl: kind.addressUrl,
  };
}

/** The chains of a coin: its asset's `chains` fact as stored (`chainsFactOf`), else the coin's defaults. */
export function chainsOf(stored: string | undefined, coin: string): CoinChain[] {
  const items: readonly ChainFactItem[] = stored !== undefined ? (JSON.parse(stored) as ChainFactItem[]) : (DEFAULT_CHAINS[coin] ?? FALLBACK_CHAINS).map((chain) => ({ chain }));
  return items.map(settle);
}

/** The chain a `chain` parameter names among `chains` (any case); the first one when none is named. */
export function chainNamed(chains: readonly CoinChain[], name: string | undefined): CoinChain | undefined {
  if (name === undefined || name === '') return chains[0];
  const wanted = name.toUpperCase();
  return chains.find((c) => c.chain.toUpperCase() === wanted);
}
