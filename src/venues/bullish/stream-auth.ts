import type { FastifyRequest } from 'fastify';
import { VenueError } from '../shared/venue-error.js';
import type { BullishContext } from './context.js';
import { bullishError } from './errors.js';
import type { SessionClaims } from './session-token.js';

/**
 * Authentication of the private-data WebSocket's upgrade. Bullish documents the `JWT_COOKIE`
 * cookie (ccxt sends only that); `Authorization: Bearer` is accepted too. The token is checked
 * exactly as on every REST request (sessions.ts): signature, expiry, its credential, logouts.
 */

export const JWT_COOKIE = 'JWT_COOKIE';

/** What Bullish sends with a 401 on the upgrade: the cookie cleared. */
export const SESSION_TERMINATED_COOKIE = `${JWT_COOKIE}=SESSION_TERMINATED; Path=/; Max-Age=0; Secure; SameSite=Strict`;

/** The value of the first `JWT_COOKIE` in a Cookie header; undefined when it has none. */
export function cookieToken(cookie: string | undefined): string | undefined {
  if (cookie === undefined) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === JWT_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The token of the upgrade as an Authorization value for `Sessions.authenticate`: from the
 * cookie when there is one (the documented way), else the Authorization header as sent; undefined
 * when the request carries neither.
 */
export function upgradeAuthorization(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const fromCookie = cookieToken(request.headers.cookie);
  if (fromCookie !== undefined) return `Bearer ${fromCookie}`;
  const header = request.headers.authorization;
  return header === undefined || header === '' ? undefined : header;
}

export interface StreamSession {
  readonly claims: SessionClaims;
  /** The Authorization value the session was proven with: checked again on every command. */
  readonly authorization: string;
}

/**
 * The upgrade's session, or Bullish's 401 body with the cookie cleared (a token that is
 * malformed, tampered, expired, logged out or whose key is gone). Undefined when no token was
 * sent at all: the caller then drops the connection, as Bullish documents.
 */
export async function authenticateUpgrade(ctx: BullishContext, request: Pick<FastifyRequest, 'headers'>): Promise<StreamSession | undefined> {
  const authorization = upgradeAuthorization(request);
  if (authorization === undefined) return undefined;
  try {
    return { claims: await ctx.sessions.authenticate(authorization), authorization };
  } catch (error) {
    if (error instanceof VenueError && error.status === 401) {
      throw new VenueError(error.status, error.body, error.message, { ...error.headers, 'set-cookie': SESSION_TERMINATED_COOKIE });
    }
    throw error;
  }
}

/** A plain GET of the stream's path: it is a WebSocket, say so (426 with `Upgrade: websocket`). */
export function upgradeRequired(): VenueError {
  const refusal = bullishError('BAD_INCOMING_REQUEST', 'This endpoint is a WebSocket: send the request with Upgrade: websocket');
  return new VenueError(426, refusal.body, refusal.message, { upgrade: 'websocket' });
}

/** An upgrade over one of the stream's caps: refused before the handshake (429, Bullish's rate-limit body). */
export function tooManyConnections(what: string): VenueError {
  return bullishError('RATE_LIMIT_EXCEEDED', `Too many WebSocket connections ${what}`);
}
