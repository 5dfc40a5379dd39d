import assert from 'node:assert/strict';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { HeldSleep } from '../support/held-sleep.js';
import { RawConnection, jsonOf, requestBytes } from '../support/raw-http.js';
import { clearFaults, listFaults, nextFaultEvent, setFaults } from '../support/faults.js';

/**
 * Fault rules and HTTP/1.1 on the wire: a delayed request holds the requests pipelined behind it
 * (they answer after it, in order), a dropped connection answers nothing at all, a stalled
 * request is let go when its client closes, a server closing does not wait for rules, and the
 * operator API is never faulted. With no rule set, a request costs the hook one check.
 */

const TIME = '/api/v2/public/time';
const COINS = '/api/v2/spot/public/coins';
const SYMBOLS = '/api/v2/spot/public/symbols';
const get = (path: string) => requestBytes({ method: 'GET', path });
const portOf = (h: HttpHarness) => (h.app.server.address() as AddressInfo).port;

/** The server's side of the next connection it accepts. */
const nextServerSocket = (h: HttpHarness) => new Promise<Socket>((resolve) => h.app.server.once('connection', resolve));

describe('fault rules on the wire', () => {
  let h: HttpHarness;
  const held = new HeldSleep();
  before(async () => {
    h = await HttpHarness.start('faults-http', { scenario: DEMO, flags: { rateLimits: 'off' }, faultSleep: held.sleep });
  });
  after(async () => h.close());

  test('requests pipelined behind a delayed one wait for it, then all answer in the order sent', async () => {
    await setFaults(h, [{ venue: 'bitget', path: TIME, action: { type: 'latency', ms: 700 }, count: 1 }]);
    const connection = await RawConnection.open(portOf(h));
    const asked = held.asked.length;
    const from = h.seen.length;
    await connection.write(Buffer.concat([get(TIME), get(COINS), get(SYMBOLS)]));
    await held.untilAsked(asked + 1);
    assert.equal(held.asked.at(-1), 700);
    assert.equal(connection.responses.length, 0, 'nothing answered while the first is held');
    assert.deepEqual(h.seen.slice(from), [], 'and nothing behind it handled');
    held.releaseAll();
    const responses = await connection.responsesAtLeast(3);
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200, 200],
    );
    const data = responses.map((r) => (jsonOf(r) as { data: unknown }).data);
    assert.equal(typeof (data[0] as { serverTime?: unknown }).serverTime, 'string', 'the delayed time answer first');
    assert.ok(Array.isArray(data[1]) && (data[1] as { coin?: unknown }[])[0]?.coin !== undefined, 'then the coins');
    assert.ok(Array.isArray(data[2]) && (data[2] as { symbol?: unknown }[])[0]?.symbol !== undefined, 'then the symbols');
    assert.deepEqual(
      h.seen.slice(from).map((r) => r.url),
      [TIME, COINS, SYMBOLS],
    );
    await connection.close();
  });

  test('a dropped connection answers nothing, not even the requests pipelined behind it', async () => {
    await setFaults(h, [{ venue: 'bitget', path: TIME, action: { type: 'drop' }, count: 1 }]);
    const connection = await RawConnection.open(portOf(h));
    const from = h.seen.length;
    await connection.write(Buffer.concat([get(TIME), get(COINS)]));
    assert.deepEqual(await connection.untilClosed(), []);
    assert.deepEqual(h.seen.slice(from), [], 'neither was handled');
  });

  test('a stalled request is never answered, other connections are served meanwhile, and it is let go when its client closes', async () => {
    await setFaults(h, [{ venue: 'bitget', path: TIME, action: { type: 'stall' } }]);
    const serverSide = nextServerSocket(h);
    const connection = await RawConnection.open(portOf(h));
    const socket = await serverSide;
    const injected = nextFaultEvent(h, (e) => e.type === 'injected');
    await connection.write(get(TIME));
    await injected;
    const other = await h.get(COINS, null);
    assert.equal(other.status, 200, 'another connection is served');
    assert.equal(connection.responses.length, 0);
    assert.equal(socket.destroyed, false, 'held open while the client waits');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await connection.close();
    await closed;
    assert.equal(socket.destroyed, true, "the server's side is gone too");
    await clearFaults(h);
  });

  test('the operator API is never faulted, even by a rule on every venue and path', async () => {
    await setFaults(h, [{ path: '/**', action: { type: 'error', kind: 'internal_error' } }]);
    assert.equal((await h.get('/_assetbook/v1/assets')).status, 200);
    assert.equal((await h.get('/healthz', null)).status, 200);
    assert.equal((await h.get(COINS, null)).status, 500, 'a venue is');
    assert.equal((await listFaults(h))[0]?.injected, 1);
    await clearFaults(h);
  });

  test('with no rule set the hook stops at its one check: it asks the rules nothing about a request', async () => {
    const faults = h.runtime.faults;
    let asked = 0;
    const watches = faults.watches.bind(faults);
    faults.watches = (venue: string) => {
      asked += 1;
      return watches(venue);
    };
    try {
      await clearFaults(h);
      for (const path of [TIME, COINS]) assert.equal((await h.get(path, null)).status, 200);
      assert.equal(asked, 0, 'no rule: nothing asked');
      await setFaults(h, [{ venue: 'loopring', action: { type: 'drop' } }]);
      assert.equal((await h.get(TIME, null)).status, 200, 'a rule on another venue leaves bitget alone');
      assert.equal(asked, 1, 'a rule set: each venue request is looked at');
    } finally {
      faults.watches = watches;
      await clearFaults(h);
    }
  });
});

describe('a server closing with requests held by rules', () => {
  test('closes at once: stalled and delayed requests are let go (their connections destroyed), the delayed one never handled', async () => {
    const held = new HeldSleep();
    const h = await HttpHarness.start('faults-http-close', { flags: { rateLimits: 'off' }, faultSleep: held.sleep });
    await setFaults(h, [
      { venue: 'bitget', path: TIME, action: { type: 'stall' } },
      { venue: 'bitget', path: COINS, action: { type: 'latency', ms: 60_000 } },
    ]);
    const stalled = await RawConnection.open(portOf(h));
    const delayed = await RawConnection.open(portOf(h));
    const both = nextFaultEvent(h, (e) => e.type === 'injected' && e.path === COINS);
    await stalled.write(get(TIME));
    await delayed.write(get(COINS));
    await both;
    await held.untilAsked(1);
    const from = h.seen.length;
    await h.close();
    assert.deepEqual(await stalled.untilClosed(), []);
    assert.deepEqual(await delayed.untilClosed(), []);
    held.releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(h.seen.slice(from), [], 'the delayed request was not handled after the close');
  });
});
