import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAmount, parseAmount, parsePositiveAmount, parseSignedAmount } from './amount.js';
import { LedgerError } from './errors.js';

const refusal = (code: string) => (error: unknown) => error instanceof LedgerError && error.code === code;

test('parseAmount reads decimal strings into exact base units', () => {
  assert.equal(parseAmount('1.5', 8), 150_000_000n);
  assert.equal(parseAmount('0', 6), 0n);
  assert.equal(parseAmount('0.000001', 6), 1n);
  assert.equal(parseAmount('1.500000000000000000', 18), 1_500_000_000_000_000_000n);
  assert.equal(parseAmount('123456789012345678901234567890', 0), 123456789012345678901234567890n);
});

test('parseAmount accepts trailing zeros past the scale but refuses over-precise amounts', () => {
  assert.equal(parseAmount('2.1000', 2), 210n);
  assert.throws(() => parseAmount('0.001', 2), refusal('INVALID_AMOUNT'));
});

test('parseAmount refuses numbers, negatives, exponents, blanks, signs, leading zeros and huge inputs', () => {
  for (const bad of [1, -1, null, undefined, '', ' 1', '-1', '+1', '1e3', '01', '1.', '.5', '0x10', '1,5', 'NaN', '9'.repeat(61)]) {
    assert.throws(() => parseAmount(bad, 8), refusal('INVALID_AMOUNT'), `accepted ${String(bad)}`);
  }
});

test('an amount is at most 78 digits in base units: 42 before the point at scale 36, and the 60-digit wire cap first at scale 18', () => {
  assert.equal(parseAmount('9'.repeat(42), 36), 10n ** 78n - 10n ** 36n);
  assert.throws(() => parseAmount('1'.padEnd(43, '0'), 36), refusal('INVALID_AMOUNT'));
  assert.throws(() => parseAmount('9'.repeat(60), 36), refusal('INVALID_AMOUNT'));
  assert.equal(parseAmount('9'.repeat(60), 18), 10n ** 78n - 10n ** 18n);
  assert.throws(() => parseSignedAmount(`-${'9'.repeat(43)}`, 36), refusal('INVALID_AMOUNT'));
});

test('parsePositiveAmount refuses zero; parseSignedAmount takes a sign but not zero', () => {
  assert.throws(() => parsePositiveAmount('0.0', 8), refusal('INVALID_AMOUNT'));
  assert.equal(parseSignedAmount('-0.5', 1), -5n);
  assert.equal(parseSignedAmount('0.5', 1), 5n);
  assert.throws(() => parseSignedAmount('-0', 1), refusal('INVALID_AMOUNT'));
  assert.throws(() => parseSignedAmount('--1', 1), refusal('INVALID_AMOUNT'));
});

test('formatAmount renders the shortest exact form, or pads and cuts to fixed places', () => {
  assert.equal(formatAmount(150_000_000n, 8), '1.5');
  assert.equal(formatAmount(0n, 8), '0');
  assert.equal(formatAmount(1n, 18), '0.000000000000000001');
  assert.equal(formatAmount(-5n, 1), '-0.5');
  assert.equal(formatAmount(150_000_000n, 8, 8), '1.50000000');
  assert.equal(formatAmount(7_0000n, 4, 4), '7.0000');
  assert.equal(formatAmount(1_999n, 3, 2), '1.99', 'cut toward zero, never rounded up');
  assert.equal(formatAmount(5n, 0), '5');
  assert.equal(formatAmount(5n, 0, 2), '5.00');
  assert.equal(formatAmount(-1n, 3, 2), '0.00', 'a cut negative that shows as zero has no sign');
});

test('formatAmount rounds away from zero when asked, only where digits are dropped', () => {
  assert.equal(formatAmount(1_991n, 3, 2, 'up'), '2.00');
  assert.equal(formatAmount(1_990n, 3, 2, 'up'), '1.99', 'nothing dropped: unchanged');
  assert.equal(formatAmount(1n, 18, 8, 'up'), '0.00000001', 'the smallest debt still shows');
  assert.equal(formatAmount(-1n, 3, 2, 'up'), '-0.01');
  assert.equal(formatAmount(999n, 3, 0, 'up'), '1');
  assert.equal(formatAmount(5n, 0, 2, 'up'), '5.00', 'places beyond the scale: padded, nothing to round');
  assert.equal(formatAmount(1_991n, 3, undefined, 'up'), '1.991', 'without places: exact');
  assert.equal(formatAmount(1_991n, 3, 2, 'down'), formatAmount(1_991n, 3, 2));
});

test('rounded up, an amount is never below the exact one and at most one place-unit above the cut one', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 24 }), (units, scale, places) => {
      const shownScale = Math.max(scale, places);
      const up = parseAmount(formatAmount(units, scale, places, 'up'), shownScale);
      const down = parseAmount(formatAmount(units, scale, places), shownScale);
      const exact = units * 10n ** BigInt(shownScale - scale);
      assert.ok(down <= exact && exact <= up);
      assert.ok(up - down === 0n || up - down === 10n ** BigInt(shownScale - Math.min(places, shownScale)));
    }),
  );
});

test('formatAmount and parseAmount are inverse for every amount and scale', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }), (units, scale) => {
      assert.equal(parseAmount(formatAmount(units, scale), scale), units);
      assert.equal(parseAmount(formatAmount(units, scale, scale), scale), units);
    }),
  );
});
