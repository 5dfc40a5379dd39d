/**
 * The baseline for bench/read.ts: a bare Fastify 5 server (logger off, no plugins, no hooks) with
 * one route, GET --path (default /balances), whose body is the file given by --body-file, byte for
 * byte. bench/read.ts gives it the path of the read it compares with, and sends it that read's
 * query and headers, so that it parses the same request assetbook does. With --headers-file (a
 * JSON object of names and texts) it also sends those headers on every answer: the ones assetbook
 * sent with that read besides Fastify's own (Bullish's four `x-ratelimit-*`, Bitget's
 * `x-mbx-used-remain-limit`), so that both write the same bytes.
 *
 * --mode string  (default) the body is pre-built: the file's text is sent as a string with
 *                content-type application/json, so no serialization happens per request.
 * --mode schema  the file is parsed once, and each request returns that object through a response
 *                schema (fast-json-stringify), as assetbook's routes do; the schema is assetbook's
 *                own BalancesBody, so the bytes are the same.
 * --work-us <n>  (default 0) before answering, spin for n µs of wall time: a server exactly that
 *                much slower than bare Fastify (bench/read.ts's `slowed` baseline). Its cost beyond
 *                the n µs is what the host charges a slower server (docs/benchmarks.md).
 *
 * Prints one JSON line once it listens; stops on SIGTERM/SIGINT and when its stdin closes.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Fastify, { type FastifyReply } from 'fastify';
import { BalancesBody } from '../src/operator/schemas.js';
import { exitOnStop } from './exit-on-stop.js';
import { readHeadersFile } from './headers-file.js';

const { values } = parseArgs({
  options: {
    'body-file': { type: 'string' },
    mode: { type: 'string', default: 'string' },
    path: { type: 'string', default: '/balances' },
    'headers-file': { type: 'string' },
    'work-us': { type: 'string', default: '0' },
  },
});
const bodyFile = values['body-file'];
const mode = values.mode;
const path = values.path;
const workUs = Number(values['work-us']);
if (bodyFile === undefined || (mode !== 'string' && mode !== 'schema') || path === undefined || !path.startsWith('/') || path.includes('?') || !(workUs >= 0) || (workUs > 0 && mode !== 'string')) {
  console.error('usage: bare-server.ts --body-file <file> [--mode string|schema] [--path /route/without/query] [--headers-file <file>] [--work-us <n>]');
  process.exit(2);
}

const text = readFileSync(bodyFile, 'utf8');
const headers = readHeadersFile(values['headers-file']);
// No call at all when there is nothing to add: the baseline of a read without extra headers stays bare.
const withHeaders = Object.keys(headers).length === 0 ? (reply: FastifyReply) => reply : (reply: FastifyReply) => reply.headers(headers);
/** Spins for `workUs` µs on the monotonic clock (read in user space, so the work adds no kernel time). */
const work = (): void => {
  const until = performance.now() + workUs / 1000;
  while (performance.now() < until);
};
const app = Fastify({ logger: false });
if (mode === 'string' && workUs > 0) {
  app.get(path, async (_request, reply) => {
    work();
    return withHeaders(reply).type('application/json; charset=utf-8').send(text);
  });
} else if (mode === 'string') {
  app.get(path, async (_request, reply) => withHeaders(reply).type('application/json; charset=utf-8').send(text));
} else {
  const body = JSON.parse(text) as unknown;
  app.get(path, { schema: { response: { 200: BalancesBody } } }, async (_request, reply) => {
    withHeaders(reply);
    return body;
  });
}
const url = await app.listen({ host: '127.0.0.1', port: 0 });

exitOnStop(() => app.close());

console.log(JSON.stringify({ ready: true, url, pid: process.pid, mode, path, workUs, bodyBytes: Buffer.byteLength(text), headers: Object.keys(headers) }));
