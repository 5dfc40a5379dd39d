import assert from 'node:assert/strict';
import type { FaultRuleInput, FaultRuleView, FaultSetInput } from '../../src/faults/schemas.js';
import type { FaultEvent } from '../../src/faults/fault-set.js';
import type { HttpHarness } from './http-harness.js';

/** Fault rules through the operator API, and what a request could have written, for the fault tests. */

export const FAULTS = '/_assetbook/v1/faults';

/** Replaces the server's rules with `rules` (and `seed`); fails loudly when refused. */
export async function setFaults(h: HttpHarness, rules: readonly FaultRuleInput[], seed?: number): Promise<FaultRuleView[]> {
  const body: FaultSetInput = seed === undefined ? { rules } : { seed, rules };
  const response = await h.request<{ rules: FaultRuleView[] }>({ method: 'PUT', path: FAULTS, body });
  assert.equal(response.status, 200, response.text);
  return response.body.rules;
}

export async function listFaults(h: HttpHarness): Promise<FaultRuleView[]> {
  const response = await h.get<{ rules: FaultRuleView[] }>(FAULTS);
  assert.equal(response.status, 200, response.text);
  return response.body.rules;
}

export async function clearFaults(h: HttpHarness): Promise<void> {
  const response = await h.request({ method: 'DELETE', path: FAULTS });
  assert.equal(response.status, 204, response.text);
}

/**
 * Everything a venue request could write, and the ledger's own check: the journal (its keys), the
 * balances of every account, the credentials, and `verify`. Equal before and after a request a
 * rule failed: it wrote nothing.
 */
export interface LedgerState {
  readonly verified: boolean;
  readonly entries: number;
  readonly journal: readonly string[];
  readonly balances: string;
  readonly credentials: string;
}

export async function ledgerState(h: HttpHarness): Promise<LedgerState> {
  const { store, ledger } = h.runtime;
  const report = await ledger.verify();
  const balances: Record<number, unknown> = {};
  for (const account of await store.listAccounts()) balances[account.id] = (await ledger.balances(account.id)).map((b) => [b.asset, b.bucket, String(b.amount)]);
  return {
    verified: report.ok,
    entries: report.entries,
    journal: (await store.listJournal(0, 10_000)).entries.map((e) => e.key),
    balances: JSON.stringify(balances),
    credentials: JSON.stringify(await store.listCredentials()),
  };
}

/** Resolves with the first fault event for which `match` holds, from now on. */
export function nextFaultEvent(h: HttpHarness, match: (event: FaultEvent) => boolean = () => true): Promise<FaultEvent> {
  const keepAlive = setInterval(() => {}, 1_000);
  return new Promise((resolve) => {
    const stop = h.runtime.faults.subscribe((event) => {
      if (!match(event)) return;
      stop();
      clearInterval(keepAlive);
      resolve(event);
    });
  });
}

/** The ccxt error class a promise rejected with, by name ('no error' when it resolved). */
export async function errorClassOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).constructor.name;
  }
  return 'no error';
}
