import { parseAmount } from '../../ledger/amount.js';
import type { Asset } from '../../ledger/types.js';
import { param } from './context.js';
import { bitgetError } from './errors.js';
import { id, window } from './history-params.js';

/**
 * What the transfer endpoints take, read in the venue's terms and refused with its codes: a
 * JSON body's fields (all strings, as the venue documents them; a JSON number is refused, never
 * read as an amount), the account types, the amount against the coin's precision, the client's
 * id, and the record queries' times, page size and cursor. docs/venues/bitget.md ("Transfers").
 */

/** Bitget's account types as its docs and clients write them; only `spot` exists in assetbook. */
export const ACCOUNT_TYPES = [
  'spot',
  'p2p',
  'coin_futures',
  'usdt_futures',
  'usdc_futures',
  'crossed_margin',
  'isolated_margin',
  // The same accounts as other pages of the venue's docs spell them.
  'cross_margin',
  'coin_m_futures',
  'usdt_m_futures',
  'usdc_m_futures',
] as const;
export const SPOT = 'spot';

/** A clientOid: what the venue accepts (64 characters at most) and a ledger key can hold (printable, no spaces). */
const CLIENT_OID = /^[\x21-\x7e]{1,64}$/;
const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const UID = /^[1-9][0-9]{0,19}$/;
const DAY_MS = 86_400_000;
/** The longest span a record query may name, as the venue documents. */
export const RECORD_SPAN_DAYS = 90;

/** A body as an object of fields: absent is empty (each required field then says so); anything but an object is refused. */
export function bodyFields(body: unknown): Readonly<Record<string, unknown>> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw bitgetError('parameterInvalid', 'body must be a JSON object');
  return body as Record<string, unknown>;
}

/** A string field: `40019` when required and absent or empty, `40020` when not a string. */
export function textField(fields: Readonly<Record<string, unknown>>, name: string, required: true): string;
export function textField(fields: Readonly<Record<string, unknown>>, name: string, required: false): string | undefined;
export function textField(fields: Readonly<Record<string, unknown>>, name: string, required: boolean): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw bitgetError('parameterEmpty', name);
    return undefined;
  }
  if (typeof value !== 'string') throw bitgetError('parameterError', name);
  return value;
}

/** `fromType` or `toType`: one of Bitget's account types (`40020` otherwise). */
export function accountType(fields: Readonly<Record<string, unknown>>, name: 'fromType' | 'toType'): string {
  const value = textField(fields, name, true);
  if (!(ACCOUNT_TYPES as readonly string[]).includes(value)) throw bitgetError('parameterError', name);
  return value;
}

/** Refuses any account but spot, saying why: assetbook keeps spot balances only. */
export function requireSpot(name: 'fromType' | 'toType', value: string): void {
  if (value !== SPOT) throw bitgetError('parameterInvalid', `${name}: assetbook keeps spot accounts only, not ${value}`);
}

/** The client's id, when given: 1 to 64 printable characters (`40305`). */
export function clientOidOf(fields: Readonly<Record<string, unknown>>): string | undefined {
  const value = textField(fields, 'clientOid', false);
  if (value !== undefined && !CLIENT_OID.test(value)) throw bitgetError('clientOidInvalid');
  return value;
}

/**
 * The amount in the asset's smallest unit: a plain decimal (`40020` otherwise), above zero
 * (`01001`, a negative one too), with at most the asset's places (`01002`).
 */
export function amountOf(fields: Readonly<Record<string, unknown>>, asset: Asset): bigint {
  const text = textField(fields, 'amount', true);
  if (text.startsWith('-') && DECIMAL.test(text.slice(1))) throw bitgetError('mustBePositive', 'amount');
  const match = DECIMAL.exec(text);
  if (!match) throw bitgetError('parameterError', 'amount');
  const places = (match[2] ?? '').slice(1).replace(/0+$/, '').length;
  if (places > asset.scale) throw bitgetError('tooPrecise', ['amount', String(asset.scale)]);
  // Beyond the ledger's limits (60 digits, 10^78 base units) is the ledger's INVALID_AMOUNT: 40020.
  const units = parseAmount(text, asset.scale, 'amount');
  if (units === 0n) throw bitgetError('mustBePositive', 'amount');
  return units;
}

/** A uid field (`fromUserId`, `toUserId`): a decimal id (`40020` otherwise). */
export function uidField(fields: Readonly<Record<string, unknown>>, name: string): string {
  const value = textField(fields, name, true);
  if (!UID.test(value)) throw bitgetError('parameterError', name);
  return value;
}

/** What the record queries share: the time span, page size and cursor, and the client's id. */
export interface RecordQuery {
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly limit: number;
  readonly beforeId?: number;
  readonly clientOid?: string;
}

/** `startTime`, `endTime` (ms, inclusive, at most 90 days apart), `limit` (1 to `limitMax`), `idLessThan`, `clientOid`. */
export function recordQuery(query: unknown, limits: { readonly limitDefault: number; readonly limitMax: number }): RecordQuery {
  const { fromMs, toMs } = window(query, false);
  if (fromMs !== undefined && toMs !== undefined && toMs - fromMs > RECORD_SPAN_DAYS * DAY_MS) throw bitgetError('windowTooLong', String(RECORD_SPAN_DAYS));
  const limitText = param(query, 'limit');
  let limit = limits.limitDefault;
  if (limitText !== undefined && limitText !== '') {
    limit = Number(limitText);
    if (!/^[0-9]{1,4}$/.test(limitText) || limit < 1 || limit > limits.limitMax) throw bitgetError('parameterError', 'limit');
  }
  // A cursor past the largest exact integer is larger than any id here: it bounds nothing.
  const beforeId = id(query, 'idLessThan') ?? undefined;
  const clientOid = param(query, 'clientOid');
  return {
    limit,
    ...(fromMs === undefined ? {} : { fromMs }),
    ...(toMs === undefined ? {} : { toMs }),
    ...(beforeId === undefined ? {} : { beforeId }),
    ...(clientOid === undefined || clientOid === '' ? {} : { clientOid }),
  };
}
