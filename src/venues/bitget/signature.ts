import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { HmacSha256Key } from '../shared/hmac-key.js';
import { sameText } from '../shared/same-text.js';

/**
 * Bitget request signatures: base64 of HMAC-SHA256 (or SHA256withRSA) over
 * `timestamp + METHOD + requestPath + ("?" + query when there is one) + body`.
 *
 * The query is taken exactly as it arrived: clients sort the keys themselves, so rebuilding it
 * from a parsed map would break signatures. ccxt signs the decoded values while bitget-api signs
 * the percent-encoded ones, so a signature over either form is accepted.
 */

export interface SignedParts {
  readonly timestamp: string;
  readonly method: string;
  readonly path: string;
  /** The query as received, without the `?`. */
  readonly rawQuery: string;
  readonly body: string;
}

export function prehash(parts: SignedParts, query: string = parts.rawQuery): string {
  return `${parts.timestamp}${parts.method}${parts.path}${query === '' ? '' : `?${query}`}${parts.body}`;
}

/** The pre-hash strings a genuine client may have signed: the raw query first, then its decoded forms. */
export function prehashCandidates(parts: SignedParts): string[] {
  const raw = prehash(parts);
  return [raw, ...decodedPrehashes(parts, raw)];
}

/** The pre-hashes over the query's decoded forms (ccxt signs those) that differ from `raw`, its pre-hash as it arrived. */
function decodedPrehashes(parts: SignedParts, raw: string): string[] {
  const out: string[] = [];
  if (!parts.rawQuery.includes('%') && !parts.rawQuery.includes('+')) return out;
  for (const decode of [(q: string) => decodeURIComponent(q), (q: string) => decodeURIComponent(q.replace(/\+/g, ' '))]) {
    try {
      const candidate = prehash(parts, decode(parts.rawQuery));
      if (candidate !== raw && !out.includes(candidate)) out.push(candidate);
    } catch {
      // A malformed escape cannot have been signed in decoded form; the raw form still counts.
    }
  }
  return out;
}

/** Decodes a base64 signature; null when it is not base64 of the expected length. */
function signatureBytes(signature: string, length?: number): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return null;
  const bytes = Buffer.from(signature, 'base64');
  return length === undefined || bytes.length === length ? bytes : null;
}

export function hmacSign(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64');
}

/**
 * `secret` is the key's text, or the key made ready once (`HmacSha256Key`, what the authenticator
 * keeps per known key). The digest over the query as it arrived is compared as base64 text first,
 * as clients write it, with no Buffer made; anything else (another spelling of the same bytes, a
 * signature over the decoded query, or a wrong one) is decoded and compared as bytes with that
 * digest and then the other candidates', each digest made once.
 */
export function verifyHmac(secret: string | HmacSha256Key, parts: SignedParts, signature: string): boolean {
  const key = typeof secret === 'string' ? new HmacSha256Key(secret) : secret;
  // The raw query's pre-hash alone first: a good signature is checked with no list of candidates made.
  const raw = prehash(parts);
  const rawDigest = key.digestBase64(raw);
  if (sameText(rawDigest, signature)) return true;
  const presented = signatureBytes(signature, 32);
  if (presented === null) return false;
  if (timingSafeEqual(Buffer.from(rawDigest, 'base64'), presented)) return true;
  return decodedPrehashes(parts, raw).some((text) => timingSafeEqual(key.digest(text), presented));
}

export function verifyRsa(publicKey: KeyObject, parts: SignedParts, signature: string): boolean {
  const presented = signatureBytes(signature);
  if (presented === null) return false;
  return prehashCandidates(parts).some((text) => verify('sha256', Buffer.from(text), publicKey, presented));
}
