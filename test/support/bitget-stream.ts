import { bitgetSignature, type BitgetKey } from './bitget-signer.js';
import type { HttpHarness } from './http-harness.js';
import { openSocket, type TestSocket } from './ws-client.js';

/**
 * Bitget WebSocket helpers for stream tests, written from the venue's docs: the login frame signed
 * over timestamp + "GET" + "/user/verify", and the account channel's arg.
 */

export interface LoginOptions {
  /** The timestamp's time in ms (the server clock's now, usually). */
  readonly atMs: number;
  /** How the timestamp is written: seconds as a string (ccxt), seconds as a number (bitget-api), or ms. */
  readonly form?: 'seconds-string' | 'seconds-number' | 'ms-string';
  /** Sign with this secret instead of the key's. */
  readonly secret?: string;
  readonly passphrase?: string;
}

export function loginFrame(key: BitgetKey, options: LoginOptions): Record<string, unknown> {
  const form = options.form ?? 'seconds-string';
  const text = form === 'ms-string' ? String(options.atMs) : String(Math.round(options.atMs / 1000));
  const sign = bitgetSignature(options.secret ?? key.secret, `${text}GET/user/verify`);
  const timestamp = form === 'seconds-number' ? Number(text) : text;
  return { op: 'login', args: [{ apiKey: key.apiKey, passphrase: options.passphrase ?? key.passphrase, timestamp, sign }] };
}

export const accountArg = (coin = 'default') => ({ instType: 'SPOT', channel: 'account', coin });

export const wsUrl = (h: HttpHarness, path = '/v2/ws/private') => `${h.baseUrl.replace(/^http/, 'ws')}${path}`;

/** A socket logged in with `key` at `atMs`, the login ack taken. */
export async function loggedIn(h: HttpHarness, key: BitgetKey, atMs: number): Promise<TestSocket> {
  const socket = await openSocket(wsUrl(h));
  socket.send(loginFrame(key, { atMs }));
  const ack = await socket.nextJson((f) => f.event === 'login' || f.event === 'error');
  if (ack.event !== 'login') throw new Error(`login refused: ${JSON.stringify(ack)}`);
  return socket;
}

/** The next push of the account channel for `coin`. */
export const nextPush = (socket: TestSocket, coin = 'default') =>
  socket.nextJson<{ action: string; arg: Record<string, unknown>; data: Record<string, string>[]; ts: number }>(
    (f) => typeof f.action === 'string' && (f.arg as { coin?: unknown } | undefined)?.coin === coin,
  );
