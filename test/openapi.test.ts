import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { HttpHarness } from './support/http-harness.js';

/**
 * /openapi.json is a document a client generator or Swagger UI can load: it passes a real OpenAPI
 * validator, lists every route the server serves with its own security, parameters and refusals,
 * and names its schemas.
 */

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref?: string } }> }>;
}
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string; bearerFormat?: string }> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

let api: HttpHarness;
let doc: Document;

before(async () => {
  api = await HttpHarness.start('openapi-token');
  const res = await api.get<Document>('/openapi.json', null);
  assert.equal(res.status, 200, res.text.slice(0, 500));
  doc = res.body;
});

after(async () => {
  await api?.close();
});

function operations(): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/**
 * Every route Fastify serves, from its own route tree (`printRoutes`), as `METHOD path`. A HEAD
 * beside a GET is Fastify's automatic twin of that GET, which OpenAPI's GET covers.
 */
function servedRoutes(): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of api.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at === -1) continue;
    const depth = (at - 1) / 4;
    const match = /^(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3).trim());
    assert.ok(match, `a route line: ${line}`);
    const segment = match[1] ?? '';
    stack.length = depth;
    const parent = stack.at(-1) ?? '';
    const path = depth === 0 ? segment : `${parent}${segment.startsWith('/') ? '' : '/'}${segment}`;
    stack.push(path);
    const methods = (match[2] ?? '').split(', ').filter((m) => m !== '');
    for (const method of methods) if (!(method === 'HEAD' && methods.includes('GET'))) routes.push(`${method} ${path}`);
  }
  return routes;
}

/** A path with every parameter (`:id`, `*`, `{id}`) written alike. */
const shape = (path: string) => path.replace(/:[A-Za-z_]+|\{[^}]+\}|\*/g, '{}');

describe('GET /openapi.json', () => {
  test('passes @apidevtools/swagger-parser validation as OpenAPI 3.0 (schema and references)', async () => {
    assert.match(doc.openapi, /^3\.0\./);
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  test('lists every route the Fastify app serves, and nothing it does not', () => {
    const served = servedRoutes();
    assert.ok(served.length >= 40, `found ${served.length} routes`);
    const documented = new Set(operations().map(({ method, path }) => `${method} ${shape(path)}`));
    const missing = served.filter((route) => !documented.has(route.replace(/ .*/, (p) => ` ${shape(p.slice(1))}`)));
    assert.deepEqual(missing, [], 'served but not documented');
    const servedShapes = new Set(served.map((route) => route.replace(/ .*/, (p) => ` ${shape(p.slice(1))}`)));
    assert.deepEqual([...documented].filter((route) => !servedShapes.has(route)), [], 'documented but not served');
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/trading-api/v1/accounts/asset', '/api/v3/user/balances', '/api/v2/spot/account/assets']) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
  });

  test('every operation has a unique operationId, a summary and at least one refusal with a body schema', () => {
    const ids = new Set<string>();
    for (const { method, path, op } of operations()) {
      const where = `${method} ${path}`;
      assert.ok(op.operationId && /^[A-Za-z][A-Za-z0-9]*$/.test(op.operationId), `${where} has an operationId`);
      assert.ok(!ids.has(op.operationId), `${where}: ${op.operationId} is unique`);
      ids.add(op.operationId);
      assert.ok(op.summary && op.summary.length > 3, `${where} has a summary`);
      if (!path.startsWith('/healthz') && path !== '/readyz' && path !== '/openapi.json') {
        const refusals = Object.keys(op.responses).filter((status) => Number(status) >= 400);
        assert.ok(refusals.length > 0, `${where} lists its refusals`);
        for (const status of refusals) assert.ok(op.responses[status]?.content?.['application/json']?.schema, `${where} ${status} has a body schema`);
      }
    }
  });

  test('each surface has its own security and error shape: operator bearer, Bitget ACCESS-* headers, Bullish JWT and login headers, Loopring X-API-KEY', () => {
    const schemes = doc.components.securitySchemes;
    assert.deepEqual(schemes.operatorToken, { ...schemes.operatorToken, type: 'http', scheme: 'bearer' });
    for (const [name, header] of [
      ['bitgetAccessKey', 'ACCESS-KEY'],
      ['bitgetAccessSign', 'ACCESS-SIGN'],
      ['bitgetAccessTimestamp', 'ACCESS-TIMESTAMP'],
      ['bitgetAccessPassphrase', 'ACCESS-PASSPHRASE'],
      ['bullishPublicKey', 'BX-PUBLIC-KEY'],
      ['loopringApiKey', 'X-API-KEY'],
    ] as const) {
      assert.equal(schemes[name]?.type, 'apiKey', name);
      assert.equal(schemes[name]?.in, 'header', name);
      assert.equal(schemes[name]?.name, header, name);
    }
    assert.equal(schemes.bullishJwt?.bearerFormat, 'JWT');

    const securityOf = (method: string, path: string) => {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path} is documented`);
      return (op.security ?? []).flatMap((requirement) => Object.keys(requirement)).sort();
    };
    const errorOf = (method: string, path: string, status: string) => doc.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema.$ref;

    assert.deepEqual(securityOf('post', '/_assetbook/v1/operations'), ['operatorToken']);
    assert.equal(errorOf('post', '/_assetbook/v1/operations', '401'), '#/components/schemas/OperatorError');
    assert.deepEqual(securityOf('get', '/api/v2/spot/account/assets'), ['bitgetAccessKey', 'bitgetAccessPassphrase', 'bitgetAccessSign', 'bitgetAccessTimestamp']);
    assert.equal(errorOf('get', '/api/v2/spot/account/assets', '429'), '#/components/schemas/BitgetError');
    assert.deepEqual(securityOf('get', '/api/v2/public/time'), []);
    assert.deepEqual(securityOf('get', '/trading-api/v1/accounts/asset'), ['bullishJwt']);
    assert.equal(errorOf('get', '/trading-api/v1/accounts/asset', '401'), '#/components/schemas/BullishError');
    assert.deepEqual(securityOf('get', '/trading-api/v1/users/hmac/login'), ['bullishNonce', 'bullishPublicKey', 'bullishSignature', 'bullishTimestamp']);
    assert.deepEqual(securityOf('get', '/api/v3/user/balances'), ['loopringApiKey']);
    assert.equal(errorOf('get', '/api/v3/user/balances', '400'), '#/components/schemas/LoopringError');
    assert.deepEqual(securityOf('get', '/api/v3/timestamp'), []);
    assert.deepEqual(securityOf('get', '/healthz'), []);
  });

  test('venue query and path parameters are described', () => {
    const params = (method: string, path: string) => (doc.paths[path]?.[method]?.parameters ?? []).map((p) => `${p.in}:${p.name}${p.required ? '!' : ''}`).sort();
    assert.deepEqual(params('get', '/api/v2/spot/account/assets'), ['header:locale', 'query:assetType', 'query:coin']);
    assert.deepEqual(params('get', '/trading-api/v1/accounts/asset/{symbol}'), ['path:symbol!', 'query:tradingAccountId!']);
    assert.deepEqual(params('get', '/api/v3/user/balances'), ['query:accountId', 'query:address', 'query:tokens']);
    assert.deepEqual(params('get', '/_assetbook/v1/journal'), ['query:after', 'query:limit']);
  });

  test('schemas are named components (no def-N), and operation bodies refer to them by name', () => {
    const names = Object.keys(doc.components.schemas);
    assert.deepEqual(names.filter((n) => /^def-/.test(n)), []);
    for (const name of ['OperatorError', 'OperationInput', 'DepositOperation', 'TradeOperation', 'BatchInput', 'ApplyResult', 'UserInput', 'Account', 'BitgetError', 'BullishError', 'LoopringError']) {
      assert.ok(names.includes(name), `${name} is a component (have: ${names.join(', ')})`);
    }
    const body = (doc.paths['/_assetbook/v1/operations']?.post as unknown as { requestBody: { content: Record<string, { schema: { $ref: string } }> } }).requestBody;
    assert.equal(body.content['application/json']?.schema.$ref, '#/components/schemas/OperationInput');
  });
});
