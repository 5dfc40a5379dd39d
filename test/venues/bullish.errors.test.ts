import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import ccxt from 'ccxt';
import { BULLISH_ERRORS, buildBullishErrorBody, type BullishErrorName } from '../../src/venues/bullish/errors.js';

/**
 * The error catalogue is a promise in three places: the code (errors.ts), the client (which ccxt
 * exception each answer raises) and the docs (docs/venues/bullish.md). These tests keep the three
 * the same: ccxt's own error handler is run on every body, and the docs table is parsed.
 */

const NAMES = Object.keys(BULLISH_ERRORS) as BullishErrorName[];

/** The ccxt exception class name `bullish.handleErrors` throws for this answer; 'none' when it throws nothing. */
function ccxtClassFor(status: number, body: unknown): string {
  const ex = new ccxt.bullish();
  try {
    ex.handleErrors(status, '', 'http://127.0.0.1/trading-api/v1/accounts/asset', 'GET', {}, JSON.stringify(body), body, {}, '');
  } catch (error) {
    return (error as Error).constructor.name;
  }
  return 'none';
}

describe('bullish error catalogue', () => {
  for (const name of NAMES) {
    const entry = BULLISH_ERRORS[name];
    test(`${entry.errorCode} (${name}, HTTP ${entry.status}) makes ccxt raise ${entry.ccxt}`, () => {
      assert.equal(ccxtClassFor(entry.status, buildBullishErrorBody(name, 'test message')), entry.ccxt);
    });
  }

  test('each errorCode has one errorCodeName on the wire', () => {
    const nameOf = new Map<number, string>();
    for (const name of NAMES) {
      const body = buildBullishErrorBody(name, 'm');
      const seen = nameOf.get(body.errorCode);
      assert.ok(seen === undefined || seen === body.errorCodeName, `${body.errorCode}: ${seen} and ${body.errorCodeName}`);
      nameOf.set(body.errorCode, body.errorCodeName);
    }
  });

  test('docs/venues/bullish.md lists every code with its name, status and ccxt exception, and nothing else', () => {
    const doc = readFileSync(new URL('../../docs/venues/bullish.md', import.meta.url), 'utf8');
    const rows = doc
      .split('\n')
      .filter((line) => /^\| \d+ \| [A-Z_]+ \| \d{3} \|/.test(line))
      .map((line) => {
        const cells = line.split('|').map((c) => c.trim());
        return `${cells[1]} ${cells[2]} ${cells[3]} ${cells[5]}`;
      })
      .sort();
    const expected = NAMES.map((name) => {
      const { errorCode, errorCodeName } = buildBullishErrorBody(name, 'm');
      return `${errorCode} ${errorCodeName} ${BULLISH_ERRORS[name].status} ${BULLISH_ERRORS[name].ccxt}`;
    }).sort();
    assert.deepEqual(rows, expected);
  });
});
