import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import ccxt from 'ccxt';
import { BITGET_ERRORS, bitgetError, type BitgetErrorName } from '../../src/venues/bitget/errors.js';

/**
 * The error catalogue is a promise in three places: the code (errors.ts), the client (which ccxt
 * exception each answer raises, from ccxt's `bitget` exceptions map) and the docs
 * (docs/venues/bitget.md). These tests keep the three the same: ccxt's own error handler is run
 * on every body the dialect can send, and the docs table is parsed.
 */

/**
 * The ccxt class each refusal is meant to raise. Typed by the catalogue, so a new code does not
 * compile until it says what a ccxt user sees. ExchangeError where ccxt maps nothing (40034,
 * 40084, 00001, 20001, 01001, 01002, 40028, 42017) or maps the code to ExchangeError itself (40015,
 * Bitget's "system is abnormal"; 40401, a path assetbook does not serve: ccxt has no Bitget code
 * for NotSupported, this is its parent).
 */
const CCXT_CLASS: Record<BitgetErrorName, string> = {
  accessKeyEmpty: 'AuthenticationError',
  accessSignEmpty: 'AuthenticationError',
  timestampInvalid: 'InvalidNonce',
  accessKeyInvalid: 'AuthenticationError',
  timestampExpired: 'InvalidNonce',
  signatureWrong: 'AuthenticationError',
  passphraseEmpty: 'AuthenticationError',
  passphraseWrong: 'AuthenticationError',
  permissionDenied: 'PermissionDenied',
  systemBusy: 'ExchangeError',
  parameterInvalid: 'BadRequest',
  parameterEmpty: 'BadRequest',
  parameterError: 'BadRequest',
  parameterUnknown: 'ExchangeError',
  apiKeyUnknown: 'AuthenticationError',
  classicAccount: 'ExchangeError',
  notFound: 'BadRequest',
  notServed: 'ExchangeError',
  insufficientBalance: 'InsufficientFunds',
  windowTooLong: 'ExchangeError',
  startAfterEnd: 'ExchangeError',
  tooManyRequests: 'DDoSProtection',
  mustBePositive: 'ExchangeError',
  tooPrecise: 'ExchangeError',
  subUidNotOwned: 'ExchangeError',
  clientOidInvalid: 'BadRequest',
  chainNotServed: 'ExchangeError',
  internal: 'ExchangeError',
  maintenance: 'OnMaintenance',
};

const NAMES = Object.keys(BITGET_ERRORS) as BitgetErrorName[];

/** The ccxt exception class name `bitget.handleErrors` throws for this answer; 'none' when it throws nothing. */
function ccxtClassFor(status: number, body: unknown): string {
  const ex = new ccxt.bitget();
  try {
    ex.handleErrors(status, '', 'http://127.0.0.1/api/v2/spot/account/assets', 'GET', {}, JSON.stringify(body), body, {}, '');
  } catch (error) {
    return (error as Error).constructor.name;
  }
  return 'none';
}

describe('bitget error catalogue', () => {
  for (const name of NAMES) {
    const { code, status } = BITGET_ERRORS[name];
    // ccxt matches the message (exact, then broad) before the code, so the filled-in form is checked too.
    test(`${code} (${name}, HTTP ${status}) makes ccxt raise ${CCXT_CLASS[name]}, with or without a detail in the message`, () => {
      for (const detail of ['', 'coin']) {
        const refusal = bitgetError(name, detail);
        assert.equal(refusal.status, status);
        assert.equal(ccxtClassFor(refusal.status, refusal.body), CCXT_CLASS[name], `detail ${JSON.stringify(detail)}`);
      }
    });
  }

  test("every code ccxt's bitget exceptions map lists exactly raises there the class the catalogue means", () => {
    const exact = (new ccxt.bitget() as unknown as { exceptions: { exact: Record<string, { name: string }> } }).exceptions.exact;
    for (const name of NAMES) {
      const mapped = exact[BITGET_ERRORS[name].code];
      if (mapped !== undefined) assert.equal(mapped.name, CCXT_CLASS[name], `${BITGET_ERRORS[name].code} (${name})`);
    }
  });

  test('docs/venues/bitget.md lists every code with its statuses and ccxt exception, and nothing else', () => {
    const doc = readFileSync(new URL('../../docs/venues/bitget.md', import.meta.url), 'utf8');
    const rows = doc
      .split('\n')
      .filter((line) => /^\| `\d+` \| \d{3}/.test(line))
      .map((line) => {
        const cells = line.split('|').map((c) => c.trim());
        return `${cells[1]!.replaceAll('`', '')} ${cells[2]} ${cells[4]!.split(' ')[0]}`;
      })
      .sort();
    // One row per code; a code sent with several statuses lists them in catalogue order ("503 / 500").
    const byCode = new Map<string, { statuses: number[]; ccxt: string }>();
    for (const name of NAMES) {
      const { code, status } = BITGET_ERRORS[name];
      const row = byCode.get(code) ?? { statuses: [], ccxt: CCXT_CLASS[name] };
      assert.equal(row.ccxt, CCXT_CLASS[name], `${code}: one ccxt class per code`);
      row.statuses.push(status);
      byCode.set(code, row);
    }
    const expected = [...byCode].map(([code, row]) => `${code} ${row.statuses.join(' / ')} ${row.ccxt}`).sort();
    assert.deepEqual(rows, expected);
  });
});
