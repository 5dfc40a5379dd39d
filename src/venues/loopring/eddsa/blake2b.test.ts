import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blake2b } from './blake2b.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);

test('BLAKE2b-512 of "abc" is the RFC 7693 appendix A digest, and equals node:crypto', async () => {
  const expected = 'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923';
  assert.equal(hex(blake2b(text('abc'), 64)), expected);
  const { createHash } = await import('node:crypto');
  for (const length of [0, 1, 127, 128, 129, 256, 1000]) {
    const data = new Uint8Array(length).map((_, i) => (i * 7 + 3) & 0xff);
    assert.equal(hex(blake2b(data, 64)), createHash('blake2b512').update(data).digest('hex'), `${length} bytes`);
  }
});

test('BLAKE2b-256 is its own hash, not a truncated BLAKE2b-512: published digests of "" and "abc"', () => {
  assert.equal(hex(blake2b(new Uint8Array(0), 32)), '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
  assert.equal(hex(blake2b(text('abc'), 32)), 'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
});

test('a digest length outside 1 to 64 is refused', () => {
  for (const bad of [0, 65, 1.5]) assert.throws(() => blake2b(text('x'), bad), RangeError);
});
