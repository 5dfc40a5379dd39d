import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { errorBody } from '../operator/errors.js';
import { ErrorBody } from '../operator/schemas.js';

/**
 * The operator console: a web page at `/_assetbook/console` that speaks the operator API from the
 * browser. Its front end (console/, built by `npm run build` into dist/console/) is static files
 * served as they are: nothing is fetched from elsewhere, at build time or at run time. The files
 * hold no secret, so they are served without the operator token; the page shows nothing until
 * the operator signs in with the token, which every API call then carries. See docs/console.md.
 */

export const CONSOLE_PATH = '/_assetbook/console';

/** Where the build puts the console: dist/console/, the same folder from src/server/ (tsx) and dist/server/ (built). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page may load and call only its own origin: no inline script, no other host, no framing. */
const HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Small files, rebuilt in place: always checked, never stale after an upgrade.
  'cache-control': 'no-cache',
};

const FILE_NAME = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9]+)+$/;

/** A route's answers for the OpenAPI document: the file in its types, or a 404 in the operator's shape. */
const answers = (description: string, types: readonly string[]) => ({
  200: { description, content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string' } }])) },
  404: ErrorBody,
});

export interface ConsoleOptions {
  /** The built console; `CONSOLE_DIR` by default. */
  readonly dir?: string;
}

/** Serves the built console's files, or says how to build it. */
export const consolePlugin = (options: ConsoleOptions = {}): FastifyPluginAsync => async (app) => {
  const dir = options.dir ?? CONSOLE_DIR;

  async function send(reply: FastifyReply, name: string) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    let body: Buffer | null = null;
    if (type !== undefined && FILE_NAME.test(name)) body = await readFile(join(dir, name)).catch(() => null);
    if (body === null && name === 'index.html') {
      return reply.status(404).send(errorBody('NOT_FOUND', 'the console is not built: run npm run build (it bundles console/ into dist/console/)'));
    }
    if (body === null) return reply.status(404).send(errorBody('NOT_FOUND', `no console file ${name}`));
    return reply.status(200).headers(HEADERS).type(type!).send(body);
  }

  app.get(
    CONSOLE_PATH,
    { schema: { tags: ['console'], operationId: 'consolePage', summary: 'The operator console (a web page; sign in with the operator token)', security: [], response: answers('The page', ['text/html']) } },
    (_request, reply) => send(reply, 'index.html'),
  );
  app.get<{ Params: { file: string } }>(
    `${CONSOLE_PATH}/:file`,
    {
      schema: {
        tags: ['console'],
        operationId: 'consoleFile',
        summary: "A file of the operator console's page (script, style sheet)",
        security: [],
        params: { type: 'object', properties: { file: { type: 'string' } }, required: ['file'] },
        response: answers('The file', ['text/javascript', 'text/css', 'application/json']),
      },
    },
    (request, reply) => send(reply, request.params.file),
  );
};
