import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { HttpHarness } from '../../support/http-harness.js';
import { startWithFourth } from './support.js';
import { BALANCES_PATH } from './venue/openapi.js';

/** /openapi.json documents the fourth venue's route from its dialect's `openapi`, like any venue's, and stays a valid document. */

interface Operation {
  readonly operationId?: string;
  readonly tags?: readonly string[];
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly { readonly name: string; readonly in: string; readonly required?: boolean }[];
  readonly responses: Readonly<Record<string, { readonly content?: Record<string, { readonly schema: { readonly $ref?: string } }> }>>;
}
interface Document {
  readonly openapi: string;
  readonly tags?: readonly { readonly name: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, unknown>>; readonly securitySchemes: Readonly<Record<string, { readonly in?: string; readonly name?: string }>> };
}

let h: HttpHarness;
let doc: Document;

before(async () => {
  h = await startWithFourth({ scenario: undefined });
  const response = await h.get<Document>('/openapi.json', null);
  assert.equal(response.status, 200, response.text.slice(0, 500));
  doc = response.body;
});
after(async () => h.close());

test('the document with the fourth venue in it passes OpenAPI validation', async () => {
  await SwaggerParser.validate(structuredClone(doc) as never);
});

test('the balance read is documented with its id, tag, API-key security, query parameters and refusals in the venue shape', () => {
  const op = doc.paths[BALANCES_PATH]?.get;
  assert.ok(op, `GET ${BALANCES_PATH} is in the document`);
  assert.equal(op.operationId, 'fourthBalances');
  assert.deepEqual(op.tags, ['fourth']);
  assert.deepEqual(op.security, [{ fourthApiKey: [] }]);
  assert.deepEqual(doc.components.securitySchemes.fourthApiKey, { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: "The account's API key" });
  assert.deepEqual(
    (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.required ?? false]).sort(),
    [['accountNo', false], ['ticker', false]],
  );
  assert.ok(op.responses['200'], 'the success is described');
  for (const status of ['400', '401', '403', '429', '503']) {
    assert.equal(op.responses[status]?.content?.['application/json']?.schema.$ref, '#/components/schemas/FourthError', status);
  }
  assert.ok(doc.components.schemas.FourthError, 'the error shape is a named component');
});
