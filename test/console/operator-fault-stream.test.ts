import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FaultRuleView } from '../../src/faults/schemas.js';
import { demoBitgetKey, signedBitgetRequest } from '../support/bitget-signer.js';
import { FAULTS, setFaults } from '../support/faults.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { openSse, type SseEvent } from '../support/sse.js';

/**
 * `GET /faults/stream`, the console's live view of fault injection, over a real server loaded with
 * the demo: behind the operator token; `ready` with the rules as they stand and the error kinds
 * each venue answers; then every injection and every change of the rules, in the order they
 * happened, each once; and ended by a shutdown instead of holding it up.
 */

const TOKEN = 'fault-stream-token';
const STREAM = `${FAULTS}/stream`;
const ASSETS = '/api/v2/spot/account/assets';

let api: HttpHarness;
before(async () => {
  api = await HttpHarness.start(TOKEN, { scenario: DEMO });
});
after(async () => {
  await api?.close();
});

const open = (harness = api, token: string | null = TOKEN) => openSse(`${harness.baseUrl}${STREAM}`, token === null ? {} : { authorization: `Bearer ${token}` });
const parsed = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;
const balances = () => api.request(signedBitgetRequest(demoBitgetKey(api.secrets('alice', 'bitget')), ASSETS));

describe('the fault stream (Server-Sent Events)', () => {
  test('refuses a missing or wrong token with the operator 401', async () => {
    for (const token of [null, 'not-the-token']) {
      const s = await open(api, token);
      assert.equal(s.status, 401, String(token));
      s.close();
    }
  });

  test('starts with the rules as they stand and each venue with the error kinds it can answer', async () => {
    const rules = await setFaults(api, [{ id: 'standing', venue: 'bullish', action: { type: 'latency', ms: 5 }, probability: 0.5 }]);
    const s = await open();
    try {
      assert.equal(s.status, 200);
      assert.match(s.headers.get('content-type') ?? '', /^text\/event-stream/);
      const ready = await s.next();
      assert.equal(ready.event, 'ready');
      const body = parsed(ready) as { rules: FaultRuleView[]; venues: Record<string, string[]> };
      assert.deepEqual(body.rules, rules, 'the list is what GET /faults answers');
      assert.deepEqual(Object.keys(body.venues), ['bitget', 'bullish', 'loopring']);
      assert.ok(body.venues.bitget!.includes('rate_limited'));
      assert.ok(!body.venues.loopring!.includes('timestamp_expired'), 'a kind the venue has no answer for is not offered');
    } finally {
      s.close();
      await setFaults(api, []);
    }
  });

  test('tells every change and every injection once, in the order they happened, numbered', async () => {
    const s = await open();
    try {
      await s.nextOf('ready');
      const added = await api.post<FaultRuleView>(FAULTS, { id: 'limited', venue: 'bitget', method: 'GET', path: ASSETS, action: { type: 'error', kind: 'rate_limited' }, count: 2 });
      assert.equal(added.status, 201, added.text);
      assert.equal((await balances()).status, 429);
      assert.equal((await balances()).status, 429);
      assert.equal((await balances()).status, 200, 'the rule is used up');
      await api.post(FAULTS, { id: 'second', action: { type: 'drop' }, venue: 'loopring' });
      assert.equal((await api.request({ method: 'DELETE', path: `${FAULTS}/second` })).status, 204);
      assert.equal((await api.request({ method: 'DELETE', path: FAULTS })).status, 204);

      const events: SseEvent[] = [];
      for (let i = 0; i < 7; i += 1) events.push(await s.next());
      assert.deepEqual(
        events.map((e) => e.event),
        ['set', 'injected', 'injected', 'expired', 'set', 'removed', 'cleared'],
      );
      const [set, first, second, expired] = events.map(parsed);
      assert.deepEqual([(set!.rule as FaultRuleView).id, (set!.rule as FaultRuleView).state], ['limited', 'active']);
      for (const [injection, n] of [[first!, 1], [second!, 2]] as const) {
        assert.deepEqual(
          { rule: injection.rule, on: injection.on, action: injection.action, kind: injection.kind, venue: injection.venue, method: injection.method, path: injection.path, injected: injection.injected },
          { rule: 'limited', on: 'request', action: 'error', kind: 'rate_limited', venue: 'bitget', method: 'GET', path: ASSETS, injected: n },
        );
        assert.equal(typeof injection.atMs, 'number');
      }
      assert.deepEqual(expired, { rule: 'limited', by: 'count' });
      const ids = events.map((e) => Number(e.id));
      assert.ok(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1), `ids count up one by one: ${ids.join(',')}`);
    } finally {
      s.close();
    }
  });

  // The timeout only bounds a failure (a close that waits for the stream forever); a pass never comes near it.
  test('a shutdown ends the open streams instead of waiting for them', { timeout: 60_000 }, async () => {
    const other = await HttpHarness.start(TOKEN);
    const s = await open(other);
    await s.nextOf('ready');
    await other.close();
    await s.ended;
  });
});
