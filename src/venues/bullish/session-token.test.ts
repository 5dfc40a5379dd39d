import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import type { JWTPayload } from 'jose';
import { VenueError } from '../shared/venue-error.js';
import { SessionTokens, readClaims } from './session-token.js';

const KEY = new Uint8Array(32).fill(1);
const NOW = 1_700_000_000_500;
const SUBJECT = { userId: 3, credentialId: 9, publicKey: 'HMAC-demo-carol', credentialCreatedAtMs: 1_699_999_000_123 };

async function refusal(promise: Promise<unknown>): Promise<{ status: number; errorCode: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof VenueError, `expected a VenueError, got ${String(error)}`);
    const body = error.body as { errorCode: number; message: string };
    return { status: error.status, errorCode: body.errorCode, message: body.message };
  }
  assert.fail('expected a refusal');
}

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('bullish session tokens', () => {
  test('a token issued for a subject verifies to the same claims, with the configured lifetime rounded up to the second', async () => {
    const tokens = await SessionTokens.create(KEY, 86_400_000);
    const { token, claims } = await tokens.issue(SUBJECT, NOW);
    assert.equal(claims.expiresAtMs, Math.ceil((NOW + 86_400_000) / 1000) * 1000);
    assert.deepEqual(await tokens.verify(token, NOW), claims);
    assert.equal(claims.userId, 3);
    assert.equal(claims.credentialId, 9);
    assert.equal(claims.publicKey, 'HMAC-demo-carol');
    assert.equal(claims.credentialCreatedAtMs, 1_699_999_000_123, 'the credential is named by its creation time too');
  });

  test('two logins get two sessions', async () => {
    const tokens = await SessionTokens.create(KEY, 60_000);
    const a = await tokens.issue(SUBJECT, NOW);
    const b = await tokens.issue(SUBJECT, NOW);
    assert.notEqual(a.token, b.token);
    assert.notEqual(a.claims.sessionId, b.claims.sessionId);
  });

  test('a token is refused as expired from its exp on, not before', async () => {
    const tokens = await SessionTokens.create(KEY, 1_000);
    const { token, claims } = await tokens.issue(SUBJECT, NOW);
    await tokens.verify(token, claims.expiresAtMs - 1);
    const expired = await refusal(tokens.verify(token, claims.expiresAtMs));
    assert.deepEqual([expired.status, expired.errorCode], [401, 6105]);
    assert.match(expired.message, /expired/);
  });

  test('a token whose payload was changed is refused on its signature', async () => {
    const tokens = await SessionTokens.create(KEY, 60_000);
    const { token } = await tokens.issue(SUBJECT, NOW);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const changed = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), sub: '1' };
    const tampered = await refusal(tokens.verify(`${header}.${part(changed)}.${signature}`, NOW));
    assert.deepEqual([tampered.status, tampered.errorCode], [401, 6105]);
    assert.match(tampered.message, /signature/);
  });

  test('a token signed with another key is refused on its signature', async () => {
    const other = await SessionTokens.create(new Uint8Array(32).fill(2), 60_000);
    const { token } = await other.issue(SUBJECT, NOW);
    const tokens = await SessionTokens.create(KEY, 60_000);
    assert.match((await refusal(tokens.verify(token, NOW))).message, /signature/);
  });

  test('an unsigned token (alg none) and a token with the right key but another algorithm are refused', async () => {
    const tokens = await SessionTokens.create(KEY, 60_000);
    const claims = { iss: 'assetbook/bullish', sub: '3', cid: 9, pk: 'p', jti: 'j', iat: 1, exp: 4_102_444_800 };
    const none = `${part({ alg: 'none' })}.${part(claims)}.`;
    assert.equal((await refusal(tokens.verify(none, NOW))).errorCode, 6105);
    const head = part({ alg: 'HS512' });
    const body = part(claims);
    const hs512 = `${head}.${body}.${createHmac('sha512', Buffer.from(KEY)).update(`${head}.${body}`).digest('base64url')}`;
    assert.equal((await refusal(tokens.verify(hs512, NOW))).errorCode, 6105);
  });

  test('a correctly signed token from another issuer, or without assetbook claims, is refused as malformed', async () => {
    const tokens = await SessionTokens.create(KEY, 60_000);
    const sign = (claims: object) => {
      const head = part({ alg: 'HS256' });
      const body = part(claims);
      return `${head}.${body}.${createHmac('sha256', Buffer.from(KEY)).update(`${head}.${body}`).digest('base64url')}`;
    };
    const base = { iss: 'assetbook/bullish', sub: '3', cid: 9, pk: 'p', cat: 0, jti: 'j', iat: 1, exp: 4_102_444_800 };
    assert.match((await refusal(tokens.verify(sign({ ...base, iss: 'someone-else' }), NOW))).message, /Malformed/);
    assert.match((await refusal(tokens.verify(sign({ ...base, cid: undefined }), NOW))).message, /Malformed/);
    assert.match((await refusal(tokens.verify(sign({ ...base, sub: 'alice' }), NOW))).message, /Malformed/);
    assert.match((await refusal(tokens.verify(sign({ ...base, cat: undefined }), NOW))).message, /Malformed/, 'a token without its credential time');
    assert.equal((await tokens.verify(sign(base), NOW)).userId, 3);
  });

  test('claims need every field with its type', () => {
    const base = { sub: '3', cid: 9, pk: 'p', cat: 1_699_999_000_123, jti: 'j', iat: 1, exp: 2 };
    assert.notEqual(readClaims(base), null);
    for (const broken of [{ sub: '03' }, { sub: '0' }, { cid: '9' }, { cid: 0 }, { pk: '' }, { jti: 5 }, { exp: 2.5 }, { iat: undefined }, { cat: undefined }, { cat: '1' }, { cat: -1 }, { cat: 1.5 }]) {
      assert.equal(readClaims({ ...base, ...broken } as JWTPayload), null, JSON.stringify(broken));
    }
  });
});
