import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import { issueCredential } from '../credentials/issue.js';
import { LedgerError, isLedgerError } from '../ledger/errors.js';
import { JOURNAL_PAGE_MAX } from '../ledger/ledger.js';
import type { Runtime } from '../server/runtime.js';
import { renderBalances, renderCredential, renderEntry } from './render.js';
import * as S from './schemas.js';

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
export const operatorRoutes = (runtime: Runtime): FastifyPluginAsync => async (app) => {
  const { ledger, store, keyring } = runtime;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  const accountOr404 = async (id: number) => {
    const account = await store.getAccount(id);
    if (!account) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${id}`, 'params/id');
    return account;
  };
  const userWithAccounts = async (id: number) => {
    const user = await store.getUser(id);
    if (!user) throw new LedgerError('USER_NOT_FOUND', `no user ${id}`, 'params/id');
    return { ...user, accounts: await store.listAccounts({ userId: id }) };
  };

  api.get(
    '/assets',
    { schema: { tags: ['catalog'], operationId: 'listAssets', summary: 'List assets', response: { 200: Type.Array(S.AssetOut), ...refusals() } } },
    async () => store.listAssets(),
  );

  api.post(
    '/assets',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'createAsset',
        summary: 'Create an asset',
        body: S.AssetIn,
        response: { 201: S.AssetOut, ...refusals(...WITH_BODY, 409) },
      },
    },
    async (req, reply) => {
      const asset = await ledger.session((s) => s.createAsset(req.body));
      return reply.status(201).send(asset);
    },
  );

  api.get(
    '/users',
    { schema: { tags: ['catalog'], operationId: 'listUsers', summary: 'List users with their accounts', response: { 200: Type.Array(S.UserOut), ...refusals() } } },
    async () => {
      const users = await store.listUsers();
      const accounts = await store.listAccounts();
      return users.map((u) => ({ ...u, accounts: accounts.filter((a) => a.userId === u.id) }));
    },
  );

  api.post(
    '/users',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'createUser',
        summary: 'Create a user and its main account',
        body: S.UserIn,
        response: { 201: S.UserOut, ...refusals(...WITH_BODY, 409) },
      },
    },
    async (req, reply) => {
      const { user, main } = await ledger.session((s) => s.createUser(req.body));
      return reply.status(201).send({ ...user, accounts: [main] });
    },
  );

  api.get(
    '/users/:id',
    { schema: { tags: ['catalog'], operationId: 'getUser', summary: 'Read a user with its accounts', params: S.IdParams, response: { 200: S.UserOut, ...refusals(400, 404) } } },
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
        body: S.AccountIn,
        response: { 201: S.AccountOut, ...refusals(...WITH_BODY, 404, 409) },
      },
    },
    async (req, reply) => {
      const account = await atParam('id', () => ledger.session((s) => s.createSubAccount(Number(req.params.id), req.body)));
      return reply.status(201).send(account);
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
        response: { 200: Type.Array(S.AccountOut), ...refusals(400) },
      },
    },
    async (req) => store.listAccounts(req.query.userId === undefined ? {} : { userId: Number(req.query.userId) }),
  );

  api.get(
    '/accounts/:id',
    { schema: { tags: ['catalog'], operationId: 'getAccount', summary: 'Read an account', params: S.IdParams, response: { 200: S.AccountOut, ...refusals(400, 404) } } },
    async (req) => accountOr404(Number(req.params.id)),
  );

  api.put(
    '/accounts/:id/loopring-key',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'setLoopringKey',
        summary: "Register or replace an account's Loopring layer-2 public key",
        description: "The venue's updateAccount: /api/v3/apiKey verifies signatures with it.",
        params: S.IdParams,
        body: S.LoopringKeyIn,
        response: { 200: S.AccountOut, ...refusals(...WITH_BODY, 404) },
      },
    },
    async (req) => {
      const id = Number(req.params.id);
      const updated = await store.transaction((tx) => tx.setLoopringPublicKey(id, { x: req.body.x, y: req.body.y }));
      if (!updated) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${id}`, 'params/id');
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
    async (req) => {
      const id = Number(req.params.id);
      return renderBalances(ledger, id, await atParam('id', () => ledger.balances(id)));
    },
  );

  api.post(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        operationId: 'issueCredential',
        summary: 'Issue venue credentials for an account (secrets shown once)',
        body: S.CredentialInputBody,
        response: { 201: S.IssuedCredentialBody, ...refusals(...WITH_BODY, 404, 409) },
      },
    },
    async (req, reply) => {
      const { accountId, label, ...input } = req.body;
      const account = await store.getAccount(accountId);
      if (!account) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${accountId}`, 'accountId');
      const issued = await ledger.session((s) => issueCredential(s, keyring, account, input, label));
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
      const results = await ledger.applyBatch(req.body.operations);
      const rendered = [];
      for (const r of results) rendered.push({ replayed: r.replayed, entry: await renderEntry(ledger, r.entry) });
      return reply.status(results.every((r) => r.replayed) ? 200 : 201).send({ results: rendered });
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
      const entries = [];
      for (const e of page.entries) entries.push(await renderEntry(ledger, e));
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
