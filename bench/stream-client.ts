/**
 * The stream benchmark's client side: Bitget private v2 sockets, each logged in with one
 * account's API key and subscribed to its spot `account` channel, written from the venue's
 * documented frames (login signed over timestamp + "GET" + "/user/verify", subscribe, snapshot and
 * update pushes, text ping). It is what a bot holding a balance stream open does, and nothing else.
 */
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';

export interface BitgetKey {
  readonly apiKey: string;
  readonly secretKey: string;
  readonly passphrase: string;
}

/** A push on the account channel, as the client sees it. */
export interface AccountPush {
  readonly action: 'snapshot' | 'update';
  readonly data: readonly { coin: string; available: string }[];
}

export interface Watch {
  readonly socket: WebSocket;
  /** Called with every account push after the snapshot. */
  onPush: (push: AccountPush) => void;
  close(): void;
}

const ACCOUNT = { instType: 'SPOT', channel: 'account', coin: 'default' };

function login(key: BitgetKey): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const sign = createHmac('sha256', key.secretKey).update(`${timestamp}GET/user/verify`).digest('base64');
  return JSON.stringify({ op: 'login', args: [{ apiKey: key.apiKey, passphrase: key.passphrase, timestamp, sign }] });
}

/**
 * Opens `wsUrl`, logs in, subscribes (unless `subscribe` is false) and resolves once the snapshot
 * (or, without a subscription, the login ack) has arrived. Rejects on an error frame or a close.
 */
export function openWatch(wsUrl: string, key: BitgetKey, subscribe = true): Promise<Watch> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { perMessageDeflate: false });
    const watch: Watch = { socket, onPush: () => {}, close: () => socket.terminate() };
    let ready = false;
    socket.on('open', () => socket.send(login(key)));
    socket.on('error', (error) => {
      if (!ready) reject(error);
    });
    socket.on('close', (code, reason) => {
      if (!ready) reject(new Error(`closed ${code} ${reason.toString()} before the snapshot`));
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === 'pong') return;
      const frame = JSON.parse(text) as { event?: string; code?: number; msg?: string; action?: AccountPush['action']; data?: AccountPush['data'] };
      if (frame.event === 'error' || (frame.event === 'login' && frame.code !== 0)) {
        if (!ready) reject(new Error(`refused: ${text}`));
        return;
      }
      if (frame.event === 'login') {
        if (subscribe) socket.send(JSON.stringify({ op: 'subscribe', args: [ACCOUNT] }));
        else {
          ready = true;
          resolve(watch);
        }
        return;
      }
      if (frame.action === 'snapshot' && !ready) {
        ready = true;
        resolve(watch);
        return;
      }
      if (frame.action !== undefined && frame.data !== undefined) watch.onPush({ action: frame.action, data: frame.data });
    });
  });
}

/** Opens one watch per key, `parallel` at a time, in key order. */
export async function openWatches(wsUrl: string, keys: readonly BitgetKey[], subscribe: boolean, parallel = 100): Promise<Watch[]> {
  const watches: Watch[] = new Array<Watch>(keys.length);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const i = next++;
      watches[i] = await openWatch(wsUrl, keys[i]!, subscribe);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, keys.length) }, worker));
  return watches;
}

/** Every watch's socket closed, and the close seen. */
export async function closeAll(watches: readonly Watch[]): Promise<void> {
  await Promise.all(
    watches.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.socket.readyState === WebSocket.CLOSED) return resolve();
          w.socket.once('close', () => resolve());
          w.close();
        }),
    ),
  );
}
