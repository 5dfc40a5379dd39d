/**
 * A Server-Sent-Events client for tests, written from the format's specification: fetch with the
 * headers given, split the body into events, and hand them out in order. `next` waits for the next
 * event (never for a time); `close` aborts the request.
 */

export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

export interface SseStream {
  readonly status: number;
  readonly headers: Headers;
  /** The next event, skipping none; rejects when the stream ended first. */
  next(): Promise<SseEvent>;
  /** The next event named `event`, passing over the others. */
  nextOf(event: string): Promise<SseEvent>;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const queue: SseEvent[] = [];
  const waiting: { resolve: (e: SseEvent) => void; reject: (e: Error) => void }[] = [];
  let finished = false;
  const push = (event: SseEvent) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(event);
    else queue.push(event);
  };
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'id') id = value;
          }
          if (data.length > 0) push({ event, data: data.join('\n'), ...(id === undefined ? {} : { id }) });
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      finished = true;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error('the event stream ended'));
    }
  })();
  const next = () =>
    new Promise<SseEvent>((resolve, reject) => {
      const queued = queue.shift();
      if (queued) resolve(queued);
      else if (finished) reject(new Error('the event stream ended'));
      else waiting.push({ resolve, reject });
    });
  return {
    status: response.status,
    headers: response.headers,
    next,
    async nextOf(event: string) {
      for (;;) {
        const e = await next();
        if (e.event === event) return e;
      }
    },
    ended,
    close: () => controller.abort(),
  };
}
