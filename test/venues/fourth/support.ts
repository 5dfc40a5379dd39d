import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../../src/scenario/load.js';
import { resolveConfig, type ConfigFlags } from '../../../src/server/config.js';
import { openRuntime, type Runtime } from '../../../src/server/runtime.js';
import { VENUES } from '../../../src/venues/index.js';
import { DEMO, HttpHarness, type HarnessOptions } from '../../support/http-harness.js';
import { fourth } from './venue/dialect.js';

/** The registry's venues and the fourth: what every test in this folder serves. */
export const SERVED = [...VENUES, fourth] as const;

export const OPERATOR_TOKEN = 'fourth-venue-operator-token';

/** A server with the fourth venue beside the registry's, over the demo unless told otherwise. */
export function startWithFourth(options: HarnessOptions = {}): Promise<HttpHarness> {
  return HttpHarness.start(OPERATOR_TOKEN, { scenario: DEMO, flags: { rateLimits: 'off' }, ...options, venues: SERVED });
}

/** A server with the fourth venue that loads `scenario` (an object, written to a file of its own) at start. */
export async function startWithScenario(scenario: unknown, options: HarnessOptions = {}): Promise<HttpHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'assetbook-fourth-'));
  try {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(scenario));
    return await startWithFourth({ ...options, scenario: file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads `scenario` into a fresh in-memory store serving the fourth venue, then hands the runtime to
 * `inspect` whether the load succeeded or not (`refusal` is what it threw), and closes it.
 */
export async function loadRefused(scenario: unknown, inspect: (runtime: Runtime, refusal: unknown) => Promise<void>): Promise<void> {
  const flags = { db: ':memory:', operatorToken: OPERATOR_TOKEN } as ConfigFlags;
  const runtime = await openRuntime(resolveConfig(flags, {}, SERVED), { venues: SERVED });
  try {
    let refusal: unknown;
    try {
      await loadScenario(runtime.ledger, runtime.keyring, runtime.venues, scenario);
    } catch (error) {
      refusal = error;
    }
    await inspect(runtime, refusal);
  } finally {
    await runtime.close();
  }
}

/** Account output as the operator API shows it: venue facts nested under `venues`, every served venue present. */
export interface AccountOut {
  readonly id: number;
  readonly userId: number;
  readonly kind: 'main' | 'sub';
  readonly label: string;
  readonly venues: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface UserOut {
  readonly id: number;
  readonly name: string;
  readonly accounts: readonly AccountOut[];
}

export interface OperatorError {
  readonly error: { readonly code: string; readonly message: string; readonly path?: string };
}
