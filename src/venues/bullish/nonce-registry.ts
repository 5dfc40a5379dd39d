import type { VenuePort } from '../port.js';

/**
 * Login nonces already used, per public key, remembered while their login could still be replayed:
 * a login with timestamp `t` is accepted until `t + window`, so its nonce is kept until then.
 * They live in the store, so that a login replayed to another instance sharing it is refused too.
 * Only logins whose signature checked are recorded, so a stranger cannot fill the table; expired
 * rows are swept by the store.
 */
export class NonceRegistry {
  constructor(
    private readonly store: Pick<VenuePort, 'claimNonce'>,
    private readonly windowMs: number,
  ) {}

  /** Records the nonce for the key; false when the key used it already and it is still remembered. */
  claim(publicKey: string, nonce: string, timestampMs: number, nowMs: number): Promise<boolean> {
    return this.store.claimNonce(publicKey, nonce, Math.max(nowMs, timestampMs + this.windowMs), nowMs);
  }
}
