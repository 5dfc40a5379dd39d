import type { CredentialRecord, LedgerStore } from '../../store/store.js';
import { bullishError } from './errors.js';
import type { SessionRevocations } from './revocations.js';
import type { SessionClaims, SessionTokens } from './session-token.js';

/**
 * Bearer authentication on every private request, kept cheap: a token verified once (signature,
 * issuer, expiry, credential, revocations) is remembered by its exact text until it expires, so a
 * repeat costs a map lookup and a clock read. Every `REVALIDATE_MS` a remembered token is checked
 * against the store again, which is how a logout or a sandbox reset made elsewhere reaches this
 * instance; a sandbox reset made in this process (a new ledger generation) forgets them at once.
 * A different text (a tampered token) never matches a remembered one.
 */

/** How stale a remembered check may get before the store is asked again. */
export const REVALIDATE_MS = 5_000;
/** Remembered tokens at most; the oldest is forgotten first (and simply verified again if used). */
export const SESSION_CACHE_MAX = 10_000;
/** Longer than any token assetbook issues: refused before any parsing. */
const TOKEN_LENGTH_MAX = 4096;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

interface Remembered {
  readonly claims: SessionClaims;
  checkedAtMs: number;
  generation: number;
}

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
export function isSameCredential(credential: CredentialRecord, claims: SessionClaims): boolean {
  return (
    credential.id === claims.credentialId &&
    credential.userId === claims.userId &&
    credential.createdAtMs === claims.credentialCreatedAtMs &&
    claims.issuedAtS >= Math.floor(credential.createdAtMs / 1000)
  );
}

export class Sessions {
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    private readonly tokens: SessionTokens,
    private readonly revocations: SessionRevocations,
    private readonly store: LedgerStore,
    private readonly clockMs: () => number = Date.now,
    /** The ledger's generation: it changes when this process empties the store. */
    private readonly generationOf: () => number = () => 0,
  ) {}

  /** The session behind an Authorization header, or Bullish's 401 saying why not. */
  async authenticate(authorization: string | undefined): Promise<SessionClaims> {
    const token = readBearerToken(authorization);
    const nowMs = this.clockMs();
    let entry = this.remembered.get(token);
    if (entry === undefined) {
      entry = { claims: await this.tokens.verify(token, nowMs), checkedAtMs: 0, generation: -1 };
      await this.revalidate(entry, nowMs);
      this.remember(token, entry);
    } else if (nowMs >= entry.claims.expiresAtMs) {
      this.remembered.delete(token);
      throw bullishError('UNAUTHORIZED_COMMAND', 'Token expired: log in again');
    } else if (nowMs - entry.checkedAtMs >= REVALIDATE_MS || entry.generation !== this.generationOf()) {
      try {
        await this.revalidate(entry, nowMs);
      } catch (error) {
        this.remembered.delete(token);
        throw error;
      }
    }
    if (this.revocations.isRevoked(entry.claims)) throw bullishError('UNAUTHORIZED_COMMAND', 'Session ended by logout: log in again');
    return entry.claims;
  }

  /** Ends the session: its token is refused from now on, here at once and elsewhere within REVALIDATE_MS. */
  async logout(claims: SessionClaims): Promise<void> {
    await this.revocations.revoke(claims, this.clockMs());
  }

  /** The credential must still be the one that logged in (a sandbox reset removes it); the user's revocations are re-read. */
  private async revalidate(entry: Remembered, nowMs: number): Promise<void> {
    const { claims } = entry;
    const generation = this.generationOf();
    const credential = await this.store.getCredential('bullish', claims.publicKey);
    if (!credential || !isSameCredential(credential, claims)) {
      throw bullishError('UNAUTHORIZED_COMMAND', 'Token names a key that no longer exists: log in again');
    }
    await this.revocations.refresh(claims.userId, nowMs);
    entry.checkedAtMs = nowMs;
    entry.generation = generation;
  }

  private remember(token: string, entry: Remembered): void {
    if (this.remembered.size >= SESSION_CACHE_MAX) {
      const oldest = this.remembered.keys().next();
      if (!oldest.done) this.remembered.delete(oldest.value);
    }
    this.remembered.set(token, entry);
  }
}
