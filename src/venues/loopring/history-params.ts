import type { HistoryStatus } from '../../ledger/history.js';
import { singleParam } from '../shared/query.js';
import { loopringError } from './errors.js';

/**
 * The query of `/api/v3/user/{deposits,withdrawals,transfers}` (DEX API v3; facts in
 * docs/venues/loopring.md): `accountId`, `start`/`end` (ms, 0 = no bound), `status` (CSV),
 * `limit`/`offset`, `tokenSymbol`, `hashes` (CSV), and per path `withdrawalTypes` or
 * `transferTypes`. Each malformed value is the venue's `100001` (`104003` for the account id);
 * unknown parameters are ignored.
 */

/** Rows a page holds when `limit` is absent, and at most: the venue documents neither (assetbook's choice). */
export const HISTORY_LIMIT_DEFAULT = 50;
export const HISTORY_LIMIT_MAX = 200;
/** Hashes one request may name. */
export const HASHES_MAX = 50;

/** The venue's status words, and the ledger statuses each stands for (`received` none: assetbook never shows it). */
export const LOOPRING_STATUSES = { processing: 'pending', processed: 'completed', received: null, failed: 'cancelled' } as const satisfies Record<string, HistoryStatus | null>;
export type LoopringStatus = keyof typeof LOOPRING_STATUSES;
/** The word shown for each ledger status. */
export const STATUS_WORD: Readonly<Record<HistoryStatus, LoopringStatus>> = { pending: 'processing', completed: 'processed', cancelled: 'failed' };

export interface HistoryParams {
  /** Absent only with `hashes`: then the key's own account. */
  readonly accountId?: number;
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Absent: every status. */
  readonly statuses?: HistoryStatus[];
  readonly limit: number;
  readonly offset: number;
  readonly tokenSymbol?: string;
  /** The journal keys the `hashes` name (a row's `hash` is its key, hex-encoded). */
  readonly keys?: string[];
  /** False when a type filter leaves out every row assetbook has (`withdrawalTypes=force_withdrawal`, ...). */
  readonly typeMatches: boolean;
}

const INTEGER = /^(0|[1-9][0-9]{0,15})$/;
const ACCOUNT_ID = /^(0|[1-9][0-9]{0,9})$/;
const SYMBOL = /^[A-Za-z0-9]{1,20}$/;
const HASH = /^0x([0-9a-fA-F]{2}){1,128}$/;

function param(query: unknown, name: string): string | undefined {
  const value = singleParam(query, name);
  if (value === null) throw loopringError('invalidParameter', `${name} is given more than once`);
  return value === '' ? undefined : value;
}

function integer(query: unknown, name: string): number | undefined {
  const text = param(query, name);
  if (text === undefined) return undefined;
  if (!INTEGER.test(text) || !Number.isSafeInteger(Number(text))) throw loopringError('invalidParameter', `${name} must be a non-negative integer`);
  return Number(text);
}

/** A comma list: items trimmed, empty ones dropped (the SDK's demo can send a trailing comma), each one of `allowed` (any case). */
function csv<T extends string>(query: unknown, name: string, allowed: readonly T[]): T[] | undefined {
  const text = param(query, name);
  if (text === undefined) return undefined;
  const items = text.split(',').map((item) => item.trim().toLowerCase()).filter((item) => item !== '');
  if (items.length > allowed.length * 4) throw loopringError('invalidParameter', `${name} lists too many values`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw loopringError('invalidParameter', `${name} must be a comma list of ${allowed.join(', ')}`);
  }
  return items as T[];
}

/** A journal key as a row's `hash`: its UTF-8 bytes in hex, so a hash given back names exactly that entry. */
export function hashOfKey(key: string): string {
  return `0x${Buffer.from(key, 'utf8').toString('hex')}`;
}

function keyOfHash(hash: string): string {
  if (!HASH.test(hash)) throw loopringError('invalidParameter', 'hashes must be a comma list of 0x-hex hashes');
  return Buffer.from(hash.slice(2), 'hex').toString('utf8');
}

export function parseHistoryParams(query: unknown, typeFilter: { readonly name: string; readonly allowed: readonly string[]; readonly shown: string } | null): HistoryParams {
  const accountText = param(query, 'accountId');
  if (accountText !== undefined && !(ACCOUNT_ID.test(accountText) && Number(accountText) <= 2 ** 31 - 1)) {
    throw loopringError('invalidAccountId', 'accountId must be an integer from 0 to 2147483647');
  }
  const hashes = param(query, 'hashes');
  if (accountText === undefined && hashes === undefined) throw loopringError('emptyOwner', 'accountId is required');
  const start = integer(query, 'start') ?? 0;
  const end = integer(query, 'end') ?? 0;
  if (end !== 0 && start > end) throw loopringError('invalidParameter', 'start is after end');
  const words = csv(query, 'status', Object.keys(LOOPRING_STATUSES) as LoopringStatus[]);
  const limit = integer(query, 'limit') ?? HISTORY_LIMIT_DEFAULT;
  if (limit === 0) throw loopringError('invalidParameter', `limit must be from 1 to ${HISTORY_LIMIT_MAX}`);
  const offset = integer(query, 'offset') ?? 0;
  const tokenSymbol = param(query, 'tokenSymbol');
  if (tokenSymbol !== undefined && !SYMBOL.test(tokenSymbol)) throw loopringError('invalidParameter', 'tokenSymbol must be a token symbol');
  const hashList = hashes?.split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (hashList && hashList.length > HASHES_MAX) throw loopringError('invalidParameter', `hashes lists at most ${HASHES_MAX} hashes`);
  const types = typeFilter ? csv(query, typeFilter.name, typeFilter.allowed) : undefined;
  return {
    ...(accountText === undefined ? {} : { accountId: Number(accountText) }),
    ...(start === 0 ? {} : { fromMs: start }),
    ...(end === 0 ? {} : { toMs: end }),
    ...(words === undefined ? {} : { statuses: words.flatMap((w) => (LOOPRING_STATUSES[w] === null ? [] : [LOOPRING_STATUSES[w]])) }),
    // Beyond the most a page holds, a page holds the most (the venue's behaviour is not documented).
    limit: Math.min(limit, HISTORY_LIMIT_MAX),
    offset,
    ...(tokenSymbol === undefined ? {} : { tokenSymbol }),
    ...(hashList === undefined ? {} : { keys: hashList.map(keyOfHash) }),
    typeMatches: types === undefined || types.length === 0 || (typeFilter !== null && types.includes(typeFilter.shown)),
  };
}
