/**
 * The HTTP floor for bench/write.ts: a bare Fastify 5 server (logger off, no plugins, no hooks)
 * answering POST <prefix>/operations and POST <prefix>/operations/batch with 201 and, byte for
 * byte, a response assetbook gave to the same route in the same run (--single-body-file,
 * --batch-body-file). Fastify parses each JSON body, as it does for assetbook; nothing else
 * happens: no credential, no validation, no ledger, no store.
 *
 * bench/write.ts drives it with the very requests it sends assetbook, on the same CPU, so its
 * operations/s are what any Fastify server on that core could reach before doing any work: the
 * ceiling of the ratio assetbook can show against the raw baselines, which have no HTTP at all.
 *
 * Prints one JSON line once it listens; stops on SIGTERM/SIGINT and when its stdin closes.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { exitOnStop } from './exit-on-stop.js';

const { values } = parseArgs({
  options: {
    'single-body-file': { type: 'string' },
    'batch-body-file': { type: 'string' },
    prefix: { type: 'string' },
  },
});
const singleFile = values['single-body-file'];
const batchFile = values['batch-body-file'];
const prefix = values.prefix;
if (singleFile === undefined || batchFile === undefined || prefix === undefined || !prefix.startsWith('/')) {
  console.error('usage: bare-write-server.ts --single-body-file <file> --batch-body-file <file> --prefix /path');
  process.exit(2);
}

const single = readFileSync(singleFile, 'utf8');
const batch = readFileSync(batchFile, 'utf8');
// A batch of 1,000 operations is about 150 KB: Fastify's default limit (1 MiB) holds it.
const app = Fastify({ logger: false });
app.post(`${prefix}/operations`, async (_request, reply) => reply.code(201).type('application/json; charset=utf-8').send(single));
app.post(`${prefix}/operations/batch`, async (_request, reply) => reply.code(201).type('application/json; charset=utf-8').send(batch));
const url = await app.listen({ host: '127.0.0.1', port: 0 });

exitOnStop(() => app.close());

console.log(JSON.stringify({ ready: true, url, pid: process.pid, singleBytes: Buffer.byteLength(single), batchBytes: Buffer.byteLength(batch) }));
