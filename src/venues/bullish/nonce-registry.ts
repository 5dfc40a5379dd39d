/**
 * Login nonces already used, per public key, remembered while their login could still be replayed:
 * a login with timestamp `t` is accepted until `t + window`, so its nonce is kept until then.
 * In memory, per process: several instances behind one balancer do not share it yet.
 * Only logins whose signature checked are recorded, so a stranger cannot fill it; and at most
 * `maxEntries` are kept, the oldest dropped first, so that even key holders sending a flood of
 * distinct logins cannot grow it without bound (a dropped nonce is one whose login is the oldest
 * still replayable: at the default cap that takes over 1,600 logins a second for a minute).
 */

/** Nonces remembered at most, by default. */
export const NONCE_REGISTRY_MAX = 100_000;

export class NonceRegistry {
  /** Key and nonce → when the nonce may be forgotten; in insertion order, so the first is the oldest. */
  private readonly forgetAtMs = new Map<string, number>();
  private nextSweepMs = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = NONCE_REGISTRY_MAX,
  ) {}

  /** Records the nonce for the key; false when the key used it already and it is still remembered. */
  claim(publicKey: string, nonce: string, timestampMs: number, nowMs: number): boolean {
    this.sweep(nowMs);
    const id = `${publicKey}\u0000${nonce}`;
    const until = this.forgetAtMs.get(id);
    if (until !== undefined && until > nowMs) return false;
    // Deleted first so that a nonce used again lands at the end, as the newest.
    this.forgetAtMs.delete(id);
    if (this.forgetAtMs.size >= this.maxEntries) {
      const oldest = this.forgetAtMs.keys().next();
      if (!oldest.done) this.forgetAtMs.delete(oldest.value);
    }
    this.forgetAtMs.set(id, Math.max(nowMs, timestampMs + this.windowMs));
    return true;
  }

  /** How many nonces are remembered (for tests). */
  get size(): number {
    return this.forgetAtMs.size;
  }

  /** Drops nonces whose logins can no longer be replayed; runs at most once per window. */
  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweepMs) return;
    for (const [id, until] of this.forgetAtMs) if (until <= nowMs) this.forgetAtMs.delete(id);
    this.nextSweepMs = nowMs + this.windowMs;
  }
}
