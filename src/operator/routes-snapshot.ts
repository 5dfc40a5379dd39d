import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TSchema } from '@sinclair/typebox';
import { sendJsonText } from '../http/json-text.js';
import type { Runtime } from '../server/runtime.js';
import { RestoreResult, SnapshotFile } from '../snapshot/format.js';
import { restoreSnapshot, takeSnapshot } from '../snapshot/snapshots.js';
import type { OperatorRuntime } from './routes.js';
import * as S from './schemas.js';

/** What the snapshot routes use of the runtime besides the operator API's: the clock that stamps a snapshot. */
export type SnapshotRoutesRuntime = OperatorRuntime & Pick<Runtime, 'clock'>;

/**
 * A restore's body is a whole ledger: far more than an operation. 256 MiB of JSON holds on the
 * order of a million journal entries; the body is parsed in memory, so this is also the bound on
 * what one restore costs.
 */
export const SNAPSHOT_BODY_LIMIT_BYTES = 256 * 1024 * 1024;

const refusals = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries([401, 503, ...statuses].sort((a, b) => a - b).map((status) => [status, S.ErrorBody]));

/**
 * `GET /snapshot` saves the whole ledger as a snapshot file; `PUT /snapshot` restores one into
 * this running server (docs/snapshots.md). Behind the operator token, with the operator API's
 * validation and errors (the plugin registers these beside its other routes).
 */
export const snapshotRoutes = (runtime: SnapshotRoutesRuntime): FastifyPluginAsync => async (app) => {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/snapshot',
    {
      schema: {
        tags: ['admin'],
        operationId: 'saveSnapshot',
        summary: 'Save the whole ledger as a snapshot file',
        description: 'Users, accounts, identities, credentials (secrets sealed), assets, the journal, balances and reservations, as one committed state. Settings and nonces are not in it.',
        response: { 200: SnapshotFile, ...refusals() },
      },
    },
    // Sent as text: the file is built here, and a large one need not go through the response serializer.
    async (_req, reply) => sendJsonText(reply, JSON.stringify(await takeSnapshot(runtime))),
  );

  api.put(
    '/snapshot',
    {
      bodyLimit: SNAPSHOT_BODY_LIMIT_BYTES,
      // The schema below documents the body; the handler checks it (readSnapshotFile), after telling
      // a foreign or newer file for what it is, as the CLI does with a file it reads.
      validatorCompiler: () => (value: unknown) => ({ value }),
      schema: {
        tags: ['admin'],
        operationId: 'restoreSnapshot',
        summary: 'Restore a snapshot file into this running server',
        description:
          'Checks the whole file first (shape, digest, references, the ledger verifying, the secret key); a file refused writes nothing. Then replaces the ledger in one transaction; caches, balance streams and other instances treat it as a reset. Settings (the operator token, signing keys) stay.',
        body: SnapshotFile,
        response: { 200: RestoreResult, ...refusals(400, 413, 415) },
      },
    },
    async (req) => restoreSnapshot(runtime, req.body),
  );
};
