import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreshCache } from './fresh-cache.js';

test('an entry is served until its time is up, and not after', () => {
  const cache = new FreshCache<string, number>(1000, 10);
  cache.set('k', 1, 0, 5000);
  assert.equal(cache.get('k', 0, 5999), 1);
  assert.equal(cache.get('k', 0, 6000), undefined);
});

test('an entry stored under another ledger generation is never served', () => {
  const cache = new FreshCache<string, number>(1000, 10);
  cache.set('k', 1, 0, 0);
  assert.equal(cache.get('k', 1, 1), undefined);
  assert.equal(cache.size, 0);
});

test('at the cap the oldest entry makes room, so ever-new keys cannot grow it', () => {
  const cache = new FreshCache<number, number>(1000, 3);
  for (let i = 0; i < 100; i++) cache.set(i, i, 0, 0);
  assert.equal(cache.size, 3);
  assert.deepEqual([cache.get(96, 0, 1), cache.get(97, 0, 1), cache.get(99, 0, 1)], [undefined, 97, 99]);
});

test('a per-entry time limit can be shorter than the default', () => {
  const cache = new FreshCache<string, number>(1000, 10);
  cache.set('k', 1, 0, 0, 10);
  assert.equal(cache.get('k', 0, 11), undefined);
});
