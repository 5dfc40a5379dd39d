import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { prehash, prehashCandidates, verifyHmac, verifyRsa, type SignedParts } from './signature.js';

const parts = (rawQuery: string, body = ''): SignedParts => ({ timestamp: '1700000000000', method: 'GET', path: '/api/v2/spot/account/assets', rawQuery, body });
const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('base64');

test('the pre-hash is timestamp + method + path, then ? and the query only when there is one, then the body', () => {
  assert.equal(prehash(parts('')), '1700000000000GET/api/v2/spot/account/assets');
  assert.equal(prehash(parts('coin=BTC')), '1700000000000GET/api/v2/spot/account/assets?coin=BTC');
  assert.equal(prehash({ ...parts(''), method: 'POST', body: '{"a":1}' }), '1700000000000POST/api/v2/spot/account/assets{"a":1}');
});

test('an encoded query yields the raw form first, then its decoded forms, without duplicates', () => {
  assert.deepEqual(prehashCandidates(parts('coin=BTC')).length, 1);
  const candidates = prehashCandidates(parts('a=x%20y+z'));
  assert.deepEqual(candidates.map((c) => c.split('?')[1]), ['a=x%20y+z', 'a=x y+z', 'a=x y z']);
});

test('a malformed escape still allows the raw form, and nothing throws', () => {
  assert.deepEqual(prehashCandidates(parts('a=%zz')).map((c) => c.split('?')[1]), ['a=%zz']);
});

test('HMAC: a signature over the raw or the decoded query verifies; one over another query does not', () => {
  const p = parts('coin=%55SDT');
  assert.equal(verifyHmac('s3cret', p, hmac('s3cret', prehash(p))), true);
  assert.equal(verifyHmac('s3cret', p, hmac('s3cret', prehash(p, 'coin=USDT'))), true);
  assert.equal(verifyHmac('s3cret', p, hmac('s3cret', prehash(p, 'coin=BTC'))), false);
  assert.equal(verifyHmac('other', p, hmac('s3cret', prehash(p))), false);
});

test('HMAC: the same digest without its base64 padding still verifies (it is compared as bytes when not as text)', () => {
  const p = parts('');
  const good = hmac('s3cret', prehash(p));
  assert.equal(good.length, 44);
  assert.equal(verifyHmac('s3cret', p, good.replace(/=+$/, '')), true);
  const wrong = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
  assert.equal(verifyHmac('s3cret', p, wrong), false);
});

test('HMAC: a signature that is not base64 of 32 bytes is refused before comparing', () => {
  const p = parts('');
  const good = hmac('s3cret', prehash(p));
  assert.equal(verifyHmac('s3cret', p, good.slice(0, -4)), false);
  assert.equal(verifyHmac('s3cret', p, `${good}AAAA`), false);
  assert.equal(verifyHmac('s3cret', p, 'not base64!'), false);
  assert.equal(verifyHmac('s3cret', p, ''), false);
});

test('RSA: SHA256withRSA over the pre-hash verifies with the public key, and not with another key', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = parts('assetType=all&coin=USDT');
  const signature = sign('sha256', Buffer.from(prehash(p)), pair.privateKey).toString('base64');
  assert.equal(verifyRsa(pair.publicKey, p, signature), true);
  assert.equal(verifyRsa(other.publicKey, p, signature), false);
  assert.equal(verifyRsa(pair.publicKey, { ...p, timestamp: '1700000000001' }, signature), false);
});
