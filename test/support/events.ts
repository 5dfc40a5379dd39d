import type { Ledger } from '../../src/ledger/ledger.js';
import type { LedgerEntryEvent, LedgerEvent, LedgerEventListener, SubscribeOptions, Subscription } from '../../src/ledger/events.js';

/** A subscriber that keeps what it gets and lets a test wait for what it expects, never for a guessed time. */
export interface Collector {
  readonly events: LedgerEvent[];
  readonly subscription: Subscription;
  /** Resolves once `done(events)` holds, checked after every event. */
  until(done: (events: readonly LedgerEvent[]) => boolean): Promise<void>;
  /** Resolves once an entry event at `position` or later has arrived. */
  untilPosition(position: number): Promise<void>;
  /** The entry events' positions, in arrival order. */
  positions(): number[];
}

export function collectEvents(ledger: Ledger, options: SubscribeOptions = {}, onEvent?: LedgerEventListener): Collector {
  const events: LedgerEvent[] = [];
  const waiters: { done: (events: readonly LedgerEvent[]) => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.done(events)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const subscription = ledger.events.subscribe(async (event) => {
    await onEvent?.(event);
    events.push(event);
    check();
  }, options);
  // The store's watch timer does not hold the process open (a server has its listener for that):
  // while a test waits for an event, this does, or the loop could end before the event comes.
  const until = (done: (events: readonly LedgerEvent[]) => boolean) => {
    const keepAlive = setInterval(() => {}, 1_000);
    return new Promise<void>((resolve) => {
      waiters.push({ done, resolve });
      check();
    }).finally(() => clearInterval(keepAlive));
  };
  return {
    events,
    subscription,
    until,
    untilPosition: (position) => until((seen) => seen.some((e) => e.type === 'entry' && e.position >= position)),
    positions: () => events.filter((e): e is LedgerEntryEvent => e.type === 'entry').map((e) => e.position),
  };
}
