import { canonicalJson, sha256Hex } from '../ledger/canonical-json.js';
import { LedgerError } from '../ledger/errors.js';
import type { Bucket, SystemBook } from '../ledger/types.js';
import { checkerFor, isPlainObject } from '../ledger/validation.js';
import type { LedgerDump } from '../store/store.js';
import { checkConsistency } from './consistency.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, SnapshotFile, type SnapshotLedger } from './format.js';

/**
 * A ledger dump as a snapshot file and back. Reading checks the whole file before anything is
 * written, in the order that gives the clearest answer: that it is a snapshot at all, of a version
 * this assetbook reads, with every field's shape, untouched since it was written (its digest), and
 * consistent (every reference resolves, every unique name is unique, and the ledger verifies).
 * Any failure is one INVALID_ARGUMENT naming the field.
 */

/** What a file says about where it came from, besides the ledger. */
export interface SnapshotOrigin {
  readonly takenAtMs: number;
  readonly engine: string;
  readonly venues: readonly string[];
  readonly keyCheck: string;
}

export function snapshotFile(dump: LedgerDump, origin: SnapshotOrigin): SnapshotFile {
  const ledger: SnapshotLedger = {
    assets: dump.assets.map((a) => ({ symbol: a.symbol, name: a.name, scale: a.scale, venues: a.venues, createdAtMs: a.createdAtMs })),
    users: dump.users.map((u) => ({ id: u.id, name: u.name, venues: u.venues, createdAtMs: u.createdAtMs })),
    accounts: dump.accounts.map((a) => ({ id: a.id, userId: a.userId, kind: a.kind, label: a.label, venues: a.venues, createdAtMs: a.createdAtMs })),
    identities: dump.identities.map((i) => ({ subject: i.subject, venue: i.venue, name: i.name, value: i.value, owner: i.owner })),
    credentials: dump.credentials.map((c) => ({
      id: c.id,
      venue: c.venue,
      userId: c.userId,
      accountId: c.accountId,
      publicId: c.publicId,
      secretSealed: c.secretSealed,
      extra: c.extra,
      label: c.label,
      createdAtMs: c.createdAtMs,
    })),
    journal: dump.entries.map((e) => ({
      id: e.id,
      key: e.key,
      hash: e.hash,
      type: e.type as SnapshotLedger['journal'][number]['type'],
      atMs: e.atMs,
      request: e.request,
      postings: e.postings.map((p) => ({ account: p.account, bucket: p.bucket, asset: p.asset, amount: p.amount.toString() })),
    })),
    balances: dump.balances.map((b) => ({ account: b.account, asset: b.asset, bucket: b.bucket as Bucket | SystemBook, amount: b.amount.toString(), atMs: b.atMs })),
    reservations: dump.reservations.map((r) => ({
      id: r.id,
      kind: r.kind,
      account: r.account,
      asset: r.asset,
      bucket: r.bucket,
      amount: r.amount.toString(),
      fee: r.fee.toString(),
      posted: r.posted.toString(),
      voided: r.voided.toString(),
      state: r.state,
      updatedAtMs: r.updatedAtMs,
    })),
  };
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    takenAtMs: origin.takenAtMs,
    engine: origin.engine,
    venues: [...origin.venues],
    keyCheck: origin.keyCheck,
    digest: digestOf(ledger),
    ledger,
  };
}

/** What `ledger` hashes to: sha256 of its canonical JSON (keys sorted at every depth). */
export function digestOf(ledger: SnapshotLedger): string {
  return `sha256:${sha256Hex(canonicalJson(ledger))}`;
}

const invalid = (message: string, path?: string) => new LedgerError('INVALID_ARGUMENT', message, path);

/** A snapshot file's text as JSON: a truncated or garbled file says so. */
export function parseSnapshotText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid(`the snapshot is not JSON (truncated or damaged?): ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
}

/** The file's envelope: what it is and which version, before anything else (a foreign or newer file is told as such). */
function checkEnvelope(value: unknown): void {
  if (!isPlainObject(value)) throw invalid('a snapshot is a JSON object');
  if (value.format !== SNAPSHOT_FORMAT) {
    throw invalid(`not an assetbook snapshot: format must be "${SNAPSHOT_FORMAT}"; got ${value.format === undefined ? 'none' : JSON.stringify(value.format)}`, 'format');
  }
  if (value.version !== SNAPSHOT_VERSION) {
    const newer = typeof value.version === 'number' && value.version > SNAPSHOT_VERSION;
    throw invalid(
      newer
        ? `snapshot version ${value.version} is newer than this assetbook reads (${SNAPSHOT_VERSION}): restore it with the assetbook that wrote it, or a newer one`
        : `version must be ${SNAPSHOT_VERSION}; got ${JSON.stringify(value.version)}`,
      'version',
    );
  }
}

/**
 * Checks `value` as a snapshot file, whole (see above), and gives back its ledger as a dump the
 * store restores as it is. The secret key is not checked here: the caller holds the keyring.
 */
export async function readSnapshotFile(value: unknown): Promise<{ file: SnapshotFile; dump: LedgerDump }> {
  checkEnvelope(value);
  const refused = checkerFor(SnapshotFile)(value);
  if (refused) throw refused;
  const file = value as SnapshotFile;
  if (digestOf(file.ledger) !== file.digest) {
    throw invalid('the snapshot was changed or damaged since it was written: its ledger does not match its digest', 'digest');
  }
  await checkConsistency(file.ledger);
  return { file, dump: dumpOf(file.ledger) };
}

function dumpOf(ledger: SnapshotLedger): LedgerDump {
  return {
    assets: ledger.assets,
    users: ledger.users,
    accounts: ledger.accounts,
    identities: ledger.identities,
    credentials: ledger.credentials,
    entries: ledger.journal.map((e) => ({ ...e, postings: e.postings.map((p) => ({ ...p, amount: BigInt(p.amount) })) })),
    balances: ledger.balances.map((b) => ({ ...b, amount: BigInt(b.amount) })),
    reservations: ledger.reservations.map((r) => ({
      ...r,
      amount: BigInt(r.amount),
      fee: BigInt(r.fee),
      posted: BigInt(r.posted),
      voided: BigInt(r.voided),
      bucket: r.bucket as Bucket,
    })),
  };
}
