import type { ReadVersions } from '../ledger/read-versions.js';

/**
 * What one hot read derived from an account's balances (a venue's rendered body, say), kept per
 * account and variant while the account's read version (ledger/read-versions.ts) is unchanged:
 * a commit here touching the account, a reset here, or a notice of any change made elsewhere
 * makes the next read compute it again. Authentication is no part of it: callers check each
 * request's credentials before asking, and the account comes from those credentials, so an entry
 * is only ever served to a caller of its own account.
 *
 * Two bounds: an entry is served for at most `maxAgeMs` (a notice lost between instances, before
 * the watcher's reconnection or periodic look, is bounded by it), and at most `maxEntries` are
 * kept (the oldest stored goes first), so memory does not grow with the number of accounts.
 */
export const READ_CACHE_MAX_AGE_MS = 5_000;
export const READ_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  readonly version: number;
  readonly expiresAtMs: number;
  readonly value: string;
}

export class ReadCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly versions: ReadVersions,
    private readonly clock: () => number,
    private readonly maxAgeMs = READ_CACHE_MAX_AGE_MS,
    private readonly maxEntries = READ_CACHE_MAX_ENTRIES,
  ) {}

  /**
   * The value of `variant` for `account`: the kept one while still valid, else `compute()`'s,
   * kept under the version read before computing, so a commit that lands during the computation
   * leaves an entry that is already stale rather than one that hides the commit. A kept value is
   * returned as it is, not in a promise: the hot read can then answer in the same turn.
   */
  get(account: number, variant: string, compute: () => Promise<string>): string | Promise<string> {
    const version = this.versions.of(account);
    if (version === null) return compute();
    const key = `${account}|${variant}`;
    const nowMs = this.clock();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.version === version && entry.expiresAtMs > nowMs) return entry.value;
    return compute().then((value) => this.keep(key, version, nowMs, value));
  }

  private keep(key: string, version: number, nowMs: number, value: string): string {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { version, expiresAtMs: nowMs + this.maxAgeMs, value });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
