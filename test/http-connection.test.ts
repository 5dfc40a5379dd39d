import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseAmount } from '../src/ledger/amount.js';
import { buildApp } from '../src/server/app.js';
import { resolveConfig, type ConfigFlags } from '../src/server/config.js';
import { httpConnections, LINGER_MAX_REQUESTS, QUEUE_PAUSE_AT } from '../src/server/http-connection.js';
import { openRuntime } from '../src/server/runtime.js';
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
const statuses = (responses: readonly RawResponse[]) => responses.map((r) => r.status);

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
  const operatorCode = (response: RawResponse | undefined) => (jsonOf(response!) as OperatorError).error.code;

  describe('answers in request order', () => {
    test('a malformed request pipelined after a deposit is answered after the deposit, then the connection closes', async () => {
      const responses = await exchange(requestBytes(deposit('pipelined-before-parse-error')), 'GET /healthz?a=\x00 HTTP/1.1\r\nhost: x\r\n\r\n');
      assert.deepEqual(statuses(responses), [201, 400]);
      assert.match(responses[0]!.body, /"key":"pipelined-before-parse-error"/);
      assert.equal(operatorCode(responses[1]), 'BAD_REQUEST');
      assert.equal(responses[1]!.headers.connection, 'close');
    });

    test('requests sent one at a time on a keep-alive connection each run once their turn comes, and a malformed one after them is answered at once, then the connection closes', async () => {
      // Each answer is read before the next request is sent: no request ever waits behind another,
      // and the refusal of the malformed one is owed after no answer, so it goes out at once.
      const connection = await RawConnection.open(port);
      for (const [i, key] of ['one-at-a-time-1', 'one-at-a-time-2', 'one-at-a-time-3'].entries()) {
        await connection.write(requestBytes(deposit(key)));
        const [answer] = (await connection.responsesAtLeast(i + 1)).slice(i);
        assert.equal(answer!.status, 201, answer!.body);
        assert.match(answer!.body, new RegExp(`"key":"${key}"`));
      }
      await connection.write('GET /healthz?a=\x00 HTTP/1.1\r\nhost: x\r\n\r\n');
      const responses = await connection.untilClosed();
      assert.deepEqual(statuses(responses), [201, 201, 201, 400]);
      assert.equal(operatorCode(responses[3]), 'BAD_REQUEST');
      assert.equal(responses[3]!.headers.connection, 'close');
    });

    test('a request asking to upgrade to anything but a WebSocket (curl\'s h2c) is answered as plain HTTP/1.1, then the connection closes', async () => {
      const h2c = { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA' };
      const [answer, ...rest] = await exchange(requestBytes({ method: 'GET', path: '/api/v2/public/time' }, h2c));
      assert.equal(answer?.status, 200);
      assert.equal((jsonOf(answer!) as { code: string }).code, '00000', "Bitget's own success envelope, not an upgrade refusal");
      assert.equal(answer?.headers.connection, 'close');
      assert.deepEqual(rest, []);
      const withBody = await exchange(requestBytes(deposit('h2c-with-body'), h2c));
      assert.deepEqual(statuses(withBody), [400]);
      assert.equal(operatorCode(withBody[0]), 'BAD_REQUEST');
      assert.equal(await wasCommitted('h2c-with-body'), false, 'a refused upgrade request ran nothing');
    });

    test('a WebSocket upgrade refused with an HTTP answer says Connection: close, so a keep-alive client does not reuse a socket that is about to go', async () => {
      const ws = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
      const [refused, ...rest] = await exchange(requestBytes({ method: 'GET', path: '/api/v2/no-such-stream' }, ws));
      assert.equal(refused?.status, 404);
      assert.equal(refused?.headers.connection, 'close');
      assert.deepEqual(rest, []);
    });

    test('a WebSocket upgrade on a route that is not a stream is answered as the plain GET it also is, then the connection closes', async () => {
      const ws = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
      const [answer, ...rest] = await exchange(requestBytes({ method: 'GET', path: '/healthz' }, ws));
      assert.equal(answer?.status, 200, 'not 101: only a stream route switches protocols');
      assert.deepEqual(jsonOf(answer!), { status: 'ok' });
      assert.equal(answer?.headers.connection, 'close');
      assert.deepEqual(rest, []);
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

/**
 * What one connection can make the server hold, on a bare app with the same connection rules and
 * routes whose timing the test controls. Counted in requests Node parsed and handlers run, never
 * in time or heap size.
 */
describe('HTTP connections: what one client can make the server hold', () => {
  let app: FastifyInstance;
  let port: number;
  /** Requests Node parsed, per server-side socket. */
  const parsed = new Map<Socket, number>();
  let ran = 0;
  let releaseSlow: () => void = () => {};
  let slowStarted: Promise<void>;
  let onSlowStarted: () => void = () => {};
  const armSlow = () => {
    slowStarted = new Promise((resolve) => (onSlowStarted = resolve));
  };

  before(async () => {
    const connections = httpConnections({ venues: [], bodyLimit: MIB });
    app = Fastify({ serverFactory: connections.serverFactory, clientErrorHandler: connections.clientErrorHandler });
    // `?close`: the server's answer closes the connection (as a refused body does); the client did not ask it to.
    app.get('/slow', async (request, reply) => {
      onSlowStarted();
      await new Promise<void>((resolve) => (releaseSlow = resolve));
      if ('close' in (request.query as object)) void reply.header('connection', 'close');
      return { slow: true };
    });
    app.get('/a', async () => {
      ran += 1;
      return { a: true };
    });
    app.post('/body', async () => {
      ran += 1;
      return { ran: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    app.server.on('request', (req: IncomingMessage) => parsed.set(req.socket, (parsed.get(req.socket) ?? 0) + 1));
  });
  after(async () => app.close());

  const serverSocket = () => new Promise<Socket>((resolve) => app.server.once('connection', resolve));
  const GET_A = 'GET /a HTTP/1.1\r\nhost: x\r\n\r\n';
  /** The most requests one read can hold: Node's parser finishes the read it is in before it pauses. */
  const ONE_READ = Math.ceil(65_536 / GET_A.length);
  /** Lets the event loop go round: a server still reading would read what the client sent meanwhile. */
  const turns = async (n: number) => {
    for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };

  test('requests pipelined behind a slow one stop being read once 16 wait, and all are answered in order once it ends', async () => {
    const total = 20_000;
    ran = 0;
    armSlow();
    const accepted = serverSocket();
    const connection = await RawConnection.open(port);
    await connection.write('GET /slow HTTP/1.1\r\nhost: x\r\n\r\n');
    const socket = await accepted;
    await slowStarted;
    void connection.write(GET_A.repeat(total));
    // Wait for the server to stop reading (or, without back-pressure, to have parsed everything).
    while (!socket.isPaused() && (parsed.get(socket) ?? 0) < total + 1) await turns(1);
    // Give a server that had not really stopped the chance to read more, then count what it holds.
    await turns(50);
    const held = (parsed.get(socket) ?? 0) - 1;
    assert.ok(held >= QUEUE_PAUSE_AT, `only ${held} requests arrived`);
    assert.ok(held <= QUEUE_PAUSE_AT + ONE_READ, `${held} requests held behind the slow one`);
    assert.equal(ran, 0);
    releaseSlow();
    const responses = await connection.responsesAtLeast(total + 1);
    await connection.close();
    assert.equal(responses.length, total + 1);
    assert.ok(responses.every((r) => r.status === 200));
    assert.equal(responses[0]!.body, '{"slow":true}');
    assert.equal(ran, total);
  });

  test('a closing connection that keeps receiving requests is destroyed after a few, not parsed for the whole lingering close', async () => {
    const flood = 20_000;
    ran = 0;
    armSlow();
    const accepted = serverSocket();
    // Half-open: the client keeps its side open after the server's FIN, as a flooding client would.
    const connection = await RawConnection.open(port, { allowHalfOpen: true });
    await connection.write('GET /slow?close HTTP/1.1\r\nhost: x\r\n\r\n');
    const socket = await accepted;
    await slowStarted;
    // Pipelined behind the closing answer: the server must read them (lingering), never run them.
    void connection.write(GET_A.repeat(flood));
    const bound = QUEUE_PAUSE_AT + LINGER_MAX_REQUESTS + 2 * ONE_READ;
    // Wait for the server to stop reading, or (without back-pressure) to have parsed more than the bound.
    while (!socket.isPaused() && (parsed.get(socket) ?? 0) <= bound + 1) await turns(1);
    releaseSlow();
    // Destroyed by the server, or (reading on) past the bound: a client could hold it for the whole lingering close.
    while (!socket.destroyed && (parsed.get(socket) ?? 0) <= bound + 1) await turns(1);
    const received = (parsed.get(socket) ?? 0) - 1;
    const destroyed = socket.destroyed;
    await connection.close();
    assert.ok(received <= bound, `${received} of ${flood} requests parsed on the closing connection`);
    assert.ok(destroyed);
    assert.deepEqual(statuses(connection.responses), [200]);
    assert.equal(ran, 0);
  });

  test('after a request timeout, the request that timed out never runs, even if its body then arrives', async () => {
    ran = 0;
    const accepted = serverSocket();
    const requested = new Promise<IncomingMessage>((resolve) => app.server.once('request', resolve));
    const connection = await RawConnection.open(port);
    await connection.write('POST /body HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"a":');
    const socket = await accepted;
    const req = await requested;
    // Node reports a request that takes too long as this client error, raised here on the server's socket.
    app.server.emit('clientError', Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    await connection.write('"bcdef"}');
    const responses = await connection.untilClosed();
    await new Promise((resolve) => (socket.destroyed ? resolve(undefined) : socket.once('close', resolve)));
    // A full round trip on another connection lets anything the body could still have started finish.
    const other = await RawConnection.open(port);
    await other.write('GET /a HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    assert.deepEqual(statuses(await other.untilClosed()), [200]);
    assert.deepEqual(statuses(responses), [408]);
    assert.equal(req.complete, false, 'the body reached the request after its 408');
    assert.equal(ran, 1, 'only the GET on the other connection ran');
  });
});

describe("the app's hooks", () => {
  // The test harness adds an onResponse hook of its own (to record what clients called): this app is built without it.
  test('no route has an onResponse hook, with which Fastify would set up two response listeners on every request', async () => {
    const runtime = await openRuntime(resolveConfig({ db: ':memory:', operatorToken: TOKEN } as ConfigFlags, {}));
    const app = await buildApp(runtime, { logger: false });
    try {
      await app.ready();
      const routes = app.printRoutes({ includeHooks: true, commonPrefix: false });
      assert.match(routes, /\/api\/v2\/spot\/account\/assets \(GET\)/, 'the venue routes are listed');
      assert.doesNotMatch(routes, /onResponse/);
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});
