import type { RawData, WebSocket } from 'ws';
import type { BalanceChange, StopWatch } from '../../ledger/balance-feed.js';
import type { Account } from '../../ledger/types.js';
import { verdictFor, type RateLimiter } from '../../rate-limit/rate-limiter.js';
import type { CapCounter } from '../../rate-limit/stream-caps.js';
import { closeSocket, frameText, pushOrEnd, type CloseWith, type PushFault } from '../shared/stream.js';
import { VenueError } from '../shared/venue-error.js';
import { assetAccountRows } from './asset-rows.js';
import type { BullishContext } from './context.js';
import { tradingAccountIdOf } from './identity.js';
import type { StreamSession } from './stream-auth.js';
import * as F from './stream-rpc.js';

/**
 * One private-data WebSocket: commands answered one at a time in the order received, balance
 * pushes rendered in the order the feed gives them, and the session watched (logout, expiry,
 * idleness) until the socket ends. Nothing a client sends can throw out of here: a bad frame gets
 * a JSON-RPC error, a failure an error frame or a close.
 */

/** Commands received and not yet answered, at most: a client sending faster is closed (1008) rather than queued without bound. */
export const COMMANDS_WAITING_MAX = 64;
/** Closes: a slow consumer or a flood (policy violation), an ended session (Bullish's 401, as a private close code), a failure. */
export const SLOW_CONSUMER: CloseWith = { code: 1008, reason: 'slow consumer: pushes not read' };
export const FLOOD: CloseWith = { code: 1008, reason: 'too many commands waiting' };
export const SESSION_ENDED: CloseWith = { code: 4401, reason: 'session ended' };
export const INTERNAL_FAILURE: CloseWith = { code: 1011, reason: 'internal error' };

const TOPIC = 'assetAccounts';
/** The socket's path as fault rules see it (the venue's prefix and the route). */
const PUSH_PATH = '/trading-api/v1/private-data';
const TOPIC_NAME = /^[A-Za-z0-9]{1,64}$/;
const TRADING_ACCOUNT_ID = /^[1-9][0-9]{0,19}$/;

export interface StreamLimits {
  readonly commands: RateLimiter;
  readonly subscriptions: CapCounter;
  readonly idleMs: number;
}

export interface StreamOptions {
  /** The single-account mode's `?tradingAccountId=` of the upgrade: the account of a subscribe that names none. */
  readonly defaultTradingAccountId?: string;
}

let connections = 0;

export class StreamConnection {
  /** This connection's key for the subscriptions cap. */
  private readonly key = `connection:${++connections}`;
  private readonly subscriptions = new Map<string, StopWatch[]>();
  private lastHeardMs: number;
  private commands: Promise<void> = Promise.resolve();
  private waiting = 0;
  private pushes: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly ctx: BullishContext,
    private readonly session: StreamSession,
    private readonly limits: StreamLimits,
    private readonly options: StreamOptions = {},
  ) {
    this.lastHeardMs = ctx.port.clock();
    socket.on('message', (data: RawData, isBinary: boolean) => this.onFrame(frameText(data, isBinary)));
    socket.on('close', () => this.stop());
  }

  /** Called about once a second: ends an expired or logged-out session, and an idle socket. */
  sweep(nowMs: number): void {
    if (this.ended) return;
    if (nowMs >= this.session.claims.expiresAtMs) this.endSession('Token expired: log in again');
    else if (this.ctx.sessions.isEnded(this.session.claims)) this.endSession('Session ended by logout: log in again');
    else if (nowMs - this.lastHeardMs >= this.limits.idleMs) this.end({ code: 1000, reason: 'idle' });
  }

  /** The socket is gone: every watch stops and every subscription's place is given back. */
  stop(): void {
    this.ended = true;
    for (const stops of this.subscriptions.values()) {
      for (const stop of stops) stop();
      this.limits.subscriptions.release(this.key);
    }
    this.subscriptions.clear();
  }

  private onFrame(text: string | undefined): void {
    if (this.ended) return;
    this.lastHeardMs = this.ctx.port.clock();
    if (this.waiting >= COMMANDS_WAITING_MAX) return this.end(FLOOD);
    this.waiting += 1;
    this.commands = this.commands
      .then(() => this.handle(text))
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.waiting -= 1;
      });
  }

  private async handle(text: string | undefined): Promise<void> {
    if (this.ended) return;
    const command = F.readCommand(text);
    const id = 'error' in command ? null : command.id;
    try {
      if (!(await this.sessionHolds())) return;
      // Counted before anything else is read: a flood of garbage uses the budget up like any command.
      const verdict = await verdictFor(this.limits.commands, `user:${this.session.claims.userId}`);
      if (this.ended) return;
      if (!verdict.allowed) return this.send(F.rpcError(id, 'LIMIT_EXCEEDED', 'Rate limit exceeded: too many commands'));
      if ('error' in command) return this.send(command.error);
      if (command.method === 'keepalivePing') return this.send(F.pongFrame(command.id));
      if (command.method === 'subscribe') return await this.subscribe(command);
      this.send(F.unknownMethod(command));
    } catch (error) {
      this.ctx.port.log.error({ err: error }, 'bullish stream: a command failed');
      this.send(F.rpcError(id, 'INTERNAL', 'Internal error'));
    }
  }

  /** The token again, as a REST request would check it (a logout or reset elsewhere shows here); false once the session is ended. */
  private async sessionHolds(): Promise<boolean> {
    try {
      await this.ctx.sessions.authenticate(this.session.authorization);
      return !this.ended;
    } catch (error) {
      if (!(error instanceof VenueError) || error.status !== 401) throw error;
      const body = error.body as { message?: unknown };
      this.endSession(typeof body.message === 'string' ? body.message : 'Session ended: log in again');
      return false;
    }
  }

  private async subscribe(command: F.RpcCommand): Promise<void> {
    const params = command.params;
    if (typeof params !== 'object' || params === null || Array.isArray(params) || typeof (params as { topic?: unknown }).topic !== 'string') {
      return this.send(F.rpcError(command.id, 'INVALID_PARAMS', 'Invalid params: subscribe needs params {"topic": "assetAccounts"}'));
    }
    const { topic, tradingAccountId: asked } = params as { topic: string; tradingAccountId?: unknown };
    for (const t of topic.split('+')) {
      if (t !== TOPIC) return this.send(F.rpcError(command.id, 'INVALID_TOPIC', `${TOPIC_NAME.test(t) ? `'${t}'` : 'the topic'} is not a valid topic`));
    }
    const wanted = asked ?? this.options.defaultTradingAccountId;
    let accounts: readonly Account[];
    if (wanted === undefined) {
      accounts = await this.ctx.accounts.listOfUser(this.session.claims.userId);
    } else {
      const found = typeof wanted === 'string' && TRADING_ACCOUNT_ID.test(wanted) ? await this.ctx.accounts.find(this.session.claims.userId, wanted) : undefined;
      // The same answer whether the account is another user's or none at all.
      if (!found) {
        const named = typeof wanted === 'string' && TRADING_ACCOUNT_ID.test(wanted) ? `'${wanted}'` : 'the value';
        return this.send(F.rpcError(command.id, 'INVALID_TOPIC', `${named} is not a valid tradingAccountId`));
      }
      accounts = [found];
    }
    if (this.ended) return;
    const key = `${TOPIC}:${wanted === undefined ? '*' : String(wanted)}`;
    const previous = this.subscriptions.get(key);
    if (previous) {
      // The same subscription again: it starts over with a fresh snapshot and takes no new place.
      for (const stop of previous) stop();
    } else if (!this.limits.subscriptions.tryAcquire(this.key)) {
      return this.send(F.rpcError(command.id, 'LIMIT_EXCEEDED', `Too many subscriptions: at most ${this.limits.subscriptions.max} per connection`));
    }
    this.subscriptions.set(key, []);
    this.send(F.subscribedFrame(command.id));
    // The feed never calls back synchronously, so every snapshot follows the acknowledgement.
    this.subscriptions.set(
      key,
      accounts.map((account) => this.ctx.port.watchBalances(account.id, (change) => this.onChange(account, change))),
    );
  }

  private onChange(account: Account, change: BalanceChange): void {
    if (this.ended) return;
    if (change.kind === 'reset') return this.endSession('The sandbox was reset: log in again');
    if (change.kind === 'failed') {
      this.ctx.port.log.warn({ err: change.error }, 'bullish stream: balances could not be read');
      return this.end(INTERNAL_FAILURE);
    }
    // Rendered in order: a later change never overtakes an earlier one.
    this.pushes = this.pushes
      .then(async () => {
        const only = change.kind === 'update' ? change.assets : undefined;
        const rows = await assetAccountRows(this.ctx.port, account, change.balances, only);
        if (this.ended) return;
        const nowMs = this.ctx.port.clock();
        if (change.kind === 'snapshot') this.push(account, F.snapshotFrame(tradingAccountIdOf(account), rows, nowMs));
        else for (const row of rows) this.push(account, F.updateFrame(row, nowMs));
      })
      .catch((error: unknown) => this.fail(error));
  }

  private send(text: string, fault?: PushFault): void {
    if (!this.ended) pushOrEnd(this.socket, text, this.ctx.port.streamSendBufferBytes, SLOW_CONSUMER, fault);
  }

  /** A balance push, as a fault rule lets it go (docs/faults.md): one check while none is set. */
  private push(account: Account, text: string): void {
    if (this.ended) return;
    this.send(text, this.ctx.port.pushFault({ path: PUSH_PATH, channel: TOPIC, apiKey: this.session.claims.publicKey, accountId: account.id }));
  }

  /** Bullish's error push (which ccxt raises), then the close. */
  private endSession(message: string): void {
    this.send(F.sessionEndedFrame(message));
    this.end(SESSION_ENDED);
  }

  private fail(error: unknown): void {
    this.ctx.port.log.error({ err: error }, 'bullish stream failed');
    this.end(INTERNAL_FAILURE);
  }

  private end(how: CloseWith): void {
    if (this.ended) return;
    this.stop();
    closeSocket(this.socket, how);
  }
}
