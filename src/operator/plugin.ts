import type { FastifyPluginAsync } from 'fastify';
import { installRefusals, type RefusalRenderer } from '../http/refusal.js';
import { errorBody, operatorRefusal, operatorRenderer } from './errors.js';
import { operatorRoutes } from './routes.js';
import { snapshotRoutes, type SnapshotRoutesRuntime } from './routes-snapshot.js';
import { faultRoutes, type FaultRoutesRuntime } from './routes-faults.js';
import { directoryRoutes } from './directory-routes.js';
import { journalStreamRoute } from './journal-stream.js';
import { faultStreamRoute, type FaultStreamRuntime } from './fault-stream.js';
import { operatorValidatorCompiler } from './validation.js';

export const OPERATOR_PREFIX = '/_assetbook/v1';

/** Under the operator prefix, an unknown route says so. */
const operatorRoutesRenderer: RefusalRenderer = {
  ...operatorRenderer,
  notFound: (method, path) => operatorRefusal(404, 'NOT_FOUND', `no operator route ${method} ${path}`),
};

/**
 * The operator API: native JSON under a prefix no venue path can collide with, behind a bearer
 * token. An encapsulated plugin, so its error handler and auth hook cover only its own routes.
 * Its catalog and credential routes take and show what `runtime.venues` declare (the same venues
 * the runtime's ledger builds facts for).
 */
export const operatorPlugin = (runtime: SnapshotRoutesRuntime & FaultRoutesRuntime & FaultStreamRuntime): FastifyPluginAsync => async (app) => {
  installRefusals(app, operatorRoutesRenderer);
  // Refusals name the field and the code the ledger would give (./validation.ts), not Ajv's wording.
  app.setValidatorCompiler(operatorValidatorCompiler);
  // The callback form: a good token passes the request on in the same turn (an async hook would
  // cost a promise and a microtask turn on every operator call); a refusal is sent, and `done`
  // is then not called, as Fastify's callback hooks end a request.
  app.addHook('onRequest', (request, reply, done) => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : null;
    if (token === null || !runtime.checkOperatorToken(token)) {
      void reply.status(401).header('www-authenticate', 'Bearer').send(errorBody('UNAUTHENTICATED', 'a valid operator bearer token is required'));
      return;
    }
    done();
  });
  await app.register(operatorRoutes(runtime));
  await app.register(snapshotRoutes(runtime));
  await app.register(faultRoutes(runtime));
  // What an operator console browses by: the directory, an account's views, the live journal.
  await app.register(directoryRoutes(runtime));
  await app.register(journalStreamRoute(runtime));
  await app.register(faultStreamRoute(runtime));
};
