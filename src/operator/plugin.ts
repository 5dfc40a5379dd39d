import type { FastifyPluginAsync } from 'fastify';
import { errorBody, operatorErrorHandler } from './errors.js';
import { operatorRoutes, type OperatorRuntime } from './routes.js';
import { operatorValidatorCompiler } from './validation.js';

export const OPERATOR_PREFIX = '/_assetbook/v1';

/**
 * The operator API: native JSON under a prefix no venue path can collide with, behind a bearer
 * token. An encapsulated plugin, so its error handler and auth hook cover only its own routes.
 * Its catalog and credential routes take and show what `runtime.venues` declare (the same venues
 * the runtime's ledger builds facts for).
 */
export const operatorPlugin = (runtime: OperatorRuntime): FastifyPluginAsync => async (app) => {
  app.setErrorHandler(operatorErrorHandler);
  // Refusals name the field and the code the ledger would give (./validation.ts), not Ajv's wording.
  app.setValidatorCompiler(operatorValidatorCompiler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(errorBody('NOT_FOUND', `no operator route ${request.method} ${request.url.split('?')[0]}`));
  });
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : null;
    if (token === null || !runtime.checkOperatorToken(token)) {
      return reply.status(401).header('www-authenticate', 'Bearer').send(errorBody('UNAUTHENTICATED', 'a valid operator bearer token is required'));
    }
  });
  await app.register(operatorRoutes(runtime));
};
