import { jsonObject } from '../shared/stream.js';
import type { BalanceRow } from './schemas.js';

/**
 * The frames of Loopring's WebSocket (DEX API v3, "WebSocket" overview and the `account` topic),
 * read and written: a client's `sub` / `unSub` request, the answer to it (`result.status` "ok" or
 * "failed" with the venue's 1041xx code), and an `account` push. Reading never throws: a frame
 * that is not a request is a `StreamRequestError` the stream answers with the failed result.
 */

/** The venue's WebSocket status codes (overview "Status codes") this stream sends. */
export const WS_CODES = {
  topicMissing: 104100,
  invalidOp: 104101,
  invalidTopic: 104102,
  duplicateTopic: 104103,
  missingApiKey: 104104,
  apiKeyMismatch: 104105,
  invalidApiKey: 104112,
  subscriptionNotFound: 104113,
  invalidTopicConfig: 104115,
  tooManySubscriptions: 104116,
} as const;

/** Longest `sequence` string echoed back, and longest apiKey read (issued keys are shorter). */
const TEXT_MAX = 128;
/** More topics than this in one request are refused before any is read (the cap per connection is 20 by default). */
const TOPICS_READ_MAX = 1000;

/** One `account` topic config as a client gave it: `accountId` and `v3` are optional. */
export interface AccountTopic {
  readonly accountId?: number;
  readonly v3?: boolean;
}

export interface StreamRequest {
  readonly op: 'sub' | 'unSub';
  /** Echoed back as given (a number or a string), absent when the client sent none. */
  readonly sequence?: number | string;
  readonly apiKey?: string;
  readonly unsubscribeAll: boolean;
  readonly topics: readonly AccountTopic[];
}

export class StreamRequestError {
  constructor(
    readonly code: number,
    readonly message: string,
    /** What of the request could be read, to echo in the failed result. */
    readonly echo: { readonly op?: string; readonly sequence?: number | string; readonly topics?: readonly AccountTopic[] } = {},
  ) {}
}

/** A boolean, or the strings "true"/"false" (the Loopring web app sends `unsubscribeAll: "true"`); undefined for anything else. */
function flag(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** A layer-2 account id as a JSON integer or a decimal string, 0 to 2^31-1. */
function accountIdOf(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,9})$/.test(text)) return undefined;
  const id = Number(text);
  return id <= 2 ** 31 - 1 ? id : undefined;
}

/** The topic config's identity: the same one twice in a request is refused, and a subscription is found by it. */
export const topicId = (topic: AccountTopic): string => `account:${topic.accountId ?? '*'}:${topic.v3 === true}`;

/** Reads one client text frame as a request, or the reason it is none. Unknown keys are ignored. */
export function parseRequest(text: string): StreamRequest | StreamRequestError {
  const frame = jsonObject(text);
  if (!frame) return new StreamRequestError(WS_CODES.invalidOp, 'invalid op: the frame is not a JSON object');
  const sequence = typeof frame.sequence === 'number' || (typeof frame.sequence === 'string' && frame.sequence.length <= TEXT_MAX) ? frame.sequence : undefined;
  const op = frame.op;
  if (op !== 'sub' && op !== 'unSub') return new StreamRequestError(WS_CODES.invalidOp, 'invalid op: sub or unSub', { sequence });
  const echo = { op, sequence };
  const unsubscribeAll = frame.unsubscribeAll === undefined ? false : flag(frame.unsubscribeAll);
  if (unsubscribeAll === undefined) return new StreamRequestError(WS_CODES.invalidTopicConfig, 'invalid unsubscribeAll: true or false', echo);
  if (frame.apiKey !== undefined && (typeof frame.apiKey !== 'string' || frame.apiKey.length > TEXT_MAX)) {
    return new StreamRequestError(WS_CODES.invalidApiKey, 'invalid ApiKey', echo);
  }
  const apiKey = frame.apiKey === '' ? undefined : frame.apiKey;
  const raw = frame.topics ?? [];
  if (!Array.isArray(raw)) return new StreamRequestError(WS_CODES.topicMissing, 'topics must be a list', echo);
  if (raw.length === 0 && !(op === 'unSub' && unsubscribeAll)) return new StreamRequestError(WS_CODES.topicMissing, 'topic missing', echo);
  if (raw.length > TOPICS_READ_MAX) return new StreamRequestError(WS_CODES.tooManySubscriptions, 'exceed maximum subscriptions', echo);
  const topics: AccountTopic[] = [];
  const seen = new Set<string>();
  for (const item of raw as unknown[]) {
    const config = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
    if (!config || typeof config.topic !== 'string') return new StreamRequestError(WS_CODES.topicMissing, 'topic missing', echo);
    if (config.topic !== 'account') return new StreamRequestError(WS_CODES.invalidTopic, `invalid topic: ${config.topic.slice(0, 64)} (assetbook serves account)`, echo);
    const accountId = config.accountId === undefined ? undefined : accountIdOf(config.accountId);
    const v3 = config.v3 === undefined ? undefined : flag(config.v3);
    if ((config.accountId !== undefined && accountId === undefined) || (config.v3 !== undefined && v3 === undefined)) {
      return new StreamRequestError(WS_CODES.invalidTopicConfig, 'invalid topic config: accountId is an integer, v3 a boolean', echo);
    }
    const topic: AccountTopic = { ...(accountId === undefined ? {} : { accountId }), ...(v3 === undefined ? {} : { v3 }) };
    if (seen.has(topicId(topic))) return new StreamRequestError(WS_CODES.duplicateTopic, 'duplicate topic configs', { ...echo, topics });
    seen.add(topicId(topic));
    topics.push(topic);
  }
  return { op, sequence, apiKey, unsubscribeAll, topics };
}

/** A topic as frames show it: `{"topic":"account"}` and the config the client gave. */
export const topicFrame = (topic: AccountTopic) => ({ topic: 'account', ...topic });

/** The answer to a request: `result.status` "ok", or "failed" with the venue's code. */
export function resultFrame(
  request: { readonly op?: string; readonly sequence?: number | string; readonly topics?: readonly AccountTopic[] },
  error?: { readonly code: number; readonly message: string },
): string {
  return JSON.stringify({
    ...(request.op === undefined ? {} : { op: request.op }),
    ...(request.sequence === undefined ? {} : { sequence: request.sequence }),
    topics: (request.topics ?? []).map(topicFrame),
    result: error === undefined ? { status: 'ok' } : { status: 'failed', error: { code: error.code, message: error.message } },
  });
}

/**
 * One token's balance as an `account` push. `row` is what the REST balance read renders
 * (render.ts, the one renderer): with `v3` it is the push's data as it is (`total`, `locked`, and
 * `pending` as on REST); without, the documented legacy names `totalAmount` and `amountLocked`.
 */
export function accountPush(topic: AccountTopic, row: BalanceRow, ts: number): string {
  const data = topic.v3 === true ? row : { accountId: row.accountId, totalAmount: row.total, tokenId: row.tokenId, amountLocked: row.locked };
  return JSON.stringify({ topic: topicFrame(topic), ts, data });
}
