import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { JOURNAL_PAGE_MAX, type Ledger } from '../ledger/ledger.js';
import type { JournalEntry } from '../ledger/types.js';
import type { LedgerStore } from '../store/store.js';
import type { ConfigFlags } from '../server/config.js';
import { entriesAfter, formatEntry, newestEntries } from './journal-read.js';
import { CliError, withRuntime, withStoreOptions } from './shared.js';

interface JournalOptions extends ConfigFlags {
  limit?: string;
  after?: string;
  follow?: boolean;
  interval?: string;
}

const DEFAULT_LIMIT = 20;
const DEFAULT_INTERVAL_MS = 1000;

/** `assetbook journal`: the CLI's GET /_assetbook/v1/journal, one readable line per entry. */
export function journalCommand(program: Command): void {
  withStoreOptions(
    program
      .command('journal')
      .description('print journal entries one per line: the newest, or those after an id; --follow keeps printing new ones'),
  )
    .option('--limit <n>', `how many entries (default ${DEFAULT_LIMIT})`)
    .option('--after <id>', 'the entries after this id, oldest first, instead of the newest')
    .option('--follow', 'then keep printing new entries as they are written, until interrupted (Ctrl-C)')
    .option('--interval <ms>', `with --follow: how often to look for new entries (default ${DEFAULT_INTERVAL_MS})`)
    .action(async (options: JournalOptions) => {
      const limit = count(options.limit, '--limit', 1) ?? DEFAULT_LIMIT;
      const after = count(options.after, '--after', 0);
      const intervalMs = count(options.interval, '--interval', 10) ?? DEFAULT_INTERVAL_MS;
      await withRuntime(options, async ({ ledger }) => {
        const entries = after === undefined ? await newestEntries(ledger, limit) : await entriesAfter(ledger, after, limit);
        for (const entry of entries) console.log(formatEntry(entry));
        const last = entries.at(-1);
        if (!options.follow) {
          if (last && after !== undefined && (await ledger.journal(last.id, 1)).entries.length > 0) {
            console.error(`more: assetbook journal --after ${last.id}`);
          }
          return;
        }
        await follow(ledger, last ?? null, last?.id ?? after ?? 0, intervalMs);
      });
    });
}

/** Polls the store until SIGINT or SIGTERM. */
async function follow(ledger: Ledger, lastPrinted: JournalEntry | null, cursor: number, intervalMs: number): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await followJournal(ledger.store, lastPrinted, cursor, {
      signal: stop.signal,
      print: (line) => console.log(line),
      wait: () => sleep(intervalMs, undefined, { signal: stop.signal }).catch(() => undefined),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export interface FollowIo {
  /** Ends the following (checked after each wait). */
  readonly signal: AbortSignal;
  readonly print: (line: string) => void;
  /** Between looks: the interval, in the CLI. */
  readonly wait: () => Promise<void>;
}

/**
 * Prints each new entry once, in journal order. It reads settled pages: on PostgreSQL a lower id
 * can commit after a higher one, and a plain read would print the higher one and move the cursor
 * past the lower one for good. The store may be emptied meanwhile (`reset`), and ids then start
 * again from 1: the last entry printed is looked up each time, by id, key and time (a reload of
 * the same scenario reuses ids and keys), so new entries are never skipped because their ids are
 * below the old cursor.
 */
export async function followJournal(
  store: Pick<LedgerStore, 'listJournal' | 'listSettledJournal'>,
  lastPrinted: JournalEntry | null,
  cursor: number,
  io: FollowIo,
): Promise<void> {
  let seen = lastPrinted;
  while (!io.signal.aborted) {
    if (seen !== null) {
      const head = (await store.listJournal(seen.id - 1, 1)).entries[0];
      if (head?.id !== seen.id || head.key !== seen.key || head.atMs !== seen.atMs) {
        io.print('-- the journal was emptied (reset); following from its start --');
        cursor = 0;
        seen = null;
      }
    }
    for (;;) {
      const page = await store.listSettledJournal(cursor, JOURNAL_PAGE_MAX);
      for (const entry of page.entries) io.print(formatEntry(entry));
      seen = page.entries.at(-1) ?? seen;
      cursor = seen?.id ?? cursor;
      if (page.next === null || page.entries.length === 0) break;
    }
    await io.wait();
  }
}

function count(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(text) || Number(text) < min) throw new CliError(`${flag} must be a whole number of at least ${min}, not ${text}`, 2);
  return Number(text);
}
