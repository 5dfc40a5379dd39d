import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import type { BalanceChange, StopWatch } from '../../ledger/balance-feed.js';
import type { CapCounter } from '../../rate-limit/stream-caps.js';
import { verdictFor, type RateLimiter } from '../../rate-limit/rate-limiter.js';
import type { VenuePort } from '../port.js';
import { frameText, jsonObject, pushOrEnd, type CloseWith, type PushFault } from '../shared/stream.js';
import type { BitgetAuthenticator, BitgetCaller } from './auth.js';
import { heldItems, itemsOf } from './assets-view.js';
import { argList, channelName, channelOf, type Channel } from './stream-channels.js';
import { CLOSES, WsRefusal, accountPush, argAck, errorFrame, loginAck } from './stream-frames.js';
import { login } from './stream-login.js';

/** What every socket of one server shares: the port, the authenticator, the caps and the per-socket rates. */
export interface StreamShared {
  readonly port: VenuePort;
  readonly auth: BitgetAuthenticator;
  readonly caps: { readonly connections: CapCounter; readonly channels: CapCounter; readonly unauthenticated: CapCounter };
  readonly messages: RateLimiter;
  readonly subscribes: RateLimiter;
}

/** The socket path pushes go out on (the public one serves no channel). */
const PRIVATE_PATH = '/v2/ws/private';

/** Frames read but not yet handled before a socket is closed as over the limit: a bound on what a flood can queue. */
export const WAITING_FRAMES_MAX = 256;

interface Subscription {
  readonly channel: Channel;
  stop: StopWatch;
  /** Pushes of this channel go out in the order the feed told them. */
  chain: Promise<void>;
}

/**
 * One Bitget WebSocket: frames handled one at a time in arrival order (a subscribe sent right
 * after a login waits for it), each channel a balance watch whose snapshot and updates are
 * rendered like the REST read. `private` is false on `/v2/ws/public`, which serves no channel.
 */
export class BitgetSocket {
  /** Counts this socket's messages and subscribes; unique across instances sharing a Redis. */
  readonly id = randomUUID();
  lastHeardMs: number;
  private caller: BitgetCaller | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly shared: StreamShared,
    private readonly ip: string,
    private readonly isPrivate: boolean,
    private readonly onClosed: (self: BitgetSocket) => void,
  ) {
    this.lastHeardMs = shared.port.clock();
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.cleanUp());
  }

  /** Ends the socket with `close` (a code and a reason); what follows is the 'close' clean-up. */
  end(close: CloseWith): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(close.code, close.reason);
  }

  private send(text: string, fault?: PushFault): boolean {
    return pushOrEnd(this.socket, text, this.shared.port.streamSendBufferBytes, CLOSES.slowConsumer, fault);
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    this.lastHeardMs = this.shared.port.clock();
    if (this.waiting >= WAITING_FRAMES_MAX) {
      this.send(errorFrame('overLimit'));
      this.end(CLOSES.overLimit);
      return;
    }
    this.waiting += 1;
    this.queue = this.queue
      .then(() => this.handle(data, isBinary))
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.waiting -= 1;
      });
  }

  private async handle(data: RawData, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    const verdict = await verdictFor(this.shared.messages, this.id);
    if (!verdict.allowed) {
      this.send(errorFrame('overLimit'));
      this.end(CLOSES.overLimit);
      return;
    }
    const text = frameText(data, isBinary);
    if (text === 'ping') return void this.send('pong');
    if (text === 'pong') return;
    try {
      if (text === undefined) throw new WsRefusal('illegalRequest', 'binary frames are not read');
      const frame = jsonObject(text);
      if (frame === undefined) throw new WsRefusal('illegalRequest', 'not a JSON object');
      await this.op(frame);
    } catch (error) {
      if (!(error instanceof WsRefusal)) throw error;
      if (!this.closed) this.send(errorFrame(error.error, error.detail));
    }
  }

  private async op(frame: Record<string, unknown>): Promise<void> {
    switch (frame.op) {
      case 'login':
        if (!this.isPrivate) throw new WsRefusal('invalidOp', 'login is served on /v2/ws/private');
        return this.login(frame.args);
      case 'subscribe':
        return this.subscribe(frame.args);
      case 'unsubscribe':
        return this.unsubscribe(frame.args);
      default:
        throw new WsRefusal('invalidOp', typeof frame.op === 'string' ? frame.op.slice(0, 32) : '');
    }
  }

  private async login(args: unknown): Promise<void> {
    const caller = await login(this.shared.port, this.shared.auth, args);
    if (this.closed) return;
    if (this.caller !== null && this.caller.account.id !== caller.account.id) throw new WsRefusal('loginFailed', 'this connection is logged in to another account');
    if (this.caller === null) this.shared.caps.unauthenticated.release(this.ip);
    this.caller = caller;
    this.send(loginAck());
  }

  /** Public URL: no channel exists. Private: login first, then each arg in turn, each with its ack or error. */
  private async subscribe(args: unknown): Promise<void> {
    const list = argList(args);
    if (!this.isPrivate) return this.refuseEach(list);
    const caller = this.caller;
    if (caller === null) throw new WsRefusal('notLoggedIn');
    const verdict = await verdictFor(this.shared.subscribes, this.id);
    if (!verdict.allowed) throw new WsRefusal('tooManyRequests', 'subscription requests over the hourly limit');
    for (const arg of list) {
      try {
        const channel = await channelOf(this.shared.port, arg);
        if (this.closed) return;
        const held = this.subscriptions.get(channel.key);
        if (held) {
          held.stop();
          this.subscriptions.delete(channel.key);
        } else if (!this.shared.caps.channels.tryAcquire(this.id)) {
          throw new WsRefusal('tooManyRequests', `at most ${this.shared.caps.channels.max} channels per connection`);
        }
        this.send(argAck('subscribe', arg));
        this.watch(caller, channel);
      } catch (error) {
        if (!(error instanceof WsRefusal)) throw error;
        this.send(errorFrame(error.error, error.detail));
      }
    }
  }

  private async unsubscribe(args: unknown): Promise<void> {
    const list = argList(args);
    if (!this.isPrivate) return this.refuseEach(list);
    if (this.caller === null) throw new WsRefusal('notLoggedIn');
    for (const arg of list) {
      try {
        const channel = await channelOf(this.shared.port, arg);
        const held = this.subscriptions.get(channel.key);
        if (held) {
          held.stop();
          this.subscriptions.delete(channel.key);
          this.shared.caps.channels.release(this.id);
        }
        this.send(argAck('unsubscribe', arg));
      } catch (error) {
        if (!(error instanceof WsRefusal)) throw error;
        this.send(errorFrame(error.error, error.detail));
      }
    }
  }

  private refuseEach(list: readonly Readonly<Record<string, unknown>>[]): void {
    for (const arg of list) this.send(errorFrame('channelNotExist', channelName(arg)));
  }

  private watch(caller: BitgetCaller, channel: Channel): void {
    const sub: Subscription = { channel, stop: () => {}, chain: Promise.resolve() };
    this.subscriptions.set(channel.key, sub);
    sub.stop = this.shared.port.watchBalances(caller.account.id, (change) => {
      sub.chain = sub.chain.then(() => this.tell(caller, sub, change)).catch((error: unknown) => this.fail(error));
    });
  }

  /** One change of one channel, as its push (or, when the watch ended, the error frame and the close). */
  private async tell(caller: BitgetCaller, sub: Subscription, change: BalanceChange): Promise<void> {
    if (this.closed || this.subscriptions.get(sub.channel.key) !== sub) return;
    const { port } = this.shared;
    const createdAtMs = caller.account.createdAtMs;
    const { asset } = sub.channel;
    switch (change.kind) {
      case 'snapshot': {
        const data = asset ? await itemsOf(port, change.balances, [asset.symbol], createdAtMs) : await heldItems(port, change.balances, createdAtMs);
        return void this.push('snapshot', caller, sub, data);
      }
      case 'update': {
        if (asset && !change.assets.has(asset.symbol)) return;
        const data = await itemsOf(port, change.balances, asset ? [asset.symbol] : change.assets, createdAtMs);
        if (data.length > 0) this.push('update', caller, sub, data);
        return;
      }
      case 'reset':
        this.send(errorFrame('systemBusy', 'the account was reset'));
        return this.end(CLOSES.reset);
      case 'failed':
        port.log.warn(`bitget stream: balances could not be read: ${(change.error as Error).message}`);
        this.send(errorFrame('systemBusy'));
        return this.end(CLOSES.failed);
    }
  }

  private push(action: 'snapshot' | 'update', caller: BitgetCaller, sub: Subscription, data: Parameters<typeof accountPush>[2]): void {
    if (this.closed || this.subscriptions.get(sub.channel.key) !== sub) return;
    const { port } = this.shared;
    // What a fault rule may do to it (docs/faults.md): undefined, at the cost of one check, while none is set.
    const fault = port.pushFault({ path: PRIVATE_PATH, channel: sub.channel.arg.channel, apiKey: caller.credential.publicId, accountId: caller.account.id });
    this.send(accountPush(action, sub.channel.arg, data, port.clock()), fault);
  }

  /** A bug or a store failure while handling a frame: the venue's error frame, then 1011. */
  private fail(error: unknown): void {
    this.shared.port.log.error({ err: error }, 'bitget stream: internal error');
    if (this.closed) return;
    this.send(errorFrame('systemBusy'));
    this.end(CLOSES.failed);
  }

  private cleanUp(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.subscriptions.values()) {
      sub.stop();
      this.shared.caps.channels.release(this.id);
    }
    this.subscriptions.clear();
    if (this.caller === null) this.shared.caps.unauthenticated.release(this.ip);
    this.shared.caps.connections.release(this.ip);
    this.onClosed(this);
  }
}
