import { openSocket, type TestSocket } from './ws-client.js';

/**
 * A Loopring WebSocket client written from the venue's docs (DEX API v3, Loopring/DEX-API-V3
 * `tpls/en/websocket/overview.md` and `account.md`, as quoted in the wire-facts doc section 3A),
 * not from assetbook's server code:
 *
 * - get a key with `GET /v3/ws/key` (no `/api` prefix, no `X-API-KEY`): `{"key":"..."}`;
 * - connect to `/v3/ws?wsApiKey=<key>` ("otherwise, websocket connection will be refused");
 * - the relay sends a text `ping` every 30 s; answer a text `pong` (within 2 minutes);
 * - subscribe with `{"op":"sub","sequence":N,"apiKey":"<X-API-KEY>","unsubscribeAll":true,
 *   "topics":[{"topic":"account"}]}`; the answer echoes op, sequence and topics with
 *   `"result":{"status":"ok"}` or `{"status":"failed","error":{"code","message"}}`;
 * - unsubscribe with `"op":"unSub"`;
 * - an `account` push is `{"topic":{"topic":"account"},"ts":<ms>,"data":{...}}`, one token per
 *   frame: with `"v3":true` in the topic `data` has `accountId, tokenId, total, locked`; without,
 *   `accountId, totalAmount, tokenId, amountLocked`. Amounts are base-unit integer strings.
 */

export interface AccountTopicConfig {
  readonly topic: 'account';
  readonly accountId?: number;
  readonly v3?: boolean;
}

export interface WsResult {
  readonly op?: string;
  readonly sequence?: number | string;
  readonly topics: unknown[];
  readonly result: { readonly status: string; readonly error?: { readonly code: number; readonly message: string } };
}

export interface AccountPush<D = Record<string, unknown>> {
  readonly topic: { readonly topic: string } & Record<string, unknown>;
  readonly ts: number;
  readonly data: D;
}

/** The `data` of a push of a `v3` account topic. */
export interface AccountDataV3 {
  readonly accountId: number;
  readonly tokenId: number;
  readonly total: string;
  readonly locked: string;
  readonly [field: string]: unknown;
}

export interface ConnectOptions {
  /** Answer every `ping` with `pong`, as the docs ask (default true). */
  readonly answerPings?: boolean;
}

/** `GET <baseUrl>/v3/ws/key`: the key, as the docs show it (`{"key":"fx2xW5hoVFbcaanWS"}`). */
export async function getWsKey(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v3/ws/key`);
  const body = (await response.json()) as { key?: unknown };
  if (response.status !== 200 || typeof body.key !== 'string') throw new Error(`ws key: ${response.status} ${JSON.stringify(body)}`);
  return body.key;
}

export class LoopringWsClient {
  private sequence = 10_000;
  /** How many `ping`s the relay sent. */
  pings = 0;

  private constructor(
    readonly socket: TestSocket,
    private answerPings: boolean,
  ) {
    socket.socket.on('message', (data, isBinary) => {
      if (isBinary || data.toString() !== 'ping') return;
      this.pings += 1;
      if (this.answerPings) socket.send('pong');
    });
  }

  /** Fetches a key and connects with it. */
  static async connect(baseUrl: string, options: ConnectOptions = {}): Promise<LoopringWsClient> {
    return LoopringWsClient.connectWithKey(baseUrl, await getWsKey(baseUrl), options);
  }

  static async connectWithKey(baseUrl: string, key: string, options: ConnectOptions = {}): Promise<LoopringWsClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/v3/ws?wsApiKey=${encodeURIComponent(key)}`;
    return new LoopringWsClient(await openSocket(url), options.answerPings ?? true);
  }

  /** Stops (or resumes) answering pings. */
  setAnswerPings(answer: boolean): void {
    this.answerPings = answer;
  }

  /** Sends `sub` and resolves its answer (matched by sequence). */
  sub(apiKey: string | undefined, topics: readonly AccountTopicConfig[], unsubscribeAll: boolean | 'true' | 'false' = true): Promise<WsResult> {
    return this.request({ op: 'sub', ...(apiKey === undefined ? {} : { apiKey }), unsubscribeAll, topics });
  }

  unSub(apiKey: string | undefined, topics: readonly AccountTopicConfig[], unsubscribeAll = false): Promise<WsResult> {
    return this.request({ op: 'unSub', ...(apiKey === undefined ? {} : { apiKey }), unsubscribeAll, topics });
  }

  /** Sends any request object with the next sequence number; resolves the answer echoing it. */
  async request(frame: Record<string, unknown>): Promise<WsResult> {
    const sequence = (this.sequence += 1);
    this.socket.send({ ...frame, sequence });
    return this.socket.nextJson<WsResult>((f) => f.sequence === sequence && typeof f.result === 'object');
  }

  /** The next `account` push not yet taken (optionally: the next one for which `match` holds). */
  nextAccount<D = AccountDataV3>(match: (push: AccountPush<D>) => boolean = () => true): Promise<AccountPush<D>> {
    return this.socket.nextJson<AccountPush<D>>((f) => {
      const topic = f.topic as { topic?: unknown } | undefined;
      return topic?.topic === 'account' && match(f as unknown as AccountPush<D>);
    });
  }

  /** The next `count` account pushes, in order. */
  async accountPushes<D = AccountDataV3>(count: number): Promise<AccountPush<D>[]> {
    const out: AccountPush<D>[] = [];
    for (let i = 0; i < count; i += 1) out.push(await this.nextAccount<D>());
    return out;
  }

  get closed(): Promise<{ readonly code: number; readonly reason: string }> {
    return this.socket.closed;
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}
