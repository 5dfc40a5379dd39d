import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';
import { LoopringWsClient, getWsKey } from '../support/loopring-ws-client.js';
import { refusedUpgrade } from '../support/ws-upgrade.js';

/**
 * Loopring's WebSocket limits, each overridden small by name: the frame size (the core's
 * --ws-message-limit), topics per socket, sockets and unauthenticated sockets per IP, requests per
 * socket and ws keys per IP.
 */

const { alice, bob } = DEMO_LOOPRING;

describe('loopring stream: limits', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('loopring-stream-limits', {
      scenario: DEMO,
      flags: {
        rateLimit: ['loopring.ws-connect=10000/1s', 'loopring.ws-key=3/60s', 'loopring.ws-requests=4/60s'],
        streamLimit: ['loopring.ws-topics-per-connection=1', 'loopring.ws-unauthenticated-per-ip=1', 'loopring.ws-connections-per-ip=2'],
        wsMessageLimit: '1024',
      },
    });
  });
  after(async () => h.close());

  test('a frame over --ws-message-limit closes the socket with 1009', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    client.socket.send(JSON.stringify({ op: 'sub', apiKey: 'x'.repeat(2000), topics: [{ topic: 'account' }] }));
    assert.equal((await client.closed).code, 1009);
  });

  test('topics per connection (loopring.ws-topics-per-connection) are capped with 104116; unsubscribeAll makes room', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    try {
      const both = await client.sub(alice.apiKey, [{ topic: 'account' }, { topic: 'account', v3: true }]);
      assert.equal(both.result.error?.code, 104116);
      assert.deepEqual((await client.sub(alice.apiKey, [{ topic: 'account' }])).result, { status: 'ok' });
      assert.equal((await client.sub(alice.apiKey, [{ topic: 'account', v3: true }], false)).result.error?.code, 104116);
      // The fourth request on this socket: loopring.ws-requests is 4 a minute here.
      assert.deepEqual((await client.sub(alice.apiKey, [{ topic: 'account', v3: true }], true)).result, { status: 'ok' });
      client.socket.send({ op: 'unSub', unsubscribeAll: true, topics: [] });
      assert.deepEqual(await client.closed, { code: 1008, reason: 'too many requests (loopring.ws-requests)' });
    } finally {
      await client.close();
    }
  });

  test('unauthenticated sockets per IP and sockets per IP are capped with 429 100000; a subscribe with a valid apiKey frees the first', async () => {
    const key = await getWsKey(h.baseUrl);
    // Sockets of the tests above may still be closing on the server's side: wait until they are seen closed.
    const first = await openUntilAdmitted(h.baseUrl, key);
    const refused = await refusedUpgrade(h.baseUrl, `/v3/ws?wsApiKey=${key}`);
    assert.deepEqual([refused.status, refused.body.resultInfo?.code], [429, 100000]);
    assert.match(refused.body.resultInfo?.message ?? '', /loopring\.ws-unauthenticated-per-ip/);
    await first.sub(bob.apiKey, [{ topic: 'account' }]);
    const second = await openUntilAdmitted(h.baseUrl, key);
    await second.sub(bob.apiKey, [{ topic: 'account' }]);
    const third = await refusedUpgrade(h.baseUrl, `/v3/ws?wsApiKey=${key}`);
    assert.deepEqual([third.status, third.body.resultInfo?.code], [429, 100000]);
    assert.match(third.body.resultInfo?.message ?? '', /loopring\.ws-connections-per-ip/);
    await first.close();
    await second.close();
    // Places come back when sockets close: a new one opens (its server side may take a moment to see the close).
    const again = await openUntilAdmitted(h.baseUrl, key);
    await again.close();
  });

  test('GET /v3/ws/key over loopring.ws-key is 429 100000', async () => {
    let status = 200;
    let body: { resultInfo?: { code: number } } = {};
    for (let i = 0; i < 5 && status === 200; i += 1) {
      const response = await h.request<{ resultInfo?: { code: number } }>({ method: 'GET', path: '/v3/ws/key', token: null });
      ({ status, body } = response);
    }
    assert.equal(status, 429);
    assert.equal(body.resultInfo?.code, 100000);
  });
});

/** Opens a socket, trying again while the server has not yet seen earlier sockets close (a 429): waits for an event, not a time. */
async function openUntilAdmitted(baseUrl: string, key: string): Promise<LoopringWsClient> {
  for (;;) {
    try {
      return await LoopringWsClient.connectWithKey(baseUrl, key);
    } catch (error) {
      if (!String(error).includes('429')) throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
