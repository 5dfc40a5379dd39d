import { createHmac } from 'node:crypto';
import ccxt from 'ccxt';
import type { HttpHarness, HttpRequest } from './http-harness.js';

/**
 * Test helpers for the Bullish dialect: signing the HMAC login the way Bullish documents it
 * (written here from the venue's description, not taken from the server code under test), and
 * a ccxt `bullish` client pointed at a loopback server with only its URLs overridden.
 */

export const LOGIN = '/trading-api/v1/users/hmac/login';
export const ASSETS = '/trading-api/v1/accounts/asset';
export const TRADING_ACCOUNTS = '/trading-api/v1/accounts/trading-accounts';

export interface BullishKey {
  readonly publicKey: string;
  readonly secret: string;
}

export function demoBullishKey(secrets: Readonly<Record<string, string>>): BullishKey {
  return { publicKey: secrets.publicKey!, secret: secrets.secret! };
}

let lastNonce = BigInt(Date.now()) * 1000n;
/** A fresh nonce each call, microseconds-like as ccxt sends them, never repeated in this process. */
export function nextNonce(): string {
  const now = BigInt(Date.now()) * 1000n;
  lastNonce = now > lastNonce ? now : lastNonce + 1n;
  return String(lastNonce);
}

export interface LoginOverrides {
  readonly timestamp?: string;
  readonly nonce?: string;
  /** Replace the computed signature. */
  readonly signature?: string;
  /** Headers to drop (lower-case names). */
  readonly omit?: readonly string[];
}

/** The four login headers: BX-SIGNATURE = hex HMAC-SHA256(secret, timestamp + nonce + "GET" + login path). */
export function loginHeaders(key: BullishKey, overrides: LoginOverrides = {}): Record<string, string> {
  const timestamp = overrides.timestamp ?? String(Date.now());
  const nonce = overrides.nonce ?? nextNonce();
  const signature = overrides.signature ?? createHmac('sha256', key.secret).update(`${timestamp}${nonce}GET${LOGIN}`).digest('hex');
  const headers: Record<string, string> = { 'bx-public-key': key.publicKey, 'bx-timestamp': timestamp, 'bx-nonce': nonce, 'bx-signature': signature };
  for (const name of overrides.omit ?? []) delete headers[name];
  return headers;
}

export function loginRequest(key: BullishKey, overrides: LoginOverrides = {}): HttpRequest {
  return { method: 'GET', path: LOGIN, token: null, headers: loginHeaders(key, overrides) };
}

/** Logs `user` in with the demo key and returns the JWT; fails loudly when refused. */
/** Logs `user` in, signing at `nowMs` (the wall clock by default; a test holding the server's clock passes its time). */
export async function loginAs(h: HttpHarness, user: string, nowMs?: number): Promise<string> {
  const overrides = nowMs === undefined ? {} : { timestamp: String(nowMs) };
  const response = await h.request<{ token?: string }>(loginRequest(demoBullishKey(h.secrets(user, 'bullish')), overrides));
  if (response.status !== 200 || typeof response.body?.token !== 'string') throw new Error(`login of ${user} refused: ${response.status} ${response.text}`);
  return response.body.token;
}

/** The JWT's payload, decoded without verifying (tests read `exp` from it). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** ccxt's bullish, default options, every URL (live and test) pointed at `baseUrl`/trading-api. */
export function ccxtBullish(baseUrl: string, key: BullishKey): InstanceType<typeof ccxt.bullish> {
  const base = `${baseUrl}/trading-api`;
  return new ccxt.bullish({
    apiKey: key.publicKey,
    secret: key.secret,
    urls: { api: { public: base, private: base }, test: { public: base, private: base } },
  });
}

/** ccxt pro's bullish, default options, REST and private WebSocket URLs pointed at `baseUrl`; call `loadHttpProxyAgent()` before watching over ws://. */
export function ccxtProBullish(baseUrl: string, key: BullishKey): InstanceType<typeof ccxt.pro.bullish> {
  const base = `${baseUrl}/trading-api`;
  const ws = { public: baseUrl.replace(/^http/, 'ws'), private: `${baseUrl.replace(/^http/, 'ws')}/trading-api/v1/private-data` };
  return new ccxt.pro.bullish({
    apiKey: key.publicKey,
    secret: key.secret,
    urls: { api: { public: base, private: base, ws }, test: { public: base, private: base, ws } },
  });
}
