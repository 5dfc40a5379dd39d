import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WebSocket } from 'ws';
import { DEMO, HttpHarness, type HarnessOptions } from '../support/http-harness.js';
import { demoBitgetKey } from '../support/bitget-signer.js';
import { accountArg, loggedIn, nextPush, wsUrl } from '../support/bitget-stream.js';
import { ManualClock } from '../support/clock.js';
import { openSocket } from '../support/ws-client.js';

/**
 * The Bitget stream's limits: caps replaced by name with --stream-limit, rates with --rate-limit,
 * the slow consumer, and the silent socket closed after --bitget-ws-ping-timeout on the server
 * clock. Each claim runs its own server with the limit it needs.
 */

async function withServer(flags: HarnessOptions['flags'], run: (h: HttpHarness) => Promise<void>, clock?: ManualClock): Promise<void> {
  const h = await HttpHarness.start('bitget-ws-limits-operator-token', { scenario: DEMO, flags, clock: clock?.now });
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

/** The HTTP status an upgrade was refused with, or 'open'. */
async function upgrade(h: HttpHarness, path = '/v2/ws/private'): Promise<string> {
  try {
    await openSocket(wsUrl(h, path));
    return 'open';
  } catch (error) {
    return (error as Error).message;
  }
}

const refused429 = 'Unexpected server response: 429';

describe('caps, overridable by name', () => {
  test('--stream-limit bitget.ws-connections-per-ip=2: a third socket from the IP is refused with HTTP 429', async () => {
    await withServer({ streamLimit: 'bitget.ws-connections-per-ip=2' }, async (h) => {
      const alice = demoBitgetKey(h.secrets('alice', 'bitget'));
      const held = [await loggedIn(h, alice, Date.now()), await loggedIn(h, alice, Date.now())];
      assert.equal(await upgrade(h), refused429);
      await held[0]!.close();
      // The place is given back when the socket closes: a new one is admitted.
      const again = await openSocket(wsUrl(h));
      await again.close();
      await held[1]!.close();
    });
  });

  test('--stream-limit bitget.ws-unauthenticated-per-ip=1: a second socket not logged in is refused until the first logs in', async () => {
    await withServer({ streamLimit: 'bitget.ws-unauthenticated-per-ip=1' }, async (h) => {
      const alice = demoBitgetKey(h.secrets('alice', 'bitget'));
      const first = await openSocket(wsUrl(h));
      assert.equal(await upgrade(h), refused429);
      await first.close();
      const logged = await loggedIn(h, alice, Date.now());
      const second = await openSocket(wsUrl(h));
      await second.close();
      await logged.close();
    });
  });

  test('--stream-limit bitget.ws-channels-per-connection=2: a third channel is 30006, the two held still push', async () => {
    await withServer({ streamLimit: 'bitget.ws-channels-per-connection=2' }, async (h) => {
      const socket = await loggedIn(h, demoBitgetKey(h.secrets('alice', 'bitget')), Date.now());
      socket.send({ op: 'subscribe', args: [accountArg('BTC')] });
      await nextPush(socket, 'BTC');
      socket.send({ op: 'subscribe', args: [accountArg('ETH')] });
      await nextPush(socket, 'ETH');
      socket.send({ op: 'subscribe', args: [accountArg('USDT')] });
      const refused = await socket.nextJson((f) => f.event === 'error');
      assert.equal(refused.code, 30006);
      await h.operate({ type: 'deposit', key: 'limits/eth', account: h.account('alice').id, asset: 'ETH', amount: '1' });
      assert.equal((await nextPush(socket, 'ETH')).action, 'update');
      await socket.close();
    });
  });
});

describe('rates, overridable by name', () => {
  test('--rate-limit bitget.ws-connect=2/60s: the third upgrade from the IP is refused with HTTP 429', async () => {
    await withServer({ rateLimit: 'bitget.ws-connect=2/60s' }, async (h) => {
      const a = await openSocket(wsUrl(h));
      const b = await openSocket(wsUrl(h, '/v2/ws/public'));
      assert.equal(await upgrade(h), refused429);
      await a.close();
      await b.close();
    });
  });

  test('--rate-limit bitget.ws-messages=3/60s: the fourth message gets 30007 and the socket is closed with 1008', async () => {
    await withServer({ rateLimit: 'bitget.ws-messages=3/60s' }, async (h) => {
      const socket = await openSocket(wsUrl(h));
      for (let i = 0; i < 3; i++) {
        socket.send('ping');
        assert.equal(await socket.next(), 'pong');
      }
      socket.send('ping');
      assert.equal((await socket.nextJson()).code, 30007);
      assert.deepEqual(await socket.closed, { code: 1008, reason: 'request over limit' });
    });
  });

  test('--rate-limit bitget.ws-subscribe=1/60s: the second subscribe is 30006 and the socket stays open', async () => {
    await withServer({ rateLimit: 'bitget.ws-subscribe=1/60s' }, async (h) => {
      const socket = await loggedIn(h, demoBitgetKey(h.secrets('alice', 'bitget')), Date.now());
      socket.send({ op: 'subscribe', args: [accountArg()] });
      await nextPush(socket);
      socket.send({ op: 'subscribe', args: [accountArg('BTC')] });
      assert.equal((await socket.nextJson((f) => f.event === 'error')).code, 30006);
      socket.send('ping');
      assert.equal(await socket.next((t) => t === 'pong'), 'pong');
      await socket.close();
    });
  });
});

describe('slow consumers and silent sockets', () => {
  test('a client that stops reading is closed with 1008 once --ws-send-buffer bytes wait for it', async () => {
    const flags = { wsSendBuffer: '1024', rateLimit: ['bitget.ws-messages=10000/1s', 'bitget.ws-subscribe=10000/1s'] };
    await withServer(flags, async (h) => {
      const socket = await loggedIn(h, demoBitgetKey(h.secrets('alice', 'bitget')), Date.now());
      // The client stops reading, then re-subscribes one channel 2000 times with a 4000-byte key
      // the server ignores but echoes in each ack: 8 MB waiting, over what the kernel's buffers hold.
      (socket.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      const frame = { op: 'subscribe', args: [{ ...accountArg(), pad: 'x'.repeat(4000) }] };
      for (let i = 0; i < 2000; i++) socket.send(frame);
      const [server] = h.app.websocketServer.clients;
      await closing(server!);
      (socket.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      assert.deepEqual(await socket.closed, { code: 1008, reason: 'slow consumer' });
    });
  });

  test('a socket silent for --bitget-ws-ping-timeout on the server clock is closed with 1000 "no ping"; one that pinged is not', async () => {
    const clock = new ManualClock(Date.now());
    await withServer({ bitgetWsPingTimeout: '120' }, async (h) => {
      const silent = await openSocket(wsUrl(h));
      const pinging = await openSocket(wsUrl(h));
      clock.advance(100_000);
      pinging.send('ping');
      assert.equal(await pinging.next(), 'pong');
      clock.advance(21_000);
      assert.deepEqual(await silent.closed, { code: 1000, reason: 'no ping' });
      pinging.send('ping');
      assert.equal(await pinging.next(), 'pong');
      await pinging.close();
    }, clock);
  });
});

describe('the end of a stream', () => {
  test('an operator reset of the ledger sends 40015 and closes a subscribed socket with 1012 "account reset"', async () => {
    await withServer({ rateLimits: 'off' }, async (h) => {
      const socket = await loggedIn(h, demoBitgetKey(h.secrets('alice', 'bitget')), Date.now());
      socket.send({ op: 'subscribe', args: [accountArg()] });
      await nextPush(socket);
      assert.equal((await h.post('/_assetbook/v1/reset')).status, 204);
      assert.equal((await socket.nextJson((f) => f.event === 'error')).code, 40015);
      assert.deepEqual(await socket.closed, { code: 1012, reason: 'account reset' });
    });
  });
});

/** Resolves when the server has begun closing `socket` (it sends no event for that): looked at every 10 ms. */
function closing(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const look = setInterval(() => {
      if (socket.readyState === socket.OPEN) return;
      clearInterval(look);
      resolve();
    }, 10);
  });
}
