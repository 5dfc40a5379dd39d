import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PARAM_LENGTH_MAX, VenuePaths } from './venue-paths.js';

const TABLE = `
  GET  spot/trade  orderInfo fills
  POST spot/trade  place-order
  GET  v1/orders
  GET  v1/orders   {orderId} client-order-id/{clientOrderId}
`;

test('a table line names each leaf under its directory, or the path alone, under the prefix', () => {
  const paths = new VenuePaths('/api', TABLE);
  assert.deepEqual(paths.entries, [
    'GET /api/spot/trade/orderInfo',
    'GET /api/spot/trade/fills',
    'POST /api/spot/trade/place-order',
    'GET /api/v1/orders',
    'GET /api/v1/orders/{orderId}',
    'GET /api/v1/orders/client-order-id/{clientOrderId}',
  ]);
});

test('a path matches only with its method (HEAD as GET), exactly, case and trailing slash included', () => {
  const paths = new VenuePaths('/api', TABLE);
  assert.ok(paths.has('GET', '/api/spot/trade/orderInfo'));
  assert.ok(paths.has('HEAD', '/api/spot/trade/orderInfo'));
  assert.ok(paths.has('POST', '/api/spot/trade/place-order'));
  assert.ok(!paths.has('POST', '/api/spot/trade/orderInfo'), 'the venue has no POST there');
  assert.ok(!paths.has('DELETE', '/api/spot/trade/place-order'));
  assert.ok(!paths.has('GET', '/api/spot/trade/orderinfo'));
  assert.ok(!paths.has('GET', '/api/spot/trade/orderInfo/'));
  assert.ok(!paths.has('GET', '/api/spot/trade'));
  assert.ok(!paths.has('GET', '/spot/trade/orderInfo'), 'the prefix is part of the path');
});

test('a {param} segment is one non-empty segment of bounded length, nothing else', () => {
  const paths = new VenuePaths('/api', TABLE);
  assert.ok(paths.has('GET', '/api/v1/orders/123'));
  assert.ok(paths.has('GET', '/api/v1/orders/client-order-id/abc-1'));
  assert.ok(paths.has('GET', `/api/v1/orders/${'x'.repeat(PARAM_LENGTH_MAX)}`));
  assert.ok(!paths.has('GET', `/api/v1/orders/${'x'.repeat(PARAM_LENGTH_MAX + 1)}`), 'too long to be a venue id');
  assert.ok(!paths.has('GET', '/api/v1/orders/'), 'empty segment');
  assert.ok(!paths.has('GET', '/api/v1/orders/1/2'), 'two segments');
  assert.ok(!paths.has('GET', '/api/v1/orders/1?x'), 'a query is not part of a segment');
  assert.ok(!paths.has('POST', '/api/v1/orders/1'));
});

test('regular-expression characters in a path are literal', () => {
  const paths = new VenuePaths('/api', 'GET a.b {id}');
  assert.ok(paths.has('GET', '/api/a.b/1'));
  assert.ok(!paths.has('GET', '/api/axb/1'));
});

test('an unknown method in a table is a programmer error, not a silent skip', () => {
  assert.throws(() => new VenuePaths('/api', 'FETCH spot/x'), /unknown method/);
});
