import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import type { WebSocket } from 'ws';
import { pino } from 'pino';
import type { BalanceListener } from '../../src/ledger/balance-feed.js';
import type { Account, Asset, Balance } from '../../src/ledger/types.js';
import { DisabledRateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { CapCounter } from '../../src/rate-limit/stream-caps.js';
import type { BullishContext } from '../../src/venues/bullish/context.js';
import type { SessionClaims } from '../../src/venues/bullish/session-token.js';
import { COMMANDS_WAITING_MAX, StreamConnection } from '../../src/venues/bullish/stream-connection.js';

/**
 * One private-data connection over a stand-in socket, for what a real socket cannot show on
 * demand: a client that stops reading (its socket's send buffer over the limit), a flood of
 * commands faster than they are answered, and a balance read that fails.
 */

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closedWith: { code: number; reason: string } | undefined;
  send(text: string): void {
    this.sent.push(text);
  }
  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
    this.readyState = 2;
  }
  terminate(): void {
    this.readyState = 3;
  }
  /** Waits until the connection has sent `n` frames or closed. */
  async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise((resolve) => setImmediate(resolve));
  }
}

const account = { id: 1, userId: 1, kind: 'main', label: 'main', createdAtMs: 0, venues: { bullish: { tradingAccountId: '111000000000001' } } } as unknown as Account;
const btc = { symbol: 'BTC', name: 'Bitcoin', scale: 8, venues: { bullish: { assetId: '1', precision: 8 } } } as unknown as Asset;
const balances: Balance[] = [{ account: 1, asset: 'BTC', bucket: 'available', amount: 150_000_000n, updatedAtMs: 1_000 } as Balance];
const claims = { userId: 1, credentialId: 1, publicKey: 'k', credentialCreatedAtMs: 0, sessionId: 's', issuedAtS: 0, expiresAtMs: Number.MAX_SAFE_INTEGER } as SessionClaims;

/** A connection whose context serves one account with one asset; `watch` receives each listener. */
function connection(options: { authenticate?: () => Promise<SessionClaims>; sendBuffer?: number } = {}) {
  const socket = new FakeSocket();
  const listeners: BalanceListener[] = [];
  const ctx = {
    port: {
      clock: () => 0,
      log: pino({ level: 'silent' }),
      streamSendBufferBytes: options.sendBuffer ?? 1024,
      pushFault: () => undefined,
      asset: async () => btc,
      watchBalances: (_id: number, listener: BalanceListener) => {
        listeners.push(listener);
        return () => {};
      },
    },
    sessions: { authenticate: options.authenticate ?? (async () => claims), isEnded: () => false },
    accounts: { find: async () => account, listOfUser: async () => [account] },
  } as unknown as BullishContext;
  const limits = { commands: new DisabledRateLimiter({ name: 'x', points: 1, durationMs: 1000 }), subscriptions: new CapCounter({ name: 'y', max: 25 }, 25), idleMs: 300_000 };
  new StreamConnection(socket as unknown as WebSocket, ctx, { claims, authorization: 'Bearer t' }, limits);
  const receive = (frame: unknown) => socket.emit('message', Buffer.from(JSON.stringify(frame)), false);
  return { socket, listeners, receive };
}

describe('bullish stream connection', () => {
  test('a client whose unread pushes exceed --ws-send-buffer is closed with 1008 instead of buffered', async () => {
    const { socket, listeners, receive } = connection();
    receive({ jsonrpc: '2.0', method: 'subscribe', params: { topic: 'assetAccounts' }, id: '1' });
    await socket.until(() => listeners.length === 1);
    socket.bufferedAmount = 1025;
    listeners[0]!({ kind: 'snapshot', balances });
    await socket.until(() => socket.closedWith !== undefined);
    assert.deepEqual(socket.closedWith, { code: 1008, reason: 'slow consumer: pushes not read' });
    assert.equal(socket.sent.filter((f) => f.includes('V1TAAssetAccount')).length, 0);
  });

  test(`more than ${COMMANDS_WAITING_MAX} commands waiting for an answer close the socket with 1008; memory does not grow with the flood`, async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { socket, receive } = connection({ authenticate: () => gate.then(() => claims) });
    for (let i = 0; i < COMMANDS_WAITING_MAX; i += 1) receive({ method: 'keepalivePing', id: String(i) });
    assert.equal(socket.closedWith, undefined);
    receive({ method: 'keepalivePing', id: 'one too many' });
    assert.deepEqual(socket.closedWith, { code: 1008, reason: 'too many commands waiting' });
    release();
  });

  test('a balance read that fails closes the socket with 1011 and nothing of the cause', async () => {
    const { socket, listeners, receive } = connection();
    receive({ method: 'subscribe', params: { topic: 'assetAccounts' }, id: '1' });
    await socket.until(() => listeners.length === 1);
    listeners[0]!({ kind: 'failed', error: new Error('store away') });
    assert.deepEqual(socket.closedWith, { code: 1011, reason: 'internal error' });
    assert.ok(socket.sent.every((f) => !f.includes('store away')));
  });

  test('a store failure while checking the session answers the command with -32000 (2005) and keeps the socket', async () => {
    let calls = 0;
    const { socket, receive } = connection({ authenticate: async () => (calls++ === 0 ? Promise.reject(new Error('db down')) : claims) });
    receive({ method: 'keepalivePing', id: 'x' });
    receive({ method: 'keepalivePing', id: 'y' });
    await socket.until(() => socket.sent.length === 2);
    assert.deepEqual(JSON.parse(socket.sent[0]!).error, { code: '-32000', errorCode: '2005', errorCodeName: 'UNKNOWN_ERROR', message: 'Internal error' });
    assert.equal(JSON.parse(socket.sent[1]!).result.message, 'Keep alive pong');
    assert.equal(socket.closedWith, undefined);
  });
});
