import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';

/** A check that answers at once when it has nothing to wait for (a known key, limits off), or with a promise when it must wait. */
export type SoonOrNow = void | Promise<void>;

/**
 * An onRequest hook from a check that usually needs no waiting. Fastify's callback form lets a
 * check that returns at once pass the request on in the same turn: an async hook would cost a
 * promise and a microtask turn on every request of the hot read. A returned promise is waited
 * for; a throw, at once or later, is the refusal, as it would be from an async hook.
 */
export function hookOf(check: (request: FastifyRequest, reply: FastifyReply) => SoonOrNow): onRequestHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    let pending: SoonOrNow;
    try {
      pending = check(request, reply);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (pending === undefined) done();
    else pending.then(() => done(), (error: unknown) => done((error ?? new Error('a request check failed without a reason')) as Error));
  };
}
