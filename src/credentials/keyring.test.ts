import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from './keyring.js';

const keyring = new Keyring(Buffer.alloc(32, 7));

test('a sealed secret opens to the same text and does not contain it', () => {
  const sealed = keyring.seal('my-hmac-secret');
  assert.equal(keyring.open(sealed), 'my-hmac-secret');
  assert.ok(!sealed.includes('my-hmac-secret'));
  assert.notEqual(keyring.seal('my-hmac-secret'), sealed, 'every seal uses a fresh nonce');
});

test('a sealed secret does not open with another key, nor after tampering', () => {
  const sealed = keyring.seal('secret');
  assert.throws(() => new Keyring(Buffer.alloc(32, 8)).open(sealed));
  const [v, iv, body, tag] = sealed.split('.');
  const flipped = Buffer.from(body ?? '', 'base64url');
  flipped[0] = (flipped[0] ?? 0) ^ 1;
  assert.throws(() => keyring.open([v, iv, flipped.toString('base64url'), tag].join('.')));
});

test('hashes are keyed: the same value hashes differently under another key', () => {
  assert.ok(keyring.matches('pass', keyring.hash('pass')));
  assert.ok(!keyring.matches('pass2', keyring.hash('pass')));
  assert.notEqual(new Keyring(Buffer.alloc(32, 8)).hash('pass'), keyring.hash('pass'));
});

test('keys are read from 64 hex digits or base64, and anything else is refused', () => {
  assert.equal(Keyring.parseKey('ab'.repeat(32)).length, 32);
  assert.equal(Keyring.parseKey(Buffer.alloc(32, 1).toString('base64')).length, 32);
  assert.throws(() => Keyring.parseKey('short'));
});
