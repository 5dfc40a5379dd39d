import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { openSocket } from '../../test/support/ws-client.js';
import { refusedUpgrade } from '../../test/support/ws-upgrade.js';
import { installWebSockets } from './websockets.js';

/**
 * The WebSocket glue on a Fastify of its own: one stream route whose hook refuses an upgrade
 * without `?let=in`, one plain route, and the errors its sockets raise.
 */
describe('WebSocket upgrades routed through Fastify', () => {
  let app: FastifyInstance;
  let base: string;
  const errors: string[] = [];

  before(async () => {
    const upgrades = new EventEmitter();
    app = Fastify({
      serverFactory: (handler) => {
        const server = createServer(handler);
        server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => upgrades.emit('upgrade', request, socket, head));
        return server;
      },
    });
    installWebSockets(app, { upgrades, maxPayload: 64, onSocketError: (error) => errors.push(error.message) });
    app.route({
      method: 'GET',
      url: '/stream',
      onRequest: async (request, reply) => {
        if (request.ws && (request.query as { let?: string }).let !== 'in') await reply.status(403).send({ refused: true });
      },
      handler: async (request) => ({ plain: true, ws: request.ws }),
      wsHandler: (socket, request) => {
        socket.send(JSON.stringify({ ws: request.ws }));
        socket.on('message', (data) => {
          socket.send(`echo ${data.toString()}`);
        });
      },
    });
    app.get('/plain', async (request) => ({ plain: true, ws: request.ws }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  after(() => app.close());

  test('an upgrade on a stream route its hooks let through becomes a socket, and the handler sees request.ws', async () => {
    const socket = await openSocket(`ws://${base}/stream?let=in`);
    assert.deepEqual(await socket.nextJson(), { ws: true });
    socket.send('hello');
    assert.equal(await socket.next(), 'echo hello');
    assert.equal(app.websocketServer.clients.size, 1);
    await socket.close();
  });

  test("an upgrade a stream route's hook refuses gets that hook's HTTP answer, and no socket", async () => {
    const refused = await refusedUpgrade(`http://${base}`, '/stream');
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { refused: true });
  });

  test('a plain GET on a stream route runs its plain handler, with request.ws false', async () => {
    const answer = await fetch(`http://${base}/stream?let=in`);
    assert.deepEqual(await answer.json(), { plain: true, ws: false });
  });

  test('an upgrade on a plain route is answered by that route in HTTP, with request.ws true, and no socket', async () => {
    const answer = await refusedUpgrade(`http://${base}`, '/plain');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { plain: true, ws: true });
  });

  test("a message over maxPayload closes the socket with 1009, and the server's error callback hears of it", async () => {
    const socket = await openSocket(`ws://${base}/stream?let=in`);
    await socket.nextJson();
    socket.send('x'.repeat(65));
    assert.equal((await socket.closed).code, 1009);
    assert.ok(errors.some((message) => /max payload/i.test(message)), errors.join('; '));
  });

  test('no route gets an onResponse hook: Fastify would then set up two response listeners on every request', () => {
    assert.doesNotMatch(app.printRoutes({ includeHooks: true, commonPrefix: false }), /onResponse/);
  });
});
