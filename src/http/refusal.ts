import type { FastifyError, FastifyInstance } from 'fastify';
import { isLedgerError, type LedgerError } from '../ledger/errors.js';

/**
 * The one error chain every HTTP surface uses (the operator API and each venue): whatever a
 * handler throws becomes a `Refusal` through the surface's `RefusalRenderer`, in three tiers:
 * a refusal already in the surface's shape passes as it is; a ledger refusal goes through the
 * surface's map of ledger codes (the compiler keeps each map complete); input refused before a
 * handler ran (schema, body parser, content type, size) is a bad request with the status Fastify
 * chose and where it was found; anything else is a bug: logged, and answered in the surface's
 * internal-error shape with nothing of the cause. A store that cannot be reached reaches here
 * as the ledger's STORE_UNAVAILABLE (the engines throw it), so no surface knows a driver's codes.
 */

/** A refusal in its surface's own shape: the status, the body and the headers to send. */
export class Refusal extends Error {
  override readonly name: string = 'Refusal';
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

/** Where a schema refused the request: the request part and the field's path within it. */
export interface RefusedInput {
  /** `body`, `querystring`, `params` or `headers`. */
  readonly context: string;
  /** The offending field: relative to the body (`amount`, `legs/0/from`), else `<context>/<field>`; '' for the part as a whole. */
  readonly path: string;
  /** What is wrong with it, in the validator's words. */
  readonly reason: string;
}

/** How one surface renders everything that can go wrong on its routes. */
export interface RefusalRenderer {
  /** Tier two: a ledger refusal, through the surface's map of ledger codes. */
  ledger(error: LedgerError): Refusal;
  /**
   * Input refused before a handler ran. `status` is the HTTP status Fastify chose (400, 413,
   * 415...); `input` says where, when a schema refused it.
   */
  badRequest(message: string, status: number, input?: RefusedInput): Refusal;
  /** No route for this method and path under the surface's base paths. */
  notFound(method: string, path: string): Refusal;
  /** Tier three, a bug: the client sees the internal-error shape and nothing of the cause. */
  internal(): Refusal;
}

export interface RefusalOptions {
  /** False for a plugin without a prefix of its own, where the not-found handler belongs to whoever owns that prefix. */
  readonly notFound?: boolean;
  /** Finishes a refusal's body as it goes out (a venue stamping the server time, say). */
  readonly present?: (body: unknown) => unknown;
}

/** Installs the surface's error and not-found handlers on its encapsulated plugin: nothing under it answers in another shape. */
export function installRefusals(app: FastifyInstance, renderer: RefusalRenderer, options: RefusalOptions = {}): void {
  const present = options.present ?? ((body: unknown) => body);
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const refusal = toRefusal(error, renderer);
    if (refusal.status >= 500) request.log.error({ err: error }, isStoreUnavailable(error) ? 'store unreachable' : 'internal error');
    return reply.status(refusal.status).headers(refusal.headers).send(present(refusal.body));
  });
  if (options.notFound === false) return;
  app.setNotFoundHandler((request, reply) => {
    const refusal = renderer.notFound(request.method, request.url.split('?')[0] ?? '');
    return reply.status(refusal.status).headers(refusal.headers).send(present(refusal.body));
  });
}

function isStoreUnavailable(error: unknown): boolean {
  return isLedgerError(error) && error.code === 'STORE_UNAVAILABLE';
}

/** Where a Fastify schema error points: body fields relative to the body, other parts named. */
function refusedInput(error: FastifyError): RefusedInput {
  const first = error.validation?.[0];
  const context = error.validationContext ?? 'body';
  const pointer = (first?.instancePath ?? '').replace(/^\//, '');
  const path = context === 'body' ? pointer : `${context}${pointer === '' ? '' : `/${pointer}`}`;
  return { context, path, reason: first?.message ?? 'is invalid' };
}

export function toRefusal(error: unknown, renderer: RefusalRenderer): Refusal {
  if (error instanceof Refusal) return error;
  if (isLedgerError(error)) return renderer.ledger(error);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const input = refusedInput(fastifyError);
    const where = `${input.context}${fastifyError.validation[0]?.instancePath ?? ''}`;
    return renderer.badRequest(`${where} ${input.reason}`, 400, input);
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return renderer.badRequest(fastifyError.message, fastifyError.statusCode);
  }
  return renderer.internal();
}
