import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { RequestFault } from '../faults/fault-set.js';
import { FreshCache } from '../venues/shared/fresh-cache.js';
import { VenueError } from '../venues/shared/venue-error.js';
import type { VenueDialect } from '../venues/venue.js';
import { venueOfUrl } from './http-surface.js';
import type { Runtime } from './runtime.js';

/**
 * Fault rules on venue requests (docs/faults.md): an onRequest hook at the root, so a rule acts
 * before the venue's own hooks and before any handler. A request failed by a rule (an error, a
 * drop, a stall) therefore writes nothing; one delayed by a rule is handled after the delay,
 * exactly once, even if the client gave up meanwhile (as on a slow server: it cannot tell, and
 * retries with its idempotency key). Requests on one connection are handled one after another
 * (http-connection.ts), so pipelined requests behind a delayed one still answer in order. The
 * operator API is never faulted. With no request rule set, the hook is one property read.
 */

/** How long a presented key's account is reused for rules naming an account, as a venue's own key cache does. */
const KEY_ACCOUNT_TTL_MS = 5_000;
const KEY_ACCOUNT_MAX = 10_000;

type FaultParts = Pick<Runtime, 'faults' | 'venues' | 'store' | 'keyring' | 'clock' | 'ledger'>;

export function installHttpFaults(app: FastifyInstance, runtime: FaultParts): void {
  const { faults, venues } = runtime;
  /** Sockets of requests held by a rule (delayed or stalled): let go when the server closes. */
  const held = new Set<Socket>();
  let closing = false;
  const accounts = new FreshCache<string, number | null>(KEY_ACCOUNT_TTL_MS, KEY_ACCOUNT_MAX);

  /** The ledger account of the credential a key names, as the venue stores it; null when none. */
  const accountOf = async (venue: VenueDialect, key: string): Promise<number | null> => {
    const cacheKey = `${venue.id}\n${key}`;
    const generation = runtime.ledger.generation;
    const nowMs = runtime.clock();
    const known = accounts.get(cacheKey, generation, nowMs);
    if (known !== undefined) return known;
    const credential = await runtime.store.getCredential(venue.id, venue.faults.publicIdOf(key, runtime.keyring));
    const accountId = credential?.accountId ?? null;
    accounts.set(cacheKey, accountId, generation, nowMs);
    return accountId;
  };

  const hold = (socket: Socket): void => {
    held.add(socket);
    socket.once('close', () => held.delete(socket));
  };

  const apply = (fault: RequestFault, venue: VenueDialect, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const socket = request.raw.socket;
    const { action } = fault;
    switch (action.type) {
      case 'latency':
        hold(socket);
        void faults.sleep(fault.delayMs).then(() => {
          held.delete(socket);
          // A server closing meanwhile destroyed the connection: nothing is handled after it.
          if (closing) return;
          done();
        });
        return;
      case 'error': {
        const answer = venue.faults.errors[action.kind];
        // Checked when the rule was set: a rule naming this venue names a kind it answers.
        if (answer === null) return done();
        const refusal = answer();
        // Thrown into the route's own error handler: rendered and stamped as the venue's refusals are.
        done(action.status === undefined ? refusal : new VenueError(action.status, refusal.body, refusal.message, refusal.headers));
        return;
      }
      case 'drop':
        void reply.hijack();
        socket.destroy();
        return;
      case 'stall':
        // Never answered; the connection goes when the client closes it (or the server does).
        void reply.hijack();
        hold(socket);
        return;
      default:
        done();
    }
  };

  const consider = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const url = request.raw.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const venue = venueOfUrl(venues, path);
    if (venue === undefined || !faults.watches(venue.id)) return done();
    const apiKey = venue.faults.presentedKey(request.headers);
    const facts = { venue: venue.id, method: request.method, path, apiKey };
    const decide = (accountId: number | undefined) => {
      const fault = faults.decideRequest(facts, accountId);
      if (fault === undefined) done();
      else apply(fault, venue, request, reply, done);
    };
    if (apiKey === undefined || !faults.needsAccount(venue.id)) return decide(undefined);
    accountOf(venue, apiKey).then(
      (accountId) => decide(accountId ?? undefined),
      // A store that cannot be reached: no rule naming an account matches; the request goes on (and meets the same store).
      () => decide(undefined),
    );
  };

  app.addHook('onRequest', (request, reply, done) => {
    if (faults.requestsIdle) return done();
    consider(request, reply, done);
  });
  app.addHook('preClose', (done) => {
    closing = true;
    for (const socket of held) socket.destroy();
    held.clear();
    done();
  });
}
