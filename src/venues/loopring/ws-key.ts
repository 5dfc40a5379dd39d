import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The key `GET /v3/ws/key` hands out and `/v3/ws?wsApiKey=` takes. The venue's key names nobody
 * (it is fetched without credentials) and only lets a socket open; the account is named later, by
 * the subscribe frame's apiKey. So the key is stateless: its expiry and a random part, signed with
 * HMAC-SHA256 under a key derived from the venue's signing key, which the store keeps sealed
 * (`port.loadOrCreateSigningKey`). Every instance sharing the store (and the secret key) accepts a
 * key any of them issued, with nothing stored per key; a restart keeps accepting them too.
 *
 * Wire form: base64url of 8 bytes of expiry (ms, big-endian), 6 random bytes and the first 12
 * bytes of the HMAC of those 14: 35 characters of [A-Za-z0-9_-].
 */

const EXPIRY_BYTES = 8;
const RANDOM_BYTES = 6;
const MAC_BYTES = 12;
const SIGNED_BYTES = EXPIRY_BYTES + RANDOM_BYTES;
const KEY_BYTES = SIGNED_BYTES + MAC_BYTES;
/** Base64url without padding of `KEY_BYTES`: nothing else is read as a key. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{35}$/;

export type WsKeyVerdict = 'valid' | 'invalid' | 'expired';

export class WsKeySigner {
  private readonly macKey: Buffer;

  /** `signingKey`: the venue's stored 32-byte key; a key of its own is derived from it for this use only. */
  constructor(signingKey: Uint8Array) {
    this.macKey = Buffer.from(hkdfSync('sha256', signingKey, Buffer.alloc(0), 'assetbook/loopring/ws-key/v1', 32));
  }

  /** A new key valid until `expiresAtMs`. */
  issue(expiresAtMs: number): string {
    const signed = Buffer.alloc(SIGNED_BYTES);
    signed.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(expiresAtMs))), 0);
    randomBytes(RANDOM_BYTES).copy(signed, EXPIRY_BYTES);
    return Buffer.concat([signed, this.mac(signed)]).toString('base64url');
  }

  /** Whether `key` is one this signer (or another with the same signing key) issued, and still valid at `nowMs`. */
  check(key: string, nowMs: number): WsKeyVerdict {
    if (!KEY_PATTERN.test(key)) return 'invalid';
    const bytes = Buffer.from(key, 'base64url');
    // The last character carries 2 unused bits: only the canonical spelling of a key is that key.
    if (bytes.length !== KEY_BYTES || bytes.toString('base64url') !== key) return 'invalid';
    const signed = bytes.subarray(0, SIGNED_BYTES);
    if (!timingSafeEqual(bytes.subarray(SIGNED_BYTES), this.mac(signed))) return 'invalid';
    return Number(signed.readBigUInt64BE(0)) > nowMs ? 'valid' : 'expired';
  }

  private mac(signed: Buffer): Buffer {
    return createHmac('sha256', this.macKey).update(signed).digest().subarray(0, MAC_BYTES);
  }
}
