import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { headerText } from '../shared/headers.js';
import { bullishError } from './errors.js';

/**
 * The signed headers of a command (`POST /trading-api/v2/command`), as Bullish's "Signing Format"
 * describes them for an HMAC key and ccxt sends them: BX-TIMESTAMP (ms), BX-NONCE (u64) and
 * BX-SIGNATURE = hex HMAC-SHA256(secret, hex SHA-256(timestamp + nonce + "POST" + path + body)),
 * the body being the JSON text exactly as sent.
 */

export const COMMAND_PATH = '/trading-api/v2/command';

export interface CommandHeaders {
  /** BX-TIMESTAMP exactly as sent: the signature covers the text. */
  readonly timestamp: string;
  readonly timestampMs: number;
  /** BX-NONCE exactly as sent. */
  readonly nonce: string;
  readonly signature: string;
}

const TIMESTAMP = /^[0-9]{1,16}$/;
// An unsigned 64-bit integer without leading zeros, as Bullish writes numeric ids.
const NONCE = /^(0|[1-9][0-9]{0,19})$/;
const U64_MAX = 2n ** 64n - 1n;
const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * Reads the three headers; throws Bullish's refusal for the first one missing or malformed: no
 * signature is the documented 400 6029, a malformed one 6105, a missing or malformed timestamp or
 * nonce 2035 (as at the login). An empty or repeated header counts as missing.
 */
export function readCommandHeaders(headers: IncomingHttpHeaders): CommandHeaders {
  const signature = headerText(headers, 'bx-signature');
  if (signature === '') throw bullishError('MISSING_SIGNATURE_HEADER', 'Missing signature header');
  if (!SIGNATURE.test(signature)) throw bullishError('UNAUTHORIZED_COMMAND', 'BX-SIGNATURE must be 64 lower-case hex digits');
  const timestamp = headerText(headers, 'bx-timestamp');
  if (timestamp === '') throw bullishError('INVALID_NONCE', 'Missing BX-TIMESTAMP header');
  if (!TIMESTAMP.test(timestamp)) throw bullishError('INVALID_NONCE', 'BX-TIMESTAMP must be milliseconds since the epoch');
  const nonce = headerText(headers, 'bx-nonce');
  if (nonce === '') throw bullishError('INVALID_NONCE', 'Missing BX-NONCE header');
  if (!NONCE.test(nonce) || BigInt(nonce) > U64_MAX) throw bullishError('INVALID_NONCE', 'BX-NONCE must be an unsigned 64-bit integer without leading zeros');
  return { timestamp, timestampMs: Number(timestamp), nonce, signature };
}

/** The signature a client holding `secret` sends for this command. */
export function computeCommandSignature(secret: string, timestamp: string, nonce: string, path: string, body: string): string {
  const digest = createHash('sha256').update(`${timestamp}${nonce}POST${path}${body}`, 'utf8').digest('hex');
  return createHmac('sha256', secret).update(digest).digest('hex');
}
