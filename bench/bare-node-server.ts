/**
 * The second baseline for bench/read.ts: bare node:http (no framework at all) answering
 * GET --path (default /balances; any query) with the file given by --body-file, byte for byte,
 * pre-built once as a Buffer, and with --headers-file the headers in it (a JSON object) on every
 * answer, as bench/bare-server.ts does.
 * It shows what the kernel, HTTP parsing and the response write cost alone, so the gap between
 * it and bare Fastify is Fastify's own, and the gap to assetbook is assetbook's.
 *
 * Prints one JSON line once it listens; stops on SIGTERM/SIGINT and when its stdin closes.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { exitOnStop } from './exit-on-stop.js';
import { readHeadersFile } from './headers-file.js';

const { values } = parseArgs({ options: { 'body-file': { type: 'string' }, path: { type: 'string', default: '/balances' }, 'headers-file': { type: 'string' } } });
const bodyFile = values['body-file'];
const path = values.path;
if (bodyFile === undefined || path === undefined || !path.startsWith('/') || path.includes('?')) {
  console.error('usage: bare-node-server.ts --body-file <file> [--path /route/without/query] [--headers-file <file>]');
  process.exit(2);
}

const body = readFileSync(bodyFile);
const extra = readHeadersFile(values['headers-file']);
// The same content type as assetbook and bare Fastify send, so the client parses the same thing.
const headers = { ...extra, 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };
const server = createServer((request, response) => {
  const target = request.url ?? '';
  const query = target.indexOf('?');
  if (request.method === 'GET' && (query === -1 ? target : target.slice(0, query)) === path) {
    response.writeHead(200, headers);
    response.end(body);
    return;
  }
  response.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

exitOnStop(() => new Promise<void>((resolve) => server.close(() => resolve())));

console.log(JSON.stringify({ ready: true, url, pid: process.pid, path, bodyBytes: body.length }));
