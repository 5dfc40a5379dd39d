import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FaultErrorKind } from '../../src/venues/venue.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { HeldSleep } from '../support/held-sleep.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';
import { sdk, sdkClients, type UserApi } from '../support/loopring-sdk.js';
import { FAULTS, clearFaults, ledgerState, nextFaultEvent, setFaults } from '../support/faults.js';

/**
 * Fault rules met by the real Loopring SDK (only its base URL points here): each named error is
 * what the SDK makes of the venue's answer (a `{code, message}` result for a 400, a thrown HTTP
 * error for any other status), a dropped connection is its network error, and nothing a failed
 * request could write is written. `/api/v3/apiKey`, whose first call issues a key (a write), shows
 * it both ways: failed by a rule it issues nothing; delayed by one it issues exactly one key.
 */

const { alice } = DEMO_LOOPRING;
const BALANCES = '/api/v3/user/balances';
const API_KEY = '/api/v3/apiKey';

type Outcome = { resolved: number } | { thrown: number };

/** What the SDK makes of each answer: the code it resolves with (a 400), or the HTTP status it throws on. */
const SDK_SEES: Record<Exclude<FaultErrorKind, 'timestamp_expired'>, { outcome: Outcome; code: number }> = {
  rate_limited: { outcome: { thrown: 429 }, code: 100000 },
  maintenance: { outcome: { thrown: 503 }, code: 100000 },
  internal_error: { outcome: { thrown: 500 }, code: 100000 },
  service_unavailable: { outcome: { resolved: 100000 }, code: 100000 },
  unauthorized: { outcome: { resolved: 104002 }, code: 104002 },
};

async function outcomeOf(user: UserApi): Promise<{ outcome: Outcome; code: number }> {
  try {
    const result = await user.getUserBalances({ accountId: alice.accountId, tokens: '' }, alice.apiKey);
    assert.equal(result.userBalances, undefined, JSON.stringify(result));
    return { outcome: { resolved: result.code! }, code: result.code! };
  } catch (error) {
    const response = (error as { response?: { status: number; data: { resultInfo: { code: number } } } }).response;
    assert.ok(response, String(error));
    return { outcome: { thrown: response.status }, code: response.data.resultInfo.code };
  }
}

describe('the Loopring SDK under fault rules', () => {
  let h: HttpHarness;
  let user: UserApi;
  const held = new HeldSleep();
  before(async () => {
    h = await HttpHarness.start('faults-loopring', { scenario: DEMO, flags: { rateLimits: 'off' }, faultSleep: held.sleep });
    ({ user } = sdkClients(h.baseUrl));
  });
  after(async () => h.close());

  for (const [kind, expected] of Object.entries(SDK_SEES) as [keyof typeof SDK_SEES, (typeof SDK_SEES)[keyof typeof SDK_SEES]][]) {
    test(`${kind}: the SDK ${'resolved' in expected.outcome ? `resolves with code ${expected.outcome.resolved}` : `throws on HTTP ${expected.outcome.thrown}`}, and nothing is written`, async () => {
      await setFaults(h, [{ venue: 'loopring', path: BALANCES, action: { type: 'error', kind } }]);
      const before = await ledgerState(h);
      assert.deepEqual(await outcomeOf(user), expected);
      assert.deepEqual(await ledgerState(h), before);
      await clearFaults(h);
    });
  }

  test('a status given with the error replaces the venue\'s: a 400 the SDK resolves instead of throwing on', async () => {
    await setFaults(h, [{ venue: 'loopring', path: BALANCES, action: { type: 'error', kind: 'maintenance', status: 400 } }]);
    assert.deepEqual(await outcomeOf(user), { outcome: { resolved: 100000 }, code: 100000 });
    await clearFaults(h);
  });

  test('Loopring has no timestamp to expire: a rule asking for that answer is refused, naming the field', async () => {
    const refused = await h.request({ method: 'POST', path: FAULTS, body: { venue: 'loopring', action: { type: 'error', kind: 'timestamp_expired' } } });
    assert.equal(refused.status, 400);
    assert.deepEqual((refused.body as { error: { code: string; path: string } }).error.code, 'INVALID_ARGUMENT');
    assert.deepEqual((refused.body as { error: { code: string; path: string } }).error.path, 'action/kind');
  });

  test('a dropped connection is a network error to the SDK (no answer at all)', async () => {
    await setFaults(h, [{ venue: 'loopring', path: BALANCES, action: { type: 'drop' }, count: 1 }]);
    await assert.rejects(user.getUserBalances({ accountId: alice.accountId, tokens: '' }, alice.apiKey), (error: { response?: unknown; code?: string }) => {
      assert.equal(error.response, undefined, 'no HTTP answer');
      assert.equal(error.code, 'ECONNRESET');
      return true;
    });
    assert.ok((await user.getUserBalances({ accountId: alice.accountId, tokens: '' }, alice.apiKey)).userBalances, 'the rule is used up');
  });

  describe("the one GET that writes: an account's first /apiKey issues its key", () => {
    /** A user with a layer-2 key and no Loopring API key, as the operator creates one. */
    const newAccount = async (name: string, sig: string) => {
      const derived = sdk.generatePrivateKey({ sig, counterFactualInfo: undefined, error: undefined });
      const created = await h.post<{ accounts: { id: number; venues: { loopring: { accountId: number } } }[] }>('/_assetbook/v1/users', {
        name,
        main: { venues: { loopring: { publicKey: { x: derived.formatedPx, y: derived.formatedPy } } } },
      });
      assert.equal(created.status, 201, created.text);
      const account = created.body.accounts[0]!;
      const keys = async () => (await h.runtime.store.listCredentials()).filter((c) => c.venue === 'loopring' && c.accountId === account.id);
      return { accountId: account.venues.loopring.accountId, secret: derived.sk, keys };
    };

    test('failed by a rule, it issues nothing: no credential, the journal as it was; without the rule it issues one', async () => {
      const erin = await newAccount('erin', `0x${'6b'.repeat(65)}`);
      await setFaults(h, [{ venue: 'loopring', path: API_KEY, action: { type: 'error', kind: 'service_unavailable' } }]);
      const before = await ledgerState(h);
      await assert.rejects(user.getUserApiKey({ accountId: erin.accountId }, erin.secret), (e: { code?: number }) => e.code === 100000);
      assert.deepEqual(await erin.keys(), []);
      assert.deepEqual(await ledgerState(h), before);
      await clearFaults(h);
      const { apiKey } = await user.getUserApiKey({ accountId: erin.accountId }, erin.secret);
      assert.equal((await erin.keys()).length, 1);
      assert.ok((await user.getUserBalances({ accountId: erin.accountId, tokens: '' }, apiKey)).userBalances);
    });

    test('delayed by a rule, it is handled after the delay, exactly once: one key, and every later call answers it', async () => {
      const fred = await newAccount('fred', `0x${'7c'.repeat(65)}`);
      await setFaults(h, [{ venue: 'loopring', path: API_KEY, action: { type: 'latency', ms: 2_000 }, count: 1 }]);
      const asked = held.asked.length;
      const injected = nextFaultEvent(h, (e) => e.type === 'injected');
      const answer = user.getUserApiKey({ accountId: fred.accountId }, fred.secret);
      const event = await injected;
      assert.deepEqual(event.type === 'injected' && [event.action, event.delayMs, event.path], ['latency', 2_000, API_KEY]);
      await held.untilAsked(asked + 1);
      assert.equal(held.asked.at(-1), 2_000);
      assert.deepEqual(await fred.keys(), [], 'held before its handler: nothing issued yet');
      held.releaseAll();
      const { apiKey } = await answer;
      assert.deepEqual((await fred.keys()).length, 1);
      assert.equal((await user.getUserApiKey({ accountId: fred.accountId }, fred.secret)).apiKey, apiKey);
      assert.equal((await fred.keys()).length, 1, 'issued exactly once');
      assert.equal((await h.runtime.ledger.verify()).ok, true);
    });
  });
});
