import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { isLedgerError } from '../ledger/errors.js';
import { VENUES } from '../venues/index.js';
import { ManualClock } from '../../test/support/clock.js';
import { HeldSleep } from '../../test/support/held-sleep.js';
import { FaultSet, type FaultEvent } from './fault-set.js';
import { LATENCY_MS_MAX, type FaultRuleInput } from './schemas.js';
import type { RequestFacts } from './rule.js';

/**
 * The rule set on its own: matching, the seeded draws, count and time limits on an injected clock,
 * latency forms, the checks a schema cannot make, and the log and events every injection makes.
 */

const READ: RequestFacts = { venue: 'bitget', method: 'GET', path: '/api/v2/spot/account/assets', apiKey: 'key-a' };

function setUp(options: { seedSource?: () => number } = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const held = new HeldSleep();
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const faults = new FaultSet({ venues: VENUES, clock: clock.now, sleep: held.sleep, log: pino({ level: 'info' }, sink), ...options });
  const events: FaultEvent[] = [];
  faults.subscribe((event) => events.push(event));
  return { faults, clock, held, lines, events };
}

/** Which of `n` identical requests a rule fired on, as a string of 1s and 0s. */
function hits(faults: FaultSet, n: number, facts: RequestFacts = READ): string {
  let out = '';
  for (let i = 0; i < n; i += 1) out += faults.decideRequest(facts, undefined) === undefined ? '0' : '1';
  return out;
}

function refusal(fn: () => unknown): { code: string; path: string | undefined; message: string } {
  try {
    fn();
  } catch (error) {
    if (isLedgerError(error)) return { code: error.code, path: error.path, message: error.message };
    throw error;
  }
  assert.fail('expected a refusal');
}

describe('matching', () => {
  test('a rule fires only on requests of its venue, method, path glob and presented key; with no rule set the set is idle', () => {
    const { faults } = setUp();
    assert.equal(faults.requestsIdle, true);
    faults.add({ venue: 'bitget', method: 'GET', path: '/api/v2/spot/*/assets', apiKey: 'key-a', action: { type: 'error', kind: 'rate_limited' } });
    assert.equal(faults.requestsIdle, false);
    assert.equal(faults.pushesIdle, true, 'a request rule leaves pushes alone');
    const decide = (facts: Partial<RequestFacts>) => faults.decideRequest({ ...READ, ...facts }, undefined) !== undefined;
    assert.equal(decide({}), true);
    assert.equal(decide({ venue: 'bullish' }), false);
    assert.equal(decide({ method: 'POST' }), false);
    assert.equal(decide({ path: '/api/v2/spot/account/assets/extra' }), false, '* stays within a segment');
    assert.equal(decide({ path: '/api/v2/spot/a/b/assets' }), false);
    assert.equal(decide({ apiKey: 'key-b' }), false);
    assert.equal(decide({ apiKey: undefined }), false);
    assert.equal(faults.watches('bitget'), true);
    assert.equal(faults.watches('bullish'), false);
  });

  test('** crosses segments; an account rule matches only the account it is given', () => {
    const { faults } = setUp();
    faults.add({ path: '/api/**', account: 7, action: { type: 'drop' } });
    assert.equal(faults.needsAccount('bitget'), true);
    assert.equal(faults.decideRequest({ ...READ, path: '/api/v3/account/settings' }, 7)?.action.type, 'drop');
    assert.equal(faults.decideRequest(READ, 8), undefined);
    assert.equal(faults.decideRequest(READ, undefined), undefined);
  });

  test('rules are tried in the order set: the first that fires decides', () => {
    const { faults } = setUp();
    faults.add({ id: 'slow', action: { type: 'latency', ms: 5 }, probability: 0 });
    faults.add({ id: 'down', action: { type: 'error', kind: 'maintenance' } });
    faults.add({ id: 'never', action: { type: 'drop' } });
    assert.equal(faults.decideRequest(READ, undefined)?.rule, 'down');
    const counts = Object.fromEntries(faults.list().map((r) => [r.id, [r.matched, r.injected]]));
    assert.deepEqual(counts, { slow: [1, 0], down: [1, 1], never: [0, 0] });
  });

  test('a push rule matches its path, channel glob, key and account; it never acts on a request', () => {
    const { faults } = setUp();
    faults.add({ on: 'push', venue: 'bullish', channel: 'asset*', account: 3, action: { type: 'duplicate' } });
    assert.equal(faults.requestsIdle, true);
    const push = { path: '/trading-api/v1/private-data', channel: 'assetAccounts', apiKey: 'k', accountId: 3 };
    assert.deepEqual(faults.decidePush('bullish', push), { type: 'duplicate' });
    assert.equal(faults.decidePush('bitget', push), undefined);
    assert.equal(faults.decidePush('bullish', { ...push, accountId: 4 }), undefined);
    assert.equal(faults.decidePush('bullish', { ...push, channel: 'orders' }), undefined);
  });
});

describe('seeded draws', () => {
  const rule: FaultRuleInput = { venue: 'bitget', action: { type: 'error', kind: 'rate_limited' }, probability: 0.3, seed: 42 };

  test('the same seed and the same requests fire the same sequence, run after run; another seed another one', () => {
    const first = setUp().faults;
    first.add(rule);
    const again = setUp().faults;
    again.add(rule);
    const sequence = hits(first, 200);
    assert.equal(hits(again, 200), sequence);
    // About 30 % of 200 (the draws are uniform): far from none and from all.
    const fired = [...sequence].filter((c) => c === '1').length;
    assert.ok(fired > 30 && fired < 90, `${fired} of 200`);
    const other = setUp().faults;
    other.add({ ...rule, seed: 43 });
    assert.notEqual(hits(other, 200), sequence);
  });

  test('requests no rule matches draw nothing: the sequence of the matching ones stays the same', () => {
    const { faults } = setUp();
    faults.add(rule);
    const interleaved = [];
    for (let i = 0; i < 50; i += 1) {
      assert.equal(faults.decideRequest({ ...READ, venue: 'bullish' }, undefined), undefined);
      interleaved.push(hits(faults, 1));
    }
    const plain = setUp().faults;
    plain.add(rule);
    assert.equal(interleaved.join(''), hits(plain, 50));
  });

  test("a set's seed seeds each rule that has none, each its own sequence, the same every time the set is given", () => {
    const set = { seed: 7, rules: [{ ...rule, seed: undefined }, { ...rule, seed: undefined, venue: 'bullish' }] };
    const a = setUp().faults;
    const b = setUp().faults;
    const seedsA = a.replace(set).map((r) => r.seed);
    const seedsB = b.replace(set).map((r) => r.seed);
    assert.deepEqual(seedsA, seedsB);
    assert.notEqual(seedsA[0], seedsA[1]);
    assert.equal(hits(a, 100), hits(b, 100));
  });

  test('without any seed, the seed source picks one and the list shows it, so the run can be repeated', () => {
    const { faults } = setUp({ seedSource: () => 1234 });
    assert.equal(faults.add({ ...rule, seed: undefined }).seed, 1234);
  });
});

describe('limits', () => {
  test('a count limit expires the rule once it has fired that many times: it then matches nothing and is listed as expired', () => {
    const { faults, events } = setUp();
    faults.add({ id: 'twice', action: { type: 'error', kind: 'internal_error' }, count: 2 });
    assert.equal(hits(faults, 4), '1100');
    assert.equal(faults.requestsIdle, true);
    const [listed] = faults.list();
    assert.deepEqual([listed?.state, listed?.expiredBy, listed?.injected, listed?.matched], ['expired', 'count', 2, 2]);
    assert.deepEqual(
      events.filter((e) => e.type === 'expired'),
      [{ type: 'expired', rule: 'twice', by: 'count' }],
    );
  });

  test('time limits follow the injected clock: waiting before afterMs, active for forMs, then expired', () => {
    const { faults, clock } = setUp();
    const setAt = clock.now();
    faults.add({ id: 'window', action: { type: 'stall' }, afterMs: 1_000, forMs: 500 });
    assert.deepEqual(
      faults.list().map((r) => [r.state, r.fromMs - setAt, r.untilMs! - setAt]),
      [['waiting', 1_000, 1_500]],
    );
    assert.equal(hits(faults, 1), '0', 'waiting: not yet');
    clock.advance(999);
    assert.equal(hits(faults, 1), '0');
    clock.advance(1);
    assert.equal(faults.list()[0]?.state, 'active');
    assert.equal(hits(faults, 2), '11');
    clock.advance(499);
    assert.equal(hits(faults, 1), '1');
    clock.advance(1);
    assert.equal(hits(faults, 1), '0', 'over: expired');
    assert.deepEqual(
      faults.list().map((r) => [r.state, r.expiredBy, r.injected]),
      [['expired', 'time', 3]],
    );
    assert.equal(faults.requestsIdle, true);
  });
});

describe('latency', () => {
  const delays = (action: FaultRuleInput['action'], n: number, seed = 5) => {
    const { faults } = setUp();
    faults.add({ action, seed });
    return Array.from({ length: n }, () => faults.decideRequest(READ, undefined)?.delayMs);
  };

  test('fixed: the same delay every time', () => {
    assert.deepEqual(delays({ type: 'latency', ms: 250 }, 3), [250, 250, 250]);
  });

  test('uniform: whole ms from minMs to maxMs, both ends reached, the same for the same seed', () => {
    const drawn = delays({ type: 'latency', minMs: 10, maxMs: 13 }, 200);
    assert.deepEqual([...new Set(drawn)].sort(), [10, 11, 12, 13]);
    assert.deepEqual(delays({ type: 'latency', minMs: 10, maxMs: 13 }, 200), drawn);
  });

  test('normal: whole ms around the mean, cut at 0 and at the maximum, the same for the same seed', () => {
    const drawn = delays({ type: 'latency', meanMs: 100, stddevMs: 20 }, 500) as number[];
    const mean = drawn.reduce((a, b) => a + b, 0) / drawn.length;
    assert.ok(Math.abs(mean - 100) < 5, `mean ${mean}`);
    assert.ok(drawn.every((d) => Number.isInteger(d)));
    assert.deepEqual(delays({ type: 'latency', meanMs: 100, stddevMs: 20 }, 500), drawn);
    const wide = delays({ type: 'latency', meanMs: 0, stddevMs: LATENCY_MS_MAX }, 200) as number[];
    assert.ok(wide.includes(0) && wide.every((d) => d >= 0 && d <= LATENCY_MS_MAX));
  });

  test("a push's latency is a wait from the injected sleep, asked with the drawn delay", async () => {
    const { faults, held } = setUp();
    faults.add({ on: 'push', action: { type: 'latency', ms: 40 } });
    const fault = faults.decidePush('loopring', { path: '/v3/ws', channel: 'account' });
    assert.equal(fault?.type, 'delay');
    assert.deepEqual(held.asked, [40]);
    let done = false;
    const until = fault?.type === 'delay' ? fault.until.then(() => (done = true)) : undefined;
    await Promise.resolve();
    assert.equal(done, false, 'held until released');
    held.releaseAll();
    await until;
    assert.equal(done, true);
  });
});

describe('what a schema cannot check', () => {
  test('a latency gives exactly one form, and a uniform one has min <= max', () => {
    const { faults } = setUp();
    assert.equal(refusal(() => faults.add({ action: { type: 'latency' } })).path, 'action');
    assert.equal(refusal(() => faults.add({ action: { type: 'latency', ms: 1, meanMs: 2, stddevMs: 1 } })).path, 'action');
    assert.equal(refusal(() => faults.add({ action: { type: 'latency', minMs: 1 } })).path, 'action');
    assert.equal(refusal(() => faults.add({ action: { type: 'latency', minMs: 5, maxMs: 4 } })).path, 'action/minMs');
  });

  test('requests take latency, error, drop, stall; pushes latency, drop, duplicate; a channel is a push field, a method a request field', () => {
    const { faults } = setUp();
    assert.equal(refusal(() => faults.add({ action: { type: 'duplicate' } })).path, 'action/type');
    assert.equal(refusal(() => faults.add({ on: 'push', action: { type: 'stall' } })).path, 'action/type');
    assert.equal(refusal(() => faults.add({ on: 'push', action: { type: 'error', kind: 'maintenance' } })).path, 'action/type');
    assert.equal(refusal(() => faults.add({ channel: 'account', action: { type: 'drop' } })).path, 'channel');
    assert.equal(refusal(() => faults.add({ on: 'push', method: 'GET', action: { type: 'drop' } })).path, 'method');
  });

  test("an error kind a venue has no answer for is refused for it, and for a rule on every venue; it is taken where every venue has one", () => {
    const { faults } = setUp();
    const own = refusal(() => faults.add({ venue: 'loopring', action: { type: 'error', kind: 'timestamp_expired' } }));
    assert.deepEqual([own.code, own.path], ['INVALID_ARGUMENT', 'action/kind']);
    assert.match(own.message, /loopring has no timestamp_expired/);
    assert.equal(refusal(() => faults.add({ action: { type: 'error', kind: 'timestamp_expired' } })).path, 'action/kind');
    assert.equal(faults.add({ venue: 'bitget', action: { type: 'error', kind: 'timestamp_expired' } }).venue, 'bitget');
    assert.equal(faults.add({ action: { type: 'error', kind: 'rate_limited' } }).action.type, 'error');
  });

  test('a name is held once; a replaced set is all or nothing, its refusal naming the rule', () => {
    const { faults } = setUp();
    faults.add({ id: 'a', action: { type: 'drop' } });
    assert.equal(refusal(() => faults.add({ id: 'a', action: { type: 'stall' } })).code, 'IDENTITY_TAKEN');
    const twice = refusal(() => faults.replace({ rules: [{ id: 'x', action: { type: 'drop' } }, { id: 'x', action: { type: 'drop' } }] }));
    assert.equal(twice.path, 'rules/1/id');
    const bad = refusal(() => faults.replace({ rules: [{ action: { type: 'drop' } }, { action: { type: 'latency' } }] }));
    assert.equal(bad.path, 'rules/1/action');
    assert.deepEqual(
      faults.list().map((r) => r.id),
      ['a'],
      'the refused sets changed nothing',
    );
    assert.deepEqual(
      faults.replace({ rules: [{ action: { type: 'drop' } }] }).map((r) => r.id),
      ['f1'],
      'names a refused set took are given again',
    );
  });
});

describe('log and events', () => {
  test('every injection is logged with its rule and where it struck, and told to subscribers with the rule\'s count so far', () => {
    const { faults, lines, events } = setUp();
    faults.add({ id: 'r', venue: 'bitget', action: { type: 'error', kind: 'rate_limited' } });
    hits(faults, 2);
    const logged = lines.filter((l) => l.msg !== undefined && String(l.msg).startsWith('fault injected'));
    assert.equal(logged.length, 2);
    assert.deepEqual((logged[0]?.fault as { rule: string; kind: string; path: string }).rule, 'r');
    const injected = events.filter((e) => e.type === 'injected');
    assert.deepEqual(
      injected.map((e) => [e.rule, e.action, e.kind, e.venue, e.method, e.path, e.injected]),
      [
        ['r', 'error', 'rate_limited', 'bitget', 'GET', READ.path, 1],
        ['r', 'error', 'rate_limited', 'bitget', 'GET', READ.path, 2],
      ],
    );
    assert.deepEqual(events[0]?.type, 'set');
  });

  test('removing and clearing are told; a listener that throws does not stop a request or the others', () => {
    const { faults, events } = setUp();
    faults.subscribe(() => {
      throw new Error('a broken console');
    });
    faults.add({ id: 'a', action: { type: 'drop' } });
    faults.add({ id: 'b', action: { type: 'drop' } });
    assert.equal(faults.decideRequest(READ, undefined)?.rule, 'a');
    assert.equal(faults.remove('a'), true);
    assert.equal(faults.remove('a'), false);
    faults.clear();
    assert.deepEqual(
      events.map((e) => e.type),
      ['set', 'set', 'injected', 'removed', 'cleared'],
    );
    assert.equal(faults.requestsIdle, true);
  });
});
