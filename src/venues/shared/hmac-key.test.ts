import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { HmacSha256Key } from './hmac-key.js';

test("an HmacSha256Key's digest (bytes and base64) is createHmac's, for keys shorter, as long as and longer than a block, and any UTF-8 message", () => {
  const keys: (string | Buffer)[] = ['', 'demo-alice-bitget-secret', 'é ключ 🔑', 'k'.repeat(64), 'k'.repeat(65), randomBytes(64), randomBytes(200), Buffer.alloc(0)];
  for (let i = 0; i < 50; i++) keys.push(randomBytes(i * 3));
  const messages = ['', '1700000000000GET/api/v2/spot/account/assets', '1700000000000GET/api/v2/spot/account/assets?coin=ÉTH&x=%20', '🔑'.repeat(40), 'x'.repeat(1000)];
  for (const key of keys) {
    const mine = new HmacSha256Key(key);
    for (const message of messages) {
      const expected = createHmac('sha256', key).update(message).digest();
      assert.deepEqual(mine.digest(message), expected, `key ${key.toString('hex')}, message ${message.slice(0, 40)}`);
      assert.equal(mine.digestBase64(message), expected.toString('base64'), `base64: key ${key.toString('hex')}, message ${message.slice(0, 40)}`);
    }
  }
});

test('a key answers the same for repeated and interleaved messages, short and longer than its scratch space (which carries nothing over)', () => {
  const key = new HmacSha256Key('secret');
  const long = 'é'.repeat(700);
  assert.equal(key.digestBase64(long), createHmac('sha256', 'secret').update(long).digest('base64'));
  assert.equal(key.digestBase64('b'), createHmac('sha256', 'secret').update('b').digest('base64'));
  const a = key.digest('a'.repeat(100));
  const b = key.digest('b');
  assert.deepEqual(key.digest('a'.repeat(100)), a);
  assert.deepEqual(key.digest('b'), b);
  assert.notDeepEqual(a, b);
});
