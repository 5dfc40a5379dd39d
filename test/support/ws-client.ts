import WebSocket from 'ws';

/**
 * A plain WebSocket client for stream tests: it keeps every text frame the server sends and lets
 * a test wait for the frame (or the close) it expects, never for a guessed time.
 */
export interface TestSocket {
  readonly socket: WebSocket;
  /** Every text frame received, in order. */
  readonly frames: string[];
  /** Sends a text frame: an object as JSON, a string as it is. */
  send(frame: unknown): void;
  /** Resolves with the first frame received from `from` on (default: the next one not yet taken) for which `match` holds, as text. */
  next(match?: (text: string) => boolean): Promise<string>;
  /** Like `next`, parsed as JSON. */
  nextJson<T = Record<string, unknown>>(match?: (frame: Record<string, unknown>) => boolean): Promise<T>;
  /** Resolves when the socket closes, with the code and reason the server gave. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly headers?: Readonly<Record<string, string>>;
}

/** Opens a socket to `url`; rejects with the HTTP status when the server refuses the upgrade (`Unexpected server response: 401`). */
export function openSocket(url: string, options: OpenOptions = {}): Promise<TestSocket> {
  const socket = new WebSocket(url, { headers: { ...options.headers } });
  const frames: string[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  socket.on('message', (data, isBinary) => {
    if (!isBinary) frames.push(data.toString());
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      wake();
    });
  });
  // A socket that ends before the frame a test waits for fails the wait instead of hanging it.
  const next = (match: (text: string) => boolean = () => true): Promise<string> =>
    new Promise((resolve, reject) => {
      const keepAlive = setInterval(() => {}, 1_000);
      const check = () => {
        for (let i = taken; i < frames.length; i += 1) {
          if (!match(frames[i]!)) continue;
          taken = i + 1;
          waiters.delete(check);
          clearInterval(keepAlive);
          resolve(frames[i]!);
          return;
        }
        if (socket.readyState === WebSocket.CLOSED) {
          waiters.delete(check);
          clearInterval(keepAlive);
          reject(new Error(`the socket closed before the expected frame; frames: ${frames.slice(taken).join(' | ')}`));
        }
      };
      waiters.add(check);
      check();
    });
  const parse = (text: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve({
        socket,
        frames,
        send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
        next,
        nextJson: async <T,>(match: (frame: Record<string, unknown>) => boolean = () => true) => {
          const text = await next((t) => {
            const value = parse(t);
            return value !== undefined && match(value);
          });
          return JSON.parse(text) as T;
        },
        closed,
        close: async () => {
          if (socket.readyState !== WebSocket.CLOSED) socket.close();
          await closed;
        },
      });
    });
  });
}
