import type { AssetAccountBody } from './render.js';

/**
 * The frames of Bullish's private-data WebSocket (docs/venues/bullish.md, Stream): JSON-RPC 2.0
 * commands in, JSON-RPC results and errors plus `V1TA*` data pushes out. Pure functions from
 * values to text; the connection (stream-connection.ts) decides when each is sent.
 */

/** A command's id as the client sent it (string or number), echoed back; null when there was none or it was unreadable. */
export type RpcId = string | number | null;

/** A command the stream understands the shape of; what it asks is checked by the connection. */
export interface RpcCommand {
  readonly id: RpcId;
  readonly method: string;
  readonly params: unknown;
}

/**
 * Every JSON-RPC error the stream sends. `code` is JSON-RPC's, `errorCode`/`errorCodeName` are
 * Bullish's (both strings, as in the venue's example). Only 29013 INVALID_TOPIC_ERROR (-32602)
 * is documented for subscriptions; the others reuse the REST catalogue's codes for the closest
 * meaning (chosen, docs/venues/bullish.md).
 */
export const STREAM_ERRORS = {
  /** Not JSON, or a binary frame. */
  PARSE_ERROR: { code: '-32700', errorCode: '2001', errorCodeName: 'BAD_INCOMING_REQUEST' },
  /** JSON, but not a JSON-RPC command (not an object, no method, a bad id or jsonrpc). */
  INVALID_REQUEST: { code: '-32600', errorCode: '2001', errorCodeName: 'BAD_INCOMING_REQUEST' },
  /** A method other than subscribe and keepalivePing. */
  METHOD_NOT_FOUND: { code: '-32601', errorCode: '2016', errorCodeName: 'UNKNOWN_REQUEST_TYPE' },
  /** subscribe without a params object or topic. */
  INVALID_PARAMS: { code: '-32602', errorCode: '2001', errorCodeName: 'BAD_INCOMING_REQUEST' },
  /** A topic not served, or a tradingAccountId that is not the caller's (whether or not it exists). Documented. */
  INVALID_TOPIC: { code: '-32602', errorCode: '29013', errorCodeName: 'INVALID_TOPIC_ERROR' },
  /** Too many commands per second, or too many subscriptions on this connection. */
  LIMIT_EXCEEDED: { code: '-32001', errorCode: '96000', errorCodeName: 'RATE_LIMIT_EXCEEDED' },
  /** A bug or the store away: nothing of the cause is shown. */
  INTERNAL: { code: '-32000', errorCode: '2005', errorCodeName: 'UNKNOWN_ERROR' },
} as const;

export type StreamErrorName = keyof typeof STREAM_ERRORS;

const ID_LENGTH_MAX = 128;
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** An error frame for the command `id`. */
export function rpcError(id: RpcId, name: StreamErrorName, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { ...STREAM_ERRORS[name], message } });
}

function rpcResult(id: RpcId, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result: { responseCode: '200', responseCodeName: 'OK', message } });
}

/** The documented subscribe acknowledgement. */
export const subscribedFrame = (id: RpcId): string => rpcResult(id, 'Successfully subscribed');

/** The answer to keepalivePing: ccxt counts as a pong only `result.message` exactly "Keep alive pong". */
export const pongFrame = (id: RpcId): string => rpcResult(id, 'Keep alive pong');

/** A frame's text read as a command, or the error frame to answer it with. */
export function readCommand(text: string | undefined): RpcCommand | { readonly error: string } {
  if (text === undefined) return { error: rpcError(null, 'PARSE_ERROR', 'Frames must be JSON text') };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: rpcError(null, 'PARSE_ERROR', 'Parse error: the frame is not JSON') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: rpcError(null, 'INVALID_REQUEST', 'Invalid request: a command is a JSON object') };
  }
  const frame = value as Record<string, unknown>;
  const rawId = frame.id;
  const idOk = rawId === undefined || rawId === null || (typeof rawId === 'string' && rawId.length <= ID_LENGTH_MAX) || (typeof rawId === 'number' && Number.isFinite(rawId));
  if (!idOk) return { error: rpcError(null, 'INVALID_REQUEST', `Invalid request: id must be a string of at most ${ID_LENGTH_MAX} characters or a number`) };
  const id = (rawId ?? null) as RpcId;
  if (frame.jsonrpc !== undefined && frame.jsonrpc !== '2.0') return { error: rpcError(id, 'INVALID_REQUEST', 'Invalid request: jsonrpc must be "2.0"') };
  if (typeof frame.method !== 'string') return { error: rpcError(id, 'INVALID_REQUEST', 'Invalid request: method must be a string') };
  return { id, method: frame.method, params: frame.params };
}

/** The error for a method not served; the name is repeated only when it looks like one. */
export function unknownMethod(command: RpcCommand): string {
  const named = METHOD_NAME.test(command.method) ? `'${command.method}'` : 'the method';
  return rpcError(command.id, 'METHOD_NOT_FOUND', `Method not found: ${named} is not supported (subscribe, keepalivePing)`);
}

/** A `V1TAAssetAccount` row as pushed: the REST row, then when it was sent. */
function pushedRow(row: AssetAccountBody, publishedAtMs: number) {
  return { ...row, publishedAtTimestamp: String(publishedAtMs) };
}

/** The snapshot of one trading account: `data` an array of every asset account, as the REST list shows them. */
export function snapshotFrame(tradingAccountId: string, rows: readonly AssetAccountBody[], publishedAtMs: number): string {
  return JSON.stringify({ type: 'snapshot', tradingAccountId, dataType: 'V1TAAssetAccount', data: rows.map((r) => pushedRow(r, publishedAtMs)) });
}

/** An update of one asset account: `data` a single object, absolute values. */
export function updateFrame(row: AssetAccountBody, publishedAtMs: number): string {
  return JSON.stringify({ type: 'update', tradingAccountId: row.tradingAccountId, dataType: 'V1TAAssetAccount', data: pushedRow(row, publishedAtMs) });
}

/** The push that ends a session (logout, expiry, a reset): ccxt rejects every pending watch with it. */
export function sessionEndedFrame(message: string): string {
  return JSON.stringify({ type: 'error', dataType: 'V1TAErrorResponse', data: { errorCode: 401, errorCodeName: 'UNAUTHORIZED', message } });
}
