import { API, session, type Entry } from './api.js';

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

interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Splits a text/event-stream into events (comments and unknown fields ignored). */
export function parseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const event: SseEvent = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') event.id = value;
    }
    event.data = data.join('\n');
    if (data.length > 0 || event.event !== 'message') events.push(event);
  }
  return { events, rest };
}

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
      const response = await fetch(`${API}/journal/stream?${where}`, { headers: { authorization: `Bearer ${token}` }, signal: this.controller.signal });
      if (response.status === 401) {
        session.signOut('The operator token was refused: sign in again.');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`journal stream: HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const { events, rest } = parseEvents(buffer + value);
        buffer = rest;
        for (const event of events) this.handle(event);
      }
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
