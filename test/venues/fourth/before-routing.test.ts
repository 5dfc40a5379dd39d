import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { HttpHarness } from '../../support/http-harness.js';
import { jsonOf, RawConnection, type RawResponse } from '../../support/raw-http.js';
import { startWithFourth } from './support.js';
import { BALANCES_PATH } from './venue/openapi.js';

/**
 * Requests refused before any route runs (a request line Node cannot parse, headers over the
 * limit) are answered by the connection layer in the shape of the surface the path names: for the
 * fourth venue, its own `{code, message, data: null}`, found from its `basePaths` and `errors`.
 */

let h: HttpHarness;
let port: number;
before(async () => {
  h = await startWithFourth({ scenario: undefined });
  port = Number(new URL(h.baseUrl).port);
});
after(async () => h.close());

const exchange = async (bytes: string): Promise<RawResponse[]> => {
  const connection = await RawConnection.open(port);
  await connection.write(Buffer.from(bytes, 'latin1'));
  return connection.untilClosed();
};

const codeOf = (response: RawResponse | undefined) => {
  const body = jsonOf(response!) as { code?: unknown; message?: unknown; data?: unknown } | undefined;
  assert.deepEqual(Object.keys(body ?? {}).sort(), ['code', 'data', 'message'], `the fourth venue's shape: ${response?.body}`);
  return body!.code;
};

test('a request line Node cannot parse, on the fourth venue path, is refused 400 in its shape', async () => {
  const responses = await exchange(`GET ${BALANCES_PATH}?a=\x00 HTTP/1.1\r\nhost: x\r\n\r\n`);
  assert.deepEqual(responses.map((r) => r.status), [400]);
  assert.equal(codeOf(responses[0]), 40001);
});

test('headers over the limit, on the fourth venue path, are refused in its shape', async () => {
  const responses = await exchange(`GET ${BALANCES_PATH} HTTP/1.1\r\nhost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.equal(responses.length, 1);
  assert.equal(codeOf(responses[0]), 40001);
});
