import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VenueError } from '../shared/venue-error.js';
import { checkLoginTimestamp, computeLoginSignature, readLoginHeaders, signatureMatches } from './login.js';

const GOOD = {
  'bx-public-key': 'HMAC-demo-alice',
  'bx-timestamp': '1700000000000',
  'bx-nonce': '1700000000000000',
  'bx-signature': 'e4d865c675202ca94c4d10b73a787c50f827765cfb476c9694ba9cc460d0646a',
};

function refusalOf(fn: () => unknown): { status: number; errorCode: number; message: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof VenueError, `expected a VenueError, got ${String(error)}`);
    const body = error.body as { errorCode: number; message: string };
    return { status: error.status, errorCode: body.errorCode, message: body.message };
  }
  assert.fail('expected a refusal');
}

describe('bullish login headers', () => {
  test('the signature is lower-case hex HMAC-SHA256 of timestamp + nonce + GET + the login path (fixed vector)', () => {
    assert.equal(computeLoginSignature('demo-alice-bullish-secret', '1700000000000', '1700000000000000'), GOOD['bx-signature']);
  });

  test('well-formed headers are read as sent, the timestamp also as a number', () => {
    assert.deepEqual(readLoginHeaders(GOOD), {
      publicKey: 'HMAC-demo-alice',
      timestamp: '1700000000000',
      timestampMs: 1_700_000_000_000,
      nonce: '1700000000000000',
      signature: GOOD['bx-signature'],
    });
  });

  const cases: [string, Record<string, string | undefined>, number, RegExp][] = [
    ['no BX-PUBLIC-KEY', { 'bx-public-key': undefined }, 8327, /Missing BX-PUBLIC-KEY/],
    ['an empty BX-PUBLIC-KEY', { 'bx-public-key': '' }, 8327, /Missing BX-PUBLIC-KEY/],
    ['a BX-PUBLIC-KEY with a space', { 'bx-public-key': 'HMAC demo' }, 8327, /BX-PUBLIC-KEY must be/],
    ['a BX-PUBLIC-KEY over 128 characters', { 'bx-public-key': 'k'.repeat(129) }, 8327, /BX-PUBLIC-KEY must be/],
    ['no BX-TIMESTAMP', { 'bx-timestamp': undefined }, 2035, /Missing BX-TIMESTAMP/],
    ['a BX-TIMESTAMP in seconds with a fraction', { 'bx-timestamp': '1700000000.5' }, 2035, /BX-TIMESTAMP must be/],
    ['a negative BX-TIMESTAMP', { 'bx-timestamp': '-1' }, 2035, /BX-TIMESTAMP must be/],
    ['no BX-NONCE', { 'bx-nonce': undefined }, 2035, /Missing BX-NONCE/],
    ['a BX-NONCE with a leading zero', { 'bx-nonce': '0123' }, 2035, /without leading zeros/],
    ['a BX-NONCE above 2^64 - 1', { 'bx-nonce': '18446744073709551616' }, 2035, /64-bit/],
    ['a BX-NONCE that is not a number', { 'bx-nonce': 'abc' }, 2035, /64-bit/],
    ['no BX-SIGNATURE', { 'bx-signature': undefined }, 8327, /Missing BX-SIGNATURE/],
    ['an upper-case hex BX-SIGNATURE', { 'bx-signature': GOOD['bx-signature'].toUpperCase() }, 8327, /lower-case hex/],
    ['a base64 BX-SIGNATURE', { 'bx-signature': Buffer.from(GOOD['bx-signature'], 'hex').toString('base64') }, 8327, /lower-case hex/],
    ['a short BX-SIGNATURE', { 'bx-signature': 'abcd' }, 8327, /lower-case hex/],
  ];
  for (const [what, change, errorCode, message] of cases) {
    test(`${what} is refused with 401 and ${errorCode}`, () => {
      const headers: Record<string, string | undefined> = { ...GOOD, ...change };
      const refusal = refusalOf(() => readLoginHeaders(headers));
      assert.equal(refusal.status, 401);
      assert.equal(refusal.errorCode, errorCode);
      assert.match(refusal.message, message);
    });
  }

  test('a repeated header counts as missing, whichever it is', () => {
    for (const [name, code] of [['bx-public-key', 8327], ['bx-timestamp', 2035], ['bx-nonce', 2035], ['bx-signature', 8327]] as const) {
      const refusal = refusalOf(() => readLoginHeaders({ ...GOOD, [name]: [GOOD[name], GOOD[name]] }));
      assert.equal(refusal.errorCode, code, name);
      assert.match(refusal.message, /Missing/, name);
    }
  });

  test('the largest u64 nonce and nonce 0 are accepted', () => {
    assert.equal(readLoginHeaders({ ...GOOD, 'bx-nonce': '18446744073709551615' }).nonce, '18446744073709551615');
    assert.equal(readLoginHeaders({ ...GOOD, 'bx-nonce': '0' }).nonce, '0');
  });
});

describe('bullish login timestamp window', () => {
  const now = 1_700_000_000_000;
  test('exactly 30 s either way is inside the window', () => {
    checkLoginTimestamp(now - 30_000, now);
    checkLoginTimestamp(now + 30_000, now);
  });
  test('one millisecond past the window either way is refused with 2035, saying by how much', () => {
    const behind = refusalOf(() => checkLoginTimestamp(now - 30_001, now));
    assert.equal(behind.errorCode, 2035);
    assert.match(behind.message, /30\.0 s behind server time; the window is ±30 s/);
    const ahead = refusalOf(() => checkLoginTimestamp(now + 45_000, now));
    assert.match(ahead.message, /45\.0 s ahead of server time/);
  });
});

describe('bullish signature comparison', () => {
  test('matches only the same digest', () => {
    assert.equal(signatureMatches(GOOD['bx-signature'], GOOD['bx-signature']), true);
    assert.equal(signatureMatches(GOOD['bx-signature'], `${GOOD['bx-signature'].slice(0, 63)}0`), false);
    assert.equal(signatureMatches('', GOOD['bx-signature']), false);
  });
});
