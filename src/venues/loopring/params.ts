import { decodeQuery, singleParam } from '../shared/query.js';
import { loopringError } from './errors.js';

/**
 * Reading Loopring's query parameters. Each malformed value gets the venue's code for it; none
 * reaches the ledger. Account ids and token ids are the venue's 32-bit non-negative integers,
 * written without leading zeros.
 */

const ID = /^(0|[1-9][0-9]{0,9})$/;
const ID_MAX = 2 ** 31 - 1;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** More token ids than any venue lists; a longer list is refused rather than read. */
export const TOKENS_MAX = 256;

/** How a request names an account: by the venue's account id, or by its owner's address (lower case). */
export type AccountSelector = { readonly accountId: number; readonly address?: undefined } | { readonly address: string; readonly accountId?: undefined };

function parseId(text: string): number | null {
  if (!ID.test(text)) return null;
  const value = Number(text);
  return value <= ID_MAX ? value : null;
}

/** A present, non-empty single value; undefined when absent or empty; refused when repeated. */
function optionalParam(query: unknown, name: string): string | undefined {
  const value = singleParam(query, name);
  if (value === null) throw loopringError('invalidParameter', `${name} is given more than once`);
  return value === '' ? undefined : value;
}

/** The account id of a request that must name one (`/apiKey`). */
export function parseRequiredAccountId(query: unknown): number {
  const text = singleParam(query, 'accountId');
  const id = typeof text === 'string' ? parseId(text) : null;
  if (id === null) throw loopringError('invalidAccountId', 'accountId must be an integer from 0 to 2147483647');
  return id;
}

/** `accountId` or the address parameter (`address` on balances, `owner` on account): exactly one. */
export function parseAccountSelector(query: unknown, addressParam: 'address' | 'owner'): AccountSelector {
  const idText = optionalParam(query, 'accountId');
  const address = optionalParam(query, addressParam);
  if (idText !== undefined && address !== undefined) {
    throw loopringError('invalidParameter', `give accountId or ${addressParam}, not both`);
  }
  if (idText !== undefined) {
    const accountId = parseId(idText);
    if (accountId === null) throw loopringError('invalidAccountId', 'accountId must be an integer from 0 to 2147483647');
    return { accountId };
  }
  if (address !== undefined) {
    if (!ADDRESS.test(address)) throw loopringError('invalidParameter', `${addressParam} must be 0x and 40 hex digits`);
    return { address: address.toLowerCase() };
  }
  throw loopringError('emptyOwner', `accountId or ${addressParam} is required`);
}

/**
 * The `tokens` filter: null (every token) when absent or empty, else the distinct token ids in
 * ascending order. Commas may arrive encoded once more (`%2C` inside the value), as some clients
 * send them.
 */
export function parseTokenFilter(query: unknown): number[] | null {
  let text = optionalParam(query, 'tokens');
  if (text === undefined) return null;
  if (text.includes('%')) {
    const decoded = decodeQuery(text);
    if (decoded === null) throw loopringError('invalidParameter', 'tokens is not a comma-separated list of token ids');
    text = decoded;
  }
  const items = text.split(',');
  if (items.length > TOKENS_MAX) throw loopringError('invalidParameter', `tokens lists at most ${TOKENS_MAX} token ids`);
  const ids = new Set<number>();
  for (const item of items) {
    const id = parseId(item.trim());
    if (id === null) throw loopringError('invalidParameter', 'tokens is not a comma-separated list of token ids');
    ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Every query parameter as one decoded string, for the signed message; repeated ones are refused. */
export function readParams(query: unknown): Record<string, string> {
  // No prototype: a parameter named __proto__ is a parameter like any other.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (query === null || typeof query !== 'object') return out;
  for (const name of Object.keys(query)) {
    const value = singleParam(query, name);
    if (typeof value !== 'string') throw loopringError('invalidParameter', `${name.slice(0, 64)} is given more than once`);
    out[name] = value;
  }
  return out;
}
