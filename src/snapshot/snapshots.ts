import { LedgerError } from '../ledger/errors.js';
import { holdsSecretKey, secretKeyCheck } from '../credentials/key-check.js';
import type { Runtime } from '../server/runtime.js';
import { readSnapshotFile, snapshotFile } from './file.js';
import type { RestoreResult, SnapshotFile } from './format.js';

/**
 * Saving and restoring a running assetbook's ledger: what the operator API's snapshot routes and
 * `assetbook snapshot` (on a store directly) both call, so the two can never differ.
 */

/** What a snapshot needs of a runtime. */
export type SnapshotRuntime = Pick<Runtime, 'ledger' | 'store' | 'keyring' | 'clock'> & { readonly venues: readonly { readonly id: string }[] };

/** The whole ledger, as one committed state, as a snapshot file. */
export async function takeSnapshot(runtime: SnapshotRuntime): Promise<SnapshotFile> {
  const dump = await runtime.ledger.dump();
  return snapshotFile(dump, {
    takenAtMs: runtime.clock(),
    engine: runtime.store.engine,
    venues: runtime.venues.map((v) => v.id),
    keyCheck: secretKeyCheck(runtime.keyring),
  });
}

/**
 * Checks `value` as a snapshot file whole (file.ts), then that this server holds the secret key
 * its sealed secrets and keyed hashes were made with, and only then replaces the ledger with it
 * (`Ledger.restore`: one transaction, caches and subscribers as after a reset). A snapshot taken
 * while other venues were served gets the facts the venues served now generate, as `serve` gives
 * subjects stored before a venue was added.
 */
export async function restoreSnapshot(runtime: SnapshotRuntime, value: unknown): Promise<RestoreResult> {
  const { file, dump } = await readSnapshotFile(value);
  if (!holdsSecretKey(runtime.keyring, file.keyCheck)) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      "the snapshot's secrets were sealed with another secret key than this server's: restore it into a server started with the --secret-key it was taken with",
      'keyCheck',
    );
  }
  await runtime.ledger.restore(dump);
  const served = runtime.venues.map((v) => v.id);
  if ([...served].sort().join() !== [...file.venues].sort().join()) await runtime.ledger.session((s) => s.completeFacts());
  return {
    assets: dump.assets.length,
    users: dump.users.length,
    accounts: dump.accounts.length,
    credentials: dump.credentials.length,
    entries: dump.entries.length,
    balances: dump.balances.length,
    reservations: dump.reservations.length,
    journalHead: dump.entries.at(-1)?.id ?? 0,
  };
}
