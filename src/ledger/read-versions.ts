import type { BalanceWrite, LedgerStore, StopWatching, StoreTx } from '../store/store.js';
import { withOverrides } from './tx-overrides.js';

/**
 * Read versions: a number per account that changes whenever a commit may have changed that
 * account's balances, so a reader can keep what it derived from them (a rendered body) and know
 * at once when it went stale, without asking the store.
 *
 * - A commit of this process bumps the accounts it wrote, after the commit and before the writer
 *   is answered (`Ledger.transaction`), so the writer's next read, on this process, sees it.
 * - A reset of this process bumps everything.
 * - A change this process did not make (another instance on PostgreSQL, another process on the
 *   SQLite file) arrives as a journal notice (`store.watchJournal`), which names no account:
 *   it bumps everything. Until the watch is established, `of` answers null (nothing may be kept).
 *
 * Accounts share `SLOTS` counters (the id modulo SLOTS), so memory is the same for a thousand
 * accounts or a million; a shared slot only costs a neighbour a needless re-read. The version is
 * the sum of the account's slot and a global epoch: both only grow, so the sum changes exactly
 * when either does.
 *
 * A notice can be lost (a dropped LISTEN connection before it reconnects); readers therefore also
 * bound how long they keep anything (`READ_CACHE_MAX_AGE_MS` in the server's read cache).
 */
export const READ_VERSION_SLOTS = 1 << 16;

/** After a failed attempt to watch the journal, how long reads go uncached before the next attempt. */
export const WATCH_RETRY_MS = 1_000;

/** What one transaction wrote, as far as reads care (`ReadVersions.recording`). */
export interface CommitWrites {
  readonly balances: BalanceWrite[];
  everything: boolean;
}

export class ReadVersions {
  private readonly slots = new Float64Array(READ_VERSION_SLOTS);
  private epoch = 0;
  private watch: 'idle' | 'starting' | 'on' | 'failed' | 'closed' = 'idle';
  private stopWatching: StopWatching | null = null;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly store: LedgerStore,
    private readonly onWatchError: (error: unknown) => void = () => {},
  ) {}

  /** The account's read version; null while changes made elsewhere could go unseen (the watch is starting). */
  of(account: number): number | null {
    if (this.watch !== 'on') {
      this.startWatching();
      return null;
    }
    return this.epoch + this.slots[account & (READ_VERSION_SLOTS - 1)]!;
  }

  /** After a commit of this process: each account it wrote changes version, or every account when it changed what all reads render from. */
  committed(writes: CommitWrites): void {
    if (writes.everything) this.touchAll();
    for (const row of writes.balances) {
      const slot = row.account & (READ_VERSION_SLOTS - 1);
      this.slots[slot] = this.slots[slot]! + 1;
    }
  }

  /** Every account changes version: a reset, a change made elsewhere, a commit whose writes are unknown. */
  touchAll(): void {
    this.epoch += 1;
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Resolves at the next `touchAll` (a notice, a reset): for a test to wait on the event, not on time. */
  nextChangeOfAll(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * `tx` with what it writes remembered in `writes`. Writes of an attempt that rolls back stay
   * remembered: bumping an account that did not change costs one re-read, never a stale one.
   */
  recording(tx: StoreTx, writes: CommitWrites): StoreTx {
    const overrides: Partial<StoreTx> = {
      writeBalances: async (rows) => {
        writes.balances.push(...rows);
        await tx.writeBalances(rows);
      },
      // A new asset, or changed facts, change what reads render (an asset list, a coin's or an
      // account's venue name) without any balance write: rare, so every account is bumped.
      insertAsset: (...args) => {
        writes.everything = true;
        return tx.insertAsset(...args);
      },
      setAccountFacts: (...args) => {
        writes.everything = true;
        return tx.setAccountFacts(...args);
      },
      addFacts: (...args) => {
        writes.everything = true;
        return tx.addFacts(...args);
      },
    };
    return withOverrides(tx, overrides);
  }

  async close(): Promise<void> {
    this.watch = 'closed';
    const stop = this.stopWatching;
    this.stopWatching = null;
    await stop?.();
  }

  private startWatching(): void {
    if (this.watch !== 'idle') return;
    this.watch = 'starting';
    this.store
      .watchJournal(() => this.touchAll())
      .then(
        async (stop) => {
          if (this.watch === 'closed') return stop();
          this.stopWatching = stop;
          // Whatever changed before the watch began is older than every version handed out from now on.
          this.touchAll();
          this.watch = 'on';
        },
        (error: unknown) => {
          this.onWatchError(error);
          if (this.watch !== 'starting') return;
          // Not at once: every read would try again, and a store that is away would get a storm of attempts.
          this.watch = 'failed';
          setTimeout(() => {
            if (this.watch === 'failed') this.watch = 'idle';
          }, WATCH_RETRY_MS).unref();
        },
      );
  }
}
