import { balanceKeyId, compareBalanceKeys, type BalanceWrite, type JournalNotice, type LedgerStore, type StopWatching } from '../store/store.js';
import type { CommittedEntry } from './commit-recorder.js';
import { LedgerError } from './errors.js';
import { SYSTEM_ACCOUNT, type JournalEntry } from './types.js';

/**
 * Ledger events: after each commit, the committed journal entries reach in-process subscribers,
 * in journal order, each exactly once per subscriber, never before their commit.
 *
 * One journal tailer per ledger does all the reading. Anything that may have added entries pokes
 * it: this process's commits (every path that writes the journal goes through `Ledger.session`
 * or group commit, which call `committed`), and the store's notices of other writers (other
 * instances on PostgreSQL, another process on a SQLite file). A poke only marks the tailer
 * dirty; it then reads `store.listSettledJournal(tail)` page by page, so local commits, remote
 * ones and missed notices all take the one code path, and a notice that is merged, late or
 * repeated costs a read, never an event.
 *
 * Each subscriber is a cursor: its own position and its own delivery loop, which awaits its
 * listener. The tailer keeps the most recent events (`recentMax`) for subscribers close behind;
 * one that falls further behind, or starts from an older position, reads its own pages from the
 * store until it catches up. So a slow subscriber delays only itself, commits never wait for a
 * subscriber, and memory stays bounded whatever the subscribers do.
 */

/** A book (account, bucket, asset) and its amount. */
export type BookBalance = BalanceWrite;

export interface LedgerEntryEvent {
  readonly type: 'entry';
  /** The entry's journal position (its id): pass it as `after` to resume after this event. */
  readonly position: number;
  readonly entry: JournalEntry;
  /** The user accounts the entry touched, ascending (the system account 0 left out). */
  readonly accounts: readonly number[];
  /** Every book the entry touched, system books included, in the ledger's book order. */
  readonly balances: readonly BookBalance[];
  /**
   * `entry`: each amount is the book's balance right after this entry (this process's own
   * commits, delivered live). `read`: the book's balance when the event was built, which may
   * include later entries (another instance's commits, and catch-up from an older position).
   * Either way the last event about a book carries its newest balance.
   */
  readonly balancesAsOf: 'entry' | 'read';
}

/**
 * The journal was emptied (`Ledger.reset` here or on another instance), or replaced by a restored
 * one (`Ledger.restore`): positions restart after `position` (0 for an emptied journal, the
 * restored journal's newest entry otherwise), and the events after this one are the new journal's
 * entries after it.
 */
export interface LedgerResetEvent {
  readonly type: 'reset';
  readonly position: number;
}

export type LedgerEvent = LedgerEntryEvent | LedgerResetEvent;

/** Called once per event, in order; the next event waits until the promise it returns settles. */
export type LedgerEventListener = (event: LedgerEvent) => void | Promise<void>;

export interface SubscribeOptions {
  /** Start after this journal position (0: from the first entry). Default: the journal's head when the subscription starts. */
  readonly after?: number;
  /** A listener that throws ends its subscription; the error is handed here. */
  readonly onError?: (error: unknown) => void;
}

/** Calling it unsubscribes: no event is delivered after it returns, except one already being delivered. */
export interface Subscription {
  (): void;
  /** Resolves with the position the subscription starts after, once it is live. */
  readonly ready: Promise<number>;
}

export interface LedgerEventsOptions {
  /** Events kept for subscribers close behind the head; one further behind reads the store. */
  readonly recentMax?: number;
  /** Entries per journal read. */
  readonly pageSize?: number;
  /** Told when a journal read fails (the store is away, say); the read is tried again `retryMs` later. */
  readonly onError?: (error: unknown) => void;
  readonly retryMs?: number;
  /** Commits of this process whose balances wait for the tailer; past this, their events read balances instead. */
  readonly asOfMax?: number;
}

class Subscriber {
  position = 0;
  generation = -1;
  live = false;
  closed = false;
  running = false;
  again = false;

  constructor(
    private readonly listener: LedgerEventListener,
    private readonly onError: ((error: unknown) => void) | undefined,
  ) {}

  /** Resolves false when the listener threw: the subscription is then over. */
  async deliver(event: LedgerEvent): Promise<boolean> {
    try {
      await this.listener(event);
      return true;
    } catch (error) {
      this.closed = true;
      this.onError?.(error);
      return false;
    }
  }
}

export class LedgerEvents {
  /** The tailer's position: every settled entry up to it has been published. */
  private tail = 0;
  /** Every published event with position in (recentFrom, tail], oldest first. */
  private recent: LedgerEntryEvent[] = [];
  private recentFrom = 0;
  /** The newest published entry, to tell whether another process reset the journal meanwhile. */
  private last: { readonly id: number; readonly key: string; readonly atMs: number } | null = null;
  /** Bumped by every reset (and stop): reads started before it are dropped. */
  private generation = 0;
  /** Where positions restart at the last reset: 0, or a restored journal's newest entry. */
  private base = 0;
  private startup: Promise<void> | null = null;
  private stopWatching: StopWatching | null = null;
  private tailing = false;
  private dirty = false;
  private checkReset = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly asOf = new Map<number, readonly BookBalance[]>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly recentMax: number;
  private readonly pageSize: number;
  private readonly retryMs: number;
  private readonly asOfMax: number;
  /** Bumped by every stop: a watcher that `open` gets after it belongs to nobody and is stopped. */
  private watchEpoch = 0;

  constructor(
    private readonly store: LedgerStore,
    private readonly options: LedgerEventsOptions = {},
  ) {
    this.recentMax = options.recentMax ?? 1024;
    this.pageSize = options.pageSize ?? 200;
    this.retryMs = options.retryMs ?? 1_000;
    this.asOfMax = options.asOfMax ?? 10_000;
  }

  /** True while someone listens: only then do commits record their balances and poke the tailer. */
  get active(): boolean {
    return this.startup !== null && !this.closed;
  }

  subscribe(listener: LedgerEventListener, options: SubscribeOptions = {}): Subscription {
    const after = options.after;
    if (after !== undefined && !(Number.isSafeInteger(after) && after >= 0)) {
      throw new LedgerError('INVALID_ARGUMENT', 'after must be a journal position: an integer, 0 or more', 'after');
    }
    if (this.closed) throw new Error('the ledger events are closed');
    const sub = new Subscriber(listener, options.onError);
    this.subscribers.add(sub);
    const ready = this.start().then(() => {
      sub.generation = this.generation;
      sub.position = after ?? this.tail;
      sub.live = true;
      this.drive(sub);
      return sub.position;
    });
    ready.catch(() => this.subscribers.delete(sub));
    const unsubscribe = () => {
      sub.closed = true;
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0) void this.stop();
    };
    return Object.assign(unsubscribe, { ready });
  }

  /** The ledger calls this after each commit of this process: `null` when it recorded nothing. */
  committed(entries: readonly CommittedEntry[] | null): void {
    if (!this.active) return;
    // A record is kept only for an entry not yet published: `publish` deletes it, so none outlives its entry.
    for (const e of entries ?? []) if (e.id > this.tail && this.asOf.size < this.asOfMax) this.asOf.set(e.id, e.balances);
    if (entries === null || entries.length > 0) this.poke();
  }

  /** The ledger calls this after it emptied the store (`position` 0) or replaced its journal by one whose newest entry is `position`. */
  reset(position = 0): void {
    if (this.active) this.resetFeed(position);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const sub of this.subscribers) sub.closed = true;
    this.subscribers.clear();
    await this.stop();
  }

  private start(): Promise<void> {
    this.startup ??= this.open().catch((error: unknown) => {
      this.startup = null;
      throw error;
    });
    return this.startup;
  }

  /** Watches before reading the head, so that a commit in between is noticed. */
  private async open(): Promise<void> {
    const epoch = this.watchEpoch;
    const stop = await this.store.watchJournal((notice) => this.notice(notice));
    // Everyone left (or close came) while the watcher was being set up: nobody would stop it.
    if (this.closed || epoch !== this.watchEpoch) {
      await stop();
      return;
    }
    this.stopWatching = stop;
    const generation = this.generation;
    const head = await this.store.journalHead();
    const newest = head > 0 ? (await this.store.listJournal(head - 1, 1)).entries[0] : undefined;
    if (generation !== this.generation) return;
    this.tail = head;
    this.recentFrom = head;
    this.last = newest ? { id: newest.id, key: newest.key, atMs: newest.atMs } : null;
    // Commits that landed while the head was read were recorded against tail 0: never published, so dropped.
    for (const id of this.asOf.keys()) if (id <= head) this.asOf.delete(id);
    this.poke();
  }

  /** Nobody listens any more: stop watching and forget, so commits cost nothing extra. */
  private async stop(): Promise<void> {
    const stop = this.stopWatching;
    this.stopWatching = null;
    this.startup = null;
    this.watchEpoch += 1;
    this.generation += 1;
    this.recent = [];
    this.asOf.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await stop?.();
  }

  private notice(notice: JournalNotice): void {
    if (notice.kind === 'reset') return this.resetFeed(notice.position ?? 0);
    if (notice.kind === 'commit' && notice.position <= this.tail) return;
    if (notice.kind === 'unknown') this.checkReset = true;
    this.poke();
  }

  private resetFeed(position = 0): void {
    this.generation += 1;
    this.base = position;
    this.tail = position;
    this.recent = [];
    this.recentFrom = position;
    this.last = null;
    this.asOf.clear();
    this.checkReset = false;
    this.wakeAll();
    this.poke();
  }

  private poke(): void {
    if (!this.active) return;
    if (this.tailing) {
      this.dirty = true;
      return;
    }
    this.tailing = true;
    void this.tailLoop();
  }

  private async tailLoop(): Promise<void> {
    try {
      do {
        this.dirty = false;
        if (this.checkReset) {
          this.checkReset = false;
          if (await this.journalWasReset()) this.resetFeed();
        }
        await this.readToEnd();
      } while (this.dirty && this.active);
    } catch (error) {
      this.options.onError?.(error);
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = null;
        this.poke();
      }, this.retryMs).unref();
    } finally {
      this.tailing = false;
    }
  }

  private async readToEnd(): Promise<void> {
    const generation = this.generation;
    for (;;) {
      const page = await this.store.listSettledJournal(this.tail, this.pageSize);
      const events = await this.toEvents(page.entries, true);
      if (generation !== this.generation) {
        this.dirty = true;
        return;
      }
      for (const event of events) this.publish(event);
      if (events.length > 0) this.wakeAll();
      if (page.next === null) return;
    }
  }

  /** Another process may have emptied the journal: is the newest entry published still there, the same? */
  private async journalWasReset(): Promise<boolean> {
    const last = this.last;
    if (last === null) return false;
    const stored = await this.store.getOperation(last.key);
    return !stored || stored.entry.id !== last.id || stored.entry.atMs !== last.atMs;
  }

  private publish(event: LedgerEntryEvent): void {
    this.recent.push(event);
    this.tail = event.position;
    this.asOf.delete(event.position);
    this.last = { id: event.entry.id, key: event.entry.key, atMs: event.entry.atMs };
    while (this.recent.length > this.recentMax) this.recentFrom = this.recent.shift()!.position;
  }

  private wakeAll(): void {
    for (const sub of this.subscribers) if (sub.live) this.drive(sub);
  }

  private drive(sub: Subscriber): void {
    if (sub.running) {
      sub.again = true;
      return;
    }
    sub.running = true;
    void this.deliverLoop(sub);
  }

  private async deliverLoop(sub: Subscriber): Promise<void> {
    try {
      do {
        sub.again = false;
        while (!sub.closed) {
          if (sub.generation !== this.generation) {
            sub.generation = this.generation;
            sub.position = this.base;
            if (!(await sub.deliver({ type: 'reset', position: this.base }))) return;
            continue;
          }
          const batch = await this.nextFor(sub);
          if (batch === null) continue;
          if (batch.length === 0) break;
          for (const event of batch) {
            if (sub.closed || sub.generation !== this.generation) break;
            if (!(await sub.deliver(event))) return;
            sub.position = event.position;
          }
        }
      } while (sub.again && !sub.closed);
    } finally {
      sub.running = false;
    }
  }

  /**
   * What a subscriber gets next: from the recent events when its position is within them, else a
   * page from the store. Null when a reset came meanwhile; empty when it is at the head (or the
   * store is away: it is woken again by the next event).
   */
  private async nextFor(sub: Subscriber): Promise<LedgerEntryEvent[] | null> {
    if (sub.position >= this.recentFrom) return eventsAfter(this.recent, sub.position);
    const generation = this.generation;
    try {
      const page = await this.store.listSettledJournal(sub.position, this.pageSize);
      const events = await this.toEvents(page.entries, false);
      return generation === this.generation ? events : null;
    } catch (error) {
      this.options.onError?.(error);
      setTimeout(() => this.drive(sub), this.retryMs).unref();
      return [];
    }
  }

  /**
   * Events for these entries: balances as recorded at this process's commit when there is a
   * record (and `useRecorded`), else read now, one query per account for the whole page.
   */
  private async toEvents(entries: readonly JournalEntry[], useRecorded: boolean): Promise<LedgerEntryEvent[]> {
    // Records are left in place (`publish` deletes them): one that arrives while balances are read is still used.
    const recorded = entries.map((entry) => (useRecorded ? this.asOf.get(entry.id) : undefined));
    const toRead = new Set<number>();
    entries.forEach((entry, i) => {
      if (!recorded[i]) for (const p of entry.postings) toRead.add(p.account);
    });
    const read = new Map<string, BookBalance>();
    for (const account of toRead) {
      for (const b of await this.store.readBalances(account)) {
        read.set(balanceKeyId(b), { account: b.account, bucket: b.bucket, asset: b.asset, amount: b.amount, atMs: b.updatedAtMs });
      }
    }
    return entries.map((entry, i) => {
      const books = booksOf(entry);
      const own = recorded[i] ?? (useRecorded ? this.asOf.get(entry.id) : undefined);
      return {
        type: 'entry',
        position: entry.id,
        entry,
        accounts: [...new Set(books.map((b) => b.account).filter((a) => a !== SYSTEM_ACCOUNT))],
        balances: own ? [...own] : books.map((book) => read.get(balanceKeyId(book)) ?? { ...book, amount: 0n, atMs: 0 }),
        balancesAsOf: own ? 'entry' : 'read',
      };
    });
  }
}

/** The distinct books an entry's postings touch, in the ledger's book order. */
function booksOf(entry: JournalEntry): { account: number; bucket: BookBalance['bucket']; asset: string }[] {
  const books = new Map<string, { account: number; bucket: BookBalance['bucket']; asset: string }>();
  for (const p of entry.postings) books.set(balanceKeyId(p), { account: p.account, bucket: p.bucket, asset: p.asset });
  return [...books.values()].sort(compareBalanceKeys);
}

/** The events after `position`, by binary search: `events` is in position order. */
function eventsAfter(events: readonly LedgerEntryEvent[], position: number): LedgerEntryEvent[] {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.position <= position) low = mid + 1;
    else high = mid;
  }
  return events.slice(low);
}
