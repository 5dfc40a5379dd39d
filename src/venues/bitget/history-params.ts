import { param } from './context.js';
import { BUSINESS_TYPES, GROUP_TYPES, type GroupType } from './bills.js';
import { bitgetError } from './errors.js';

/**
 * The queries of the history endpoints, as Bitget documents them (docs/venues/bitget.md has the
 * rules and the choices): deposit and withdrawal records need `startTime` and `endTime` and take
 * `coin`, `orderId`, `idLessThan`, `limit` (withdrawals also `clientOid`); bills take `coin`,
 * `groupType`, `businessType`, `startTime`, `endTime` (at most 90 days apart), `limit` and
 * `idLessThan`, all optional. An empty value is an absent one; a malformed one is `40020`.
 */

/** Records a page holds when `limit` is absent, and at most (a larger limit is served as this). */
export const RECORDS_LIMIT_DEFAULT = 20;
export const RECORDS_LIMIT_MAX = 100;
/** Bills a page holds when `limit` is absent, and at most. */
export const BILLS_LIMIT_DEFAULT = 100;
export const BILLS_LIMIT_MAX = 500;
/** The widest `startTime`..`endTime` window of the bills. */
export const BILLS_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

const TIME = /^[0-9]{1,15}$/;
const DIGITS = /^[0-9]{1,20}$/;
const LIMIT = /^[0-9]{1,9}$/;

export interface TimeWindow {
  readonly fromMs?: number;
  readonly toMs?: number;
}

export interface RecordsParams extends TimeWindow {
  readonly coin?: string;
  /** Only this record, by `orderId`; null: an id no record can have (matches nothing). */
  readonly orderId?: number | null;
  readonly clientOid?: string;
  /** Records with a smaller `orderId` only. */
  readonly idLessThan?: number;
  readonly limit: number;
}

export interface BillsParams extends TimeWindow {
  readonly coin?: string;
  readonly groupType?: GroupType;
  readonly businessType?: string;
  /** Bills with a smaller `billId` only. */
  readonly idLessThan?: number;
  readonly limit: number;
}

/** A parameter's value; undefined when absent or empty. */
function text(query: unknown, name: string): string | undefined {
  const value = param(query, name);
  return value === '' ? undefined : value;
}

function time(query: unknown, name: string, required: boolean): number | undefined {
  const value = text(query, name);
  if (value === undefined) {
    if (required) throw bitgetError('parameterEmpty', name);
    return undefined;
  }
  if (!TIME.test(value)) throw bitgetError('parameterError', name);
  return Number(value);
}

/** An id (a cursor or `orderId`); ids past the largest exact integer are larger than any assetbook gives, so they bound nothing. */
export function id(query: unknown, name: string): number | null | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  if (!DIGITS.test(value)) throw bitgetError('parameterError', name);
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

function limit(query: unknown, fallback: number, max: number): number {
  const value = text(query, 'limit');
  if (value === undefined) return fallback;
  if (!LIMIT.test(value) || Number(value) < 1) throw bitgetError('parameterError', 'limit');
  return Math.min(Number(value), max);
}

/** `startTime` and `endTime` (ms, inclusive), each required or not; a start after the end is `20001`. */
export function window(query: unknown, required: boolean): TimeWindow {
  const fromMs = time(query, 'startTime', required);
  const toMs = time(query, 'endTime', required);
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) throw bitgetError('startAfterEnd');
  return { ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }) };
}

/** A word as clients spell it: `TRANSFER_IN` (the doc's request enum), `transfer-in` (its example), `transfer_in`. */
const word = (value: string) => value.trim().toLowerCase().replace(/[-\s]+/g, '_');
/** bitget-api's filter type spells the trading fee's word out. */
const BUSINESS_ALIASES: Readonly<Record<string, string>> = { deduction_of_handling_fee: 'deduction_handling_fee' };
/** The business words the doc lists that assetbook never shows: accepted, they match nothing. */
const DOCUMENTED_BUSINESS = ['rebate_rewards', 'airdrop_rewards', 'usdt_contract_rewards', 'mix_contract_rewards', 'system_lock', 'user_lock', 'strategy_transfer_in'];

export function parseRecordsParams(query: unknown, withClientOid: boolean): RecordsParams {
  const coin = text(query, 'coin');
  const orderId = id(query, 'orderId');
  const idLessThan = id(query, 'idLessThan');
  const clientOid = withClientOid ? text(query, 'clientOid') : undefined;
  return {
    ...window(query, true),
    ...(coin === undefined ? {} : { coin }),
    ...(orderId === undefined ? {} : { orderId }),
    ...(clientOid === undefined ? {} : { clientOid }),
    ...(idLessThan === undefined || idLessThan === null ? {} : { idLessThan }),
    limit: limit(query, RECORDS_LIMIT_DEFAULT, RECORDS_LIMIT_MAX),
  };
}

export function parseBillsParams(query: unknown): BillsParams {
  const coin = text(query, 'coin');
  const group = text(query, 'groupType');
  const groupType = group === undefined ? undefined : word(group);
  if (groupType !== undefined && !(GROUP_TYPES as readonly string[]).includes(groupType)) throw bitgetError('parameterError', 'groupType');
  const business = text(query, 'businessType');
  const spelled = business === undefined ? undefined : word(business);
  const businessType = spelled === undefined ? undefined : (BUSINESS_ALIASES[spelled] ?? spelled);
  if (businessType !== undefined && !BUSINESS_TYPES.includes(businessType) && !DOCUMENTED_BUSINESS.includes(businessType)) throw bitgetError('parameterError', 'businessType');
  const span = window(query, false);
  if (span.fromMs !== undefined && span.toMs !== undefined && span.toMs - span.fromMs > BILLS_WINDOW_DAYS * DAY_MS) throw bitgetError('windowTooLong', String(BILLS_WINDOW_DAYS));
  const idLessThan = id(query, 'idLessThan');
  return {
    ...span,
    ...(coin === undefined ? {} : { coin }),
    ...(groupType === undefined ? {} : { groupType: groupType as GroupType }),
    ...(businessType === undefined ? {} : { businessType }),
    ...(idLessThan === undefined || idLessThan === null ? {} : { idLessThan }),
    limit: limit(query, BILLS_LIMIT_DEFAULT, BILLS_LIMIT_MAX),
  };
}
