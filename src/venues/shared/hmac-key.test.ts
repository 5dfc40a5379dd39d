import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { HmacSha256Key } from './hmac-key.js';

test("an HmacSha256Key's digest is createHmac's, for keys shorter, as long as and longer than a block, and any UTF-8 message", () => {
  const keys: (string | Buffer)[] = ['', 'demo-alice-bitget-secret', 'é ключ 🔑', 'k'.repeat(64), 'k'.repeat(65), randomBytes(64), randomBytes(200), Buffer.alloc(0)];
  for (let i = 0; i < 50; i++) keys.push(randomBytes(i * 3));
  const messages = ['', '1700000000000GET/api/v2/spot/account/assets', '1700000000000GET/api/v2/spot/account/assets?coin=ÉTH&x=%20', '🔑'.repeat(40), 'x'.repeat(1000)];
  for (const key of keys) {
    const mine = new HmacSha256Key(key);
    for (const message of messages) {
      assert.deepEqual(mine.digest(message), createHmac('sha256', key).update(message).digest(), `key ${key.toString('hex')}, message ${message.slice(0, 40)}`);
    }
  }
});

test('a key answers the same for repeated and interleaved messages (its scratch space carries nothing over)', () => {
  const key = new HmacSha256Key('secret');
  const a = key.digest('a'.repeat(100));
  const b = key.digest('b');
  assert.deepEqual(key.digest('a'.repeat(100)), a);
  assert.deepEqual(key.digest('b'), b);
  assert.notDeepEqual(a, b);
});
