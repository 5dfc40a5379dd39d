import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseAmount } from '../src/ledger/amount.js';
import { DEMO, HttpHarness, type HttpRequest } from './support/http-harness.js';
import { jsonOf, RawConnection, requestBytes, type RawResponse } from './support/raw-http.js';

/**
 * The HTTP connection rules (docs/http.md), spoken at the byte level where a client library would
 * hide them: answers in request order, nothing run after an answer that closes the connection,
 * refusals before routing in the surface's shape, and the 413 reaching real clients.
 */

const TOKEN = 'http-connection-operator-token';
const OPERATIONS = '/_assetbook/v1/operations';
const MIB = 1_048_576;

interface OperatorError {
  error: { code: string; message: string };
}

describe('HTTP connections', () => {
  let h: HttpHarness;
  let port: number;
  let account: number;
  before(async () => {
    h = await HttpHarness.start(TOKEN, { scenario: DEMO, flags: { rateLimits: 'off' } });
    port = Number(new URL(h.baseUrl).port);
    account = h.account('bob').id;
  });
  after(async () => h.close());

  const deposit = (key: string, amount = '1'): HttpRequest => ({
    method: 'POST',
    path: OPERATIONS,
    token: TOKEN,
    body: { key, type: 'deposit', account, asset: 'BTC', amount },
  });
  /** Sends the deposit again: a replay means the first one was committed. */
  const wasCommitted = async (key: string): Promise<boolean> => {
    const again = await h.request<{ replayed: boolean }>(deposit(key));
    assert.ok(again.status === 200 || again.status === 201, again.text);
    return again.body.replayed;
  };
  const exchange = async (...parts: (Buffer | string)[]): Promise<RawResponse[]> => {
    const connection = await RawConnection.open(port);
    await connection.write(Buffer.concat(parts.map((p) => Buffer.from(p as string))));
    return connection.untilClosed();
  };
  const statuses = (responses: readonly RawResponse[]) => responses.map((r) => r.status);
  const operatorCode = (response: RawResponse | undefined) => (jsonOf(response!) as OperatorError).error.code;

  describe('answers in request order', () => {
    test('a malformed request pipelined after a deposit is answered after the deposit, then the connection closes', async () => {
      const responses = await exchange(requestBytes(deposit('pipelined-before-parse-error')), 'GET /healthz?a=\x00 HTTP/1.1\r\nhost: x\r\n\r\n');
      assert.deepEqual(statuses(responses), [201, 400]);
      assert.match(responses[0]!.body, /"key":"pipelined-before-parse-error"/);
      assert.equal(operatorCode(responses[1]), 'BAD_REQUEST');
      assert.equal(responses[1]!.headers.connection, 'close');
    });

    test('a malformed request on a venue path is refused in that venue\'s shape', async () => {
      const bitget = await exchange('GET /api/v2/spot/account/assets?a=\x00 HTTP/1.1\r\nhost: x\r\n\r\n');
      assert.deepEqual(statuses(bitget), [400]);
      assert.deepEqual(Object.keys(jsonOf(bitget[0]!) as object).sort(), ['code', 'data', 'msg', 'requestTime']);
      const bullish = await exchange('GET /trading-api/v1/accounts/asset?a=\x00 HTTP/1.1\r\nhost: x\r\n\r\n');
      assert.deepEqual(statuses(bullish), [400]);
      assert.equal((jsonOf(bullish[0]!) as { errorCodeName: string }).errorCodeName, 'BAD_INCOMING_REQUEST');
    });

    test('headers over the limit are a 431 after the answers owed, in the shape of the surface named', async () => {
      const huge = `x-filler: ${'a'.repeat(20_000)}\r\n`;
      const operator = await exchange('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', `GET /_assetbook/v1/users HTTP/1.1\r\nhost: x\r\n${huge}\r\n`);
      assert.deepEqual(statuses(operator), [200, 431]);
      assert.equal(operatorCode(operator[1]), 'REQUEST_HEADER_FIELDS_TOO_LARGE');
      // Bullish keeps the status it is given; its body stays Bullish's.
      const bullish = await exchange(`GET /trading-api/v1/accounts/asset HTTP/1.1\r\nhost: x\r\n${huge}\r\n`);
      assert.deepEqual(statuses(bullish), [431]);
      assert.equal((jsonOf(bullish[0]!) as { errorCodeName: string }).errorCodeName, 'BAD_INCOMING_REQUEST');
    });

    test('a request timeout is answered 408 in the operator shape, then the connection closes', async () => {
      // Node reports a request that takes too long as this client error; waiting for its real
      // timer would tie the test to the clock, so the error is raised on the server's own socket.
      const accepted = new Promise<Socket>((resolve) => h.app.server.once('connection', resolve));
      const connection = await RawConnection.open(port);
      await connection.write('GET /_assetbook/v1/us');
      const socket = await accepted;
      h.app.server.emit('clientError', Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
      const responses = await connection.untilClosed();
      assert.deepEqual(statuses(responses), [408]);
      assert.equal(operatorCode(responses[0]), 'REQUEST_TIMEOUT');
    });

    test('a CONNECT pipelined after a request is refused after its answer', async () => {
      const responses = await exchange('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', 'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com\r\n\r\n');
      assert.deepEqual(statuses(responses), [200, 400]);
      assert.equal(operatorCode(responses[1]), 'BAD_REQUEST');
    });

    test('an HTTP/1.1 request without Host is a 400 in its surface\'s shape, and an unknown expectation a 417', async () => {
      const noHost = await exchange('GET /_assetbook/v1/users HTTP/1.1\r\n\r\n');
      assert.deepEqual(statuses(noHost), [400]);
      assert.equal(operatorCode(noHost[0]), 'BAD_REQUEST');
      const expectation = await exchange('GET /healthz HTTP/1.1\r\nhost: x\r\nexpect: something-else\r\nconnection: close\r\n\r\n');
      assert.deepEqual(statuses(expectation), [417]);
      assert.equal(operatorCode(expectation[0]), 'EXPECTATION_FAILED');
    });

    test('pipelined requests run one after another: a balance read pipelined after a deposit sees it', async () => {
      const read: HttpRequest = { method: 'GET', path: `/_assetbook/v1/accounts/${account}/balances`, token: TOKEN };
      const availableBtc = (text: string) => {
        const { assets } = JSON.parse(text) as { assets: { asset: string; available: string }[] };
        return parseAmount(assets.find((r) => r.asset === 'BTC')?.available ?? '0', 8);
      };
      const beforeText = (await h.request(read)).text;
      const connection = await RawConnection.open(port);
      await connection.write(Buffer.concat([requestBytes(deposit('read-after-deposit', '3')), requestBytes(read)]));
      const responses = await connection.responsesAtLeast(2);
      await connection.close();
      assert.deepEqual(statuses(responses), [201, 200]);
      assert.equal(availableBtc(responses[1]!.body) - availableBtc(beforeText), 3n * 10n ** 8n);
    });
  });

  describe('nothing runs after an answer that closes the connection', () => {
    test('a deposit pipelined after malformed JSON is never committed', async () => {
      const bad: HttpRequest = { method: 'POST', path: OPERATIONS, token: TOKEN, rawBody: '{x}', headers: { 'content-type': 'application/json' } };
      const responses = await exchange(requestBytes(bad), requestBytes(deposit('after-bad-json')));
      assert.deepEqual(statuses(responses), [400]);
      assert.equal(responses[0]!.headers.connection, 'close');
      assert.equal(await wasCommitted('after-bad-json'), false);
    });

    test('a deposit pipelined after the client\'s own connection: close is never committed', async () => {
      const responses = await exchange('GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', requestBytes(deposit('after-client-close')));
      assert.deepEqual(statuses(responses), [200]);
      assert.equal(await wasCommitted('after-client-close'), false);
    });

    test('a deposit pipelined after a body over the limit is never committed', async () => {
      const big: HttpRequest = { method: 'POST', path: OPERATIONS, token: TOKEN, rawBody: ' '.repeat(MIB + 100), headers: { 'content-type': 'application/json' } };
      const responses = await exchange(requestBytes(big), requestBytes(deposit('after-too-large')));
      assert.deepEqual(statuses(responses), [413]);
      assert.equal(await wasCommitted('after-too-large'), false);
    });
  });

  describe('a body over the limit: the client reads the 413', () => {
    const SIZES: [string, number][] = [
      ['1.1 MiB', Math.round(1.1 * MIB)],
      ['3 MiB', 3 * MIB],
      ['20 MiB', 20 * MIB],
    ];
    const tooLarge = (status: number, text: string, client: string) => {
      assert.equal(status, 413, `${client}: ${text}`);
      assert.equal((JSON.parse(text) as OperatorError).error.code, 'PAYLOAD_TOO_LARGE', client);
    };
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

    for (const [name, size] of SIZES) {
      test(`${name} through fetch`, async () => {
        const response = await fetch(`${h.baseUrl}${OPERATIONS}`, { method: 'POST', headers, body: Buffer.alloc(size, 0x20) });
        tooLarge(response.status, await response.text(), 'fetch');
      });

      for (const chunked of [false, true]) {
        test(`${name} through node:http, ${chunked ? 'chunked' : 'with content-length'}`, async () => {
          const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
            const req = httpRequest(`${h.baseUrl}${OPERATIONS}`, { method: 'POST', headers: chunked ? headers : { ...headers, 'content-length': String(size) } }, (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (text += chunk));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
            });
            req.on('error', reject);
            // Chunked: the body goes in pieces, as a stream would send it.
            if (chunked) for (let sent = 0; sent < size; sent += 256 * 1024) req.write(Buffer.alloc(Math.min(256 * 1024, size - sent), 0x20));
            req.end(chunked ? undefined : Buffer.alloc(size, 0x20));
          });
          tooLarge(answer.status, answer.text, 'node:http');
        });
      }

      // curl sends `Expect: 100-continue` for a large body; without it, it sends the body at once.
      for (const expect of [true, false]) {
        const hasCurl = spawnSync('curl', ['--version']).status === 0;
        test(`${name} through curl${expect ? '' : ' without Expect'}`, { skip: hasCurl ? false : 'curl is not installed' }, async () => {
          const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST', '-H', `authorization: Bearer ${TOKEN}`, '-H', 'content-type: application/json', '--data-binary', '@-'];
          if (!expect) args.push('-H', 'Expect:');
          const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
            const child = execFile('curl', [...args, `${h.baseUrl}${OPERATIONS}`], { maxBuffer: 1 << 20 }, (error, out, err) =>
              resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout: out, stderr: err }),
            );
            child.stdin?.on('error', () => {});
            child.stdin?.end(Buffer.alloc(size, 0x20));
          });
          assert.equal(code, 0, `curl exit ${code}: ${stderr}`);
          const lines = stdout.split('\n');
          tooLarge(Number(lines.pop()), lines.join('\n'), 'curl');
        });
      }
    }

    test('after the 413 the server reads the rest of the body, so the client can send it all and sees a clean close, not a reset', async () => {
      const size = 3 * MIB;
      const connection = await RawConnection.open(port, { allowHalfOpen: true });
      await connection.write(`POST ${OPERATIONS} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${size}\r\n\r\n`);
      const [answer] = await connection.responsesAtLeast(1);
      assert.equal(answer?.status, 413);
      // A client that reads the answer only after sending its whole body, as most do.
      for (let sent = 0; sent < size; sent += 64 * 1024) await connection.write(Buffer.alloc(64 * 1024, 0x20));
      await connection.end();
      assert.equal(connection.error, undefined, `the connection failed: ${String(connection.error)}`);
      assert.deepEqual(statuses(connection.responses), [413]);
    });

    test('with Expect: 100-continue, a body over the limit gets the 413 instead of 100 Continue and is never sent', async () => {
      const connection = await RawConnection.open(port);
      await connection.write(`POST ${OPERATIONS} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${3 * MIB}\r\nexpect: 100-continue\r\n\r\n`);
      const responses = await connection.untilClosed();
      assert.equal(connection.interim, 0);
      assert.deepEqual(statuses(responses), [413]);
      assert.equal(operatorCode(responses[0]), 'PAYLOAD_TOO_LARGE');
    });

    test('with Expect: 100-continue, a body within the limit gets 100 Continue, then its answer', async () => {
      const connection = await RawConnection.open(port);
      await connection.write(requestBytes(deposit('expect-continue'), { expect: '100-continue' }));
      const responses = await connection.responsesAtLeast(1);
      await connection.close();
      assert.equal(connection.interim, 1);
      assert.deepEqual(statuses(responses), [201]);
    });
  });
});
