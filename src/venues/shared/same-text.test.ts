import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameText } from './same-text.js';

test('sameText is string equality: equal texts, a difference at any position, other lengths, non-ASCII', () => {
  const base = 'k2fY0n6c0c3Lq5m8oBHa5bLqDq1xq0m6k1rY9Sx8Wm4=';
  assert.equal(sameText(base, `${base}`), true);
  assert.equal(sameText('', ''), true);
  for (let i = 0; i < base.length; i++) {
    const changed = `${base.slice(0, i)}${base[i] === 'A' ? 'B' : 'A'}${base.slice(i + 1)}`;
    assert.equal(sameText(base, changed), false, `a difference at ${i}`);
  }
  assert.equal(sameText(base, base.slice(0, -1)), false);
  assert.equal(sameText(base.slice(0, -1), base), false);
  assert.equal(sameText('pässword', 'pässword'), true);
  assert.equal(sameText('pässword', 'password'), false);
  assert.equal(sameText('🔑', '🔒'), false);
});
