import { LedgerError } from './errors.js';

/**
 * Amounts are integers in an asset's smallest unit (`bigint`). They travel as decimal strings in
 * the asset's own unit ("1.5" BTC) and are parsed here, exactly; no JavaScript number ever holds one.
 */

/** The most digits a wire amount may carry: far above any real balance, far below abuse. */
export const AMOUNT_DIGITS_MAX = 60;

/**
 * Every amount and every balance (system books included) is below 10^78 in base units, in
 * magnitude: 78 digits, what every engine stores exactly (PostgreSQL's numeric(78,0) is the
 * narrowest; it holds any uint256). The ledger refuses anything beyond it with INVALID_AMOUNT
 * before writing, so no engine ever meets a number it cannot store.
 */
export const BASE_UNITS_DIGITS_MAX = 78;
const BASE_UNITS_LIMIT = 10n ** BigInt(BASE_UNITS_DIGITS_MAX);

/** True when `units` is within the limit of an amount and of a balance. */
export function isWithinLimit(units: bigint): boolean {
  return -BASE_UNITS_LIMIT < units && units < BASE_UNITS_LIMIT;
}

const UNSIGNED_DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Parses a non-negative decimal string into base units at `scale`. Refuses over-precise input. */
export function parseAmount(text: unknown, scale: number, path = 'amount'): bigint {
  if (typeof text !== 'string') {
    throw new LedgerError('INVALID_AMOUNT', `${path} must be a decimal string`, path);
  }
  const match = UNSIGNED_DECIMAL.exec(text);
  if (!match) {
    throw new LedgerError('INVALID_AMOUNT', `${path} must be a non-negative decimal string like "1.25"`, path);
  }
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (whole.length + fraction.length > AMOUNT_DIGITS_MAX) {
    throw new LedgerError('INVALID_AMOUNT', `${path} has more than ${AMOUNT_DIGITS_MAX} digits`, path);
  }
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > scale) {
    throw new LedgerError('INVALID_AMOUNT', `${path} has more than ${scale} decimal places`, path);
  }
  const units = BigInt(whole + significant.padEnd(scale, '0'));
  if (!isWithinLimit(units)) {
    throw new LedgerError(
      'INVALID_AMOUNT',
      `${path} is too large: an amount has at most ${BASE_UNITS_DIGITS_MAX} digits in base units, ${BASE_UNITS_DIGITS_MAX - scale} before the point for this asset`,
      path,
    );
  }
  return units;
}

/** Parses a strictly positive amount: what every operation moves. */
export function parsePositiveAmount(text: unknown, scale: number, path = 'amount'): bigint {
  const units = parseAmount(text, scale, path);
  if (units === 0n) throw new LedgerError('INVALID_AMOUNT', `${path} must be greater than zero`, path);
  return units;
}

/** Parses a signed, non-zero amount: what an operator adjustment moves. */
export function parseSignedAmount(text: unknown, scale: number, path = 'amount'): bigint {
  if (typeof text === 'string' && text.startsWith('-')) return -parsePositiveAmount(text.slice(1), scale, path);
  return parsePositiveAmount(text, scale, path);
}

/** How `formatAmount` drops digits past `places`: `down` toward zero, `up` away from zero. */
export type AmountRounding = 'down' | 'up';

/**
 * Renders base units as a decimal string. With `places` below the scale the digits past `places`
 * are cut toward zero by default, so a shown holding never exceeds what is held; `up` rounds away
 * from zero instead, so a shown debt is never less than what is owed. With `places` omitted the
 * shortest exact form is returned ("1.5", "0", "12").
 */
export function formatAmount(units: bigint, scale: number, places?: number, rounding: AmountRounding = 'down'): string {
  const negative = units < 0n;
  let magnitude = negative ? -units : units;
  if (rounding === 'up' && places !== undefined && places < scale) {
    const step = 10n ** BigInt(scale - places);
    magnitude = ((magnitude + step - 1n) / step) * step;
  }
  const digits = magnitude.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  if (places === undefined) fraction = fraction.replace(/0+$/, '');
  else fraction = fraction.slice(0, places).padEnd(places, '0');
  const text = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}
