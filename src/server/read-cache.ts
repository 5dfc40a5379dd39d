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
 * kept, so memory does not grow with the number of accounts: past it, the oldest entry of the
 * account least recently stored to goes first.
 *
 * Entries are kept per account (a number) and then per variant, so that the hot read looks its
 * entry up without building a key: a variant that is the same string on every read (a constant,
 * or a name the caller made once) is hashed once for the process, where a key made per request
 * (`${account}|${variant}`) was joined, flattened and hashed on every read (with the venue port's
 * own join, about 1,100 instructions of a venue read's 82,000, by `npm run bench:read-instructions`
 * and a symbolized profile).
 */
export const READ_CACHE_MAX_AGE_MS = 5_000;
export const READ_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  readonly version: number;
  readonly expiresAtMs: number;
  readonly value: string;
}

export class ReadCache {
  /** Per account, its entries by variant; accounts in the order they were last stored to. */
  private readonly accounts = new Map<number, Map<string, Entry>>();
  private entries = 0;

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
    const nowMs = this.clock();
    const entry = this.accounts.get(account)?.get(variant);
    if (entry !== undefined && entry.version === version && entry.expiresAtMs > nowMs) return entry.value;
    return compute().then((value) => this.keep(account, variant, version, nowMs, value));
  }

  private keep(account: number, variant: string, version: number, nowMs: number, value: string): string {
    if (!(this.accounts.get(account)?.delete(variant) ?? false)) {
      while (this.entries >= this.maxEntries && this.entries > 0) this.dropOldest();
      this.entries += 1;
    }
    // Read again, since making room may have dropped the account; then last in line to lose an entry.
    const variants = this.accounts.get(account) ?? new Map<string, Entry>();
    this.accounts.delete(account);
    this.accounts.set(account, variants);
    variants.set(variant, { version, expiresAtMs: nowMs + this.maxAgeMs, value });
    return value;
  }

  /** Drops the oldest entry of the account least recently stored to (the account too, once it has none). */
  private dropOldest(): void {
    const oldest = this.accounts.entries().next();
    if (oldest.done) return;
    const [account, variants] = oldest.value;
    const variant = variants.keys().next();
    if (!variant.done) {
      variants.delete(variant.value);
      this.entries -= 1;
    }
    if (variants.size === 0) this.accounts.delete(account);
  }

  get size(): number {
    return this.entries;
  }
}
