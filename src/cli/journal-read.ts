import { JOURNAL_PAGE_MAX, type Ledger } from '../ledger/ledger.js';
import type { JournalEntry } from '../ledger/types.js';

/**
 * The id of the newest journal entry, 0 when the journal is empty. The store pages the journal
 * forward only; ids grow, so "is there an entry after x" is monotonic in x and a doubling, then
 * bisecting, search finds the newest in about 2·log2(id) indexed one-row reads.
 */
export async function newestEntryId(ledger: Ledger): Promise<number> {
  const after = async (id: number) => (await ledger.journal(id, 1)).entries.length > 0;
  if (!(await after(0))) return 0;
  let low = 0; // an entry exists after low
  let high = 1;
  while (await after(high)) {
    low = high;
    high *= 2;
  }
  // An entry exists after low, none after high: the newest id is in (low, high].
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await after(middle)) low = middle;
    else high = middle;
  }
  return high;
}

/** Every entry after `afterId`, oldest first, up to `max` of them. */
export async function entriesAfter(ledger: Ledger, afterId: number, max: number): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  let cursor = afterId;
  while (out.length < max) {
    const page = await ledger.journal(cursor, Math.min(JOURNAL_PAGE_MAX, max - out.length));
    out.push(...page.entries);
    if (page.next === null || page.entries.length === 0) break;
    cursor = page.next;
  }
  return out;
}

/**
 * The newest `count` entries, oldest first. Ids may have gaps (a PostgreSQL sequence skips the
 * ids of rolled-back transactions), so the window widens until it holds `count` or reaches the start.
 */
export async function newestEntries(ledger: Ledger, count: number): Promise<JournalEntry[]> {
  const newest = await newestEntryId(ledger);
  for (let span = count; ; span *= 2) {
    const from = Math.max(0, newest - span);
    const entries = await entriesAfter(ledger, from, Number.MAX_SAFE_INTEGER);
    if (entries.length >= count || from === 0) return entries.slice(-count);
  }
}

/** One entry on one line: id, time, type, key, then the request's other fields as name=value. */
export function formatEntry(entry: JournalEntry): string {
  const fields = Object.entries(entry.request)
    .filter(([name]) => name !== 'key' && name !== 'type')
    .map(([name, value]) => `${name}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  return [`#${entry.id}`, new Date(entry.atMs).toISOString(), entry.type, entry.key, ...fields].join(' ');
}
