import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { FaultEvent, FaultSet } from '../faults/fault-set.js';
import { FAULT_ERROR_KINDS, type VenueDialect } from '../venues/venue.js';
import * as S from './schemas.js';

/**
 * `GET /faults/stream`: this instance's fault injections and rule changes as Server-Sent Events,
 * as `runtime.faults.subscribe` tells them (docs/faults.md), for a console to show live.
 *
 * Events: `ready` once subscribed (`{rules, venues}`: the rules as `GET /faults` lists them at that
 * moment, and each venue served with the error kinds it can answer), then, in the order they
 * happen, `injected` (the injection: rule, atMs, on, action, venue, method?, path, channel?,
 * delayMs?, kind?, injected), `set` ({rule}), `expired` ({rule, by}), `removed` ({rule}) and
 * `cleared` ({}). Each has `id:` its place in this stream (1, 2, …). Nothing is stored, so a
 * stream cannot be resumed: a client reconnecting starts again from `ready`'s list.
 *
 * An injection is never delayed by a reader: events are written as they happen, and while a
 * reader has more than `BUFFER_MAX` bytes unread the events are counted instead, then told as one
 * `skipped` ({events}) once it has drained (the counts in `GET /faults` stay exact). A comment
 * every `HEARTBEAT_MS` keeps proxies from closing an idle stream; a shutdown ends every stream.
 */

export const HEARTBEAT_MS = 15_000;
/** Bytes a slow reader may leave unread before events are skipped for it. */
export const BUFFER_MAX = 256 * 1024;

export interface FaultStreamRuntime {
  readonly faults: FaultSet;
  readonly venues: readonly Pick<VenueDialect, 'id' | 'faults'>[];
}

const frame = (event: string, data: unknown, id: number) => `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** An event's data: the event without its `type`, which is the SSE event name. */
function data(event: FaultEvent): Record<string, unknown> {
  const { type: _type, ...rest } = event;
  return rest;
}

/** What `skippingWriter` needs of a response: Node's `ServerResponse` has it. */
export interface StreamSink {
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly writableLength: number;
  write(chunk: string): unknown;
  on(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/**
 * Numbered SSE frames onto `sink`, never waiting for its reader: while more than `bufferMax` bytes
 * are unread, events are counted instead of written, and told as one `skipped` ({events}) at the
 * next 'drain'. `dispose` stops listening for it.
 */
export function skippingWriter(sink: StreamSink, bufferMax: number): { write(event: string, payload: unknown): void; dispose(): void } {
  let sent = 0;
  let skipped = 0;
  const write = (event: string, payload: unknown) => {
    if (sink.destroyed || sink.writableEnded) return;
    if (sink.writableLength > bufferMax) {
      skipped += 1;
      return;
    }
    sink.write(frame(event, payload, ++sent));
  };
  const onDrain = () => {
    // Still over (another writer filled it again): the count waits, whole, for the next drain.
    if (skipped === 0 || sink.writableLength > bufferMax) return;
    const events = skipped;
    skipped = 0;
    write('skipped', { events });
  };
  sink.on('drain', onDrain);
  return { write, dispose: () => sink.off('drain', onDrain) };
}

export const faultStreamRoute = (runtime: FaultStreamRuntime): FastifyPluginAsync => async (app) => {
  const { faults } = runtime;
  const venues = Object.fromEntries(runtime.venues.map((v) => [v.id, FAULT_ERROR_KINDS.filter((kind) => v.faults.errors[kind] !== null)]));
  const open = new Set<ServerResponse>();
  // Streams never end by themselves: a shutdown ends them, or the server would wait for them forever.
  app.addHook('preClose', (done) => {
    for (const raw of open) raw.end();
    done();
  });

  app.get(
    '/faults/stream',
    {
      schema: {
        tags: ['faults'],
        operationId: 'streamFaults',
        summary: "This instance's fault injections and rule changes, live, as Server-Sent Events",
        description:
          'Events `ready` ({rules, venues}: the rules now, each venue with the error kinds it answers), then in order `injected` (each injection), `set` ({rule}), `expired` ({rule, by}), `removed` ({rule}), `cleared`, and `skipped` ({events}) after a reader too slow to keep up. Not resumable: nothing is stored.',
        response: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...Object.fromEntries([401].map((status): [number, TSchema] => [status, S.ErrorBody])),
        },
      },
    },
    (req, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
      const { write, dispose } = skippingWriter(raw, BUFFER_MAX);
      raw.write(': assetbook faults\n\n');
      // Listed and subscribed in the same turn: no event falls between the list and the stream.
      const rules = faults.list();
      const unsubscribe = faults.subscribe((event) => write(event.type, data(event)));
      write('ready', { rules, venues });
      open.add(raw);
      const heartbeat = setInterval(() => {
        if (!raw.destroyed && !raw.writableEnded) raw.write(': keep-alive\n\n');
      }, HEARTBEAT_MS).unref();
      raw.on('close', () => {
        unsubscribe();
        clearInterval(heartbeat);
        dispose();
        open.delete(raw);
      });
    },
  );
};
