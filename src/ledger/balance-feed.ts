import type { LedgerEvent, LedgerEvents, Subscription } from './events.js';
import type { Balance } from './types.js';

/**
 * Balance watches: what a live balance stream is built on. A watcher names one account and is
 * told, in order, the account's balances right after it started watching (`snapshot`), then the
 * account's balances again after every commit that touched it (`update`, with the assets the
 * commits touched), on this instance or (through the ledger's events) on another.
 *
 * One ledger-events subscription serves every watcher, and the watchers of one account share one
 * balance read per change: a commit touching one account costs one read whatever the number of
 * watchers, and nothing for the accounts nobody watches. Reads of one account run one at a time,
 * and changes that commit while a read is under way are gathered into the next read, so a burst
 * of commits costs a few reads, each watcher sees balances that never go back in time, and the
 * last update after a burst always carries the newest balances.
 *
 * Values are absolute (the account's balances, not deltas): a watcher that misses nothing has
 * nothing to add up, and a renderer shows them exactly as the venue's REST read does.
 */

export type BalanceChange =
  /** The account's balances when the watch started: always the first change a watcher sees. */
  | { readonly kind: 'snapshot'; readonly balances: readonly Balance[] }
  /** The account's balances after commits that touched `assets` (the asset symbols), newest first read. */
  | { readonly kind: 'update'; readonly balances: readonly Balance[]; readonly assets: ReadonlySet<string> }
  /**
   * The ledger was emptied (a reset, here or on another instance): the account may not exist any
   * more. No change follows; the watch is over.
   */
  | { readonly kind: 'reset' }
  /** The balances could not be read (the store is away, or the account is gone): no change follows; the watch is over. */
  | { readonly kind: 'failed'; readonly error: unknown };

export type BalanceListener = (change: BalanceChange) => void;

/** Calling it ends the watch: no change is delivered after it returns. */
export type StopWatch = () => void;

interface Watcher {
  readonly listener: BalanceListener;
  /** True until its snapshot is delivered. */
  fresh: boolean;
  stopped: boolean;
}

class WatchedAccount {
  readonly watchers = new Set<Watcher>();
  /** Assets touched by commits not yet read. */
  pending = new Set<string>();
  reading = false;
}

export interface BalanceFeedOptions {
  /** Told about a ledger-events subscription that failed; the feed subscribes again on the next watch. */
  readonly onError?: (error: unknown) => void;
}

export class BalanceFeed {
  private readonly accounts = new Map<number, WatchedAccount>();
  private subscription: Subscription | null = null;
  /**
   * Settles once the current events subscription is live. A snapshot is read only after it: a
   * commit landing between an earlier read and a listener that was not yet listening (PostgreSQL's
   * LISTEN on another instance) would otherwise be in neither the snapshot nor any update.
   */
  private live: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly events: Pick<LedgerEvents, 'subscribe'>,
    private readonly read: (accountId: number) => Promise<Balance[]>,
    private readonly options: BalanceFeedOptions = {},
  ) {}

  /** Accounts with at least one watcher. */
  get watchedAccounts(): number {
    return this.accounts.size;
  }

  /**
   * Starts watching `accountId`: `listener` is called with a snapshot, then with every update,
   * until the watch is stopped or ends (`reset`, `failed`). Never calls `listener` synchronously.
   */
  watch(accountId: number, listener: BalanceListener): StopWatch {
    if (this.closed) throw new Error('the balance feed is closed');
    this.ensureSubscribed();
    let account = this.accounts.get(accountId);
    if (!account) {
      account = new WatchedAccount();
      this.accounts.set(accountId, account);
    }
    const watcher: Watcher = { listener, fresh: true, stopped: false };
    account.watchers.add(watcher);
    this.schedule(accountId, account);
    return () => this.unwatch(accountId, watcher);
  }

  /** Ends every watch (as a reset would not: no change is delivered) and the events subscription. */
  close(): void {
    this.closed = true;
    for (const account of this.accounts.values()) for (const w of account.watchers) w.stopped = true;
    this.accounts.clear();
    this.subscription?.();
    this.subscription = null;
  }

  private unwatch(accountId: number, watcher: Watcher): void {
    watcher.stopped = true;
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.watchers.delete(watcher);
    if (account.watchers.size === 0) this.accounts.delete(accountId);
    if (this.accounts.size === 0 && this.subscription) {
      this.subscription();
      this.subscription = null;
    }
  }

  private ensureSubscribed(): void {
    if (this.subscription) return;
    const subscription = this.events.subscribe((event) => this.onEvent(event), {
      onError: (error) => {
        if (this.subscription === subscription) this.subscription = null;
        this.options.onError?.(error);
      },
    });
    subscription.ready.catch((error: unknown) => {
      if (this.subscription === subscription) this.subscription = null;
      this.options.onError?.(error);
    });
    this.subscription = subscription;
    this.live = subscription.ready;
  }

  private onEvent(event: LedgerEvent): void {
    if (event.type === 'reset') {
      const ended = [...this.accounts.values()];
      this.accounts.clear();
      for (const account of ended) {
        const watchers = [...account.watchers];
        account.watchers.clear();
        account.pending.clear();
        for (const w of watchers) this.end(w, { kind: 'reset' });
      }
      return;
    }
    for (const accountId of event.accounts) {
      const account = this.accounts.get(accountId);
      if (!account) continue;
      for (const book of event.balances) if (book.account === accountId) account.pending.add(book.asset);
      this.schedule(accountId, account);
    }
  }

  private schedule(accountId: number, account: WatchedAccount): void {
    if (account.reading) return;
    account.reading = true;
    // Never synchronously: a watcher's listener runs after `watch` returned its stop function.
    queueMicrotask(() => void this.drain(accountId, account));
  }

  /** Reads the account while anything is owed to its watchers, one read at a time. */
  private async drain(accountId: number, account: WatchedAccount): Promise<void> {
    try {
      for (;;) {
        const assets = account.pending;
        const snapshotOwed = [...account.watchers].some((w) => w.fresh);
        if (assets.size === 0 && !snapshotOwed) return;
        account.pending = new Set();
        let balances: Balance[];
        try {
          if (snapshotOwed) await this.live;
          balances = await this.read(accountId);
        } catch (error) {
          if (this.accounts.get(accountId) === account) this.accounts.delete(accountId);
          const watchers = [...account.watchers];
          account.watchers.clear();
          for (const w of watchers) this.end(w, { kind: 'failed', error });
          return;
        }
        for (const w of [...account.watchers]) {
          if (w.stopped) continue;
          if (w.fresh) {
            w.fresh = false;
            this.tell(w, { kind: 'snapshot', balances });
          } else if (assets.size > 0) {
            this.tell(w, { kind: 'update', balances, assets });
          }
        }
      }
    } finally {
      account.reading = false;
    }
  }

  private end(watcher: Watcher, change: BalanceChange): void {
    if (watcher.stopped) return;
    watcher.stopped = true;
    this.tell(watcher, change);
  }

  /** A listener that throws is a bug in its stream: that watch ends, the others go on. */
  private tell(watcher: Watcher, change: BalanceChange): void {
    try {
      watcher.listener(change);
    } catch (error) {
      watcher.stopped = true;
      this.options.onError?.(error);
    }
  }
}
