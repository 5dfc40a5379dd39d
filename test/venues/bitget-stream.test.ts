import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest, type BitgetKey } from '../support/bitget-signer.js';
import { accountArg, loggedIn, loginFrame, nextPush, wsUrl } from '../support/bitget-stream.js';
import { ManualClock } from '../support/clock.js';
import { openSocket } from '../support/ws-client.js';

/**
 * Bitget's v2 WebSocket protocol, frame by frame, with the test client: login, the account
 * channel's acks, snapshot and updates, and the venue's error frame for every malformed or
 * refused frame. The server clock is held still; logins are signed at its time.
 */

const clock = new ManualClock();
let h: HttpHarness;
let alice: BitgetKey;

interface Envelope {
  code: string;
  data: unknown;
}

before(async () => {
  h = await HttpHarness.start('bitget-stream-operator-token', { scenario: DEMO, flags: { rateLimits: 'off', wsMessageLimit: '8192' }, clock: clock.now });
  alice = demoBitgetKey(h.secrets('alice', 'bitget'));
});
after(async () => h.close());

/** What the REST read answers for alice, data only. */
async function restAssets(query = ''): Promise<unknown> {
  const response = await h.request<Envelope>(signedBitgetRequest(alice, '/api/v2/spot/account/assets', { query, timestampMs: clock.now() }));
  assert.equal(response.status, 200, response.text);
  return response.body.data;
}

describe('login', () => {
  for (const form of ['seconds-string', 'seconds-number', 'ms-string'] as const) {
    test(`a login with the timestamp as ${form} is acked with the number code 0`, async () => {
      const socket = await openSocket(wsUrl(h));
      socket.send(loginFrame(alice, { atMs: clock.now(), form }));
      assert.equal(await socket.next(), '{"event":"login","code":0}');
      await socket.close();
    });
  }

  const refusals: [string, (k: BitgetKey) => Record<string, unknown>, number][] = [
    ['a wrong signature is 30015', (k) => loginFrame(k, { atMs: clock.now(), secret: 'not-the-secret' }), 30015],
    ['a wrong passphrase is 30012', (k) => loginFrame(k, { atMs: clock.now(), passphrase: 'not-the-pass' }), 30012],
    ['a timestamp 31 s old is 30014', (k) => loginFrame(k, { atMs: clock.now() - 31_000 }), 30014],
    ['a timestamp that is not digits is 30013', (k) => ({ op: 'login', args: [{ ...(loginFrame(k, { atMs: clock.now() }).args as object[])[0], timestamp: '17e8' }] }), 30013],
    ['a key never issued is 30011', (k) => loginFrame({ ...k, apiKey: 'bg_not_a_key' }, { atMs: clock.now() }), 30011],
    ['a login without args is 30016', () => ({ op: 'login' }), 30016],
  ];
  for (const [claim, frame, code] of refusals) {
    test(`${claim}, and the socket stays open for a retry that logs in`, async () => {
      const socket = await openSocket(wsUrl(h));
      socket.send(frame(alice));
      const error = await socket.nextJson();
      assert.equal(error.event, 'error');
      assert.equal(error.code, code);
      socket.send(loginFrame(alice, { atMs: clock.now() }));
      assert.deepEqual(await socket.nextJson(), { event: 'login', code: 0 });
      await socket.close();
    });
  }

  test('subscribing before login is 30004, and nothing is pushed', async () => {
    const socket = await openSocket(wsUrl(h));
    socket.send({ op: 'subscribe', args: [accountArg()] });
    assert.deepEqual(await socket.nextJson(), { event: 'error', code: 30004, msg: 'User not logged in/User must be logged in' });
    socket.send('ping');
    assert.equal(await socket.next(), 'pong');
    assert.equal(socket.frames.length, 2);
    await socket.close();
  });
});

describe('the spot account channel', () => {
  test('subscribe is acked with the arg as sent, then a snapshot whose data is the REST read of the held coins', async () => {
    const socket = await loggedIn(h, alice, clock.now());
    const arg = { channel: 'account', coin: 'default', instType: 'SPOT' };
    socket.send({ op: 'subscribe', args: [arg] });
    assert.deepEqual(await socket.nextJson(), { event: 'subscribe', arg });
    const snapshot = await nextPush(socket);
    assert.equal(snapshot.action, 'snapshot');
    assert.deepEqual(snapshot.arg, accountArg());
    assert.equal(snapshot.ts, clock.now());
    assert.deepEqual(snapshot.data, await restAssets());
    assert.deepEqual(snapshot.data.map((d) => d.coin), ['BTC', 'ETH', 'SOL', 'USDC', 'USDT']);
    await socket.close();
  });

  test('a deposit pushes an update with only the coin it touched, absolute, as the REST read of that coin shows it', async () => {
    const socket = await loggedIn(h, alice, clock.now());
    socket.send({ op: 'subscribe', args: [accountArg()] });
    await nextPush(socket);
    await h.operate({ type: 'deposit', key: 'stream/alice/usdc', account: h.account('alice').id, asset: 'USDC', amount: '5' });
    const update = await nextPush(socket);
    assert.equal(update.action, 'update');
    assert.deepEqual(update.data, await restAssets('coin=USDC'));
    await socket.close();
  });

  test('a one-coin channel gets a snapshot of that coin only, and updates of that coin only', async () => {
    const socket = await loggedIn(h, alice, clock.now());
    socket.send({ op: 'subscribe', args: [accountArg('eth')] });
    assert.deepEqual(await socket.nextJson(), { event: 'subscribe', arg: accountArg('eth') });
    const snapshot = await nextPush(socket, 'ETH');
    assert.deepEqual(snapshot.data, await restAssets('coin=ETH'));
    await h.operate({ type: 'deposit', key: 'stream/alice/usdt-1', account: h.account('alice').id, asset: 'USDT', amount: '1' });
    await h.operate({ type: 'deposit', key: 'stream/alice/eth-1', account: h.account('alice').id, asset: 'ETH', amount: '1' });
    const update = await nextPush(socket, 'ETH');
    assert.deepEqual(update.data, await restAssets('coin=ETH'));
    assert.deepEqual(socket.frames.filter((f) => f.includes('"USDT"')), []);
    await socket.close();
  });

  test('after unsubscribe the channel pushes nothing more, while another channel still does', async () => {
    const socket = await loggedIn(h, alice, clock.now());
    socket.send({ op: 'subscribe', args: [accountArg()] });
    await nextPush(socket);
    socket.send({ op: 'subscribe', args: [accountArg('BTC')] });
    await nextPush(socket, 'BTC');
    socket.send({ op: 'unsubscribe', args: [accountArg()] });
    assert.deepEqual(await socket.nextJson((f) => f.event === 'unsubscribe'), { event: 'unsubscribe', arg: accountArg() });
    const from = socket.frames.length;
    await h.operate({ type: 'deposit', key: 'stream/alice/usdt-2', account: h.account('alice').id, asset: 'USDT', amount: '1' });
    await h.operate({ type: 'deposit', key: 'stream/alice/btc-2', account: h.account('alice').id, asset: 'BTC', amount: '1' });
    await nextPush(socket, 'BTC');
    assert.deepEqual(socket.frames.slice(from).map((f) => (JSON.parse(f) as { arg: { coin: string } }).arg.coin), ['BTC']);
    await socket.close();
  });

  test('a subscribe of the same channel again is acked and answered with a fresh snapshot, still one channel', async () => {
    const socket = await loggedIn(h, alice, clock.now());
    socket.send({ op: 'subscribe', args: [accountArg('BTC')] });
    await nextPush(socket, 'BTC');
    socket.send({ op: 'subscribe', args: [accountArg('BTC')] });
    assert.equal((await nextPush(socket, 'BTC')).action, 'snapshot');
    const from = socket.frames.length;
    await h.operate({ type: 'deposit', key: 'stream/alice/btc-3', account: h.account('alice').id, asset: 'BTC', amount: '1' });
    await nextPush(socket, 'BTC');
    socket.send('ping');
    await socket.next((t) => t === 'pong');
    assert.equal(socket.frames.slice(from).filter((f) => f.includes('"update"')).length, 1);
    await socket.close();
  });
});

describe('a transfer made through the venue reaches the streams of both accounts', () => {
  test("a subaccount-transfer pushes an update to the main account's channel and the sub-account's, each as its REST read shows the coin", async () => {
    const grid = h.account('alice', 'grid-bot');
    const issued = await h.post<{ secrets: Record<string, string> }>('/_assetbook/v1/credentials', { venue: 'bitget', accountId: grid.id });
    assert.equal(issued.status, 201, issued.text);
    const gridKey = demoBitgetKey(issued.body.secrets);
    const main = await loggedIn(h, alice, clock.now());
    const sub = await loggedIn(h, gridKey, clock.now());
    for (const socket of [main, sub]) {
      socket.send({ op: 'subscribe', args: [accountArg('USDT')] });
      assert.equal((await nextPush(socket, 'USDT')).action, 'snapshot');
    }
    const body = JSON.stringify({ fromType: 'spot', toType: 'spot', amount: '7.5', coin: 'USDT', fromUserId: '6100000001', toUserId: '6100000002', clientOid: 'stream-transfer-1' });
    const moved = await h.request<Envelope>(signedBitgetRequest(alice, '/api/v2/spot/wallet/subaccount-transfer', { body, timestampMs: clock.now() }));
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.code, '00000', moved.text);

    const readOf = async (key: BitgetKey) => {
      const response = await h.request<Envelope>(signedBitgetRequest(key, '/api/v2/spot/account/assets', { query: 'coin=USDT', timestampMs: clock.now() }));
      assert.equal(response.status, 200, response.text);
      return response.body.data;
    };
    const [mainUpdate, subUpdate] = [await nextPush(main, 'USDT'), await nextPush(sub, 'USDT')];
    assert.equal(mainUpdate.action, 'update');
    assert.equal(subUpdate.action, 'update');
    assert.deepEqual(mainUpdate.data, await readOf(alice));
    assert.deepEqual(subUpdate.data, await readOf(gridKey));
    // The sub-account held 5000 USDT available: the pushed figure is the one after the transfer.
    assert.equal(subUpdate.data[0]?.available, '5007.5');
    await main.close();
    await sub.close();
  });
});

describe('refused frames get the venue error frame and the socket stays open', () => {
  const rows: [string, string | Record<string, unknown>, number][] = [
    ['an unknown channel is 30001', { op: 'subscribe', args: [{ instType: 'SPOT', channel: 'ticker', instId: 'BTCUSDT' }] }, 30001],
    ['a futures account channel is 30001', { op: 'subscribe', args: [{ instType: 'USDT-FUTURES', channel: 'account', coin: 'default' }] }, 30001],
    ['an unlisted coin is 30001', { op: 'subscribe', args: [accountArg('NOPE')] }, 30001],
    ['text that is not JSON is 30002', '{"op":"subscribe",', 30002],
    ['a JSON array is 30002', '[1,2]', 30002],
    ['an unknown op is 30003', { op: 'trade', args: [] }, 30003],
    ['a subscribe without args is 30016', { op: 'subscribe' }, 30016],
    ['args over 4096 bytes are 30016', { op: 'subscribe', args: [{ ...accountArg(), pad: 'x'.repeat(4096) }] }, 30016],
  ];
  for (const [claim, frame, code] of rows) {
    test(claim, async () => {
      const socket = await loggedIn(h, alice, clock.now());
      socket.send(frame);
      const error = await socket.nextJson();
      assert.equal(error.event, 'error');
      assert.equal(error.code, code);
      socket.send('ping');
      assert.equal(await socket.next(), 'pong');
      await socket.close();
    });
  }

  test('a binary frame is 30002', async () => {
    const socket = await loggedIn(h, alice, clock.now());
    socket.socket.send(Buffer.from('{"op":"subscribe"}'), { binary: true });
    assert.equal((await socket.nextJson()).code, 30002);
    socket.send('ping');
    assert.equal(await socket.next(), 'pong');
    await socket.close();
  });

  test('a frame over --ws-message-limit closes the socket with 1009', async () => {
    const socket = await loggedIn(h, alice, clock.now());
    socket.send('x'.repeat(9000));
    assert.equal((await socket.closed).code, 1009);
  });
});

describe('the public URL', () => {
  test('any channel is the venue 30001 error frame, not a 404; ping is answered pong', async () => {
    const socket = await openSocket(wsUrl(h, '/v2/ws/public'));
    socket.send({ op: 'subscribe', args: [{ instType: 'SPOT', channel: 'ticker', instId: 'BTCUSDT' }] });
    assert.deepEqual(await socket.nextJson(), { event: 'error', code: 30001, msg: "instType:SPOT,channel:ticker,instId:BTCUSDT doesn't exist" });
    socket.send('ping');
    assert.equal(await socket.next(), 'pong');
    await socket.close();
  });

  test('a plain GET of a stream URL is the venue 404 envelope', async () => {
    const response = await h.get<Envelope>('/v2/ws/private', null);
    assert.equal(response.status, 404);
    assert.equal(response.body.code, '40404');
  });
});
