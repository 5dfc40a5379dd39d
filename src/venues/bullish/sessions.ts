import type { VenueCredential, VenuePort } from '../port.js';
import { FreshCache } from '../shared/fresh-cache.js';
import { bullishError } from './errors.js';
import type { SessionRevocations } from './revocations.js';
import type { SessionClaims, SessionTokens } from './session-token.js';

/**
 * Bearer authentication on every private request, kept cheap: a token verified once (signature,
 * issuer, expiry, credential, revocations) is remembered by its exact text, so a repeat costs a
 * map lookup and a clock read. A remembered token is served for `REVALIDATE_MS` at most and never
 * past its expiry; then it is verified again and checked against the store, which is how a logout
 * or a sandbox reset made elsewhere reaches this instance. A sandbox reset made in this process (a
 * new ledger generation) forgets every remembered token at once. A different text (a tampered
 * token) never matches a remembered one. Logouts are checked from memory on every request.
 */

/** How stale a remembered check may get before the store is asked again. */
export const REVALIDATE_MS = 5_000;
/** Remembered tokens at most; the oldest is forgotten first (and simply verified again if used). */
export const SESSION_CACHE_MAX = 10_000;
/** Longer than any token assetbook issues: refused before any parsing. */
const TOKEN_LENGTH_MAX = 4096;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The token in an `Authorization: Bearer <token>` header; throws Bullish's 401 when there is none or it is not a JWT. */
export function readBearerToken(header: string | undefined): string {
  if (header === undefined || header === '') throw bullishError('UNAUTHORIZED_COMMAND', 'Missing Authorization header: log in and send Bearer <token>');
  const match = /^bearer +(\S+)$/i.exec(header.trim());
  if (!match) throw bullishError('UNAUTHORIZED_COMMAND', 'Authorization header must be Bearer <token>');
  const token = match[1]!;
  if (token.length > TOKEN_LENGTH_MAX || !JWT_SHAPE.test(token)) throw bullishError('UNAUTHORIZED_COMMAND', 'Malformed token');
  return token;
}

/**
 * True when `credential` is the very record the token was issued for. A sandbox reset empties the
 * store and the ids start over, so loading the same scenario again creates a credential with the
 * same id, user and public key: only its creation time tells it apart. The token names that time
 * exactly (`cat`), and cannot have been issued before the credential existed.
 */
export function isSameCredential(credential: VenueCredential, claims: SessionClaims): boolean {
  return (
    credential.id === claims.credentialId &&
    credential.userId === claims.userId &&
    credential.createdAtMs === claims.credentialCreatedAtMs &&
    claims.issuedAtS >= Math.floor(credential.createdAtMs / 1000)
  );
}

/**
 * A remembered token is found by its last characters (its signature's) and then compared whole:
 * a lookup hashes a short key instead of the whole token, a fresh string of some 300 characters
 * on every request. Two tokens that end alike only take each other's place in the cache.
 */
const TOKEN_KEY_CHARS = 16;
const BEARER = 'Bearer ';

interface Remembered {
  readonly token: string;
  readonly claims: SessionClaims;
}

export class Sessions {
  private readonly remembered = new FreshCache<string, Remembered>(REVALIDATE_MS, SESSION_CACHE_MAX);

  constructor(
    private readonly tokens: SessionTokens,
    private readonly revocations: SessionRevocations,
    /** Where a token's credential is looked up again. */
    private readonly credentials: Pick<VenuePort, 'credential'>,
    /** The server clock (the port's): never the wall clock, so tests hold it. */
    private readonly clockMs: () => number,
    /** The ledger's generation: it changes when this process empties the store. */
    private readonly generationOf: () => number = () => 0,
  ) {}

  /**
   * The session of a remembered token sent exactly as `Bearer <token>`, not revoked: at once, with
   * no parsing (the token matched the JWT shape when it was first verified). Undefined otherwise:
   * `authenticate` then says what is wrong, or verifies the token.
   */
  known(authorization: string | undefined): SessionClaims | undefined {
    if (authorization === undefined || !authorization.startsWith(BEARER)) return undefined;
    const found = this.recall(authorization.slice(-TOKEN_KEY_CHARS), this.clockMs());
    if (found === undefined || authorization.length !== BEARER.length + found.token.length || !authorization.endsWith(found.token)) return undefined;
    return this.revocations.isRevoked(found.claims) ? undefined : found.claims;
  }

  private recall(key: string, nowMs: number): Remembered | undefined {
    return this.remembered.get(key, this.generationOf(), nowMs);
  }

  /** The session behind an Authorization header, or Bullish's 401 saying why not. */
  async authenticate(authorization: string | undefined): Promise<SessionClaims> {
    const token = readBearerToken(authorization);
    const nowMs = this.clockMs();
    const key = token.slice(-TOKEN_KEY_CHARS);
    const found = this.recall(key, nowMs);
    let claims = found?.token === token ? found.claims : undefined;
    if (claims === undefined) {
      const generation = this.generationOf();
      claims = await this.tokens.verify(token, nowMs);
      await this.revalidate(claims, nowMs);
      this.remembered.set(key, { token, claims }, generation, nowMs, Math.min(REVALIDATE_MS, claims.expiresAtMs - nowMs));
    }
    if (this.revocations.isRevoked(claims)) throw bullishError('UNAUTHORIZED_COMMAND', 'Session ended by logout: log in again');
    return claims;
  }

  /** Whether a logout seen by this process ended the session (from memory: a logout elsewhere is seen once `authenticate` re-reads the store). */
  isEnded(claims: SessionClaims): boolean {
    return this.revocations.isRevoked(claims);
  }

  /** Ends the session: its token is refused from now on, here at once and elsewhere within REVALIDATE_MS. */
  async logout(claims: SessionClaims): Promise<void> {
    await this.revocations.revoke(claims, this.clockMs());
  }

  /** The credential must still be the one that logged in (a sandbox reset removes it); the user's revocations are re-read. */
  private async revalidate(claims: SessionClaims, nowMs: number): Promise<void> {
    const credential = await this.credentials.credential(claims.publicKey);
    if (!credential || !isSameCredential(credential, claims)) {
      throw bullishError('UNAUTHORIZED_COMMAND', 'Token names a key that no longer exists: log in again');
    }
    await this.revocations.refresh(claims.userId, nowMs);
  }
}
