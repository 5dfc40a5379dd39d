import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sdk } from '../../../../test/support/loopring-sdk.js';
import { FIELD_PRIME } from './field.js';
import { EDDSA_POSEIDON, deriveConstants, poseidon, poseidonParams } from './poseidon.js';

const SDK_KEY = '0x5fee2b4207d6f39d2d1b53bdbfd18176e17db91a9f13c18a57533bf9c88f4eb';

test('the constants are derived, not tabled: the first round constant is BLAKE2b-256("poseidon_constants") read little-endian, mod p', () => {
  const digest = 0xe57ba154fb2c47811dc1a2369b27e25a44915b4e4ece4eb8ec74850cb78e01b1n; // big-endian hex of the digest bytes
  let littleEndian = 0n;
  for (let i = 0; i < 32; i++) littleEndian |= ((digest >> BigInt(8 * (31 - i))) & 0xffn) << BigInt(8 * i);
  assert.equal(deriveConstants('poseidon_constants', 1)[0], littleEndian % FIELD_PRIME);
});

test("the EdDSA shape has 58 round constants and a 6×6 matrix, all field elements", () => {
  const params = poseidonParams(EDDSA_POSEIDON);
  assert.equal(params.roundConstants.length, 58);
  assert.equal(params.matrix.length, 6);
  for (const row of params.matrix) assert.equal(row.length, 6);
  for (const c of [...params.roundConstants, ...params.matrix.flat()]) assert.ok(c >= 0n && c < FIELD_PRIME);
});

test("Poseidon agrees with the SDK's own (its order-signing shape: t = inputs + 1, 6 full and 53 partial rounds)", () => {
  for (const inputs of [['1', '2', '3'], ['0', String(FIELD_PRIME - 1n), '123456789012345678901234567890', '42', '7', '99', '5', '11', '8', '3', '1']]) {
    const expected = BigInt(sdk.getEdDSASigWithPoseidon(inputs, SDK_KEY).hash.toString());
    const shape = { t: inputs.length + 1, fullRounds: 6, partialRounds: 53, seed: 'poseidon' };
    assert.equal(poseidon(inputs.map(BigInt), shape), expected, `${inputs.length} inputs`);
  }
});

test('Poseidon refuses no inputs and too many for its width', () => {
  assert.throws(() => poseidon([], EDDSA_POSEIDON), RangeError);
  assert.throws(() => poseidon([1n, 2n, 3n, 4n, 5n, 6n], EDDSA_POSEIDON), RangeError);
});
