import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEDGER_ERROR_CODES, LedgerError } from '../../../src/ledger/errors.js';
import { FOURTH_ERRORS, fourthErrorRenderer } from './venue/errors.js';

/** The fourth venue's catalogue: every code begins with its HTTP status, and every refusal, ledger codes included, is in its one shape. */

const isVenueBody = (body: unknown) => {
  const b = body as { code?: unknown; message?: unknown; data?: unknown };
  return typeof b.code === 'number' && b.code !== 0 && typeof b.message === 'string' && b.data === null && Object.keys(b).length === 3;
};

test('each code of the catalogue begins with its HTTP status, and no two entries share a code', () => {
  for (const [name, { code, status }] of Object.entries(FOURTH_ERRORS)) assert.equal(String(code).slice(0, 3), String(status), name);
  const codes = Object.values(FOURTH_ERRORS).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
});

test('every ledger error code renders in the venue shape with a catalogue code; only the transient ones are 5xx', () => {
  const known = new Set<number>(Object.values(FOURTH_ERRORS).map((e) => e.code));
  for (const code of LEDGER_ERROR_CODES) {
    const refusal = fourthErrorRenderer.ledger(new LedgerError(code, 'x', 'some/path'));
    assert.ok(isVenueBody(refusal.body), `${code}: ${JSON.stringify(refusal.body)}`);
    assert.ok(known.has((refusal.body as { code: number }).code), code);
    const transient = code === 'STORE_UNAVAILABLE' || code === 'CONCURRENCY_EXHAUSTED';
    assert.equal(refusal.status >= 500, transient, `${code} answers ${refusal.status}`);
  }
});

test('a malformed request, an unknown route and a bug render in the venue shape too; a bug says nothing of its cause', () => {
  assert.equal(fourthErrorRenderer.badRequest('body is too large', 413).status, 400);
  assert.equal(fourthErrorRenderer.notFound('GET', '/fourth/api/v1/x').status, 404);
  const bug = fourthErrorRenderer.internal();
  assert.equal(bug.status, 500);
  assert.deepEqual(bug.body, { code: 50001, message: 'Internal error', data: null });
  for (const refusal of [fourthErrorRenderer.badRequest('x', 400), fourthErrorRenderer.notFound('GET', '/x'), bug]) assert.ok(isVenueBody(refusal.body));
});
