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
 * Sends `text` unless the socket already has more than `limitBytes` waiting for the client: then
 * the client is not reading, and the socket is closed with `slow` instead of buffering without
 * bound. False when the text was not sent (the socket is closed, or has just been closed).
 */
export function pushOrEnd(socket: WebSocket, text: string, limitBytes: number, slow: CloseWith): boolean {
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
