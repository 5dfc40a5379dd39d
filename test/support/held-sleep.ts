import type { Sleep } from '../../src/faults/fault-set.js';

/**
 * A fault latency a test holds: each wait asked for is recorded with its length and lasts until
 * the test releases it, so a test observes a delay by what it asked for and by what happened
 * before and after the release, never by measuring time.
 */
export class HeldSleep {
  /** Every wait asked for, in ms, in order. */
  readonly asked: number[] = [];
  /** The waits not yet ended, by their place in `asked`. */
  private readonly pending = new Map<number, () => void>();
  private readonly waiters = new Set<() => void>();

  readonly sleep: Sleep = (ms) =>
    new Promise<void>((resolve) => {
      this.pending.set(this.asked.length, resolve);
      this.asked.push(ms);
      for (const wake of [...this.waiters]) wake();
    });

  /** Resolves once `count` waits have been asked for in all. */
  untilAsked(count: number): Promise<void> {
    const keepAlive = setInterval(() => {}, 1_000);
    return new Promise<void>((resolve) => {
      const check = () => {
        if (this.asked.length < count) return;
        this.waiters.delete(check);
        clearInterval(keepAlive);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Ends every wait asked for so far. */
  releaseAll(): void {
    for (const resolve of this.pending.values()) resolve();
    this.pending.clear();
  }

  /** Ends the wait asked for at `index` (0 for the first ever asked). */
  release(index: number): void {
    this.pending.get(index)?.();
    this.pending.delete(index);
  }
}
