import { singleParam } from '../shared/query.js';
import { bullishError } from './errors.js';

/**
 * What Bullish's paginated, filtered history endpoints read from the query (REST docs,
 * "Pagination Support" and "Filtering Support"): `_pageSize` (5, 25, 50 or 100; 25 by default),
 * `_nextPage` / `_previousPage` (the cursors a page's links carry), `_metaData` (`true` asks for the
 * links), and time filters on `createdAtDatetime` (ISO 8601) or `createdAtTimestamp` (ms), each with
 * one of `gte`, `lte`, `gt`, `lt`. Anything malformed is Bullish's 2001; unknown parameters are
 * ignored (ccxt leaks `until`).
 */

export const PAGE_SIZES = [5, 25, 50, 100] as const;
export const PAGE_SIZE_DEFAULT = 25;

export interface Paging {
  readonly pageSize: number;
  /** Entries older than this journal id (`_nextPage`). */
  readonly beforeId?: number;
  /** Entries newer than this journal id (`_previousPage`). */
  readonly afterId?: number;
  /** `_metaData=true`. */
  readonly metaData: boolean;
}

export interface TimeWindow {
  /** Inclusive bounds in ms; absent when not given. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** True when the bounds leave nothing to match (`lt=0`, or `gte` after `lte`). */
  readonly empty: boolean;
  /** Whether a lower and an upper bound were given (in either field, with any keyword). */
  readonly hasLower: boolean;
  readonly hasUpper: boolean;
}

/** One value of `name`, '' counting as absent; a repeated parameter is 2001. */
export function param(query: unknown, name: string): string | undefined {
  const value = singleParam(query, name);
  if (value === null) throw bullishError('BAD_INCOMING_REQUEST', `${name} is given more than once`);
  return value === '' ? undefined : value;
}

/**
 * A cursor is the journal id of the page's edge entry, its decimal digits in unpadded base64url:
 * opaque to clients, like Bullish's (`Mjk3NzM1MzQ5NDI0NjIwMDMy` is base64 of an 18-digit id).
 */
export function encodeCursor(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

const CURSOR_ID = /^[1-9][0-9]{0,15}$/;

export function decodeCursor(name: string, text: string): number {
  const digits = /^[A-Za-z0-9_-]{1,24}$/.test(text) ? Buffer.from(text, 'base64url').toString('utf8') : '';
  // Only the exact encoding of an id is a cursor: anything else was not handed out here.
  if (!CURSOR_ID.test(digits) || !Number.isSafeInteger(Number(digits)) || encodeCursor(Number(digits)) !== text) {
    throw bullishError('BAD_INCOMING_REQUEST', `${name} is not a cursor this endpoint handed out`);
  }
  return Number(digits);
}

export function parsePaging(query: unknown): Paging {
  const sizeText = param(query, '_pageSize');
  const pageSize = sizeText === undefined ? PAGE_SIZE_DEFAULT : Number(sizeText);
  if (!(PAGE_SIZES as readonly number[]).includes(pageSize) || (sizeText !== undefined && String(pageSize) !== sizeText)) {
    throw bullishError('BAD_INCOMING_REQUEST', `_pageSize must be one of ${PAGE_SIZES.join(', ')}`);
  }
  const next = param(query, '_nextPage');
  const previous = param(query, '_previousPage');
  if (next !== undefined && previous !== undefined) throw bullishError('BAD_INCOMING_REQUEST', '_nextPage and _previousPage cannot be given together');
  const meta = param(query, '_metaData');
  if (meta !== undefined && meta !== 'true' && meta !== 'false') throw bullishError('BAD_INCOMING_REQUEST', '_metaData must be true or false');
  return {
    pageSize,
    ...(next === undefined ? {} : { beforeId: decodeCursor('_nextPage', next) }),
    ...(previous === undefined ? {} : { afterId: decodeCursor('_previousPage', previous) }),
    metaData: meta === 'true',
  };
}

/** ISO 8601 in UTC as Bullish writes it (`2023-11-14T22:13:20.000Z`); the milliseconds may be left out. */
const ISO_UTC = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,3})?Z$/;
const MILLIS = /^(0|[1-9][0-9]{0,15})$/;

function datetimeMs(name: string, text: string): number {
  const ms = ISO_UTC.test(text) ? Date.parse(text) : Number.NaN;
  // Date.parse rolls an impossible date over (Feb 30 → Mar 2): only a date that prints back the same is one.
  if (!Number.isSafeInteger(ms) || ms < 0 || new Date(ms).toISOString().slice(0, 19) !== text.slice(0, 19)) {
    throw bullishError('BAD_INCOMING_REQUEST', `${name} must be an ISO 8601 UTC datetime like 2025-05-20T01:01:01.000Z`);
  }
  return ms;
}

function timestampMs(name: string, text: string): number {
  if (!MILLIS.test(text) || !Number.isSafeInteger(Number(text))) throw bullishError('BAD_INCOMING_REQUEST', `${name} must be milliseconds since the epoch`);
  return Number(text);
}

/**
 * The window of `createdAtDatetime[...]` and `createdAtTimestamp[...]`: every bound given is
 * applied (the tightest wins); `gt` and `lt` are exclusive, so they move the bound by 1 ms.
 */
export function parseTimeWindow(query: unknown, field: 'createdAt'): TimeWindow {
  let fromMs: number | undefined;
  let toMs: number | undefined;
  for (const [suffix, read] of [['Datetime', datetimeMs], ['Timestamp', timestampMs]] as const) {
    for (const keyword of ['gte', 'gt', 'lte', 'lt'] as const) {
      const name = `${field}${suffix}[${keyword}]`;
      const text = param(query, name);
      if (text === undefined) continue;
      const ms = read(name, text);
      if (keyword === 'gte' || keyword === 'gt') {
        const bound = keyword === 'gt' ? ms + 1 : ms;
        fromMs = fromMs === undefined ? bound : Math.max(fromMs, bound);
      } else {
        const bound = keyword === 'lt' ? ms - 1 : ms;
        toMs = toMs === undefined ? bound : Math.min(toMs, bound);
      }
    }
  }
  const empty = (toMs !== undefined && toMs < 0) || (fromMs !== undefined && toMs !== undefined && fromMs > toMs);
  return {
    ...(fromMs === undefined ? {} : { fromMs }),
    ...(toMs === undefined || toMs < 0 ? {} : { toMs }),
    empty,
    hasLower: fromMs !== undefined,
    hasUpper: toMs !== undefined,
  };
}

/**
 * A page's link: the path with the request's own query, less its cursor, plus the new one, as
 * Bullish writes them (`/trading-api/v1/orders?_pageSize=5&symbol=BTCUSD&_nextPage=...`).
 */
export function pageLink(path: string, query: unknown, cursor: { readonly name: '_nextPage' | '_previousPage'; readonly id: number } | null): string | null {
  if (cursor === null) return null;
  const params = new URLSearchParams();
  if (query !== null && typeof query === 'object') {
    for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
      if (name === '_nextPage' || name === '_previousPage' || typeof value !== 'string') continue;
      params.append(name, value);
    }
  }
  params.append(cursor.name, encodeCursor(cursor.id));
  return `${path}?${params.toString()}`;
}
