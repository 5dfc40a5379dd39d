import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * JSON request bodies of a venue whose signatures cover the body as sent (Bitget's POSTs, Bullish's
 * commands): the text is kept as it arrived (`rawBodyOf`), byte for byte, beside the parsed value,
 * since `JSON.stringify` of the parsed body would differ from what the client signed as soon as it
 * spaced, escaped or wrote a number differently. Parsing is Fastify's own JSON parser (prototype
 * poisoning refused); a body it cannot parse, or one over the body limit, is refused before the
 * route with the venue's bad-request error.
 */

const rawBodies = new WeakMap<FastifyRequest['raw'], string>();

/** Replaces the JSON parser of `scope` (an encapsulated plugin: other surfaces keep theirs) with one that keeps the text. */
export function keepRawJsonBodies(scope: FastifyInstance): void {
  const parse = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    rawBodies.set(request.raw, text);
    parse(request, text, done);
  });
}

/** The body's text exactly as received; '' for a request without one (a GET). */
export function rawBodyOf(request: FastifyRequest): string {
  return rawBodies.get(request.raw) ?? '';
}
