import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TSchema } from '@sinclair/typebox';
import { LedgerError } from '../ledger/errors.js';
import type { LedgerEvent } from '../ledger/events.js';
import { renderEntry } from './render.js';
import type { OperatorRuntime } from './routes.js';
import * as S from './schemas.js';
import { JournalStreamQuery, STREAM_RECENT_MAX } from './directory-schemas.js';

/**
 * `GET /journal/stream`: the journal as Server-Sent Events, each committed entry once, in journal
 * order, as the ledger's events deliver them (ledger/events.ts): this instance's commits and, on
 * PostgreSQL, every other instance's (LISTEN/NOTIFY), as the venues' balance streams get them.
 *
 * Events: `ready` once the subscription is live (`{"after": position}`), then `entry` per entry
 * (`id:` its position, so a client resumes with `Last-Event-ID` or `?after=`; data `{position,
 * accounts, entry}`, the entry as `GET /journal` renders it), and `reset` when the ledger was
 * emptied (positions restart). A comment line every `HEARTBEAT_MS` keeps proxies from closing an
 * idle stream. A slow reader delays only itself: the next entry waits until the socket drained.
 * The operator token is checked as on every operator route (a browser reads the stream with
 * fetch, which sends the header; EventSource cannot).
 */

export const HEARTBEAT_MS = 15_000;

const refusals = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries([401, 503, ...statuses].sort((a, b) => a - b).map((status) => [status, S.ErrorBody]));

/** Resolves once the socket can take more (or is gone): a stream never buffers past one event. */
function writeEvent(raw: ServerResponse, text: string): Promise<void> | void {
  if (raw.destroyed || raw.writableEnded) return;
  if (raw.write(text)) return;
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}

const frame = (event: string, data: unknown, id?: number) => `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function position(text: string | undefined, path: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) throw new LedgerError('INVALID_ARGUMENT', `${path} must be a journal position (0 or a positive integer); got ${JSON.stringify(text)}`, path);
  return Number(text);
}

export const journalStreamRoute = (runtime: OperatorRuntime): FastifyPluginAsync => async (app) => {
  const { ledger, store } = runtime;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const open = new Set<ServerResponse>();
  // Streams never end by themselves: a shutdown ends them, or the server would wait for them forever.
  app.addHook('preClose', (done) => {
    for (const raw of open) raw.end();
    done();
  });

  api.get(
    '/journal/stream',
    {
      schema: {
        tags: ['operations'],
        operationId: 'streamJournal',
        summary: 'The journal live, as Server-Sent Events',
        description:
          'Events `ready` ({after}), then `entry` ({position, accounts, entry}) for each committed entry in journal order, on this instance or any other sharing the store, and `reset` when the ledger is emptied. Resume with `?after=` or `Last-Event-ID`.',
        querystring: JournalStreamQuery,
        headers: { type: 'object', properties: { 'last-event-id': { type: 'string', description: 'Resume after this position (what `?after=` says)' } } },
        response: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...refusals(400),
        },
      },
    },
    async (req, reply) => {
      const recent = Number(req.query.recent ?? '0');
      if (recent > STREAM_RECENT_MAX) throw new LedgerError('INVALID_ARGUMENT', `query/recent must be an integer from 0 to ${STREAM_RECENT_MAX}; got ${JSON.stringify(req.query.recent)}`, 'query/recent');
      const header = req.headers['last-event-id'];
      let after = position(req.query.after, 'query/after') ?? position(typeof header === 'string' ? header.trim() : undefined, 'headers/last-event-id');
      if (after === undefined && recent > 0) after = Math.max(0, (await store.journalHead()) - recent);

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
      raw.write(': assetbook journal\n\n');
      open.add(raw);
      const heartbeat = setInterval(() => void writeEvent(raw, ': keep-alive\n\n'), HEARTBEAT_MS).unref();

      const onEvent = async (event: LedgerEvent) => {
        if (event.type === 'reset') return writeEvent(raw, frame('reset', {}));
        const entry = await renderEntry(ledger, event.entry);
        return writeEvent(raw, frame('entry', { position: event.position, accounts: event.accounts, entry }, event.position));
      };
      let subscription: ReturnType<typeof ledger.events.subscribe>;
      try {
        subscription = ledger.events.subscribe(onEvent, {
          ...(after === undefined ? {} : { after }),
          onError: (error) => {
            req.log.warn({ err: error }, 'journal stream ended');
            raw.end();
          },
        });
      } catch (error) {
        // The events are closed: the server is shutting down.
        req.log.debug({ err: error }, 'journal stream refused');
        clearInterval(heartbeat);
        open.delete(raw);
        raw.end();
        return;
      }
      const close = () => {
        subscription();
        clearInterval(heartbeat);
        open.delete(raw);
      };
      raw.on('close', close);
      subscription.ready.then(
        (from) => writeEvent(raw, frame('ready', { after: from })),
        (error: unknown) => {
          req.log.warn({ err: error }, 'journal stream could not start');
          raw.end(frame('error', { code: 'STORE_UNAVAILABLE', message: 'the journal cannot be read now: reconnect later' }));
        },
      );
    },
  );
};
