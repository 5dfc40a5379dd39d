import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/** An operation's idempotency hash is of this text: journals written by earlier versions compare replays against it. */

const trade = {
  type: 'trade',
  legs: [
    { from: 1, to: 2, asset: 'BTC', amount: '1', reservation: 'r-1' },
    { from: 2, to: 1, asset: 'USDT', amount: '50000' },
  ],
  fees: [{ account: 1, asset: 'USDT', amount: '0.1' }],
  note: undefined,
};

test('the canonical text sorts keys at every depth, keeps array order and leaves undefined members out, as journals already written have it', () => {
  const text = '{"fees":[{"account":1,"amount":"0.1","asset":"USDT"}],"legs":[{"amount":"1","asset":"BTC","from":1,"reservation":"r-1","to":2},{"amount":"50000","asset":"USDT","from":2,"to":1}],"type":"trade"}';
  assert.equal(canonicalJson(trade), text);
  // The hash the text had before this implementation: a replay of an old key still matches.
  assert.equal(sha256Hex(canonicalJson(trade)), '828a1b9a874a80bcaf912fbe34761dae8911f9fa2f85c0498ba4cb8bc2b8ca33');
});

test('equal content gives equal text whatever the order of its keys', () => {
  const reordered = { fees: trade.fees, type: 'trade', legs: trade.legs.map((leg) => Object.fromEntries(Object.entries(leg).reverse())) };
  assert.equal(canonicalJson(reordered), canonicalJson(trade));
  assert.equal(canonicalJson({ b: [null, true, 1.5, 'a"b'], a: {} }), '{"a":{},"b":[null,true,1.5,"a\\"b"]}');
  assert.equal(canonicalJson([]), '[]');
});

test("an operation's key is left out of its content at the top level only", () => {
  assert.equal(canonicalJson({ key: 'k-1', ...trade }, 'key'), canonicalJson(trade));
  assert.equal(canonicalJson({ a: { key: 1 }, key: 2 }, 'key'), '{"a":{"key":1}}');
});
