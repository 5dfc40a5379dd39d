import type { VenuePort } from '../port.js';
import type { SessionClaims } from './session-token.js';

/**
 * Sessions ended by logout, per user, kept in the store (through the venue port) so that a logged-out token stays
 * refused after a restart and on every instance sharing the store. Each entry lives until its
 * token would have expired anyway. A user has at most `REVOKED_PER_USER_MAX` entries: a logout
 * beyond that ends every session of the user issued up to that second instead (never weaker than
 * asked), so one client cannot grow the record without bound.
 */

export const REVOKED_PER_USER_MAX = 1000;

export interface RevocationState {
  /** Tokens issued (`iat`, seconds) before this are refused. */
  readonly notBeforeS: number;
  /** Session id → its token's expiry (seconds). */
  readonly revoked: Readonly<Record<string, number>>;
}

export const NO_REVOCATIONS: RevocationState = { notBeforeS: 0, revoked: {} };

/** Reads a stored state; anything unreadable counts as none (the setting is only ever written here). */
export function parseRevocations(text: string | undefined): RevocationState {
  if (text === undefined) return NO_REVOCATIONS;
  try {
    const value = JSON.parse(text) as Partial<RevocationState>;
    const notBeforeS = typeof value.notBeforeS === 'number' ? value.notBeforeS : 0;
    const revoked: Record<string, number> = {};
    for (const [id, exp] of Object.entries(value.revoked ?? {})) if (typeof exp === 'number') revoked[id] = exp;
    return { notBeforeS, revoked };
  } catch {
    return NO_REVOCATIONS;
  }
}

export function isRevoked(state: RevocationState, claims: SessionClaims): boolean {
  return claims.issuedAtS < state.notBeforeS || Object.prototype.hasOwnProperty.call(state.revoked, claims.sessionId);
}

/** The state after revoking `claims` at `nowS`: expired entries dropped, the cap applied. */
export function addRevocation(state: RevocationState, claims: SessionClaims, nowS: number, max = REVOKED_PER_USER_MAX): RevocationState {
  const revoked: Record<string, number> = {};
  let count = 0;
  for (const [id, exp] of Object.entries(state.revoked)) {
    if (exp > nowS) {
      revoked[id] = exp;
      count++;
    }
  }
  if (count >= max) return { notBeforeS: Math.max(state.notBeforeS, nowS + 1), revoked: {} };
  revoked[claims.sessionId] = Math.ceil(claims.expiresAtMs / 1000);
  return { notBeforeS: state.notBeforeS, revoked };
}

/** The entries of `states` whose tokens have not expired at `nowS`, each once. */
function liveEntries(states: readonly RevocationState[], nowS: number): Record<string, number> {
  const revoked: Record<string, number> = {};
  for (const state of states) {
    for (const [id, exp] of Object.entries(state.revoked)) {
      if (exp > nowS) revoked[id] = Math.max(revoked[id] ?? 0, exp);
    }
  }
  return revoked;
}

/**
 * Both states in one: every live session either revoked, and the later `notBeforeS`. A logout is
 * never undone, so whichever state is older, nothing either refuses is accepted again. Only when
 * the union would exceed `max` and the two sides straddle a logout that ended every session (the
 * cut that emptied the newer list, so their `notBeforeS` differ) is the side with the later
 * `notBeforeS` kept alone: the entries only the other has were logged out before that cut, which
 * refuses their tokens too. Memory per user thus stays within about `max` entries.
 */
export function mergeRevocations(a: RevocationState, b: RevocationState, nowS: number, max = REVOKED_PER_USER_MAX): RevocationState {
  const notBeforeS = Math.max(a.notBeforeS, b.notBeforeS);
  const revoked = liveEntries([a, b], nowS);
  if (a.notBeforeS === b.notBeforeS || Object.keys(revoked).length <= max) return { notBeforeS, revoked };
  return { notBeforeS, revoked: liveEntries([a.notBeforeS > b.notBeforeS ? a : b], nowS) };
}

/**
 * The revocations in memory, per user. Every change is merged in, never swapped in: a refresh
 * that read the store just before a logout committed here must not put back the state without it
 * (which would accept the logged-out token until the next refresh).
 */
export class SessionRevocations {
  private readonly byUser = new Map<number, RevocationState>();

  constructor(private readonly records: Pick<VenuePort, 'revocations' | 'revokeSession'>) {}

  /** Re-reads the user's stored state (another instance may have written it) and merges it in. */
  async refresh(userId: number, nowMs: number): Promise<void> {
    const stored = parseRevocations(await this.records.revocations(userId));
    this.mergeIn(userId, stored, nowMs);
  }

  /** From memory: cheap enough for every request. `refresh` keeps it current. */
  isRevoked(claims: SessionClaims): boolean {
    return isRevoked(this.byUser.get(claims.userId) ?? NO_REVOCATIONS, claims);
  }

  async revoke(claims: SessionClaims, nowMs: number): Promise<void> {
    // Read and written in one transaction: two logouts of one user at once, on any instances, both hold.
    const written = await this.records.revokeSession(claims.userId, (current) =>
      JSON.stringify(addRevocation(parseRevocations(current), claims, Math.floor(nowMs / 1000))),
    );
    this.mergeIn(claims.userId, parseRevocations(written), nowMs);
  }

  private mergeIn(userId: number, state: RevocationState, nowMs: number): void {
    this.byUser.set(userId, mergeRevocations(this.byUser.get(userId) ?? NO_REVOCATIONS, state, Math.floor(nowMs / 1000)));
  }
}
