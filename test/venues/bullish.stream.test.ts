import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Keyring } from '../../src/credentials/keyring.js';
import { REVALIDATE_MS } from '../../src/venues/bullish/sessions.js';
import { jwtPayload, loginAs } from '../support/bullish-client.js';
import { ALICE_EMPTY, ALICE_GRID, ALICE_MAIN, BOB_MAIN, NOBODY, assets, get, type AssetAccount } from '../support/bullish-http.js';
import { isPush, keepalive, openStream, rawUpgrade, restShape, subscribe, type PushFrame } from '../support/bullish-stream.js';
import { ManualClock } from '../support/clock.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import type { TestSocket } from '../support/ws-client.js';

/**
 * Bullish's private-data WebSocket through a real server on loopback with the demo scenario:
 * authentication on the upgrade, the JSON-RPC commands and their errors, the V1TAAssetAccount
 * snapshot and updates (the very rows the REST read shows), and the session ending the stream.
 */

const ALICE_ACCOUNTS = [ALICE_MAIN, ALICE_GRID, '111000000000003', ALICE_EMPTY];

interface RpcError {
  id: unknown;
  error: { code: string; errorCode: string; errorCodeName: string; message: string };
}

const sockets: TestSocket[] = [];
async function track(socket: Promise<TestSocket>): Promise<TestSocket> {
  const s = await socket;
  sockets.push(s);
  return s;
}
after(async () => {
  for (const s of sockets) await s.close();
});

describe('bullish private-data WebSocket', () => {
  let h: HttpHarness;
  let alice: string;
  before(async () => {
    h = await HttpHarness.start('bullish-stream-operator', { scenario: DEMO, flags: { rateLimits: 'off' } });
    alice = await loginAs(h, 'alice');
  });
  after(async () => h.close());

  const restRows = async (tradingAccountId: string, token = alice) => (await h.request<AssetAccount[]>(get(assets(tradingAccountId), token))).body;

  test('with the JWT_COOKIE cookie, a subscribe without an account is acknowledged, then each trading account’s snapshot is its REST read, zero rows included', async () => {
    const ws = await track(openStream(h, alice, 'cookie'));
    ws.send(subscribe('1'));
    assert.deepEqual(await ws.nextJson(), { jsonrpc: '2.0', id: '1', result: { responseCode: '200', responseCodeName: 'OK', message: 'Successfully subscribed' } });
    const snapshots: PushFrame[] = [];
    for (let i = 0; i < ALICE_ACCOUNTS.length; i += 1) snapshots.push(await ws.nextJson<PushFrame>(isPush));
    assert.deepEqual(snapshots.map((s) => s.tradingAccountId).sort(), ALICE_ACCOUNTS);
    for (const snapshot of snapshots) {
      assert.equal(snapshot.type, 'snapshot');
      assert.ok(Array.isArray(snapshot.data));
      const rows = snapshot.data as Record<string, string>[];
      for (const row of rows) assert.match(row.publishedAtTimestamp!, /^[0-9]{13}$/);
      assert.deepEqual(rows.map(restShape), await restRows(snapshot.tradingAccountId), snapshot.tradingAccountId);
    }
    assert.deepEqual((snapshots.find((s) => s.tradingAccountId === ALICE_EMPTY)!.data as unknown[]).length, 0);
  });

  test('with Authorization: Bearer, a subscribe naming an account snapshots that account only', async () => {
    const ws = await track(openStream(h, alice, 'bearer'));
    ws.send(subscribe('7', ALICE_GRID));
    await ws.nextJson((f) => f.id === '7');
    const snapshot = await ws.nextJson<PushFrame>(isPush);
    assert.equal(snapshot.tradingAccountId, ALICE_GRID);
    assert.deepEqual((snapshot.data as Record<string, string>[]).map(restShape), await restRows(ALICE_GRID));
  });

  test('a deposit is pushed as one update of the changed asset, absolute, equal to its REST row; a hold likewise', async () => {
    const carol = await loginAs(h, 'carol');
    const account = h.account('carol');
    const [id] = (await h.request<{ tradingAccountId: string }[]>(get('/trading-api/v1/accounts/trading-accounts', carol))).body.map((a) => a.tradingAccountId);
    const ws = await track(openStream(h, carol));
    ws.send(subscribe('1', id));
    await ws.nextJson(isPush);
    await h.operate({ type: 'deposit', key: 'stream/carol/deposit', account: account.id, asset: 'USDT', amount: '12.5' });
    const update = await ws.nextJson<PushFrame>(isPush);
    assert.equal(update.type, 'update');
    assert.equal(update.tradingAccountId, id);
    const row = update.data as Record<string, string>;
    assert.equal(row.assetSymbol, 'USDT');
    assert.equal(row.availableQuantity, '112.5000');
    assert.deepEqual(restShape(row), (await restRows(id!, carol)).find((r) => r.assetSymbol === 'USDT'));
    await h.operate({ type: 'hold', key: 'stream/carol/hold', account: account.id, asset: 'USDT', amount: '2.5' });
    const held = (await ws.nextJson<PushFrame>(isPush)).data as Record<string, string>;
    assert.deepEqual([held.assetSymbol, held.availableQuantity, held.lockedQuantity], ['USDT', '110.0000', '2.5000']);
  });

  test('another user’s or a nonexistent tradingAccountId gets the same JSON-RPC error 29013 and no push', async () => {
    const ws = await track(openStream(h, alice));
    for (const [id, account] of [['a', BOB_MAIN], ['b', NOBODY]] as const) {
      ws.send(subscribe(id, account));
      const answer = await ws.nextJson<RpcError>((f) => f.id === id);
      assert.deepEqual(answer.error, { code: '-32602', errorCode: '29013', errorCodeName: 'INVALID_TOPIC_ERROR', message: `'${account}' is not a valid tradingAccountId` });
    }
    ws.send(subscribe('c', 'x'.repeat(500)));
    assert.equal((await ws.nextJson<RpcError>((f) => f.id === 'c')).error.message, 'the value is not a valid tradingAccountId');
    ws.send({ ...subscribe('d'), params: { topic: 'orders' } });
    assert.equal((await ws.nextJson<RpcError>((f) => f.id === 'd')).error.errorCode, '29013');
    ws.send(keepalive('e'));
    await ws.nextJson((f) => f.id === 'e');
    assert.equal(ws.frames.filter((f) => f.includes('V1TAAssetAccount')).length, 0);
  });

  test('malformed frames get JSON-RPC errors (-32700, -32600, -32601, -32602) and the socket stays open', async () => {
    const ws = await track(openStream(h, alice));
    const cases: [unknown, string, unknown][] = [
      ['{not json', '-32700', null],
      ['[1,2]', '-32600', null],
      ['"text"', '-32600', null],
      [{ id: { nested: true }, method: 'subscribe' }, '-32600', null],
      [{ id: '5', jsonrpc: '1.0', method: 'subscribe' }, '-32600', '5'],
      [{ id: '6', method: 42 }, '-32600', '6'],
      [{ id: '7', method: 'unsubscribe', params: {} }, '-32601', '7'],
      [{ id: '8', method: 'subscribe', params: 'assetAccounts' }, '-32602', '8'],
      [{ id: 9, method: 'subscribe' }, '-32602', 9],
    ];
    for (const [frame, code, id] of cases) {
      ws.send(frame);
      const answer = await ws.nextJson<RpcError>((f) => 'error' in f);
      assert.equal(answer.error.code, code, JSON.stringify(frame));
      assert.equal(answer.id, id, JSON.stringify(frame));
    }
    ws.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await ws.nextJson<RpcError>((f) => 'error' in f)).error.code, '-32700');
    ws.send(keepalive('alive'));
    await ws.nextJson((f) => f.id === 'alive');
  });

  test('keepalivePing is answered with the result ccxt counts as a pong', async () => {
    const ws = await track(openStream(h, alice));
    ws.send(keepalive('3'));
    assert.deepEqual(await ws.nextJson(), { jsonrpc: '2.0', id: '3', result: { responseCode: '200', responseCodeName: 'OK', message: 'Keep alive pong' } });
  });

  test('the single-account URL (?tradingAccountId=) snapshots that account for a subscribe naming none', async () => {
    const ws = await track(openStream(h, alice, 'cookie', `?tradingAccountId=${ALICE_GRID}`));
    ws.send(subscribe('1'));
    assert.equal((await ws.nextJson<PushFrame>(isPush)).tradingAccountId, ALICE_GRID);
  });

  test('a logout ends the stream: Bullish’s V1TAErrorResponse 401, then close 4401', async () => {
    const token = await loginAs(h, 'alice');
    const ws = await track(openStream(h, token));
    assert.equal((await h.request(get('/trading-api/v1/users/logout', token))).status, 200);
    const ended = await ws.nextJson<{ type: string; dataType: string; data: { errorCode: number; errorCodeName: string } }>();
    assert.deepEqual([ended.type, ended.dataType, ended.data.errorCode, ended.data.errorCodeName], ['error', 'V1TAErrorResponse', 401, 'UNAUTHORIZED']);
    assert.equal((await ws.closed).code, 4401);
  });
});

describe('bullish private-data WebSocket: the upgrade', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('bullish-stream-upgrade', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('a bad or tampered token is refused with 401, Bullish’s 6105 body and the JWT_COOKIE cleared; no socket opens', async () => {
    const good = await loginAs(h, 'alice');
    const tampered = `${good.slice(0, -4)}${good.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const cases: Record<string, string>[] = [{ cookie: `JWT_COOKIE=${tampered}` }, { cookie: 'other=1; JWT_COOKIE=nonsense' }, { authorization: `Bearer ${tampered}` }, { authorization: 'Basic abc' }];
    for (const headers of cases) {
      const answer = await rawUpgrade(h, headers);
      assert.ok(typeof answer === 'object', `${JSON.stringify(headers)}: ${String(answer)}`);
      assert.equal(answer.status, 401);
      assert.equal(JSON.parse(answer.body).errorCode, 6105);
      assert.equal(String(answer.headers['set-cookie']), 'JWT_COOKIE=SESSION_TERMINATED; Path=/; Max-Age=0; Secure; SameSite=Strict');
    }
  });

  test('no token at all: the connection is dropped without an answer, as Bullish documents', async () => {
    assert.equal(await rawUpgrade(h, {}), 'dropped');
    assert.equal(await rawUpgrade(h, { cookie: `JWT_COOKIE=${await loginAs(h, 'alice')}` }), 'upgraded');
  });

  test('a plain GET (no Upgrade) is 426 with Upgrade: websocket and Bullish’s error body', async () => {
    const answer = await h.request(get('/trading-api/v1/private-data', null));
    assert.equal(answer.status, 426);
    assert.equal(answer.headers.get('upgrade'), 'websocket');
    assert.equal((answer.body as { errorCode: number }).errorCode, 2001);
  });
});

describe('bullish private-data WebSocket and the clock', () => {
  let h: HttpHarness;
  const clock = new ManualClock(Date.now());
  before(async () => {
    h = await HttpHarness.start('bullish-stream-clock', { scenario: DEMO, flags: { rateLimits: 'off', bullishTokenTtl: '600', bullishWsIdle: '120' }, clock: clock.now });
  });
  after(async () => h.close());

  test('an expired token ends the stream at its expiry (V1TAErrorResponse, 4401); the upgrade with it is then refused 401', async () => {
    const token = await loginAs(h, 'alice', clock.now());
    const ws = await track(openStream(h, token));
    // Kept busy so that idleness is not what ends it.
    for (const step of [100_000, 100_000, 100_000, 100_000, 100_000]) {
      clock.advance(step);
      ws.send(keepalive(String(step)));
      await ws.nextJson((f) => f.id === String(step));
    }
    clock.advance((jwtPayload(token).exp as number) * 1000 - clock.now());
    const ended = await ws.nextJson<{ dataType: string; data: { message: string } }>();
    assert.equal(ended.dataType, 'V1TAErrorResponse');
    assert.match(ended.data.message, /expired/i);
    assert.equal((await ws.closed).code, 4401);
    const again = await rawUpgrade(h, { cookie: `JWT_COOKIE=${token}` });
    assert.equal(typeof again === 'object' && again.status, 401);
  });

  test('a socket silent for --bullish-ws-idle is closed with 1000; one that pings stays open', async () => {
    const token = await loginAs(h, 'alice', clock.now());
    const silent = await track(openStream(h, token));
    const pinging = await track(openStream(h, token));
    clock.advance(119_000);
    pinging.send(keepalive('p'));
    await pinging.nextJson((f) => f.id === 'p');
    clock.advance(1_000);
    assert.equal((await silent.closed).code, 1000);
    pinging.send(keepalive('q'));
    await pinging.nextJson((f) => f.id === 'q');
  });
});

describe('bullish private-data WebSocket across two instances on one store', () => {
  let dir: string;
  let a: HttpHarness;
  let b: HttpHarness;
  const clock = new ManualClock(Date.now());
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assetbook-bullish-stream-'));
    const flags = { db: join(dir, 'assetbook.db'), secretKey: Keyring.generateKey().toString('hex'), rateLimits: 'off' };
    a = await HttpHarness.start('bullish-stream-a', { scenario: DEMO, flags, clock: clock.now });
    b = await HttpHarness.start('bullish-stream-b', { flags, clock: clock.now });
  });
  after(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a deposit made on the other instance is pushed; a logout made there ends the stream at its next keepalivePing', async () => {
    const token = await loginAs(a, 'alice', clock.now());
    const ws = await track(openStream(a, token));
    ws.send(subscribe('1', ALICE_MAIN));
    await ws.nextJson(isPush);
    const deposit = await b.post('/_assetbook/v1/operations', { type: 'deposit', key: 'stream/two/deposit', account: a.account('alice').id, asset: 'SOL', amount: '1' });
    assert.equal(deposit.status, 201, deposit.text);
    const update = (await ws.nextJson<PushFrame>(isPush)).data as Record<string, string>;
    assert.deepEqual([update.assetSymbol, update.availableQuantity], ['SOL', '43.12345678']);
    assert.equal((await b.request(get('/trading-api/v1/users/logout', token))).status, 200);
    // A's remembered check of the token lapses, so the next command asks the store.
    clock.advance(REVALIDATE_MS);
    ws.send(keepalive('after-logout'));
    const ended = await ws.nextJson<{ dataType: string; data: { message: string } }>();
    assert.equal(ended.dataType, 'V1TAErrorResponse');
    assert.match(ended.data.message, /logout/);
    assert.equal((await ws.closed).code, 4401);
  });
});
