import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loginAs } from '../support/bullish-client.js';
import { ALICE_GRID, ALICE_MAIN } from '../support/bullish-http.js';
import { isPush, keepalive, openStream, rawUpgrade, subscribe, type PushFrame } from '../support/bullish-stream.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import type { TestSocket } from '../support/ws-client.js';

/**
 * The private-data WebSocket's limits, each overridden by name as an operator would
 * (`--stream-limit`, `--rate-limit`): connections per API key, subscriptions per connection and
 * commands per second, each refused in Bullish's shape while the rest keeps working.
 */

interface RpcError {
  id: unknown;
  error: { code: string; errorCode: string; errorCodeName: string; message: string };
}

describe('bullish private-data WebSocket limits', () => {
  let h: HttpHarness;
  const sockets: TestSocket[] = [];
  before(async () => {
    h = await HttpHarness.start('bullish-stream-limits', {
      scenario: DEMO,
      flags: {
        streamLimit: ['bullish.ws-connections-per-key=2', 'bullish.ws-subscriptions-per-connection=1'],
        rateLimit: 'bullish.ws-commands=4/60s',
      },
    });
  });
  after(async () => {
    for (const s of sockets) await s.close();
    await h.close();
  });

  test('bullish.ws-connections-per-key: the upgrade beyond it is refused 429 (96000); a closed socket gives its place back', async () => {
    const token = await loginAs(h, 'bob');
    const first = await openStream(h, token);
    sockets.push(first, await openStream(h, token));
    const refused = await rawUpgrade(h, { cookie: `JWT_COOKIE=${token}` });
    assert.ok(typeof refused === 'object', String(refused));
    assert.equal(refused.status, 429);
    assert.equal(JSON.parse(refused.body).errorCode, 96000);
    // Another login of the same key counts against the same key.
    assert.equal((await rawUpgrade(h, { cookie: `JWT_COOKIE=${await loginAs(h, 'bob')}` }) as { status: number }).status, 429);
    await first.close();
    // The server sees the close as its own event; each attempt is one round trip, never a timed wait.
    let answer: Awaited<ReturnType<typeof rawUpgrade>> = 'dropped';
    for (let attempt = 0; attempt < 200 && answer !== 'upgraded'; attempt += 1) answer = await rawUpgrade(h, { cookie: `JWT_COOKIE=${token}` });
    assert.equal(answer, 'upgraded');
  });

  test('bullish.ws-subscriptions-per-connection: a second subscription gets -32001 (96000); the same one again starts over with a fresh snapshot', async () => {
    const ws = await openStream(h, await loginAs(h, 'alice'));
    sockets.push(ws);
    ws.send(subscribe('1', ALICE_MAIN));
    await ws.nextJson(isPush);
    ws.send(subscribe('2', ALICE_GRID));
    const refused = await ws.nextJson<RpcError>((f) => f.id === '2');
    assert.deepEqual([refused.error.code, refused.error.errorCode, refused.error.errorCodeName], ['-32001', '96000', 'RATE_LIMIT_EXCEEDED']);
    ws.send(subscribe('3', ALICE_MAIN));
    await ws.nextJson((f) => f.id === '3' && 'result' in f);
    const again = await ws.nextJson<PushFrame>(isPush);
    assert.deepEqual([again.type, again.tradingAccountId], ['snapshot', ALICE_MAIN]);
  });

  test('bullish.ws-commands: commands beyond the user’s budget get -32001 (96000) and the socket stays open', async () => {
    const ws = await openStream(h, await loginAs(h, 'carol'));
    sockets.push(ws);
    for (const id of ['a', 'b', 'c', 'd']) {
      ws.send(keepalive(id));
      assert.equal(((await ws.nextJson((f) => f.id === id)).result as { message: string }).message, 'Keep alive pong');
    }
    ws.send(keepalive('e'));
    assert.equal((await ws.nextJson<RpcError>((f) => f.id === 'e')).error.errorCode, '96000');
    ws.send('{garbage');
    assert.equal((await ws.nextJson<RpcError>((f) => 'error' in f)).error.code, '-32001', 'garbage counts against the budget too');
    assert.equal(ws.socket.readyState, ws.socket.OPEN);
  });
});
