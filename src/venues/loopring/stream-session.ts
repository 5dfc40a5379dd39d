import type { RawData, WebSocket } from 'ws';
import type { BalanceChange, StopWatch } from '../../ledger/balance-feed.js';
import type { Account, Asset, Balance } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { every, frameText, pushOrEnd, type CloseWith, type PushFault } from '../shared/stream.js';
import { renderHeldRows } from './balance-rows.js';
import type { LoopringContext } from './context.js';
import { accountIdOf } from './identity.js';
import { isEmptyRow, renderBalanceRow } from './render.js';
import type { BalanceRow } from './schemas.js';
import type { LoopringSettings } from './settings.js';
import { WS_CODES, StreamRequestError, accountPush, parseRequest, resultFrame, type AccountTopic, type StreamRequest } from './stream-frames.js';

/**
 * One Loopring socket after the upgrade: the client's `sub` / `unSub` requests, one balance watch
 * per `account` subscription (ledger/balance-feed.ts) pushed one token per frame, and the
 * venue's heartbeat (a text `ping` from the server, a text `pong` back). docs/venues/loopring.md
 * ("Stream") has the rules and every difference from the venue.
 */

/** The socket's path (fault rules match it). */
const LOOPRING_WS_PATH = '/v3/ws';

/** How the stream ends a socket, by cause. */
export const LOOPRING_CLOSES = {
  slowConsumer: { code: 1008, reason: 'slow consumer: pushes are not being read' },
  tooManyRequests: { code: 1008, reason: 'too many requests (loopring.ws-requests)' },
  noPong: { code: 1008, reason: 'no pong in time' },
  tooManyPongs: { code: 1008, reason: 'more pongs than pings' },
  reset: { code: 1012, reason: 'the ledger was reset: subscribe again' },
  failed: { code: 1011, reason: 'balances could not be read' },
} as const satisfies Record<string, CloseWith>;

export interface SessionOptions {
  readonly port: VenuePort;
  readonly ctx: LoopringContext;
  /** The socket's own key for `loopring.ws-requests`. */
  readonly rateKey: string;
  /** The most subscriptions the socket may hold (`loopring.ws-topics-per-connection`). */
  readonly topicsMax: number;
  /** Told once, at the first subscription with a valid apiKey. */
  readonly onAuthenticated: () => void;
}

interface Subscription {
  readonly topic: AccountTopic;
  readonly account: Account;
  /** The apiKey it was subscribed with, as the client sent it (fault rules match it). */
  readonly apiKey: string;
  stop: StopWatch;
  stopped: boolean;
  /** What each token's last push showed (its data as JSON), with the asset, by token id. */
  readonly shown: Map<number, { readonly asset: Asset; readonly text: string }>;
  /** Pushes are rendered one change at a time, in order. */
  chain: Promise<void>;
}

type Refusal = { readonly code: number; readonly message: string };

export class LoopringStreamSession {
  private readonly subscriptions = new Map<string, Subscription>();
  private queue: Promise<void> = Promise.resolve();
  private pings = 0;
  private pongs = 0;
  private lastPongMs: number;
  private authenticated = false;
  private ended = false;
  private readonly stopHeartbeat: () => void;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: SessionOptions,
  ) {
    const settings = options.port.settings as LoopringSettings;
    this.lastPongMs = options.port.clock();
    socket.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    socket.on('close', () => this.end());
    this.stopHeartbeat = every(settings.wsPingIntervalMs, () => this.beat(settings.wsPongTimeoutMs));
  }

  private beat(pongTimeoutMs: number): void {
    if (this.options.port.clock() - this.lastPongMs >= pongTimeoutMs) return this.close(LOOPRING_CLOSES.noPong);
    if (this.send('ping')) this.pings += 1;
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.ended) return;
    const text = frameText(data, isBinary);
    if (text === 'pong') {
      this.pongs += 1;
      if (this.pongs > this.pings) return this.close(LOOPRING_CLOSES.tooManyPongs);
      this.lastPongMs = this.options.port.clock();
      return;
    }
    const verdict = this.options.ctx.allows('wsRequests', this.options.rateKey);
    // Handled at once: a counter (Redis) that fails while earlier requests are answered must not be an unhandled rejection.
    const allowed =
      verdict instanceof Promise
        ? verdict.catch((error: unknown) => {
            this.fail(error);
            return false;
          })
        : verdict;
    this.enqueue(async () => {
      if (!(await allowed)) return this.ended ? undefined : this.close(LOOPRING_CLOSES.tooManyRequests);
      await this.handle(text);
    });
  }

  /** Requests are answered one at a time, in the order they came. */
  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => this.fail(error));
  }

  private async handle(text: string | undefined): Promise<void> {
    if (this.ended) return;
    const request = text === undefined ? new StreamRequestError(WS_CODES.invalidOp, 'invalid op: binary frames are not read') : parseRequest(text);
    if (request instanceof StreamRequestError) {
      this.send(resultFrame(request.echo, request));
      return;
    }
    if (request.op === 'unSub') {
      this.send(resultFrame(request, this.unsubscribe(request)));
      return;
    }
    const outcome = await this.subscribe(request);
    if (this.ended) return;
    if ('code' in outcome) {
      this.send(resultFrame(request, outcome));
      return;
    }
    // The answer first, then each new subscription's snapshot (a watch never calls back at once).
    this.send(resultFrame(request));
    for (const subscription of outcome) this.watch(subscription);
  }

  /** Checks the whole request before changing anything: any error fails all of it (the venue's rule). */
  private async subscribe(request: StreamRequest): Promise<Refusal | Subscription[]> {
    if (request.apiKey === undefined) return { code: WS_CODES.missingApiKey, message: 'missing ApiKey: the account topic needs one' };
    const caller = await this.options.ctx.auth.callerOf(request.apiKey);
    if (!caller) return { code: WS_CODES.invalidApiKey, message: 'invalid ApiKey' };
    const own = accountIdOf(caller.account);
    const other = request.topics.find((t) => t.accountId !== undefined && t.accountId !== own);
    if (other) return { code: WS_CODES.apiKeyMismatch, message: `ApiKey mismatched: it is not the key of account ${other.accountId}` };
    const keyOf = (topic: AccountTopic) => `${caller.account.id}:${topic.v3 === true}`;
    const held = new Set([...(request.unsubscribeAll ? [] : this.subscriptions.keys()), ...request.topics.map(keyOf)]);
    if (held.size > this.options.topicsMax) {
      return { code: WS_CODES.tooManySubscriptions, message: `exceed maximum subscriptions: ${this.options.topicsMax} per connection` };
    }
    if (request.unsubscribeAll) this.drop([...this.subscriptions.keys()]);
    const added: Subscription[] = [];
    for (const topic of request.topics) {
      this.drop([keyOf(topic)]);
      const subscription: Subscription = { topic, account: caller.account, apiKey: request.apiKey, stop: () => {}, stopped: false, shown: new Map(), chain: Promise.resolve() };
      this.subscriptions.set(keyOf(topic), subscription);
      added.push(subscription);
    }
    if (!this.authenticated) {
      this.authenticated = true;
      this.options.onAuthenticated();
    }
    return added;
  }

  /** Drops every subscription a topic names (all of them with `unsubscribeAll`); a topic naming none fails the request. */
  private unsubscribe(request: StreamRequest): Refusal | undefined {
    if (request.unsubscribeAll) {
      this.drop([...this.subscriptions.keys()]);
      return undefined;
    }
    const names = (topic: AccountTopic, s: Subscription) =>
      (topic.accountId === undefined || topic.accountId === accountIdOf(s.account)) && (topic.v3 === undefined || topic.v3 === (s.topic.v3 === true));
    const matched = request.topics.map((topic) => [...this.subscriptions].filter(([, s]) => names(topic, s)).map(([key]) => key));
    if (matched.some((keys) => keys.length === 0)) return { code: WS_CODES.subscriptionNotFound, message: 'subscription not found' };
    this.drop(matched.flat());
    return undefined;
  }

  private drop(keys: readonly string[]): void {
    for (const key of keys) {
      const subscription = this.subscriptions.get(key);
      if (!subscription) continue;
      subscription.stopped = true;
      subscription.stop();
      this.subscriptions.delete(key);
    }
  }

  private watch(subscription: Subscription): void {
    if (subscription.stopped) return;
    subscription.stop = this.options.port.watchBalances(subscription.account.id, (change) => this.onChange(subscription, change));
  }

  private onChange(subscription: Subscription, change: BalanceChange): void {
    if (subscription.stopped || this.ended) return;
    if (change.kind === 'reset') return this.close(LOOPRING_CLOSES.reset);
    if (change.kind === 'failed') return this.fail(change.error);
    subscription.chain = subscription.chain.then(() => this.push(subscription, change.balances)).catch((error: unknown) => this.fail(error));
  }

  /**
   * One frame per token whose row differs from what this subscription last showed: after the
   * subscribe, every token the REST read lists (the empty ones are not shown); after a change,
   * each token that changed, a token gone to nothing included (its zeros).
   */
  private async push(subscription: Subscription, balances: readonly Balance[]): Promise<void> {
    const rendered = await renderHeldRows(this.options.port, subscription.account, balances);
    if (subscription.stopped || this.ended) return;
    const ts = this.options.port.clock();
    const seen = new Set<number>();
    for (const { asset, row } of rendered) {
      seen.add(row.tokenId);
      this.pushIfChanged(subscription, asset, row, ts);
    }
    const accountId = accountIdOf(subscription.account);
    for (const [tokenId, { asset }] of subscription.shown) {
      if (!seen.has(tokenId)) this.pushIfChanged(subscription, asset, renderBalanceRow(accountId, asset, undefined), ts);
    }
  }

  private pushIfChanged(subscription: Subscription, asset: Asset, row: BalanceRow, ts: number): void {
    const text = JSON.stringify(row);
    const before = subscription.shown.get(row.tokenId)?.text ?? (isEmptyRow(row) ? text : undefined);
    if (before === text) return;
    subscription.shown.set(row.tokenId, { asset, text });
    // What a fault rule may do to it (docs/faults.md): undefined, at the cost of one check, while none is set.
    const fault = this.options.port.pushFault({ path: LOOPRING_WS_PATH, channel: 'account', apiKey: subscription.apiKey, accountId: subscription.account.id });
    this.send(accountPush(subscription.topic, row, ts), fault);
  }

  private send(text: string, fault?: PushFault): boolean {
    return pushOrEnd(this.socket, text, this.options.port.streamSendBufferBytes, LOOPRING_CLOSES.slowConsumer, fault);
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.options.port.log.error({ err: error }, 'loopring stream failed');
    this.close(LOOPRING_CLOSES.failed);
  }

  private close(how: CloseWith): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(how.code, how.reason);
    this.end();
  }

  /** Stops the heartbeat and every watch: nothing is sent after it. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopHeartbeat();
    this.drop([...this.subscriptions.keys()]);
  }
}
