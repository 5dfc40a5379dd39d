import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebsocketClientV2 } from 'bitget-api';
import { demoBitgetKey } from '../support/bitget-signer.js';
import { accountArg, loggedIn, nextPush, wsUrl } from '../support/bitget-stream.js';
import { loginAs } from '../support/bullish-client.js';
import { ALICE_MAIN } from '../support/bullish-http.js';
import { isPush, openStream, subscribe } from '../support/bullish-stream.js';
import { HeldSleep } from '../support/held-sleep.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';
import { LoopringWsClient } from '../support/loopring-ws-client.js';
import { openSocket, type TestSocket } from '../support/ws-client.js';
import { clearFaults, listFaults, nextFaultEvent, setFaults } from '../support/faults.js';

/**
 * Fault rules on the venues' streams: a dropped socket (the client sees no close frame and
 * reconnects), a delayed push (it and every frame after it wait: the client sees them in order),
 * and a duplicated push (the same frame twice), each on the frames a client receives.
 */

const sockets: TestSocket[] = [];
async function track(socket: Promise<TestSocket>): Promise<TestSocket> {
  const s = await socket;
  sockets.push(s);
  return s;
}

/** One turn of the event loop: everything the server does on a release (promise reactions, the socket write) is done after it. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('fault rules on the Bitget stream', () => {
  let h: HttpHarness;
  const held = new HeldSleep();
  before(async () => {
    h = await HttpHarness.start('faults-stream-bitget', { scenario: DEMO, flags: { rateLimits: 'off' }, faultSleep: held.sleep });
  });
  after(async () => {
    for (const s of sockets) await s.close();
    await h.close();
  });

  test('a dropped socket: bitget-api sees it end, reconnects, logs in and subscribes again, and gets the snapshot', async () => {
    await setFaults(h, [{ on: 'push', venue: 'bitget', channel: 'account', action: { type: 'drop' }, count: 1 }]);
    const s = h.secrets('bob', 'bitget');
    const quiet = { trace: () => {}, info: () => {}, error: () => {} };
    const client = new WebsocketClientV2({ apiKey: s.apiKey!, apiSecret: s.secretKey!, apiPass: s.passphrase!, wsUrl: wsUrl(h) }, quiet);
    const seen: string[] = [];
    const snapshot = new Promise<{ data?: { coin: string; available: string }[] }>((resolve) => {
      client.on('update', (event: { action?: string; arg?: { channel?: string }; data?: { coin: string; available: string }[] }) => {
        if (event.arg?.channel !== 'account') return;
        seen.push(`push ${event.action}`);
        resolve(event);
      });
    });
    client.on('reconnect', () => seen.push('reconnect'));
    client.on('reconnected', () => seen.push('reconnected'));
    try {
      const dropped = nextFaultEvent(h, (e) => e.type === 'injected');
      void client.subscribeTopic('SPOT', 'account');
      const event = await dropped;
      assert.equal(event.type === 'injected' && event.action, 'drop');
      const push = await snapshot;
      assert.deepEqual(seen, ['reconnect', 'reconnected', 'push snapshot'], 'the first snapshot never came: the socket went, and the new one got it');
      assert.equal(push.data?.find((d) => d.coin === 'BTC')?.available, '0.5');
      assert.deepEqual(
        (await listFaults(h)).map((r) => [r.injected, r.state]),
        [[1, 'expired']],
      );
    } finally {
      client.closeAll(true);
    }
  });

  test('a delayed push holds the frames after it: released out of order, the client still gets the snapshot, then the update', async () => {
    await setFaults(h, [{ on: 'push', venue: 'bitget', action: { type: 'latency', minMs: 100, maxMs: 900 }, count: 2, seed: 9 }]);
    const socket = await track(loggedIn(h, demoBitgetKey(h.secrets('bob', 'bitget')), Date.now()));
    const first = held.asked.length;
    socket.send({ op: 'subscribe', args: [accountArg()] });
    await held.untilAsked(first + 1);
    await h.operate({ type: 'deposit', key: 'faults/stream/delay', account: h.account('bob').id, asset: 'USDT', amount: '25' });
    await held.untilAsked(first + 2);
    const [snapshotDelay, updateDelay] = held.asked.slice(first);
    assert.ok(snapshotDelay! >= 100 && snapshotDelay! <= 900 && updateDelay! >= 100 && updateDelay! <= 900, `${held.asked}`);
    // The update's own delay ends first; it still waits behind the snapshot.
    held.release(first + 1);
    await turn();
    held.release(first);
    const snapshot = await nextPush(socket);
    const update = await nextPush(socket);
    assert.deepEqual([snapshot.action, update.action], ['snapshot', 'update']);
    assert.equal(snapshot.data.find((d) => d.coin === 'BTC')?.available, '0.5');
    assert.deepEqual(update.data.map((d) => [d.coin, d.available]), [['USDT', '25']]);
    await clearFaults(h);
  });

  test("a request rule on the stream's path refuses the upgrade with the venue's HTTP answer, or drops it", async () => {
    await setFaults(h, [
      { venue: 'bitget', path: '/v2/ws/private', action: { type: 'error', kind: 'maintenance' }, count: 1 },
      { venue: 'bitget', path: '/v2/ws/private', action: { type: 'drop' }, count: 1 },
    ]);
    await assert.rejects(openSocket(wsUrl(h)), /Unexpected server response: 503/);
    await assert.rejects(openSocket(wsUrl(h)), /socket hang up|ECONNRESET/);
    const served = await track(openSocket(wsUrl(h)));
    served.send('ping');
    assert.equal(await served.next(), 'pong', 'both rules used up: the next upgrade is a socket');
  });

  test('a duplicated push arrives twice, the very same frame; the pushes after it once each', async () => {
    await setFaults(h, [{ on: 'push', venue: 'bitget', apiKey: h.secrets('alice', 'bitget').apiKey!, action: { type: 'duplicate' }, count: 1 }]);
    const socket = await track(loggedIn(h, demoBitgetKey(h.secrets('alice', 'bitget')), Date.now()));
    socket.send({ op: 'subscribe', args: [accountArg('BTC')] });
    const isAccountPush = (text: string) => text.includes('"action"');
    const one = await socket.next(isAccountPush);
    const two = await socket.next(isAccountPush);
    assert.equal(two, one);
    assert.equal((JSON.parse(one) as { action: string }).action, 'snapshot');
    const alice = h.account('alice').id;
    await h.operate({ type: 'deposit', key: 'faults/stream/dup/1', account: alice, asset: 'BTC', amount: '1' });
    await h.operate({ type: 'deposit', key: 'faults/stream/dup/2', account: alice, asset: 'BTC', amount: '2' });
    const updates = [await socket.next(isAccountPush), await socket.next(isAccountPush)].map((t) => (JSON.parse(t) as { data: { available: string }[] }).data[0]?.available);
    assert.deepEqual(updates, ['2.25', '4.25'], 'one frame per change after the duplicate');
  });
});

describe('fault rules on the Bullish and Loopring streams', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('faults-stream-others', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => {
    for (const s of sockets) await s.close();
    await h.close();
  });

  test('Bullish: a rule on the assetAccounts channel of one trading account doubles its snapshot push', async () => {
    await setFaults(h, [{ on: 'push', venue: 'bullish', channel: 'assetAccounts', account: h.account('alice').id, action: { type: 'duplicate' }, count: 1 }]);
    const ws = await track(openStream(h, await loginAs(h, 'alice'), 'cookie'));
    ws.send(subscribe('1', ALICE_MAIN));
    const pushes = [await ws.next((t) => isPush(JSON.parse(t) as Record<string, unknown>)), await ws.next((t) => isPush(JSON.parse(t) as Record<string, unknown>))];
    assert.equal(pushes[1], pushes[0]);
    assert.equal((JSON.parse(pushes[0]!) as { type: string }).type, 'snapshot');
    await clearFaults(h);
  });

  test('Loopring: a dropped socket ends without a close frame (1006), and a new one is served as before', async () => {
    await setFaults(h, [{ on: 'push', venue: 'loopring', path: '/v3/ws', action: { type: 'drop' }, count: 1 }]);
    const first = await LoopringWsClient.connect(h.baseUrl);
    assert.equal((await first.sub(DEMO_LOOPRING.alice.apiKey, [{ topic: 'account', v3: true }])).result.status, 'ok');
    assert.equal((await first.closed).code, 1006, 'no close frame: the connection was destroyed');
    const second = await LoopringWsClient.connect(h.baseUrl);
    sockets.push(second.socket);
    assert.equal((await second.sub(DEMO_LOOPRING.alice.apiKey, [{ topic: 'account', v3: true }])).result.status, 'ok');
    const push = await second.nextAccount();
    assert.equal(push.data.accountId, DEMO_LOOPRING.alice.accountId);
  });
});
