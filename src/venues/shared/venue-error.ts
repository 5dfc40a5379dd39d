import type { FastifyError, FastifyInstance } from 'fastify';
import { isLedgerError, type LedgerError } from '../../ledger/errors.js';

/**
 * A refusal already in the venue's own shape: the status and the body the venue would send.
 * Venue code throws it; the venue's error handler sends it as it is.
 */
export class VenueError extends Error {
  override readonly name = 'VenueError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
    /** Headers the refusal carries (a rate limit's reset time, say). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** How one venue renders everything that can go wrong on its routes. */
export interface VenueErrorRenderer {
  /** Tier two: a ledger refusal, through the venue's `LedgerErrorMap`. */
  ledger(error: LedgerError): VenueError;
  /** Input refused before a handler ran: schema, body parser, content type, size. `status` is the HTTP status Fastify chose. */
  badRequest(message: string, status: number): VenueError;
  /** No route for this method and path under the venue's base paths. */
  notFound(method: string, path: string): VenueError;
  /** Tier three, a bug: the client sees the venue's internal-error shape and nothing of the cause. */
  internal(): VenueError;
}

/**
 * Installs the venue's error and not-found handlers on its encapsulated plugin, so nothing under
 * its base paths answers in another shape, and nothing a client sends produces a stack trace.
 * `notFound: false` is for a plugin without a prefix of its own (a single route outside the
 * venue's base path), where the not-found handler belongs to whoever owns that prefix.
 */
export interface VenueErrorOptions {
  readonly notFound?: boolean;
  /** Finishes a refusal's body as it goes out: Bitget stamps its `requestTime` with the server clock. */
  readonly present?: (body: unknown) => unknown;
}

export function installVenueErrors(app: FastifyInstance, renderer: VenueErrorRenderer, options: VenueErrorOptions = {}): void {
  const present = options.present ?? ((body: unknown) => body);
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const refusal = toVenueError(error, renderer);
    if (refusal.status >= 500) request.log.error({ err: error }, isStoreUnavailable(error) ? 'store unreachable' : 'internal error');
    return reply.status(refusal.status).headers(refusal.headers).send(present(refusal.body));
  });
  if (options.notFound === false) return;
  app.setNotFoundHandler((request, reply) => {
    const refusal = renderer.notFound(request.method, request.url.split('?')[0] ?? '');
    return reply.status(refusal.status).headers(refusal.headers).send(present(refusal.body));
  });
}

/** The venue port turns a store that cannot be reached into this ledger code (see the server's venue-port.ts). */
function isStoreUnavailable(error: unknown): boolean {
  return isLedgerError(error) && error.code === 'STORE_UNAVAILABLE';
}

export function toVenueError(error: unknown, renderer: VenueErrorRenderer): VenueError {
  if (error instanceof VenueError) return error;
  if (isLedgerError(error)) return renderer.ledger(error);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const first = fastifyError.validation[0];
    const where = `${fastifyError.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
    return renderer.badRequest(`${where} ${first?.message ?? 'is invalid'}`, 400);
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return renderer.badRequest(fastifyError.message, fastifyError.statusCode);
  }
  return renderer.internal();
}
