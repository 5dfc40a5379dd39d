import type { FastifyReply } from 'fastify';
import { assert } from '../ledger/errors.js';

/** The content type Fastify gives a serialized JSON answer. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * `payload` through the route's own response serializer (its 200 schema): the very bytes Fastify
 * would send, as text a read can keep (`port.cachedRead`) and send again as it is.
 */
export function serializedForRoute(reply: FastifyReply, payload: unknown): string {
  const text = reply.serialize(payload);
  assert(typeof text === 'string', 'a JSON route serializes to text');
  return text;
}

/** Sends JSON text as it is: Fastify does not serialize a string sent with a JSON content type. */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type(JSON_CONTENT_TYPE).send(text);
}

/**
 * Sends a kept read (`port.cachedRead`) the way it comes: a text at once, in the same turn with no
 * promise, or once its computation resolves. A handler that is not async returns what this returns
 * (the reply is sent by then, so Fastify has nothing more to send).
 */
export function sendWhenReady(text: string | Promise<string>, send: (text: string) => unknown): void | Promise<void> {
  if (typeof text === 'string') {
    send(text);
    return;
  }
  return text.then((ready) => {
    send(ready);
  });
}
