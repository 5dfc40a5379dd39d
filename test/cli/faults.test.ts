import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCleanFailure, cli, show, startServe, tempDir, type Server } from './harness.js';

/**
 * `assetbook faults set|list|clear` against a running `serve`, as a user runs them, and a
 * scenario's fault rules set by `serve --scenario` at start (docs/faults.md). The harness stops
 * every child after each test, so each test starts its own server.
 */

const TOKEN = 'faults-cli-operator-token';
const env = { ASSETBOOK_OPERATOR_TOKEN: TOKEN };
const COINS = '/api/v2/spot/public/coins';

/** `serve` on a fresh database with a scenario holding one fault rule. */
async function serveFaulty(): Promise<{ server: Server; dir: string; faults: (...args: string[]) => ReturnType<typeof cli> }> {
  const dir = tempDir();
  const scenario = join(dir, 'faulty.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      name: 'faulty',
      assets: [{ symbol: 'BTC', scale: 8 }],
      users: [{ name: 'zoe' }],
      faults: { seed: 11, rules: [{ id: 'busy-loopring', venue: 'loopring', action: { type: 'error', kind: 'service_unavailable' }, probability: 0.5 }] },
    }),
  );
  const server = await startServe(['--db', join(dir, 'f.db'), '--port', '0', '--operator-token', TOKEN, '--scenario', scenario]);
  return { server, dir, faults: (...args: string[]) => cli(['faults', ...args, '--url', server.url], env) };
}

test("serve --scenario sets the scenario's fault rules at start; faults set with flags adds one that acts at once, list counts it, clear <id> removes it", async () => {
  const { server, faults } = await serveFaulty();
  // The note is printed after the listening line, in a write of its own: wait for it, not for the listening line alone.
  await server.waitForStdout((text) => text.includes('fault rule'));
  assert.match(server.stdout(), /faulty\.json: 1 fault rule set on this instance/);
  const r = await faults('list');
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^busy-loopring \[active\] request loopring -> error service_unavailable \(p=0\.5, seed \d+\); matched 0, injected 0$/m);

  const set = await faults('set', '--id', 'coins-down', '--venue', 'bitget', '--path', COINS, '--error', 'maintenance', '--count', '2', '--seed', '3');
  assert.equal(set.code, 0, show(set));
  assert.equal(set.stdout.trim(), `set coins-down [active] request bitget ${COINS} -> error maintenance (count 0/2, seed 3); matched 0, injected 0`);
  const answer = await fetch(`${server.url}${COINS}`);
  assert.equal(answer.status, 503);
  assert.equal(((await answer.json()) as { code: string }).code, '40200');
  const listed = await faults('list', '--json');
  const rules = JSON.parse(listed.stdout) as { id: string; injected: number }[];
  assert.deepEqual(
    rules.map((r) => [r.id, r.injected]),
    [
      ['busy-loopring', 0],
      ['coins-down', 1],
    ],
  );
  const cleared = await faults('clear', 'coins-down');
  assert.equal(cleared.stdout.trim(), 'removed coins-down', show(cleared));
  assert.equal((await fetch(`${server.url}${COINS}`)).status, 200);
});

test('faults set takes a rule as JSON, latency forms as flags, a rule set from --file; clear empties; refusals are one line', async () => {
  const { server, dir, faults } = await serveFaulty();
  const json = await faults('set', JSON.stringify({ on: 'push', venue: 'bullish', action: { type: 'duplicate' }, count: 1 }));
  assert.equal(json.code, 0, show(json));
  assert.match(json.stdout, /push bullish -> duplicate \(count 0\/1/);
  const uniform = await faults('set', '--latency', '100-500', '--venue', 'loopring');
  assert.match(uniform.stdout, /-> latency 100-500 ms/, show(uniform));
  const normal = await faults('set', '--latency', '200~50', '--on', 'push');
  assert.match(normal.stdout, /-> latency 200~50 ms/, show(normal));
  const file = join(dir, 'set.json');
  writeFileSync(file, JSON.stringify({ seed: 1, rules: [{ action: { type: 'stall' }, venue: 'bitget', forMs: 60000 }, { action: { type: 'drop' }, venue: 'bullish', method: 'GET' }] }));
  const replaced = await faults('set', '--file', file);
  assert.equal(replaced.code, 0, show(replaced));
  assert.match(replaced.stdout, /^set 2 rules$/m);
  assert.match(replaced.stdout, /request bitget -> stall \(until \d{4}-/);
  const cleared = await faults('clear');
  assert.equal(cleared.stdout.trim(), 'cleared every fault rule');
  assert.equal((await faults('list')).stdout.trim(), 'no fault rules');

  // Refusals: the server's (its code and the field), a missing action or token, a server out of reach.
  const refused = await faults('set', JSON.stringify({ venue: 'loopring', action: { type: 'error', kind: 'timestamp_expired' } }));
  assert.equal(refused.code, 1, show(refused));
  assertCleanFailure(refused);
  assert.match(refused.stderr, /refused \(INVALID_ARGUMENT: action\/kind: loopring has no timestamp_expired answer/);
  const noAction = await faults('set', '--venue', 'bitget');
  assert.equal(noAction.code, 2, show(noAction));
  assert.match(noAction.stderr, /give one action/);
  const noToken = await cli(['faults', 'list', '--url', server.url]);
  assert.equal(noToken.code, 2, show(noToken));
  assert.match(noToken.stderr, /--operator-token or ASSETBOOK_OPERATOR_TOKEN/);
  const away = await cli(['faults', 'list', '--url', 'http://127.0.0.1:1'], env);
  assert.equal(away.code, 1, show(away));
  assertCleanFailure(away);
  assert.match(away.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/);
});
