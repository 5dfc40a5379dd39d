import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { WsKeySigner } from './ws-key.js';

const NOW = Date.UTC(2026, 0, 1);

test('a ws key is valid until its expiry on any signer with the same signing key, and for no other', () => {
  const signingKey = randomBytes(32);
  const key = new WsKeySigner(signingKey).issue(NOW + 300_000);
  assert.match(key, /^[A-Za-z0-9_-]{35}$/);
  const other = new WsKeySigner(Buffer.from(signingKey));
  assert.equal(other.check(key, NOW), 'valid', 'another instance with the same stored key');
  assert.equal(other.check(key, NOW + 299_999), 'valid');
  assert.equal(other.check(key, NOW + 300_000), 'expired');
  assert.equal(new WsKeySigner(randomBytes(32)).check(key, NOW), 'invalid', 'another store');
});

test('a tampered, truncated, padded or non-canonical key is invalid', () => {
  const signer = new WsKeySigner(randomBytes(32));
  const key = signer.issue(NOW + 300_000);
  const flip = (at: number) => `${key.slice(0, at)}${key[at] === 'A' ? 'B' : 'A'}${key.slice(at + 1)}`;
  for (const bad of [flip(0), flip(12), flip(20), key.slice(0, -1), `${key}=`, `${key}A`, '', 'fx2xW5hoVFbcaanWS', `${key.slice(0, 34)}${key[34] === 'A' ? 'B' : 'A'}`]) {
    assert.equal(signer.check(bad, NOW), 'invalid', JSON.stringify(bad));
  }
});
