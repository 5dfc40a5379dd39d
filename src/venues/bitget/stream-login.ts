import { isLedgerError } from '../../ledger/errors.js';
import type { VenuePort } from '../port.js';
import { VenueError } from '../shared/venue-error.js';
import type { BitgetAuthenticator, BitgetCaller } from './auth.js';
import type { BitgetSettings } from './settings.js';
import { WsRefusal, type WsErrorName } from './stream-frames.js';

/**
 * The WebSocket `login` op: `{"op":"login","args":[{apiKey, passphrase, timestamp, sign}]}`, where
 * `sign` is base64(HMAC-SHA256(secret, timestamp + "GET" + "/user/verify")) (or SHA256withRSA for
 * an RSA key), checked like a REST signature. The timestamp is a string (ccxt) or a number
 * (bitget-api), in seconds as both clients send it or in milliseconds as the doc text says (a value
 * over 10^12 is milliseconds), and must be within the REST timestamp window of the server clock.
 * Checks run in the REST order, each failure with its 300xx code.
 */

export const LOGIN_PATH = '/user/verify';

const DIGITS = /^[0-9]{1,15}$/;

/** REST refusals of the shared checks, as login errors. */
const FROM_REST: Readonly<Record<string, WsErrorName>> = {
  '40006': 'accessKeyInvalid',
  '40037': 'accessKeyInvalid',
  '40009': 'signatureInvalid',
  '40012': 'passphraseInvalid',
};

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The timestamp as signed (its decimal text) and in ms; undefined when it is neither digits nor a whole number. */
export function loginTimestamp(value: unknown): { readonly signed: string; readonly ms: number } | undefined {
  let signed: string;
  if (typeof value === 'string') signed = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) signed = String(value);
  else return undefined;
  if (!DIGITS.test(signed)) return undefined;
  const n = Number(signed);
  return { signed, ms: n > 1e12 ? n : n * 1000 };
}

/** The caller the login frame's first arg proves, or a `WsRefusal` with the venue's code. */
export async function login(port: VenuePort, auth: BitgetAuthenticator, args: unknown): Promise<BitgetCaller> {
  const first: unknown = Array.isArray(args) ? args[0] : undefined;
  if (typeof first !== 'object' || first === null || Array.isArray(first)) throw new WsRefusal('paramError', 'args');
  const arg = first as Record<string, unknown>;
  const apiKey = text(arg.apiKey);
  const sign = text(arg.sign);
  const passphrase = text(arg.passphrase);
  if (apiKey === '') throw new WsRefusal('accessKeyInvalid');
  if (sign === '') throw new WsRefusal('signatureInvalid');
  if (passphrase === '') throw new WsRefusal('passphraseInvalid');
  const timestamp = loginTimestamp(arg.timestamp);
  if (timestamp === undefined) throw new WsRefusal('timestampInvalid');
  const nowMs = port.clock();
  if (Math.abs(nowMs - timestamp.ms) > (port.settings as BitgetSettings).timestampWindowMs) throw new WsRefusal('timestampExpired');
  try {
    return await auth.signedBy(apiKey, { timestamp: timestamp.signed, method: 'GET', path: LOGIN_PATH, rawQuery: '', body: '' }, sign, passphrase, nowMs);
  } catch (error) {
    const code = error instanceof VenueError ? (error.body as { code?: string }).code : undefined;
    const name = code === undefined ? undefined : FROM_REST[code];
    if (name !== undefined) throw new WsRefusal(name);
    if (isLedgerError(error) || error instanceof VenueError) throw new WsRefusal('systemBusy');
    throw error;
  }
}
