import { session } from './api.js';

/** One server-sent event as the operator API sends them. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Splits a text/event-stream into events (comments and unknown fields ignored). */
export function parseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const event: SseEvent = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') event.id = value;
    }
    event.data = data.join('\n');
    if (data.length > 0 || event.event !== 'message') events.push(event);
  }
  return { events, rest };
}

/**
 * Reads one operator event stream (`fetch` with the token, which `EventSource` cannot send) until
 * it ends: each event to `onEvent` in order. A refused token signs the console out and resolves
 * `unauthorized`; a stream that ends resolves `ended`; any other failure (HTTP error, dropped,
 * aborted) rejects, for the caller to reconnect.
 */
export async function readEventStream(url: string, token: string, signal: AbortSignal, onEvent: (event: SseEvent) => void): Promise<'ended' | 'unauthorized'> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  if (response.status === 401) {
    session.signOut('The operator token was refused: sign in again.');
    return 'unauthorized';
  }
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'ended';
    const { events, rest } = parseEvents(buffer + value);
    buffer = rest;
    for (const event of events) onEvent(event);
  }
}
