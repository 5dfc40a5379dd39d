import { LedgerError, isLedgerError } from '../ledger/errors.js';
import type { FaultSet } from '../faults/fault-set.js';
import type { Scenario } from './schema.js';

/**
 * A scenario's fault rules, set on this instance (docs/faults.md): they replace whatever rules it
 * held. Rules live in memory, so `serve` sets them at every start, a restart included; the
 * ledger part of a scenario is loaded once. A rule the venues refuse (an error kind one of them
 * does not have) is refused with its path under `faults/`. Returns how many were set.
 */
export function applyScenarioFaults(faults: FaultSet, scenario: Pick<Scenario, 'faults'>): number {
  if (scenario.faults === undefined) return 0;
  try {
    return faults.replace(scenario.faults).length;
  } catch (error) {
    if (!isLedgerError(error)) throw error;
    const path = error.path === undefined ? 'faults' : `faults/${error.path}`;
    throw new LedgerError(error.code, `faults/${error.message}`, path);
  }
}
