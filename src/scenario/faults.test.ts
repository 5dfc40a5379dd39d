import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultSet } from '../faults/fault-set.js';
import { isLedgerError } from '../ledger/errors.js';
import { VENUES } from '../venues/index.js';
import { FAULT_ERROR_KINDS } from '../venues/venue.js';
import { applyScenarioFaults } from './faults.js';
import { checkScenario } from './load.js';

/** A scenario's `faults` part: checked with the file, set on an instance's rules, refused with its path in the file. */

const base = { assets: [], users: [] };

/** A venue served, and an error kind it answers. */
const answering = VENUES.flatMap((v) => FAULT_ERROR_KINDS.filter((kind) => v.faults.errors[kind] !== null).map((kind) => ({ venue: v.id, kind })))[0];
/** A venue served, and an error kind it does not answer: a rule naming both is refused. */
const notAnswering = VENUES.flatMap((v) => FAULT_ERROR_KINDS.filter((kind) => v.faults.errors[kind] === null).map((kind) => ({ venue: v.id, kind })))[0];
const faultsOf = () => new FaultSet({ venues: VENUES, clock: () => 1_000 });

function refusalOf(fn: () => unknown): { code: string; path: string | undefined } {
  try {
    fn();
  } catch (error) {
    if (isLedgerError(error)) return { code: error.code, path: error.path };
    throw error;
  }
  assert.fail('expected a refusal');
}

test("a scenario's rules replace the instance's; one without faults leaves them as they are", () => {
  const faults = faultsOf();
  faults.add({ id: 'earlier', action: { type: 'drop' } });
  assert.equal(applyScenarioFaults(faults, checkScenario(VENUES, base)), 0);
  assert.deepEqual(faults.list().map((r) => r.id), ['earlier']);
  assert.ok(answering, 'some venue served answers some error kind');
  const scenario = checkScenario(VENUES, { ...base, faults: { seed: 3, rules: [{ venue: answering.venue, action: { type: 'error', kind: answering.kind } }, { on: 'push', action: { type: 'duplicate' } }] } });
  assert.equal(applyScenarioFaults(faults, scenario), 2);
  assert.deepEqual(faults.list().map((r) => [r.id, r.on]), [['f1', 'request'], ['f2', 'push']]);
});

test("a malformed rule is refused with the file's own path, by the schema or by the venues", () => {
  assert.deepEqual(refusalOf(() => checkScenario(VENUES, { ...base, faults: { rules: [{ action: { type: 'drop' }, probability: 2 }] } })), {
    code: 'INVALID_ARGUMENT',
    path: 'faults/rules/0/probability',
  });
  assert.ok(notAnswering, 'some venue served leaves some error kind unanswered (else the venues cannot refuse a rule)');
  const scenario = checkScenario(VENUES, { ...base, faults: { rules: [{ venue: notAnswering.venue, action: { type: 'error', kind: notAnswering.kind } }] } });
  assert.deepEqual(refusalOf(() => applyScenarioFaults(faultsOf(), scenario)), { code: 'INVALID_ARGUMENT', path: 'faults/rules/0/action/kind' });
});
