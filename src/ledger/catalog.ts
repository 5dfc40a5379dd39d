import { createHash } from 'node:crypto';
import { LedgerError } from './errors.js';
import type { Account, AccountKind, Asset } from './types.js';

/**
 * Validation and defaults for the catalog: assets, users and accounts. Pure functions; the ledger
 * session calls them before it writes.
 */

export interface AssetInput {
  readonly symbol: string;
  readonly name?: string;
  readonly scale: number;
  readonly bitget?: { readonly coin?: string };
  readonly bullish?: { readonly assetId?: string; readonly precision?: number };
  readonly loopring?: { readonly tokenId?: number; readonly address?: string; readonly decimals?: number };
}

export interface AccountIdentityInput {
  readonly label?: string;
  readonly bitgetUid?: string;
  readonly bullishTradingAccountId?: string;
  readonly loopringAccountId?: number;
  readonly loopringAddress?: string;
  readonly loopringPublicKey?: { readonly x: string; readonly y: string } | null;
}

const SYMBOL = /^[A-Z0-9]{1,20}$/;
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DIGITS = /^[1-9][0-9]{0,19}$/;
const ETH_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const FIELD_ELEMENT = /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/;
export const SCALE_MAX = 36;

function invalid(path: string, message: string): never {
  throw new LedgerError('INVALID_ARGUMENT', `${path} ${message}`, path);
}

function checkInteger(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function checkText(value: unknown, pattern: RegExp, path: string, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) invalid(path, `must be ${what}`);
  return value;
}

/** Fills an asset's venue identities: ids continue after the highest one taken. */
export function buildAsset(input: AssetInput, existing: readonly Asset[]): Asset {
  const symbol = checkText(input.symbol, SYMBOL, 'symbol', '1 to 20 upper-case letters or digits');
  const scale = checkInteger(input.scale, 0, SCALE_MAX, 'scale');
  const name = input.name === undefined ? symbol : checkText(input.name, /^.{1,64}$/u, 'name', '1 to 64 characters');
  const nextBullishId = 1 + Math.max(0, ...existing.map((a) => Number(a.bullish.assetId)));
  const nextTokenId = existing.length === 0 ? 0 : 1 + Math.max(...existing.map((a) => a.loopring.tokenId));
  return {
    symbol,
    name,
    scale,
    bitget: { coin: checkText(input.bitget?.coin ?? symbol, SYMBOL, 'bitget/coin', 'a coin name like BTC') },
    bullish: {
      assetId: checkText(input.bullish?.assetId ?? String(nextBullishId), DIGITS, 'bullish/assetId', 'a decimal id without leading zeros'),
      precision: checkInteger(input.bullish?.precision ?? scale, 0, SCALE_MAX, 'bullish/precision'),
    },
    loopring: {
      tokenId: checkInteger(input.loopring?.tokenId ?? nextTokenId, 0, 2 ** 31 - 1, 'loopring/tokenId'),
      address: checkText(input.loopring?.address ?? derivedAddress(`token:${symbol}`), ETH_ADDRESS, 'loopring/address', 'a 0x-prefixed 20-byte hex address').toLowerCase(),
      decimals: checkInteger(input.loopring?.decimals ?? scale, 0, SCALE_MAX, 'loopring/decimals'),
    },
  };
}

export function checkUserName(name: unknown): string {
  return checkText(name, USER_NAME, 'name', '1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit');
}

/** A stable, made-up Ethereum-style address for things the scenario did not name. */
export function derivedAddress(seed: string): string {
  return `0x${createHash('sha256').update(`assetbook:${seed}`).digest('hex').slice(0, 40)}`;
}

/** The identities the ledger generates when none is given. */
export type GeneratedIdentity = 'bitgetUid' | 'bullishTradingAccountId' | 'loopringAccountId' | 'loopringAddress';

/**
 * The `attempt`-th candidate for an identity of account `id`, in each venue's style (Bitget
 * numeric uid, Bullish id starting 111, Loopring account id and address). Attempt 0 derives it
 * from the id alone; later attempts step past values a scenario fixed for other accounts, so the
 * session asks the store which candidate is free and takes the first.
 */
export function identityCandidate(field: GeneratedIdentity, id: number, attempt: number): string | number {
  switch (field) {
    case 'bitgetUid':
      return String(6_000_000_000 + id + attempt);
    case 'bullishTradingAccountId':
      return String(111_000_000_000_000 + id + attempt);
    case 'loopringAccountId':
      return 10_000 + id + attempt;
    case 'loopringAddress':
      return derivedAddress(attempt === 0 ? `account:${id}` : `account:${id}:${attempt}`);
  }
}

/** An account's venue identities: the ones given, else generated ones (`identityCandidate`). */
export function buildAccount(
  id: number,
  userId: number,
  kind: AccountKind,
  input: AccountIdentityInput,
  createdAtMs: number,
): Account {
  const key = input.loopringPublicKey ?? null;
  if (key !== null) {
    checkText(key.x, FIELD_ELEMENT, 'loopringPublicKey/x', 'a field element (0x-hex or decimal)');
    checkText(key.y, FIELD_ELEMENT, 'loopringPublicKey/y', 'a field element (0x-hex or decimal)');
  }
  return {
    id,
    userId,
    kind,
    label: checkText(input.label ?? (kind === 'main' ? 'main' : `sub-${id}`), /^.{1,64}$/u, 'label', '1 to 64 characters'),
    bitgetUid: checkText(input.bitgetUid ?? identityCandidate('bitgetUid', id, 0), DIGITS, 'bitgetUid', 'a decimal id without leading zeros'),
    bullishTradingAccountId: checkText(
      input.bullishTradingAccountId ?? identityCandidate('bullishTradingAccountId', id, 0),
      /^111[0-9]{1,17}$/,
      'bullishTradingAccountId',
      'a decimal id starting with 111',
    ),
    loopringAccountId: checkInteger(input.loopringAccountId ?? identityCandidate('loopringAccountId', id, 0), 1, 2 ** 31 - 1, 'loopringAccountId'),
    loopringAddress: checkText(input.loopringAddress ?? identityCandidate('loopringAddress', id, 0), ETH_ADDRESS, 'loopringAddress', 'a 0x-prefixed 20-byte hex address').toLowerCase(),
    loopringPublicKey: key,
    createdAtMs,
  };
}
