import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import { issueCredential } from '../credentials/issue.js';
import { LedgerError, isLedgerError } from '../ledger/errors.js';
import { JOURNAL_PAGE_MAX } from '../ledger/ledger.js';
import { parseFactChanges } from '../ledger/venue-facts.js';
import { checkedAlready } from '../ledger/operation-types.js';
import type { Runtime } from '../server/runtime.js';
import { renderAccount, renderAsset, renderBalances, renderCredential, renderEntries, renderEntry, renderUser } from './render.js';
import * as S from './schemas.js';
import { refuseVenueKey } from './operation-keys.js';
import { sendJsonText, sendWhenReady, serializedForRoute } from '../http/json-text.js';

/** What the operator API uses of the runtime: the venues served decide its catalog and credential shapes. */
export type OperatorRuntime = Pick<Runtime, 'ledger' | 'store' | 'keyring' | 'checkOperatorToken' | 'readCache'> & {
  readonly venues: readonly S.OperatorVenue[];
};

/**
 * Which refusals each route can answer, in the operator error shape: every route needs the token
 * (401) and a store (503); the rest by what the route reads. They are the route's response
 * schemas, so the OpenAPI document lists them and Fastify serializes them.
 */
const ALWAYS = [401, 503] as const;
const refusals = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries([...ALWAYS, ...statuses].sort((a, b) => a - b).map((status) => [status, S.ErrorBody]));
/** A JSON body: it can be unreadable (400), too large (413) or not JSON (415). */
const WITH_BODY = [400, 413, 415];

/** A not-found for a path parameter names the parameter, whatever the ledger called it. */
async function atParam<T>(param: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isLedgerError(error) && error.code.endsWith('_NOT_FOUND')) throw new LedgerError(error.code, error.message, `params/${param}`);
    throw error;
  }
}

/** The operator API's routes. Authentication, validation and the error handler are set by the plugin around them. */
export const operatorRoutes = (runtime: OperatorRuntime): FastifyPluginAsync => async (app) => {
  const { ledger, store, keyring, venues, readCache } = runtime;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const V = S.operatorSchemas(venues);
  const schemes = venues.map((v) => v.identity);
  /** The venues' key spaces, which an operator's operation keys stay out of (./operation-keys.ts). */
  const venueIds = venues.map((v) => v.id);

  const accountOr404 = async (id: number) => {
    const account = await store.getAccount(id);
    if (!account) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${id}`, 'params/id');
    return renderAccount(schemes, account);
  };
  const userWithAccounts = async (id: number) => {
    const user = await store.getUser(id);
    if (!user) throw new LedgerError('USER_NOT_FOUND', `no user ${id}`, 'params/id');
    return renderUser(schemes, user, await store.listAccounts({ userId: id }));
  };

  api.get(
    '/assets',
    { schema: { tags: ['catalog'], operationId: 'listAssets', summary: 'List assets', response: { 200: Type.Array(V.AssetOut), ...refusals() } } },
    async () => (await store.listAssets()).map((a) => renderAsset(schemes, a)),
  );

  api.post(
    '/assets',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'createAsset',
        summary: 'Create an asset',
        body: V.AssetIn,
        response: { 201: V.AssetOut, ...refusals(...WITH_BODY, 409) },
      },
    },
    async (req, reply) => {
      const asset = await ledger.session((s) => s.createAsset(req.body));
      return reply.status(201).send(renderAsset(schemes, asset));
    },
  );

  api.get(
    '/users',
    { schema: { tags: ['catalog'], operationId: 'listUsers', summary: 'List users with their accounts', response: { 200: Type.Array(V.UserOut), ...refusals() } } },
    async () => {
      const users = await store.listUsers();
      const accounts = await store.listAccounts();
      return users.map((u) => renderUser(schemes, u, accounts.filter((a) => a.userId === u.id)));
    },
  );

  api.post(
    '/users',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'createUser',
        summary: 'Create a user and its main account',
        body: V.UserIn,
        response: { 201: V.UserOut, ...refusals(...WITH_BODY, 409) },
      },
    },
    async (req, reply) => {
      const { user, main } = await ledger.session((s) => s.createUser(req.body));
      return reply.status(201).send(renderUser(schemes, user, [main]));
    },
  );

  api.get(
    '/users/:id',
    { schema: { tags: ['catalog'], operationId: 'getUser', summary: 'Read a user with its accounts', params: S.IdParams, response: { 200: V.UserOut, ...refusals(400, 404) } } },
    async (req) => userWithAccounts(Number(req.params.id)),
  );

  api.post(
    '/users/:id/accounts',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'createSubAccount',
        summary: 'Create a sub-account of a user',
        params: S.IdParams,
        body: V.AccountIn,
        response: { 201: V.AccountOut, ...refusals(...WITH_BODY, 404, 409) },
      },
    },
    async (req, reply) => {
      const account = await atParam('id', () => ledger.session((s) => s.createSubAccount(Number(req.params.id), req.body)));
      return reply.status(201).send(renderAccount(schemes, account));
    },
  );

  api.get(
    '/accounts',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'listAccounts',
        summary: 'List accounts, optionally of one user',
        querystring: S.UserIdQuery,
        response: { 200: Type.Array(V.AccountOut), ...refusals(400) },
      },
    },
    async (req) =>
      (await store.listAccounts(req.query.userId === undefined ? {} : { userId: Number(req.query.userId) })).map((a) => renderAccount(schemes, a)),
  );

  api.get(
    '/accounts/:id',
    { schema: { tags: ['catalog'], operationId: 'getAccount', summary: 'Read an account', params: S.IdParams, response: { 200: V.AccountOut, ...refusals(400, 404) } } },
    async (req) => accountOr404(Number(req.params.id)),
  );

  api.patch(
    '/accounts/:id',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'changeAccount',
        summary: "Set or remove an account's mutable venue facts",
        description: 'Each fact given is set (null removes it); facts not given stay as they are. Identities (unique facts) never change.',
        params: S.IdParams,
        body: V.AccountChangesIn,
        response: { 200: V.AccountOut, ...refusals(...WITH_BODY, 404) },
      },
    },
    async (req) => {
      const id = Number(req.params.id);
      const changes = parseFactChanges(schemes, 'account', req.body.venues, 'venues');
      await store.transaction(async (tx) => {
        if (!(await tx.getAccount(id))) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${id}`, 'params/id');
        for (const { venue, changes: facts } of changes) {
          if (!(await tx.setAccountFacts(id, venue, facts))) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${id}`, 'params/id');
        }
      });
      return accountOr404(id);
    },
  );

  api.get(
    '/accounts/:id/balances',
    {
      schema: {
        tags: ['balances'],
        operationId: 'getBalances',
        summary: "Every bucket of every asset an account has held",
        params: S.IdParams,
        response: { 200: S.BalancesBody, ...refusals(400, 404) },
      },
    },
    // Not an async handler: a kept body is sent in the same turn, with no promise.
    (req, reply) => {
      const id = Number(req.params.id);
      // Kept serialized per account until its balances may have changed (server/read-cache.ts); the token was checked on this request.
      const body = readCache.get(id, 'operator|balances', async () =>
        serializedForRoute(reply, await renderBalances(ledger, id, await atParam('id', () => ledger.balances(id)))),
      );
      return sendWhenReady(body, (text) => sendJsonText(reply, text));
    },
  );

  api.post(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        operationId: 'issueCredential',
        summary: 'Issue venue credentials for an account (secrets shown once)',
        body: V.CredentialIn,
        response: { 201: S.IssuedCredentialBody, ...refusals(...WITH_BODY, 404, 409) },
      },
    },
    async (req, reply) => {
      const { accountId, venue: venueId, label, ...input } = req.body;
      const venue = venues.find((v) => v.id === venueId);
      // The schema's discriminator refused any other venue already.
      if (!venue) throw new LedgerError('INVALID_ARGUMENT', `venue must be one of ${venues.map((v) => v.id).join(', ')}`, 'venue');
      const account = await store.getAccount(accountId);
      if (!account) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${accountId}`, 'accountId');
      const issued = await ledger.session((s) => issueCredential(s, keyring, venue.credentials, venue.id, account, input, label));
      return reply.status(201).send(issued);
    },
  );

  api.get(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        operationId: 'listCredentials',
        summary: 'List credentials, without their secrets',
        querystring: S.UserIdQuery,
        response: { 200: Type.Array(S.CredentialBody), ...refusals(400) },
      },
    },
    async (req) => (await store.listCredentials(req.query.userId === undefined ? undefined : Number(req.query.userId))).map(renderCredential),
  );

  api.post(
    '/operations',
    {
      schema: {
        tags: ['operations'],
        operationId: 'applyOperation',
        summary: 'Apply one operation: 201 when applied, 200 when its key replays',
        body: S.OperationInputBody,
        response: { 200: S.ApplyResultBody, 201: S.ApplyResultBody, ...refusals(...WITH_BODY, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      refuseVenueKey(req.body.key, venueIds);
      checkedAlready([req.body]);
      const result = await ledger.apply(req.body);
      return reply.status(result.replayed ? 200 : 201).send({ replayed: result.replayed, entry: await renderEntry(ledger, result.entry) });
    },
  );

  api.post(
    '/operations/batch',
    {
      schema: {
        tags: ['operations'],
        operationId: 'applyBatch',
        summary: 'Apply operations in one transaction: all land, or none does',
        description: '201 when any operation was applied; 200 when every one was a replay of its key, so nothing changed.',
        body: S.BatchInputBody,
        response: { 200: S.BatchResultBody, 201: S.BatchResultBody, ...refusals(...WITH_BODY, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      for (const [i, operation] of req.body.operations.entries()) refuseVenueKey(operation.key, venueIds, i);
      checkedAlready(req.body.operations);
      const results = await ledger.applyBatch(req.body.operations);
      const entries = await renderEntries(ledger, results.map((r) => r.entry));
      return reply.status(results.every((r) => r.replayed) ? 200 : 201).send({ results: entries.map((entry, i) => ({ replayed: results[i]?.replayed === true, entry })) });
    },
  );

  api.get(
    '/journal',
    {
      schema: {
        tags: ['operations'],
        operationId: 'readJournal',
        summary: 'Read journal entries, oldest first, a page at a time',
        querystring: S.JournalQuery,
        response: { 200: S.JournalBody, ...refusals(400) },
      },
    },
    async (req) => {
      const limit = Number(req.query.limit ?? '100');
      if (limit > JOURNAL_PAGE_MAX) {
        throw new LedgerError('INVALID_ARGUMENT', `query/limit ${S.JOURNAL_LIMIT_RULE}; got ${JSON.stringify(req.query.limit)}`, 'query/limit');
      }
      const page = await ledger.journal(Number(req.query.after ?? '0'), limit);
      const entries = await renderEntries(ledger, page.entries);
      return { entries, next: page.next === null ? null : String(page.next) };
    },
  );

  api.get(
    '/verify',
    { schema: { tags: ['admin'], operationId: 'verifyLedger', summary: "Check the ledger's invariants", response: { 200: S.VerifyBody, ...refusals() } } },
    async () => ledger.verify(),
  );

  api.post(
    '/reset',
    {
      schema: {
        tags: ['admin'],
        operationId: 'resetLedger',
        summary: 'Empty the ledger (sandbox use)',
        description: 'Removes assets, users, accounts, credentials and the journal; settings such as the operator token stay.',
        response: { 204: Type.Null({ description: 'Emptied' }), ...refusals() },
      },
    },
    async (_req, reply) => {
      await ledger.reset();
      return reply.status(204).send(null);
    },
  );
};
