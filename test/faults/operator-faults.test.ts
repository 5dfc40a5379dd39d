import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Keyring } from '../../src/credentials/keyring.js';
import type { FaultRuleView } from '../../src/faults/schemas.js';
import { ManualClock } from '../support/clock.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { FAULTS, listFaults, setFaults } from '../support/faults.js';

/**
 * The operator API's fault routes: set (replace all, or add one), list with counts, remove one,
 * clear; refusals in the operator shape naming the field; and rules that belong to the instance
 * they were set on, never to another one on the same store.
 */

type Refusal = { error: { code: string; path?: string; message: string } };

describe('operator API: /faults', () => {
  let h: HttpHarness;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  before(async () => {
    h = await HttpHarness.start('faults-operator', { clock: clock.now });
  });
  after(async () => h.close());

  test('PUT replaces every rule and lists them as set: names, seeds, windows on the server clock, nothing counted yet', async () => {
    const rules = await setFaults(
      h,
      [
        { venue: 'bitget', method: 'GET', path: '/api/v2/**', action: { type: 'error', kind: 'rate_limited' }, probability: 0.25, forMs: 60_000 },
        { id: 'slow-pushes', on: 'push', venue: 'bullish', channel: 'assetAccounts', action: { type: 'latency', meanMs: 200, stddevMs: 50 }, afterMs: 1_000, seed: 5 },
      ],
      77,
    );
    const now = clock.now();
    assert.deepEqual(
      rules.map((r) => [r.id, r.on, r.state, r.setAtMs, r.fromMs, r.untilMs, r.matched, r.injected, r.probability]),
      [
        ['f1', 'request', 'active', now, now, now + 60_000, 0, 0, 0.25],
        ['slow-pushes', 'push', 'waiting', now, now + 1_000, undefined, 0, 0, 1],
      ],
    );
    assert.equal(rules[1]?.seed, 5, 'a seed given is kept');
    assert.equal(typeof rules[0]?.seed, 'number', "the set's seed gave the other one");
    assert.deepEqual((await setFaults(h, [rules[0]!].map(({ venue, method, path, action, probability, forMs }) => ({ venue, method, path, action, probability, forMs })), 77))[0]?.seed, rules[0]?.seed, 'the same set seed gives the same rule seed');
  });

  test('POST adds one after the others; a name in use is 409; DELETE one is 204, then 404; DELETE all empties the list', async () => {
    await setFaults(h, []);
    const added = await h.post<FaultRuleView>(FAULTS, { id: 'down', venue: 'loopring', action: { type: 'error', kind: 'maintenance' }, count: 3 });
    assert.equal(added.status, 201, added.text);
    assert.deepEqual([added.body.id, added.body.count, added.body.state], ['down', 3, 'active']);
    const again = await h.post<Refusal>(FAULTS, { id: 'down', action: { type: 'drop' } });
    assert.equal(again.status, 409);
    assert.deepEqual([again.body.error.code, again.body.error.path], ['IDENTITY_TAKEN', 'id']);
    const second = await h.post<FaultRuleView>(FAULTS, { action: { type: 'stall' } });
    assert.equal(second.status, 201);
    assert.deepEqual(
      (await listFaults(h)).map((r) => r.id),
      ['down', second.body.id],
    );
    assert.equal((await h.request({ method: 'DELETE', path: `${FAULTS}/down` })).status, 204);
    const gone = await h.request<Refusal>({ method: 'DELETE', path: `${FAULTS}/down` });
    assert.equal(gone.status, 404);
    assert.deepEqual([gone.body.error.code, gone.body.error.path], ['NOT_FOUND', 'params/id']);
    assert.equal((await h.request({ method: 'DELETE', path: FAULTS })).status, 204);
    assert.deepEqual(await listFaults(h), []);
  });

  test('a bad rule is a 400 naming the field, and changes nothing', async () => {
    await setFaults(h, [{ id: 'kept', action: { type: 'drop' }, venue: 'bitget' }]);
    const cases: [unknown, string][] = [
      [{ venue: 'kraken', action: { type: 'drop' } }, 'venue'],
      [{ action: { type: 'drop' }, probability: 1.5 }, 'probability'],
      [{ action: { type: 'drop' }, colour: 'red' }, 'colour'],
      [{ action: { type: 'teleport' } }, 'action/type'],
      [{ action: { type: 'error', kind: 'gremlins' } }, 'action/kind'],
      [{ action: { type: 'error', kind: 'maintenance', status: 200 } }, 'action/status'],
      [{ action: { type: 'latency', ms: 700_000 } }, 'action/ms'],
      [{ action: { type: 'latency', minMs: 9, maxMs: 3 } }, 'action/minMs'],
      [{ on: 'push', action: { type: 'stall' } }, 'action/type'],
      [{ path: 'no spaces please', action: { type: 'drop' } }, 'path'],
      [{ action: { type: 'drop' }, seed: -1 }, 'seed'],
      [{}, 'action'],
    ];
    for (const [body, path] of cases) {
      const refused = await h.post<Refusal>(FAULTS, body);
      assert.equal(refused.status, 400, `${JSON.stringify(body)}: ${refused.text}`);
      assert.deepEqual([refused.body.error.code, refused.body.error.path], ['INVALID_ARGUMENT', path], JSON.stringify(body));
    }
    const set = await h.request<Refusal>({ method: 'PUT', path: FAULTS, body: { rules: [{ action: { type: 'drop' } }, { action: { type: 'latency' } }] } });
    assert.equal(set.status, 400);
    assert.equal(set.body.error.path, 'rules/1/action');
    assert.deepEqual(
      (await listFaults(h)).map((r) => r.id),
      ['kept'],
    );
  });

  test('every route wants the operator token', async () => {
    for (const [method, path] of [['GET', FAULTS], ['PUT', FAULTS], ['POST', FAULTS], ['DELETE', FAULTS], ['DELETE', `${FAULTS}/kept`]] as const) {
      assert.equal((await h.request({ method, path, token: null, body: method === 'PUT' || method === 'POST' ? { rules: [] } : undefined })).status, 401, `${method} ${path}`);
    }
  });

  test('/openapi.json documents the routes, their bodies and their refusals', async () => {
    const doc = (await h.get<{ paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> }>('/openapi.json', null)).body;
    const faults = doc.paths['/_assetbook/v1/faults']!;
    assert.deepEqual(Object.keys(faults).sort(), ['delete', 'get', 'post', 'put']);
    assert.deepEqual(
      Object.values(faults).map((o) => o.operationId).sort(),
      ['addFault', 'clearFaults', 'listFaults', 'setFaults'],
    );
    assert.ok('409' in faults.post!.responses);
    assert.equal(doc.paths['/_assetbook/v1/faults/{id}']?.delete?.operationId, 'removeFault');
  });
});

describe('rules are per instance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assetbook-faults-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('two instances on one store: a rule set on one acts there only, and the other lists none', async () => {
    const flags = { db: join(dir, 'shared.db'), secretKey: Keyring.generateKey().toString('hex'), rateLimits: 'off' };
    const a = await HttpHarness.start('faults-instance', { scenario: DEMO, flags });
    const b = await HttpHarness.start('faults-instance', { flags });
    try {
      await setFaults(a, [{ venue: 'bitget', action: { type: 'error', kind: 'maintenance' } }]);
      const coins = '/api/v2/spot/public/coins';
      assert.equal((await a.get(coins, null)).status, 503);
      assert.equal((await b.get(coins, null)).status, 200);
      assert.deepEqual(await listFaults(b), []);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
