import { randomBytes, webcrypto } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import { bullishError } from './errors.js';

/**
 * The session token the HMAC login hands out: a JWT (HS256) that assetbook signs with one key,
 * generated on first start and kept sealed in the store (the venue port's `loadOrCreateSigningKey`).
 * Every instance that shares the store (and the master key) accepts every token, before and after
 * a restart.
 */

export const TOKEN_ISSUER = 'assetbook/bullish';
const ALGORITHM = 'HS256';

/** What a verified token says. */
export interface SessionClaims {
  readonly userId: number;
  readonly credentialId: number;
  /** The BX-PUBLIC-KEY that logged in. */
  readonly publicKey: string;
  /**
   * When the credential that logged in was created (ms, claim `cat`). Ids are reused once a
   * sandbox reset empties the store, so id, user and key alone do not tell the same credential
   * from one created again with the same values; its creation time does.
   */
  readonly credentialCreatedAtMs: number;
  /** Unique per login: what logout revokes. */
  readonly sessionId: string;
  readonly issuedAtS: number;
  readonly expiresAtMs: number;
}

export interface SessionSubject {
  readonly userId: number;
  readonly credentialId: number;
  readonly publicKey: string;
  readonly credentialCreatedAtMs: number;
}

const POSITIVE_INT = /^[1-9][0-9]{0,15}$/;

/** The claims, when every one is present and of the right type; null otherwise. */
export function readClaims(payload: JWTPayload): SessionClaims | null {
  const { sub, cid, pk, cat, jti, iat, exp } = payload as JWTPayload & { cid?: unknown; pk?: unknown; cat?: unknown };
  if (typeof sub !== 'string' || !POSITIVE_INT.test(sub)) return null;
  if (typeof cid !== 'number' || !Number.isSafeInteger(cid) || cid < 1) return null;
  if (typeof cat !== 'number' || !Number.isSafeInteger(cat) || cat < 0) return null;
  if (typeof pk !== 'string' || pk === '' || typeof jti !== 'string' || jti === '') return null;
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isSafeInteger(exp)) return null;
  return {
    userId: Number(sub),
    credentialId: cid,
    publicKey: pk,
    credentialCreatedAtMs: cat,
    sessionId: jti,
    issuedAtS: iat,
    expiresAtMs: exp * 1000,
  };
}

export class SessionTokens {
  private constructor(
    private readonly key: webcrypto.CryptoKey,
    private readonly ttlMs: number,
  ) {}

  /** Imports the key once: jose then signs and verifies without converting it on every call. */
  static async create(keyBytes: Uint8Array, ttlMs: number): Promise<SessionTokens> {
    const key = await webcrypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return new SessionTokens(key, ttlMs);
  }

  /** A new token for the subject. `exp` is rounded up to the second, so a token lives at least the configured time. */
  async issue(subject: SessionSubject, nowMs: number): Promise<{ token: string; claims: SessionClaims }> {
    const issuedAtS = Math.floor(nowMs / 1000);
    const expiresAtS = Math.ceil((nowMs + this.ttlMs) / 1000);
    const sessionId = randomBytes(16).toString('base64url');
    const token = await new SignJWT({ cid: subject.credentialId, pk: subject.publicKey, cat: subject.credentialCreatedAtMs })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(String(subject.userId))
      .setJti(sessionId)
      .setIssuedAt(issuedAtS)
      .setExpirationTime(expiresAtS)
      .sign(this.key);
    return { token, claims: { ...subject, sessionId, issuedAtS, expiresAtMs: expiresAtS * 1000 } };
  }

  /** Verifies signature, algorithm, issuer and expiry; throws Bullish's 401 saying which failed. */
  async verify(token: string, nowMs: number): Promise<SessionClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, { issuer: TOKEN_ISSUER, algorithms: [ALGORITHM], currentDate: new Date(nowMs) }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw bullishError('UNAUTHORIZED_COMMAND', 'Token expired: log in again');
      if (error instanceof errors.JWSSignatureVerificationFailed) throw bullishError('UNAUTHORIZED_COMMAND', 'Token signature is invalid');
      throw bullishError('UNAUTHORIZED_COMMAND', 'Malformed token');
    }
    const claims = readClaims(payload);
    if (claims === null) throw bullishError('UNAUTHORIZED_COMMAND', 'Malformed token');
    return claims;
  }
}
