import type { RawData, WebSocket } from 'ws';

/**
 * What every venue's private stream does the same way: read a client's text frame, push without
 * letting a slow client grow the server's memory, and run a heartbeat. The protocol (frames,
 * codes, what a push holds) is the venue's; see its stream.ts.
 */

/** How a stream ends a socket it gives up on: a WebSocket close code and a short reason (at most 123 bytes). */
export interface CloseWith {
  readonly code: number;
  readonly reason: string;
}

/**
 * What a balance push is, for the server's stream fault rules (`port.pushFault`, docs/faults.md):
 * the socket's path, the channel as the venue names it, and whose balances it carries.
 */
export interface PushFacts {
  readonly path: string;
  readonly channel: string;
  /** The API key the socket logged in or subscribed with, as the client presented it. */
  readonly apiKey?: string;
  /** The ledger account whose balances the push shows. */
  readonly accountId?: number;
}

/**
 * What a fault rule does to one push: the socket dropped instead (no close frame, as a network
 * failure), the push sent twice, or the push held until `until` settles. A held push holds every
 * frame after it on the same socket too, as a slow network would: the client never sees frames
 * out of order.
 */
export type PushFault = { readonly type: 'drop' } | { readonly type: 'duplicate' } | { readonly type: 'delay'; readonly until: Promise<void> };

/** Frames waiting behind a delayed push, per socket (only while one is held). */
const held = new WeakMap<WebSocket, (() => void)[]>();

/**
 * Sends `text` unless the socket already has more than `limitBytes` waiting for the client: then
 * the client is not reading, and the socket is closed with `slow` instead of buffering without
 * bound. False when the text was not sent (the socket is closed, or has just been closed). With
 * `fault` (a push a fault rule chose), the push is dropped, doubled or delayed instead; a frame
 * sent while an earlier push is delayed waits behind it (true: it will go out).
 */
export function pushOrEnd(socket: WebSocket, text: string, limitBytes: number, slow: CloseWith, fault?: PushFault): boolean {
  const waiting = held.get(socket);
  if (waiting !== undefined) {
    waiting.push(() => void pushNow(socket, text, limitBytes, slow, fault));
    return socket.readyState === socket.OPEN;
  }
  return pushNow(socket, text, limitBytes, slow, fault);
}

function pushNow(socket: WebSocket, text: string, limitBytes: number, slow: CloseWith, fault: PushFault | undefined): boolean {
  if (fault === undefined) return sendOrEnd(socket, text, limitBytes, slow);
  switch (fault.type) {
    case 'drop':
      socket.terminate();
      return false;
    case 'duplicate':
      return sendOrEnd(socket, text, limitBytes, slow) && sendOrEnd(socket, text, limitBytes, slow);
    case 'delay': {
      held.set(socket, [() => void sendOrEnd(socket, text, limitBytes, slow)]);
      const release = () => releaseHeld(socket);
      fault.until.then(release, release);
      return socket.readyState === socket.OPEN;
    }
  }
}

/** Sends what waited behind a delayed push, in order; a delayed push among them holds the rest again. */
function releaseHeld(socket: WebSocket): void {
  const frames = held.get(socket) ?? [];
  held.delete(socket);
  for (const [i, send] of frames.entries()) {
    const again = held.get(socket);
    if (again !== undefined) {
      again.push(...frames.slice(i));
      return;
    }
    send();
  }
}

function sendOrEnd(socket: WebSocket, text: string, limitBytes: number, slow: CloseWith): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (socket.bufferedAmount > limitBytes) {
    closeSocket(socket, slow);
    return false;
  }
  socket.send(text);
  return true;
}

/**
 * Closes `socket` with `how`, and drops the connection if the client has not completed the close
 * within 5 s: a client that does not read will not read the close frame either.
 */
export function closeSocket(socket: WebSocket, how: CloseWith): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.close(how.code, how.reason);
  setTimeout(() => socket.terminate(), 5_000).unref();
}

/** A client's frame as text: undefined for a binary frame. */
export function frameText(data: RawData, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** `text` parsed as a JSON object (not an array, not a scalar); undefined when it is not one. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `tick` every `ms` until the returned function is called; never keeps the process alive. */
export function every(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}
