import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Keyring } from '../../credentials/keyring.js';
import { admitAuthenticated, admitUnauthenticated, type BullishContext } from './context.js';
import { bullishError } from './errors.js';
import { checkLoginTimestamp, computeLoginSignature, readLoginHeaders, signatureMatches } from './login.js';
import * as S from './schemas.js';

/** Bullish's authorizer is 32 upper-case hex digits; here a stable one per user, derived with the keyring's hash key. */
export function deriveAuthorizer(keyring: Keyring, userId: number): string {
  return keyring.hash(`bullish/authorizer/${userId}`).slice(0, 32).toUpperCase();
}

/** The HMAC login, and logout. */
export function registerSessionRoutes(app: FastifyInstance, ctx: BullishContext): void {
  const { port } = ctx;
  const { keyring } = port;

  app.get('/v1/users/hmac/login', { schema: { hide: true, response: { 200: S.LoginBody } } }, async (request, reply) => {
    await admitUnauthenticated(ctx, request, reply);
    const nowMs = port.clock();
    const login = readLoginHeaders(request.headers);
    checkLoginTimestamp(login.timestampMs, nowMs);
    const credential = await port.credential(login.publicKey);
    if (!credential || credential.secretSealed === null) throw bullishError('INVALID_LOGIN', 'Invalid login: unknown BX-PUBLIC-KEY');
    const expected = computeLoginSignature(keyring.open(credential.secretSealed), login.timestamp, login.nonce);
    if (!signatureMatches(login.signature, expected)) {
      throw bullishError('INVALID_LOGIN', 'Invalid login: BX-SIGNATURE does not match timestamp + nonce + GET + /trading-api/v1/users/hmac/login');
    }
    // Recorded only now, once the signature proves the key's holder sent it.
    if (!(await ctx.nonces.claim(login.publicKey, login.nonce, login.timestampMs, nowMs))) {
      throw bullishError('INVALID_NONCE', 'BX-NONCE was already used by this key');
    }
    const subject = { userId: credential.userId, credentialId: credential.id, publicKey: credential.publicId, credentialCreatedAtMs: credential.createdAtMs };
    const { token } = await ctx.tokens.issue(subject, nowMs);
    const authorizer = deriveAuthorizer(keyring, credential.userId);
    return { authorizer, ownerAuthorizer: authorizer, token };
  });

  // The venue documents GET; POST is accepted too.
  const logout = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await admitAuthenticated(ctx, request, reply);
    await ctx.sessions.logout(session);
    return {};
  };
  app.get('/v1/users/logout', { schema: { hide: true, response: { 200: S.LogoutBody } } }, logout);
  app.post('/v1/users/logout', { schema: { hide: true, response: { 200: S.LogoutBody } } }, logout);
}
