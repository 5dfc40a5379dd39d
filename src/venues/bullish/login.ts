import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { headerText } from '../shared/headers.js';
import { bullishError } from './errors.js';

/**
 * The HMAC login's request checks, as pure functions. The client signs
 * `timestamp + nonce + "GET" + "/trading-api/v1/users/hmac/login"` with its secret and sends the
 * lower-case hex digest in BX-SIGNATURE, beside BX-PUBLIC-KEY, BX-TIMESTAMP (ms) and BX-NONCE (u64).
 */

export const LOGIN_PATH = '/trading-api/v1/users/hmac/login';

/** How far BX-TIMESTAMP may be from the server clock, either way. */
export const LOGIN_TIMESTAMP_WINDOW_MS = 30_000;

export interface LoginHeaders {
  readonly publicKey: string;
  /** BX-TIMESTAMP exactly as sent: the signature covers the text, not the number. */
  readonly timestamp: string;
  readonly timestampMs: number;
  /** BX-NONCE exactly as sent. */
  readonly nonce: string;
  readonly signature: string;
}

const PUBLIC_KEY = /^[\x21-\x7e]{1,128}$/;
const TIMESTAMP = /^[0-9]{1,16}$/;
// An unsigned 64-bit integer without leading zeros (Bullish refuses numeric ids with them).
const NONCE = /^(0|[1-9][0-9]{0,19})$/;
const U64_MAX = 2n ** 64n - 1n;
const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * Reads and checks the four login headers; throws Bullish's refusal naming the first one that is
 * missing or malformed. An empty or repeated header counts as missing.
 */
export function readLoginHeaders(headers: IncomingHttpHeaders): LoginHeaders {
  const publicKey = headerText(headers, 'bx-public-key');
  if (publicKey === '') throw bullishError('INVALID_LOGIN', 'Missing BX-PUBLIC-KEY header');
  if (!PUBLIC_KEY.test(publicKey)) throw bullishError('INVALID_LOGIN', 'BX-PUBLIC-KEY must be 1 to 128 printable characters');
  const timestamp = headerText(headers, 'bx-timestamp');
  if (timestamp === '') throw bullishError('INVALID_NONCE', 'Missing BX-TIMESTAMP header');
  if (!TIMESTAMP.test(timestamp)) throw bullishError('INVALID_NONCE', 'BX-TIMESTAMP must be milliseconds since the epoch');
  const nonce = headerText(headers, 'bx-nonce');
  if (nonce === '') throw bullishError('INVALID_NONCE', 'Missing BX-NONCE header');
  if (!NONCE.test(nonce) || BigInt(nonce) > U64_MAX) {
    throw bullishError('INVALID_NONCE', 'BX-NONCE must be an unsigned 64-bit integer without leading zeros');
  }
  const signature = headerText(headers, 'bx-signature');
  if (signature === '') throw bullishError('INVALID_LOGIN', 'Missing BX-SIGNATURE header');
  if (!SIGNATURE.test(signature)) throw bullishError('INVALID_LOGIN', 'BX-SIGNATURE must be 64 lower-case hex digits');
  return { publicKey, timestamp, timestampMs: Number(timestamp), nonce, signature };
}

/** Refuses a BX-TIMESTAMP further than `windowMs` from `nowMs`. */
export function checkLoginTimestamp(timestampMs: number, nowMs: number, windowMs = LOGIN_TIMESTAMP_WINDOW_MS): void {
  const skewMs = timestampMs - nowMs;
  if (Math.abs(skewMs) > windowMs) {
    const where = skewMs > 0 ? 'ahead of' : 'behind';
    throw bullishError(
      'INVALID_NONCE',
      `BX-TIMESTAMP is ${(Math.abs(skewMs) / 1000).toFixed(1)} s ${where} server time; the window is ±${windowMs / 1000} s`,
    );
  }
}

/** The signature a client holding `secret` sends for this timestamp and nonce. */
export function computeLoginSignature(secret: string, timestamp: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${timestamp}${nonce}GET${LOGIN_PATH}`).digest('hex');
}

/** Constant-time comparison of two lower-case hex digests of the same length. */
export function signatureMatches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'hex');
  const b = Buffer.from(expected, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
