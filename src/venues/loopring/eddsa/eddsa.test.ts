import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sdk } from '../../../../test/support/loopring-sdk.js';
import { hashMessage } from '../api-signature.js';
import { BASE_POINT, CURVE_ORDER, SUBGROUP_ORDER, isOnCurve, multiply } from './babyjub.js';
import { publicKeyOf, verifyEddsa, type EddsaSignature } from './eddsa.js';
import { FIELD_PRIME } from './field.js';

function parse(header: string): EddsaSignature {
  return { R: { x: BigInt(`0x${header.slice(2, 66)}`), y: BigInt(`0x${header.slice(66, 130)}`) }, s: BigInt(`0x${header.slice(130)}`) };
}

test('the base point is on the curve and generates a subgroup of order L = curve order / 8', () => {
  assert.equal(isOnCurve(BASE_POINT), true);
  assert.deepEqual(multiply(BASE_POINT, SUBGROUP_ORDER), { x: 0n, y: 1n });
  assert.notDeepEqual(multiply(BASE_POINT, SUBGROUP_ORDER - 1n), { x: 0n, y: 1n });
  assert.equal(isOnCurve({ x: BASE_POINT.x, y: BASE_POINT.y + 1n }), false);
  assert.equal(isOnCurve({ x: FIELD_PRIME, y: 1n }), false, 'coordinates are field elements');
});

test("a public key is the SDK's own for the same secret (its key derivation from a wallet signature)", () => {
  for (const sig of [`0x${'11'.repeat(65)}`, `0x${'ab'.repeat(64)}1c`]) {
    const derived = sdk.generatePrivateKey({ sig, counterFactualInfo: undefined, error: undefined });
    const mine = publicKeyOf(BigInt(derived.keyPair.secretKey));
    assert.deepEqual(mine, { x: BigInt(derived.keyPair.publicKeyX), y: BigInt(derived.keyPair.publicKeyY) });
  }
  assert.throws(() => publicKeyOf(0n), RangeError);
  assert.throws(() => publicKeyOf(SUBGROUP_ORDER), RangeError);
});

test('a signature the SDK made verifies; any change to message, key, R or s does not', () => {
  const { keyPair, sk } = sdk.generatePrivateKey({ sig: `0x${'33'.repeat(65)}`, counterFactualInfo: undefined, error: undefined });
  const publicKey = { x: BigInt(keyPair.publicKeyX), y: BigInt(keyPair.publicKeyY) };
  const message = 'GET&http%3A%2F%2Flocalhost%3A8080%2Fapi%2Fv3%2FapiKey&accountId%3D7';
  const header = sdk.getEdDSASig('GET', 'http://localhost:8080', '/api/v3/apiKey', new Map([['accountId', 7]]), sk);
  const signature = parse(header);
  const m = hashMessage(message);
  assert.equal(verifyEddsa(m, signature, publicKey), true);

  assert.equal(verifyEddsa(m + 1n, signature, publicKey), false, 'another message');
  assert.equal(verifyEddsa(m, signature, publicKeyOf(12345n)), false, 'another key');
  assert.equal(verifyEddsa(m, { ...signature, s: signature.s + 1n }, publicKey), false, 's changed');
  // The equation sees s only modulo L, so s + L verifies too (harmless: nothing is keyed on a signature)...
  assert.equal(verifyEddsa(m, { ...signature, s: (signature.s + SUBGROUP_ORDER) % CURVE_ORDER }, publicKey), true, 's + L');
  assert.equal(verifyEddsa(m, { ...signature, s: signature.s + CURVE_ORDER }, publicKey), false, '...but an s at or above the curve order is refused');
  assert.equal(verifyEddsa(m, { ...signature, R: { x: signature.R.x, y: signature.R.y + 1n } }, publicKey), false, 'R off the curve');
  assert.equal(verifyEddsa(m, { ...signature, R: multiply(BASE_POINT, 99n) }, publicKey), false, 'another R on the curve');
  assert.equal(verifyEddsa(m, signature, { x: publicKey.x, y: publicKey.y + 1n }), false, 'a key off the curve');
  assert.equal(verifyEddsa(FIELD_PRIME, signature, publicKey), false, 'a message outside the field');
  assert.equal(verifyEddsa(m, { ...signature, s: -1n }, publicKey), false, 'a negative s');
});
