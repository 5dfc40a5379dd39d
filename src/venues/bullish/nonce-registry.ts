/**
 * Login nonces already used, per public key, remembered while their login could still be replayed:
 * a login with timestamp `t` is accepted until `t + window`, so its nonce is kept until then.
 * In memory, per process: several instances behind one balancer do not share it yet.
 * Only logins whose signature checked are recorded, so a stranger cannot fill it.
 */
export class NonceRegistry {
  private readonly forgetAtMs = new Map<string, number>();
  private nextSweepMs = 0;

  constructor(private readonly windowMs: number) {}

  /** Records the nonce for the key; false when the key used it already and it is still remembered. */
  claim(publicKey: string, nonce: string, timestampMs: number, nowMs: number): boolean {
    this.sweep(nowMs);
    const id = `${publicKey}\u0000${nonce}`;
    const until = this.forgetAtMs.get(id);
    if (until !== undefined && until > nowMs) return false;
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
