import swagger from '@fastify/swagger';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OPERATOR_PREFIX } from '../operator/plugin.js';
import type { VenueApiDoc, VenueOperationDoc } from '../venues/shared/openapi-doc.js';
import type { VenueDialect } from '../venues/venue.js';

/**
 * The OpenAPI document at /openapi.json: every route the server serves, with its own security
 * scheme, parameters, answers (refusals in that surface's error shape) and named schemas.
 *
 * Operator routes describe themselves in their Fastify schemas. Venue routes read their query
 * and headers by hand (in the venue's order, with the venue's codes), so what they take is
 * described in each venue's openapi.ts and added here, for the document only.
 */

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'Done: no content',
  400: 'Refused: the request is malformed or a field is wrong',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflicts with what exists',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Refused by the ledger (insufficient funds)',
  429: 'Rate limit exceeded',
  503: 'The store is unavailable or busy: retry',
};

const Health = Type.Object({ status: Type.String() }, { $id: 'Health' });
const Readiness = Type.Object({ status: Type.String({ description: 'ready or unavailable' }), store: Type.String({ description: 'sqlite or postgres' }) }, { $id: 'Readiness' });

/** The unauthenticated routes of the app itself. */
const PROBES: Record<string, Record<string, unknown>> = {
  'GET /healthz': { operationId: 'healthz', summary: 'Liveness: the process answers', response: { 200: Health } },
  'GET /readyz': {
    operationId: 'readyz',
    summary: 'Readiness: the store answers',
    response: { 200: Readiness, 503: { ...Readiness, $id: undefined, description: 'The store does not answer' } },
  },
  'GET /openapi.json': { operationId: 'openapi', summary: 'This document', response: { 200: Type.Object({}, { additionalProperties: true, description: 'OpenAPI 3.0' }) } },
};

/** A refusal's schema, with the status's text as the answer's description (the schema keeps its own). */
function described(schema: TSchema, status: number): TSchema {
  return { ...schema, 'x-response-description': STATUS_TEXT[status] ?? 'Refused' };
}

type RouteSchema = Record<string, unknown> & { response?: Record<string, unknown>; body?: unknown };
type JsonObject = Record<string, unknown>;

const COMPONENT = 'x-component';

/**
 * @fastify/swagger names a schema with an `$id` only where it is nested; a route's own body or
 * response schema it writes inline. Such a schema is marked here, and `nameComponents` makes it a
 * named component the operation refers to.
 */
function markNamed(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || typeof (schema as JsonObject).$id !== 'string') return schema;
  return { ...(schema as JsonObject), [COMPONENT]: (schema as JsonObject).$id };
}

function markRouteSchemas(schema: RouteSchema): RouteSchema {
  const answer = (status: string, s: unknown) => {
    const text = STATUS_TEXT[Number(status)];
    return markNamed(text && typeof s === 'object' && s !== null ? { ...s, 'x-response-description': text } : s);
  };
  const response = schema.response ? Object.fromEntries(Object.entries(schema.response).map(([status, s]) => [status, answer(status, s)])) : undefined;
  return { ...schema, ...(schema.body ? { body: markNamed(schema.body) } : {}), ...(response ? { response } : {}) };
}

/** Replaces every marked inline schema with a reference to a component of that name. */
function nameComponents(document: JsonObject): JsonObject {
  const components = ((document.components as JsonObject).schemas ??= {}) as JsonObject;
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    const object = node as JsonObject;
    const name = object[COMPONENT];
    const visited = Object.fromEntries(Object.entries(object).filter(([k]) => k !== COMPONENT).map(([k, v]) => [k, visit(v)]));
    if (typeof name !== 'string') return visited;
    components[name] ??= visited;
    return { $ref: `#/components/schemas/${name}` };
  };
  document.paths = visit(document.paths);
  return document;
}

function venueRoute(doc: VenueApiDoc, operation: VenueOperationDoc, schema: RouteSchema): RouteSchema {
  const refusals = Object.fromEntries(operation.refusals.map((status) => [status, described(doc.errorSchema, status)]));
  return {
    ...schema,
    hide: false,
    tags: [doc.tag],
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    security: operation.security.length === 0 ? [] : [Object.fromEntries(operation.security.map((name) => [name, []]))],
    ...(operation.querystring ? { querystring: operation.querystring } : {}),
    ...(operation.headers ? { headers: operation.headers } : {}),
    ...(operation.params ? { params: operation.params } : {}),
    ...(operation.body ? { body: operation.body } : {}),
    response: { ...schema.response, ...refusals },
  };
}

/** The document for one route: its own schema, completed with what its surface says. */
function documentRoute(docs: readonly VenueApiDoc[], method: string, url: string, schema: RouteSchema): { schema: RouteSchema; url: string } {
  const key = `${method} ${url}`;
  if (url.startsWith(`${OPERATOR_PREFIX}/`)) return { schema: markRouteSchemas({ ...schema, security: [{ operatorToken: [] }] }), url };
  const probe = PROBES[key];
  if (probe) return { schema: markRouteSchemas({ ...schema, ...probe, hide: false, tags: ['probes'], security: [] }), url };
  for (const doc of docs) {
    const operation = doc.operations[key];
    if (operation) return { schema: markRouteSchemas(venueRoute(doc, operation, schema)), url: operation.path ?? url };
  }
  // Undocumented: shown without an operationId, which the document's test refuses.
  return { schema: { ...schema, hide: false }, url };
}

/** `venues`: the dialects served; each describes its own routes (its `openapi`), so a new venue is documented from its folder. */
export async function registerOpenApi(app: FastifyInstance, venues: readonly VenueDialect[]): Promise<void> {
  const docs = venues.map((venue) => venue.openapi);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'assetbook',
        version: '1',
        description:
          `The operator API (native JSON under /_assetbook/v1, bearer token) and the wire-compatible venue APIs (${venues.map((v) => v.id).join(', ')}), each with its own authentication and error shape. See docs/operator-api.md and docs/venues/.`,
      },
      tags: [
        { name: 'catalog', description: 'Operator API: assets, users, accounts' },
        { name: 'balances', description: 'Operator API: balances' },
        { name: 'credentials', description: 'Operator API: venue credentials' },
        { name: 'operations', description: 'Operator API: ledger operations and the journal' },
        { name: 'admin', description: 'Operator API: verify, reset' },
        { name: 'probes', description: 'Health probes, this document (no authentication)' },
        { name: 'console', description: 'The operator console: a web page that signs in with the operator token (docs/console.md)' },
        ...docs.map((doc) => ({ name: doc.tag, description: doc.description })),
      ],
      components: {
        securitySchemes: {
          operatorToken: { type: 'http', scheme: 'bearer', description: 'The operator token (--operator-token or the data directory)' },
          ...Object.assign({}, ...docs.map((doc) => doc.securitySchemes)),
        },
      },
    },
    // Components are named by their schema's $id (OperatorError, DepositOperation, each venue's error...).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      return documentRoute(docs, methods[0] ?? 'GET', url, (schema ?? {}) as RouteSchema);
    },
    transformObject: (documents) => nameComponents((documents as { openapiObject: JsonObject }).openapiObject),
  });
}
