import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../support/clock.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';
import { LoopringWsClient, getWsKey, type AccountDataV3 } from '../support/loopring-ws-client.js';
import { refusedUpgrade } from '../support/ws-upgrade.js';

/**
 * Loopring's WebSocket as a client reads it from the venue's docs (test/support/loopring-ws-client.ts):
 * the key endpoint, refused upgrades in the REST error shape, subscribe answers and snapshots
 * equal to the REST read, unsubscribe, and the venue's error frames for malformed requests. The
 * caps are in loopring-stream-limits.test.ts; the heartbeat, updates after operations and several instances are in
 * loopring-stream-client.test.ts.
 */

const { alice, bob } = DEMO_LOOPRING;
/** Far above anything these tests send: they would otherwise share 127.0.0.1's per-IP budgets. */
const ROOMY = ['loopring.ws-connect=10000/1s', 'loopring.ws-key=10000/1s', 'loopring.ws-requests=10000/1s'];

/** What the REST read answers for the account, as token id → row. */
async function restRows(h: HttpHarness, apiKey: string, accountId: number): Promise<Map<number, AccountDataV3>> {
  const response = await h.request<AccountDataV3[]>({ method: 'GET', path: `/api/v3/user/balances?accountId=${accountId}`, token: null, headers: { 'x-api-key': apiKey } });
  assert.equal(response.status, 200, response.text);
  return new Map(response.body.map((row) => [row.tokenId, row]));
}

describe('loopring stream: key, upgrade, subscribe', () => {
  const clock = new ManualClock(Date.now());
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('loopring-stream-token', { scenario: DEMO, clock: clock.now, flags: { rateLimit: ROOMY } });
  });
  after(async () => h.close());

  test('GET /v3/ws/key needs no API key and answers {"key"} alone; the key opens /v3/ws', async () => {
    const response = await h.request<{ key: string }>({ method: 'GET', path: '/v3/ws/key', token: null });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(Object.keys(response.body), ['key']);
    assert.match(response.body.key, /^[A-Za-z0-9_-]{16,64}$/);
    const client = await LoopringWsClient.connectWithKey(h.baseUrl, response.body.key);
    await client.close();
  });

  test('an upgrade without wsApiKey is 400 104001, with a made-up or tampered key 400 104002, with a repeated one 400 100001', async () => {
    const missing = await refusedUpgrade(h.baseUrl, '/v3/ws');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.resultInfo?.code, 104001);
    const made = await refusedUpgrade(h.baseUrl, '/v3/ws?wsApiKey=fx2xW5hoVFbcaanWS');
    assert.deepEqual([made.status, made.body.resultInfo?.code], [400, 104002]);
    const key = await getWsKey(h.baseUrl);
    const tampered = `${key.slice(0, 10)}${key[10] === 'A' ? 'B' : 'A'}${key.slice(11)}`;
    const refused = await refusedUpgrade(h.baseUrl, `/v3/ws?wsApiKey=${tampered}`);
    assert.deepEqual([refused.status, refused.body.resultInfo?.code], [400, 104002]);
    const twice = await refusedUpgrade(h.baseUrl, `/v3/ws?wsApiKey=${key}&wsApiKey=${key}`);
    assert.deepEqual([twice.status, twice.body.resultInfo?.code], [400, 100001]);
  });

  test('a ws key opens sockets for 300 s after it was issued (the server clock), then is 400 104002', async () => {
    const key = await getWsKey(h.baseUrl);
    clock.advance(299_000);
    const client = await LoopringWsClient.connectWithKey(h.baseUrl, key);
    await client.close();
    clock.advance(1_000);
    const expired = await refusedUpgrade(h.baseUrl, `/v3/ws?wsApiKey=${key}`);
    assert.deepEqual([expired.status, expired.body.resultInfo?.code], [400, 104002]);
    assert.match(expired.body.resultInfo?.message ?? '', /expired/);
  });

  test('GET /v3/ws without an upgrade is 400 100001 in the REST error shape', async () => {
    const plain = await refusedUpgrade(h.baseUrl, `/v3/ws?wsApiKey=${await getWsKey(h.baseUrl)}`, false);
    assert.deepEqual([plain.status, plain.body.resultInfo?.code], [400, 100001]);
  });

  test('sub is answered with result ok echoing op, sequence and topics, then one push per token equal to the REST read', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    try {
      const ack = await client.sub(alice.apiKey, [{ topic: 'account', v3: true }]);
      assert.equal(ack.op, 'sub');
      assert.deepEqual(ack.topics, [{ topic: 'account', v3: true }]);
      assert.deepEqual(ack.result, { status: 'ok' });
      const rest = await restRows(h, alice.apiKey, alice.accountId);
      assert.ok(rest.size >= 3, 'alice holds several tokens');
      const pushes = await client.accountPushes(rest.size);
      assert.deepEqual(
        pushes.map((p) => p.data),
        [...rest.values()],
        'the snapshot is the REST read, token by token, in token id order',
      );
      for (const push of pushes) {
        assert.deepEqual(push.topic, { topic: 'account', v3: true });
        assert.equal(typeof push.ts, 'number');
      }
    } finally {
      await client.close();
    }
  });

  test('without v3 the pushes carry the documented legacy names totalAmount and amountLocked, from the same rows', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    try {
      assert.deepEqual((await client.sub(bob.apiKey, [{ topic: 'account', accountId: bob.accountId }], 'true')).result, { status: 'ok' });
      const rest = await restRows(h, bob.apiKey, bob.accountId);
      const pushes = await client.accountPushes<Record<string, unknown>>(rest.size);
      assert.deepEqual(
        pushes.map((p) => p.data),
        [...rest.values()].map((r) => ({ accountId: r.accountId, totalAmount: r.total, tokenId: r.tokenId, amountLocked: r.locked })),
      );
      assert.deepEqual(pushes[0]?.topic, { topic: 'account', accountId: bob.accountId });
    } finally {
      await client.close();
    }
  });

  test('unSub answers ok and ends the pushes; unSub of a topic never subscribed is 104113', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    try {
      await client.sub(bob.apiKey, [{ topic: 'account', v3: true }]);
      await client.accountPushes((await restRows(h, bob.apiKey, bob.accountId)).size);
      const missing = await client.unSub(bob.apiKey, [{ topic: 'account', accountId: alice.accountId }]);
      assert.equal(missing.result.error?.code, 104113);
      assert.deepEqual((await client.unSub(bob.apiKey, [{ topic: 'account' }])).result, { status: 'ok' });
      const framesAfterUnsub = client.socket.frames.length;
      await h.operate({ type: 'deposit', key: 'stream/unsub/bob', account: h.account('bob').id, asset: 'USDT', amount: '5' });
      // A request answered after the deposit committed: a push of it would have been sent before this answer.
      assert.deepEqual((await client.sub(alice.apiKey, [{ topic: 'account', v3: true }], false)).result, { status: 'ok' });
      const between = client.socket.frames.slice(framesAfterUnsub).filter((f) => f.includes(`"accountId":${bob.accountId}`));
      assert.deepEqual(between, []);
    } finally {
      await client.close();
    }
  });

  test("malformed and refused requests get the venue's failed result, each, and the socket goes on serving", async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    try {
      const codeOf = async (frame: unknown): Promise<number | undefined> => {
        client.socket.send(frame);
        const answer = await client.socket.nextJson<{ result: { status: string; error?: { code: number } } }>((f) => typeof f.result === 'object');
        assert.equal(answer.result.status, 'failed');
        return answer.result.error?.code;
      };
      assert.equal(await codeOf('not json'), 104101);
      assert.equal(await codeOf('[1,2]'), 104101);
      assert.equal(await codeOf({ op: 'subscribe', topics: [{ topic: 'account' }] }), 104101);
      assert.equal(await codeOf({ op: 'sub', apiKey: alice.apiKey }), 104100);
      assert.equal(await codeOf({ op: 'sub', apiKey: alice.apiKey, topics: [{}] }), 104100);
      assert.equal(await codeOf({ op: 'sub', apiKey: alice.apiKey, topics: [{ topic: 'orderbook', market: 'LRC-ETH' }] }), 104102);
      assert.equal(await codeOf({ op: 'sub', apiKey: alice.apiKey, topics: [{ topic: 'account' }, { topic: 'account' }] }), 104103);
      assert.equal(await codeOf({ op: 'sub', topics: [{ topic: 'account' }] }), 104104);
      assert.equal(await codeOf({ op: 'sub', apiKey: alice.apiKey, topics: [{ topic: 'account', accountId: bob.accountId }] }), 104105);
      assert.equal(await codeOf({ op: 'sub', apiKey: 'never-issued', topics: [{ topic: 'account' }] }), 104112);
      assert.equal(await codeOf({ op: 'sub', apiKey: alice.apiKey, topics: [{ topic: 'account', accountId: 'x' }] }), 104115);
      assert.equal(await codeOf({ op: 'sub', apiKey: alice.apiKey, topics: [{ topic: 'account', v3: 'yes' }] }), 104115);
      assert.equal(await codeOf({ op: 'sub', apiKey: alice.apiKey, unsubscribeAll: 3, topics: [{ topic: 'account' }] }), 104115);
      client.socket.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      const binary = await client.socket.nextJson<{ result: { error?: { code: number } } }>((f) => typeof f.result === 'object');
      assert.equal(binary.result.error?.code, 104101);
      const failed = await client.request({ op: 'sub', apiKey: alice.apiKey, topics: [{ topic: 'candlestick' }] });
      assert.equal(failed.sequence !== undefined && failed.op === 'sub', true, 'a failed result echoes op and sequence');
      assert.deepEqual((await client.sub(alice.apiKey, [{ topic: 'account' }])).result, { status: 'ok' });
      assert.equal((await client.nextAccount()).topic.topic, 'account');
      assert.equal((await h.runtime.ledger.verify()).ok, true);
    } finally {
      await client.close();
    }
  });
  test('hostile frames (odd types, nesting, prototype keys, a thousand topics) each get a failed result; the socket and the server go on', async () => {
    const client = await LoopringWsClient.connect(h.baseUrl);
    try {
      const hostile: unknown[] = [
        'null',
        'true',
        '"sub"',
        '12345678901234567890123456789',
        '{"op":"sub","topics":[null]}',
        '{"op":"sub","topics":{"topic":"account"}}',
        '{"op":"sub","topics":"account"}',
        `{"op":"sub","apiKey":"${alice.apiKey}","topics":[{"topic":"account","accountId":1e400}]}`,
        `{"op":"sub","apiKey":"${alice.apiKey}","topics":[{"topic":"account","accountId":-1}]}`,
        `{"op":"sub","apiKey":"${alice.apiKey}","topics":[{"topic":"account","accountId":10010.5}]}`,
        '{"op":"sub","apiKey":7,"topics":[{"topic":"account"}]}',
        '{"op":"sub","sequence":{"a":1},"apiKey":"x","topics":[{"topic":"account"}]}',
        '{"__proto__":{"op":"sub"},"topics":[{"topic":"account"}]}',
        '{"op":{"toString":"sub"},"topics":[{"topic":"account"}]}',
        `{"op":"sub","topics":${'['.repeat(500)}${']'.repeat(500)}}`,
        JSON.stringify({ op: 'sub', apiKey: alice.apiKey, topics: Array.from({ length: 1001 }, () => ({ topic: 'account' })) }),
        JSON.stringify({ op: 'unSub', topics: [{ topic: 'account', v3: true }] }),
      ];
      for (const frame of hostile) {
        client.socket.send(frame);
        const answer = await client.socket.nextJson<{ result: { status: string } }>((f) => typeof f.result === 'object');
        assert.equal(answer.result.status, 'failed', String(frame).slice(0, 80));
      }
      assert.deepEqual((await client.sub(alice.apiKey, [{ topic: 'account' }])).result, { status: 'ok' });
      assert.equal((await h.request({ method: 'GET', path: '/healthz', token: null })).status, 200);
    } finally {
      await client.close();
    }
  });
});
