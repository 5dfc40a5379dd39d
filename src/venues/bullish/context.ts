import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VenuePort } from '../port.js';
import type { BullishSettings } from './settings.js';
import { LOGIN_TIMESTAMP_WINDOW_MS } from './login.js';
import { NonceRegistry } from './nonce-registry.js';
import { BULLISH_RATE_LIMITS, consumeOrRefuse, type BullishLimiters } from './rate-limits.js';
import { SessionRevocations } from './revocations.js';
import { SessionTokens, type SessionClaims } from './session-token.js';
import { Sessions } from './sessions.js';
import { TradingAccountDirectory } from './trading-accounts.js';

/** Everything the Bullish routes share, built once when the dialect is registered. */
export interface BullishContext {
  readonly port: VenuePort;
  readonly limiters: BullishLimiters;
  readonly tokens: SessionTokens;
  readonly sessions: Sessions;
  readonly nonces: NonceRegistry;
  readonly accounts: TradingAccountDirectory;
}

export async function createBullishContext(port: VenuePort): Promise<BullishContext> {
  const tokens = await SessionTokens.create(await port.loadOrCreateSigningKey(), (port.settings as BullishSettings).tokenTtlMs);
  const clock = () => port.clock();
  const generation = () => port.generation();
  return {
    port,
    limiters: {
      unauthenticated: port.limiter(BULLISH_RATE_LIMITS.unauthenticated),
      authenticated: port.limiter(BULLISH_RATE_LIMITS.authenticated),
      ip: port.limiter(BULLISH_RATE_LIMITS.ip),
      custody: port.limiter(BULLISH_RATE_LIMITS.custody),
    },
    tokens,
    sessions: new Sessions(tokens, new SessionRevocations(port), port, clock, generation),
    nonces: new NonceRegistry(port, LOGIN_TIMESTAMP_WINDOW_MS),
    accounts: new TradingAccountDirectory(port, clock, generation),
  };
}

/** A public request (and the login): counted per IP in the unauthenticated category. */
export async function admitUnauthenticated(ctx: BullishContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await consumeOrRefuse(ctx.limiters.unauthenticated, request.ip, reply);
}

/**
 * A private request: the bearer token must be good; then it is counted per user in the
 * authenticated category. A remembered token with limits off is admitted at once (no promise).
 */
export function admitAuthenticated(ctx: BullishContext, request: FastifyRequest, reply: FastifyReply): SessionClaims | Promise<SessionClaims> {
  const known = ctx.sessions.known(request.headers.authorization);
  if (known === undefined) return admitVerified(ctx, request, reply);
  const admitted = consumeOrRefuse(ctx.limiters.authenticated, `user:${known.userId}`, reply);
  return admitted === undefined ? known : admitted.then(() => known);
}

async function admitVerified(ctx: BullishContext, request: FastifyRequest, reply: FastifyReply): Promise<SessionClaims> {
  const session = await ctx.sessions.authenticate(request.headers.authorization);
  await consumeOrRefuse(ctx.limiters.authenticated, `user:${session.userId}`, reply);
  return session;
}
