import type { CloseWith } from '../shared/stream.js';
import type { BitgetAssetItem } from './render.js';

/**
 * The frames of Bitget's v2 WebSocket as assetbook sends them (docs/venues/bitget.md, Stream).
 * Error codes are the 300xx codes of the v1 docs that ccxt's bitget pro maps (the v2 pages list
 * none for these cases); `code` is a JSON number, as the live v3 server sends it, and ccxt reads
 * either type.
 */
export const WS_ERRORS = {
  channelNotExist: { code: 30001, msg: "{0} doesn't exist" },
  illegalRequest: { code: 30002, msg: 'illegal request' },
  invalidOp: { code: 30003, msg: 'invalid op' },
  notLoggedIn: { code: 30004, msg: 'User not logged in/User must be logged in' },
  loginFailed: { code: 30005, msg: 'Login failed' },
  tooManyRequests: { code: 30006, msg: 'request too many' },
  overLimit: { code: 30007, msg: 'request over limit,connection close' },
  accessKeyInvalid: { code: 30011, msg: 'Invalid ACCESS_KEY' },
  passphraseInvalid: { code: 30012, msg: 'Invalid ACCESS_PASSPHRASE' },
  timestampInvalid: { code: 30013, msg: 'Invalid ACCESS_TIMESTAMP' },
  timestampExpired: { code: 30014, msg: 'Request timestamp expired' },
  signatureInvalid: { code: 30015, msg: 'Invalid sign' },
  paramError: { code: 30016, msg: 'Param error' },
  systemBusy: { code: 40015, msg: 'System is abnormal, please try again later' },
} as const;

export type WsErrorName = keyof typeof WS_ERRORS;

/** A refusal raised while handling a frame: sent as the venue's error frame, the socket stays open. */
export class WsRefusal extends Error {
  constructor(
    readonly error: WsErrorName,
    readonly detail = '',
  ) {
    super(`${error} ${detail}`);
  }
}

/** `{"event":"error","code":300xx,"msg":"…"}`; `{0}` in the message is `detail`, else `detail` follows it. */
export function errorFrame(name: WsErrorName, detail = ''): string {
  const { code, msg } = WS_ERRORS[name];
  const text = msg.includes('{0}') ? msg.replace('{0}', detail) : detail === '' ? msg : `${msg}: ${detail}`;
  return JSON.stringify({ event: 'error', code, msg: text });
}

/** The one channel served: the spot account, every coin (`default`) or one. */
export interface AccountArg {
  readonly instType: 'SPOT';
  readonly channel: 'account';
  /** `default`, or a coin name in upper case. */
  readonly coin: string;
}

export const loginAck = (): string => JSON.stringify({ event: 'login', code: 0 });

/** The ack of a subscribe or unsubscribe echoes the arg as the client sent it. */
export const argAck = (event: 'subscribe' | 'unsubscribe', arg: Readonly<Record<string, unknown>>): string => JSON.stringify({ event, arg });

/** A balance push: the coins in `data` with absolute values, `ts` the push time in ms. */
export function accountPush(action: 'snapshot' | 'update', arg: AccountArg, data: readonly BitgetAssetItem[], ts: number): string {
  return JSON.stringify({ action, arg: { instType: arg.instType, channel: arg.channel, coin: arg.coin }, data, ts });
}

/** How the stream ends a socket; reasons are short (a close reason holds at most 123 bytes). */
export const CLOSES = {
  slowConsumer: { code: 1008, reason: 'slow consumer' },
  overLimit: { code: 1008, reason: 'request over limit' },
  tooManyConnections: { code: 1008, reason: 'too many connections' },
  noPing: { code: 1000, reason: 'no ping' },
  reset: { code: 1012, reason: 'account reset' },
  failed: { code: 1011, reason: 'internal error' },
} as const satisfies Record<string, CloseWith>;
