import { API, session, type Entry } from './api.js';
import { readEventStream, type SseEvent } from './event-stream.js';

/**
 * The journal live: one Server-Sent-Events stream (`GET /journal/stream`) per signed-in tab, read
 * with fetch (EventSource cannot send the token header). It keeps the newest entries for the
 * journal screen and tells listeners of each one (an account screen refreshes when its account is
 * touched). A dropped stream reconnects after the last position it saw, so nothing is missed or
 * shown twice.
 */

export interface StreamEntry {
  position: number;
  accounts: number[];
  entry: Entry;
}

export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Entries the journal screen keeps: the newest ones; older ones are a `GET /journal` away. */
export const KEPT = 200;
/** How many entries before the head a first connection starts with. */
const RECENT = 50;

export class JournalFeed {
  entries: StreamEntry[] = [];
  state: FeedState = 'connecting';
  private position: number | null = null;
  private controller: AbortController | null = null;
  private retryMs = 500;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly changeListeners = new Set<() => void>();
  private readonly entryListeners = new Set<(entry: StreamEntry) => void>();

  start(): void {
    this.state = 'connecting';
    void this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    this.controller?.abort();
    if (this.timer !== null) clearTimeout(this.timer);
    this.changed();
  }

  /** Called after any change of `entries` or `state`. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called once per entry as it arrives (and with `null`-free entries only). */
  onEntry(listener: (entry: StreamEntry) => void): () => void {
    this.entryListeners.add(listener);
    return () => this.entryListeners.delete(listener);
  }

  /** Read through a call: `stop` may come while a connection is awaited. */
  private stopped(): boolean {
    return this.state === 'stopped';
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private async connect(): Promise<void> {
    const token = session.token();
    if (token === null || this.stopped()) return;
    this.controller = new AbortController();
    const where = this.position === null ? `recent=${RECENT}` : `after=${this.position}`;
    try {
      const ended = await readEventStream(`${API}/journal/stream?${where}`, token, this.controller.signal, (event) => this.handle(event));
      if (ended === 'unauthorized') return;
    } catch {
      // Dropped, refused or aborted: reconnect below unless stopped.
    }
    if (this.stopped()) return;
    this.state = 'reconnecting';
    this.changed();
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
  }

  private handle(event: SseEvent): void {
    if (event.event === 'ready') {
      this.state = 'live';
      this.retryMs = 500;
      if (this.position === null) this.position = (JSON.parse(event.data) as { after: number }).after;
      this.changed();
    } else if (event.event === 'reset') {
      this.entries = [];
      this.position = 0;
      this.changed();
    } else if (event.event === 'entry') {
      const entry = JSON.parse(event.data) as StreamEntry;
      this.position = entry.position;
      this.entries = [entry, ...this.entries].slice(0, KEPT);
      for (const listener of this.entryListeners) listener(entry);
      this.changed();
    }
  }
}
