import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { LOOPRING_ERRORS, type LoopringErrorName } from '../../src/venues/loopring/errors.js';
import { sdk } from '../support/loopring-sdk.js';

/**
 * The error catalogue against the Loopring SDK and the docs. The SDK raises no exception classes
 * per code (it hands `resultInfo` back to the caller, and `checkErrorInfo` only rewrites wallet
 * connector messages), so what it defines is its `LoopringErrorCode` table: each code this
 * dialect sends must be the one the SDK names for what the dialect means by it.
 */

/** The SDK's name for each refusal's code. Typed by the catalogue, so a new code does not compile until it names its SDK entry. */
const SDK_NAME: Record<LoopringErrorName, string> = {
  unknown: 'Unknown_Error',
  invalidParameter: 'Invalid_Args',
  userNotFound: 'User_Not_Found',
  unsupportedTokenId: 'Unsupported_TokenId',
  emptyApiKey: 'Empty_Apikey',
  invalidApiKey: 'Invalid_Apikey',
  invalidAccountId: 'Invalid_AccountID',
  noSignature: 'No_Sig_Provided',
  wrongSignature: 'Wrong_Sig',
  emptyOwner: 'User_Cannot_Be_Empty',
  // The venue documents no body for a rate limit, and a bug has no code of its own: both are the generic code.
  tooManyRequests: 'Unknown_Error',
  internal: 'Unknown_Error',
  // Nor does a path the venue has and assetbook does not serve (the SDK's NOT_SUPPORT_ERROR is its own wallet code).
  notServed: 'Unknown_Error',
  maintenance: 'Unknown_Error',
};

const NAMES = Object.keys(LOOPRING_ERRORS) as LoopringErrorName[];

describe('loopring error catalogue', () => {
  for (const name of NAMES) {
    const { code } = LOOPRING_ERRORS[name];
    test(`${code} (${name}) is the SDK's LoopringErrorCode.${SDK_NAME[name]}`, () => {
      assert.equal(sdk.LoopringErrorCode[SDK_NAME[name]], code);
      assert.equal(sdk.LoopringErrorCode[code], SDK_NAME[name], 'and the SDK names that code so');
    });
  }

  test('every refusal but the rate limit (429), a bug (500), an unserved path (501) and maintenance (503, a fault rule\'s) is HTTP 400, the only error status the SDK resolves instead of throwing', () => {
    const thrown: Partial<Record<LoopringErrorName, number>> = { tooManyRequests: 429, internal: 500, notServed: 501, maintenance: 503 };
    for (const name of NAMES) {
      const expected = thrown[name] ?? 400;
      assert.equal(LOOPRING_ERRORS[name].status, expected, name);
    }
  });

  test('docs/venues/loopring.md lists every code with its HTTP status, and nothing else', () => {
    const doc = readFileSync(new URL('../../docs/venues/loopring.md', import.meta.url), 'utf8');
    const rows = new Set(
      doc
        .split('\n')
        .filter((line) => /^\| `\d+` \| \d{3} \|/.test(line))
        .map((line) => {
          const cells = line.split('|').map((c) => c.trim());
          return `${cells[1]!.replaceAll('`', '')} ${cells[2]}`;
        }),
    );
    const expected = new Set(NAMES.map((name) => `${LOOPRING_ERRORS[name].code} ${LOOPRING_ERRORS[name].status}`));
    assert.deepEqual([...rows].sort(), [...expected].sort());
  });
});
