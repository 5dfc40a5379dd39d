import { createHash, createHmac } from 'node:crypto';
import type { BullishKey } from './bullish-client.js';
import { nextNonce } from './bullish-client.js';
import type { HttpHarness, HttpResponse } from './http-harness.js';

/**
 * Signing a Bullish command the way the venue's "Signing Format" describes it for an HMAC key
 * (written here from that description, not taken from the server under test): BX-SIGNATURE is the
 * hex HMAC-SHA256, with the secret, of the hex SHA-256 of timestamp + nonce + "POST" + path + body.
 */

export const COMMAND = '/trading-api/v2/command';

export interface CommandOverrides {
  readonly timestamp?: string;
  readonly nonce?: string;
  readonly signature?: string;
  /** Headers to drop (lower-case names). */
  readonly omit?: readonly string[];
  /** Sent instead of JSON.stringify(body) (and signed as sent). */
  readonly rawBody?: string;
  readonly contentType?: string;
}

export function signCommand(key: BullishKey, timestamp: string, nonce: string, body: string): string {
  const digest = createHash('sha256').update(`${timestamp}${nonce}POST${COMMAND}${body}`).digest('hex');
  return createHmac('sha256', key.secret).update(digest).digest('hex');
}

/** POST /trading-api/v2/command with the bearer token and the three signed headers; returns the answer and what was sent. */
export async function sendCommand(
  h: HttpHarness,
  token: string | null,
  key: BullishKey,
  body: unknown,
  overrides: CommandOverrides = {},
): Promise<{ response: HttpResponse<Record<string, unknown>>; nonce: string; timestamp: string; text: string }> {
  const text = overrides.rawBody ?? JSON.stringify(body);
  const timestamp = overrides.timestamp ?? String(Date.now());
  const nonce = overrides.nonce ?? nextNonce();
  const headers: Record<string, string> = {
    'content-type': overrides.contentType ?? 'application/json',
    'bx-timestamp': timestamp,
    'bx-nonce': nonce,
    'bx-signature': overrides.signature ?? signCommand(key, timestamp, nonce, text),
  };
  for (const name of overrides.omit ?? []) delete headers[name];
  const response = await h.request<Record<string, unknown>>({ method: 'POST', path: COMMAND, token, rawBody: text, headers });
  return { response, nonce, timestamp, text };
}

/** ccxt's V2TransferAsset body. */
export function transferBody(assetSymbol: string, quantity: string, fromTradingAccountId: string, toTradingAccountId: string) {
  return { commandType: 'V2TransferAsset', assetSymbol, quantity, fromTradingAccountId, toTradingAccountId };
}
