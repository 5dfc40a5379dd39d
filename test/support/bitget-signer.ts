import { createHmac, sign } from 'node:crypto';
import type { HttpRequest } from './http-harness.js';

/**
 * Signs Bitget requests the way the venue's docs describe, independently of the server's code:
 * base64 HMAC-SHA256 (or SHA256withRSA) over timestamp + method + path + "?" + query + body.
 */
export interface BitgetKey {
  readonly apiKey: string;
  readonly passphrase: string;
  /** HMAC secret, or an RSA private key in PEM form. */
  readonly secret: string;
}

export interface BitgetRequestOptions {
  /** The query exactly as sent (already encoded, keys in the order given). */
  readonly query?: string;
  /** Sign this instead of the query as sent (ccxt signs the decoded form). */
  readonly signedQuery?: string;
  readonly timestampMs?: number;
  readonly method?: string;
  /** Headers to drop or replace after signing. */
  readonly headers?: Readonly<Record<string, string | null>>;
  /** A body, sent byte for byte as `application/json` and signed as sent (a POST, unless `method` says otherwise). */
  readonly body?: string;
}

export function bitgetSignature(secret: string, text: string): string {
  if (secret.includes('PRIVATE KEY')) return sign('sha256', Buffer.from(text), secret).toString('base64');
  return createHmac('sha256', secret).update(text).digest('base64');
}

export function signedBitgetRequest(key: BitgetKey, path: string, options: BitgetRequestOptions = {}): HttpRequest {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const timestamp = String(options.timestampMs ?? Date.now());
  const query = options.query ?? '';
  const signed = options.signedQuery ?? query;
  const text = `${timestamp}${method}${path}${signed === '' ? '' : `?${signed}`}${options.body ?? ''}`;
  const headers: Record<string, string> = {
    'ACCESS-KEY': key.apiKey,
    'ACCESS-SIGN': bitgetSignature(key.secret, text),
    'ACCESS-TIMESTAMP': timestamp,
    'ACCESS-PASSPHRASE': key.passphrase,
    locale: 'en-US',
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return { method, path: query === '' ? path : `${path}?${query}`, headers, token: null, ...(options.body === undefined ? {} : { rawBody: options.body }) };
}

/** The demo credential of `user` on `label`'s account, as a signing key. */
export function demoBitgetKey(secrets: Readonly<Record<string, string>>): BitgetKey {
  return { apiKey: secrets.apiKey!, passphrase: secrets.passphrase!, secret: secrets.secretKey! };
}
