import { balanceKeyId, type LedgerStore, type StoreScans } from '../store/store.js';
import { SYSTEM_ACCOUNT } from './types.js';

export interface VerifyMismatch {
  readonly kind: 'entry-not-zero-sum' | 'balance-differs-from-journal' | 'negative-balance';
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly postings: number;
  readonly balances: number;
  readonly mismatches: VerifyMismatch[];
}

/**
 * Recomputes every balance from the journal and checks the three invariants:
 * each entry's postings sum to zero per asset; each stored balance equals the sum of its book's
 * postings; no account book is negative. Reports every mismatch, not just the first.
 */
export function verifyStore(store: LedgerStore): Promise<VerifyReport> {
  return store.snapshot((scans) => verifyScans(scans));
}

async function verifyScans(store: StoreScans): Promise<VerifyReport> {
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
  let balances = 0;
  for await (const row of store.scanBalances()) {
    balances += 1;
    const id = balanceKeyId(row);
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
  return { ok: mismatches.length === 0, entries, postings, balances, mismatches };
}
