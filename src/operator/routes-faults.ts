import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FaultSet } from '../faults/fault-set.js';
import { faultSchemas } from '../faults/schemas.js';
import type { VenueDialect } from '../venues/venue.js';
import { operatorRefusal } from './errors.js';
import { ErrorBody } from './schemas.js';

/**
 * Fault rules of this instance (docs/faults.md, docs/operator-api.md): list, add one, replace
 * all, remove one, clear. Rules live in this process only: with several instances behind a load
 * balancer, each is set on its own.
 */

export interface FaultRoutesRuntime {
  readonly faults: FaultSet;
  readonly venues: readonly Pick<VenueDialect, 'id'>[];
}

const refusals = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries([401, ...statuses].sort((a, b) => a - b).map((status) => [status, ErrorBody]));
const WITH_BODY = [400, 413, 415];
const FaultIdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', 'x-invalid': 'must be a rule id' }) });

export const faultRoutes = (runtime: FaultRoutesRuntime): FastifyPluginAsync => async (app) => {
  const { faults } = runtime;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const S = faultSchemas(runtime.venues);
  const tags = ['faults'];

  api.get(
    '/faults',
    { schema: { tags, operationId: 'listFaults', summary: "This instance's fault rules, with what each has done", response: { 200: S.FaultList, ...refusals() } } },
    async () => ({ rules: faults.list() }),
  );

  api.post(
    '/faults',
    {
      schema: {
        tags,
        operationId: 'addFault',
        summary: 'Add a fault rule after the others',
        body: S.FaultRuleIn,
        response: { 201: S.FaultRuleOut, ...refusals(...WITH_BODY, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(faults.add(req.body)),
  );

  api.put(
    '/faults',
    {
      schema: {
        tags,
        operationId: 'setFaults',
        summary: 'Replace every fault rule (all or none)',
        description: 'A set with a seed seeds each rule that gives none, so the same set and the same traffic give the same faults.',
        body: S.FaultSetIn,
        response: { 200: S.FaultList, ...refusals(...WITH_BODY) },
      },
    },
    async (req) => ({ rules: faults.replace(req.body) }),
  );

  api.delete(
    '/faults',
    { schema: { tags, operationId: 'clearFaults', summary: 'Remove every fault rule', response: { 204: Type.Null({ description: 'Cleared' }), ...refusals() } } },
    async (_req, reply) => {
      faults.clear();
      return reply.status(204).send(null);
    },
  );

  api.delete(
    '/faults/:id',
    {
      schema: {
        tags,
        operationId: 'removeFault',
        summary: 'Remove one fault rule',
        params: FaultIdParams,
        response: { 204: Type.Null({ description: 'Removed' }), ...refusals(400, 404) },
      },
    },
    async (req, reply) => {
      if (!faults.remove(req.params.id)) throw operatorRefusal(404, 'NOT_FOUND', `no fault rule ${req.params.id}`, 'params/id');
      return reply.status(204).send(null);
    },
  );
};
