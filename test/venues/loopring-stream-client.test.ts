import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WebSocket } from 'ws';
import { Keyring } from '../../src/credentials/keyring.js';
import { LoopringContext } from '../../src/venues/loopring/context.js';
import { LoopringStreamSession } from '../../src/venues/loopring/stream-session.js';
import { ManualClock } from '../support/clock.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';
import { LoopringWsClient, getWsKey, type AccountDataV3 } from '../support/loopring-ws-client.js';
import { postgresSchemas } from '../support/postgres-schemas.js';
import { skipWithoutPostgres } from '../support/services.js';

/**
 * The proof the issue asks for: a client written from the venue's docs receives the snapshot,
 * then the change each operator operation makes (deposit, hold, trade, withdrawal), every push
 * equal to the REST read of that token; the server's ping and the pong timeout on an injected
 * clock; a ws key and a change crossing instances; a reset, a failure and a slow consumer closing
 * the socket with the stream's codes.
 */

const { bob, carol } = DEMO_LOOPRING;
const TOKEN = { ETH: 0, USDT: 2, BTC: 4 } as const;

/** The REST read of the account's rows, by token id. */
async function restRows(h: HttpHarness, apiKey: string, accountId: number): Promise<Map<number, AccountDataV3>> {
  const response = await h.request<AccountDataV3[]>({ method: 'GET', path: `/api/v3/user/balances?accountId=${accountId}`, token: null, headers: { 'x-api-key': apiKey } });
  assert.equal(response.status, 200, response.text);
  return new Map(response.body.map((row) => [row.tokenId, row]));
}

describe('loopring stream: operations reach a docs-written client', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('loopring-stream-client', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('the snapshot, then one push per changed token after a deposit, a hold, a trade and a withdrawal, each equal to the REST read', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    try {
      assert.deepEqual((await client.sub(bob.apiKey, [{ topic: 'account', v3: true }])).result, { status: 'ok' });
      const snapshot = await restRows(h, bob.apiKey, bob.accountId);
      assert.deepEqual((await client.accountPushes(snapshot.size)).map((p) => p.data), [...snapshot.values()]);

      /** After an operation: the next pushes are exactly `tokens`, in token id order, each the REST row now. */
      const expectPushes = async (tokens: readonly number[], what: string) => {
        const pushes = await client.accountPushes(tokens.length);
        const rest = await restRows(h, bob.apiKey, bob.accountId);
        assert.deepEqual(
          pushes.map((p) => p.data),
          tokens.map((t) => rest.get(t) ?? { accountId: bob.accountId, tokenId: t, total: '0', locked: '0', pending: { withdraw: '0', deposit: '0' } }),
          what,
        );
      };
      const bobId = h.account('bob').id;
      const carolId = h.account('carol').id;
      await h.operate({ type: 'deposit', key: 'stream/bob/usdt', account: bobId, asset: 'USDT', amount: '1000' });
      await expectPushes([TOKEN.USDT], 'deposit');
      await h.operate({ type: 'hold', key: 'stream/bob/hold', account: bobId, asset: 'USDT', amount: '400' });
      await expectPushes([TOKEN.USDT], 'hold: locked grows, total does not');
      await h.operate({
        type: 'trade',
        key: 'stream/bob/trade',
        legs: [
          { from: bobId, to: carolId, asset: 'USDT', amount: '350', fromBucket: 'held' },
          { from: carolId, to: bobId, asset: 'ETH', amount: '0.1' },
        ],
        fees: [{ account: carolId, asset: 'USDT', amount: '0.35' }],
      });
      await expectPushes([TOKEN.ETH, TOKEN.USDT], 'trade: both legs, one push each');
      await h.operate({ type: 'withdrawal.request', key: 'stream/bob/withdraw', account: bobId, asset: 'BTC', amount: '0.2', fee: '0.0001' });
      await expectPushes([TOKEN.BTC], 'withdrawal requested: pending.withdraw');
      await h.operate({ type: 'withdrawal.complete', key: 'stream/bob/withdraw/done', pending: 'stream/bob/withdraw' });
      await expectPushes([TOKEN.BTC], 'withdrawal completed');
      // A change to another account pushes nothing here: the next frame is the answer to this request.
      await h.operate({ type: 'deposit', key: 'stream/carol/usdt', account: carolId, asset: 'USDT', amount: '1' });
      const ack = await client.sub(carol.apiKey, [{ topic: 'account' }], false);
      assert.deepEqual(ack.result, { status: 'ok' });
      assert.equal(client.socket.frames.filter((f) => f.includes('"accountId":10020')).length, snapshot.size + 6);
    } finally {
      await client.close();
    }
  });

  test('a reset of the ledger ends the socket with 1012 (subscribe again)', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    await client.sub(bob.apiKey, [{ topic: 'account' }]);
    await client.nextAccount();
    const reset = await h.post('/_assetbook/v1/reset');
    assert.equal(reset.status, 204, reset.text);
    assert.equal((await client.closed).code, 1012);
  });
});

describe('loopring stream: heartbeat on an injected clock', () => {
  const clock = new ManualClock(Date.now());
  let h: HttpHarness;
  before(async () => {
    // Pings every 20 ms of real time, so the test need not wait 30 s; the timeout is read on the injected clock.
    h = await HttpHarness.start('loopring-stream-ping', { scenario: DEMO, clock: clock.now, flags: { rateLimits: 'off', loopringWsPingInterval: '0.02' } });
  });
  after(async () => h.close());

  test('the server sends text pings; a client answering pong stays open well past the 120 s timeout', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    try {
      for (let round = 0; round < 3; round += 1) {
        await client.socket.next((t) => t === 'ping');
        // The pong went out before this request: its answer means the server has read the pong.
        assert.equal((await client.sub(bob.apiKey, [{ topic: 'account' }])).result.status, 'ok');
        clock.advance(100_000);
      }
      assert.equal((await client.sub(bob.apiKey, [{ topic: 'account' }])).result.status, 'ok');
      await client.socket.next((t) => t === 'ping');
      assert.equal(client.socket.socket.readyState, client.socket.socket.OPEN);
    } finally {
      await client.close();
    }
  });

  test('a client that stops answering is closed with 1008 once 120 s pass without a pong, not before', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl, { answerPings: false });
    await client.socket.next((t) => t === 'ping');
    clock.advance(119_000);
    assert.equal((await client.sub(bob.apiKey, [{ topic: 'account' }])).result.status, 'ok');
    // A ping after that answer was sent by a heartbeat that ran after the clock moved: not closed at 119 s.
    await client.socket.next((t) => t === 'ping');
    clock.advance(1_000);
    assert.deepEqual(await client.closed, { code: 1008, reason: 'no pong in time' });
  });
});

describe('loopring stream: two instances on one store', () => {
  let dir: string;
  let a: HttpHarness;
  let b: HttpHarness;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assetbook-loopring-stream-'));
    const flags = { db: join(dir, 'assetbook.db'), secretKey: Keyring.generateKey().toString('hex'), rateLimits: 'off' };
    a = await HttpHarness.start('loopring-stream-instances', { scenario: DEMO, flags });
    b = await HttpHarness.start('loopring-stream-instances', { flags });
  });
  after(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a ws key from instance A opens a socket on B, and a deposit committed through A reaches the client on B', async () => {
    const key = await getWsKey(a.baseUrl);
    const client = await LoopringWsClient.connectWithKey(b.baseUrl, key);
    try {
      await client.sub(bob.apiKey, [{ topic: 'account', v3: true }]);
      await client.accountPushes((await restRows(b, bob.apiKey, bob.accountId)).size);
      await a.operate({ type: 'deposit', key: 'instances/bob/usdt', account: a.account('bob').id, asset: 'USDT', amount: '12.5' });
      const push = await client.nextAccount();
      assert.deepEqual(push.data, (await restRows(a, bob.apiKey, bob.accountId)).get(TOKEN.USDT));
    } finally {
      await client.close();
    }
  });

  test('more pongs than pings close the socket with 1008', async () => {
    const client = await LoopringWsClient.connect(b.baseUrl);
    for (let i = 0; i <= client.pings + 1; i += 1) client.socket.send('pong');
    assert.deepEqual(await client.closed, { code: 1008, reason: 'more pongs than pings' });
  });

  test('a slow consumer, with more than --ws-send-buffer waiting, is closed with 1008 instead of buffered', async () => {
    const port = b.runtime.venuePort('loopring');
    const sent: string[] = [];
    // A socket whose client reads nothing: more than the limit is already waiting.
    const socket = Object.assign(new EventEmitter(), {
      OPEN: 1,
      readyState: 1,
      bufferedAmount: port.streamSendBufferBytes + 1,
      send: (text: string) => sent.push(text),
      close: (code: number, reason: string) => {
        socket.readyState = 3;
        socket.emit('close', code, reason);
      },
      terminate: () => {},
    });
    const closed = new Promise<[number, string]>((resolve) => socket.once('close', (code: number, reason: string) => resolve([code, reason])));
    new LoopringStreamSession(socket as unknown as WebSocket, { port, ctx: new LoopringContext(port), rateKey: 'slow', topicsMax: 20, onAuthenticated: () => {} });
    socket.emit('message', Buffer.from(JSON.stringify({ op: 'sub', apiKey: bob.apiKey, topics: [{ topic: 'account' }] })), false);
    assert.deepEqual(await closed, [1008, 'slow consumer: pushes are not being read']);
    assert.deepEqual(sent, []);
  });
});

/** PostgreSQL schemas of this file's own, dropped when it ends. */
const schemas = postgresSchemas();

test(
  '[postgres] a ws key from instance A opens a socket on B and on a restarted A; changes committed through A reach the client on B',
  { skip: skipWithoutPostgres },
  async () => {
    const flags = { db: schemas.fresh(), secretKey: Keyring.generateKey().toString('hex'), rateLimits: 'off' };
    const a = await HttpHarness.start('loopring-stream-pg', { scenario: DEMO, flags });
    const b = await HttpHarness.start('loopring-stream-pg', { flags });
    let aOpen = true;
    let restarted: HttpHarness | undefined;
    try {
      const key = await getWsKey(a.baseUrl);
      const client = await LoopringWsClient.connectWithKey(b.baseUrl, key);
      await client.sub(bob.apiKey, [{ topic: 'account', v3: true }]);
      await client.accountPushes((await restRows(b, bob.apiKey, bob.accountId)).size);
      await a.operate({ type: 'deposit', key: 'pg/bob/usdt', account: a.account('bob').id, asset: 'USDT', amount: '3' });
      assert.deepEqual((await client.nextAccount()).data, (await restRows(a, bob.apiKey, bob.accountId)).get(TOKEN.USDT));
      await a.operate({ type: 'hold', key: 'pg/bob/hold', account: a.account('bob').id, asset: 'USDT', amount: '1' });
      assert.deepEqual((await client.nextAccount()).data, (await restRows(a, bob.apiKey, bob.accountId)).get(TOKEN.USDT));
      await client.close();
      aOpen = false;
      await a.close();
      restarted = await HttpHarness.start('loopring-stream-pg', { flags });
      const again = await LoopringWsClient.connectWithKey(restarted.baseUrl, key);
      await again.close();
    } finally {
      if (aOpen) await a.close();
      await b.close();
      await restarted?.close();
    }
  },
);
