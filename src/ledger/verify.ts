import { balanceKeyId, type LedgerStore, type StoreScans } from '../store/store.js';
import { RESERVATION_BUCKET, remainderOf, type Reservation } from './operations.js';
import { SYSTEM_ACCOUNT } from './types.js';

export interface VerifyMismatch {
  readonly kind: 'entry-not-zero-sum' | 'balance-differs-from-journal' | 'negative-balance' | 'reservation-inconsistent' | 'reservations-exceed-balance';
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly postings: number;
  readonly balances: number;
  readonly reservations: number;
  readonly mismatches: VerifyMismatch[];
}

/**
 * Recomputes every balance from the journal and checks the invariants: each entry's postings sum
 * to zero per asset; each stored balance equals the sum of its book's postings; no account book is
 * negative; each reservation adds up (below); and no bucket holds less than the open reservations
 * in it. Reports every mismatch, not just the first.
 */
export function verifyStore(store: LedgerStore): Promise<VerifyReport> {
  return store.snapshot((scans) => verifyScans(scans));
}

/** The same checks over any scans of one state (a store's snapshot, or rows not stored yet: a snapshot file's). */
export async function verifyScans(store: StoreScans): Promise<VerifyReport> {
  const mismatches: VerifyMismatch[] = [];
  const fromJournal = new Map<string, bigint>();
  let postings = 0;
  let entries = 0;
  let currentEntry = -1;
  let entrySums = new Map<string, bigint>();
  const closeEntry = () => {
    for (const [asset, sum] of entrySums) {
      if (sum !== 0n) mismatches.push({ kind: 'entry-not-zero-sum', detail: `entry ${currentEntry}: ${asset} postings sum to ${sum}` });
    }
  };
  for await (const p of store.scanPostings()) {
    if (p.operationId !== currentEntry) {
      if (currentEntry !== -1) closeEntry();
      currentEntry = p.operationId;
      entrySums = new Map();
      entries += 1;
    }
    postings += 1;
    entrySums.set(p.asset, (entrySums.get(p.asset) ?? 0n) + p.amount);
    const id = balanceKeyId(p);
    fromJournal.set(id, (fromJournal.get(id) ?? 0n) + p.amount);
  }
  if (currentEntry !== -1) closeEntry();
  const reserved = new Map<string, bigint>();
  let reservations = 0;
  for await (const r of store.scanReservations()) {
    reservations += 1;
    for (const problem of reservationProblems(r)) mismatches.push({ kind: 'reservation-inconsistent', detail: `reservation ${r.id}: ${problem}` });
    // A negative remainder is reported above; counted as nothing here, so it hides no other excess.
    if (r.state === 'open' && remainderOf(r) > 0n) {
      const id = balanceKeyId(r);
      reserved.set(id, (reserved.get(id) ?? 0n) + remainderOf(r));
    }
  }
  let balances = 0;
  for await (const row of store.scanBalances()) {
    balances += 1;
    const id = balanceKeyId(row);
    const held = reserved.get(id);
    reserved.delete(id);
    if (held !== undefined && held > row.amount) {
      mismatches.push({ kind: 'reservations-exceed-balance', detail: `account ${row.account} ${row.asset} ${row.bucket}: open reservations ${held}, balance ${row.amount}` });
    }
    const expected = fromJournal.get(id) ?? 0n;
    fromJournal.delete(id);
    const name = `account ${row.account} ${row.asset} ${row.bucket}`;
    if (expected !== row.amount) {
      mismatches.push({ kind: 'balance-differs-from-journal', detail: `${name}: stored ${row.amount}, journal ${expected}` });
    }
    if (row.amount < 0n && row.account !== SYSTEM_ACCOUNT) {
      mismatches.push({ kind: 'negative-balance', detail: `${name}: ${row.amount}` });
    }
  }
  for (const [id, amount] of fromJournal) {
    if (amount !== 0n) {
      mismatches.push({ kind: 'balance-differs-from-journal', detail: `${id.replaceAll('\u0000', ' ')}: no stored balance, journal ${amount}` });
    }
  }
  for (const [id, held] of reserved) {
    if (held > 0n) mismatches.push({ kind: 'reservations-exceed-balance', detail: `${id.replaceAll('\u0000', ' ')}: open reservations ${held}, no stored balance` });
  }
  return { ok: mismatches.length === 0, entries, postings, balances, reservations, mismatches };
}

/**
 * What must hold of every reservation: positive amount, a fee within it, nothing negative,
 * reserved − posted − voided ≥ 0, its kind's bucket, and a state that says what is left: open
 * while something is, otherwise posted (nothing voided), voided (nothing posted) or closed (both).
 */
function reservationProblems(r: Reservation): string[] {
  const problems: string[] = [];
  const rest = remainderOf(r);
  if (r.amount <= 0n) problems.push(`amount ${r.amount} is not positive`);
  if (r.fee < 0n || r.fee > r.amount) problems.push(`fee ${r.fee} is outside 0..${r.amount}`);
  if (r.fee !== 0n && r.kind !== 'withdrawal' && r.kind !== 'deposit') problems.push(`a ${r.kind} reservation has a fee`);
  if (r.posted < 0n || r.voided < 0n) problems.push(`posted ${r.posted} or voided ${r.voided} is negative`);
  if (rest < 0n) problems.push(`posted ${r.posted} and voided ${r.voided} exceed the ${r.amount} reserved`);
  if (RESERVATION_BUCKET[r.kind] !== r.bucket) problems.push(`a ${r.kind} reservation sits in ${r.bucket}`);
  const expected = rest > 0n ? 'open' : r.voided === 0n ? 'posted' : r.posted === 0n ? 'voided' : 'closed';
  if (rest >= 0n && r.state !== expected) problems.push(`state ${r.state}, but its amounts say ${expected}`);
  return problems;
}
