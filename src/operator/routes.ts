import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { issueCredential } from '../credentials/issue.js';
import { LedgerError } from '../ledger/errors.js';
import type { OperationRequest } from '../ledger/operations.js';
import type { Runtime } from '../server/runtime.js';
import { renderBalances, renderCredential, renderEntry } from './render.js';
import * as S from './schemas.js';

const errors = { 400: S.ErrorBody, 401: S.ErrorBody, 404: S.ErrorBody, 409: S.ErrorBody, 422: S.ErrorBody };

/** The operator API's routes. Authentication and the error handler are set by the plugin around them. */
export const operatorRoutes = (runtime: Runtime): FastifyPluginAsync => async (app) => {
  const { ledger, store, keyring } = runtime;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  const accountOr404 = async (id: number) => {
    const account = await store.getAccount(id);
    if (!account) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${id}`, 'id');
    return account;
  };
  const userWithAccounts = async (id: number) => {
    const user = await store.getUser(id);
    if (!user) throw new LedgerError('USER_NOT_FOUND', `no user ${id}`, 'id');
    return { ...user, accounts: await store.listAccounts({ userId: id }) };
  };

  api.get('/assets', { schema: { tags: ['catalog'], response: { 200: Type.Array(S.AssetBody) } } }, async () => store.listAssets());

  api.post('/assets', { schema: { tags: ['catalog'], body: S.AssetInputBody, response: { 201: S.AssetBody, ...errors } } }, async (req, reply) => {
    const asset = await ledger.session((s) => s.createAsset(req.body));
    return reply.status(201).send(asset);
  });

  api.get('/users', { schema: { tags: ['catalog'], response: { 200: Type.Array(S.UserBody) } } }, async () => {
    const users = await store.listUsers();
    const accounts = await store.listAccounts();
    return users.map((u) => ({ ...u, accounts: accounts.filter((a) => a.userId === u.id) }));
  });

  api.post('/users', { schema: { tags: ['catalog'], body: S.UserInputBody, response: { 201: S.UserBody, ...errors } } }, async (req, reply) => {
    const { user, main } = await ledger.session((s) => s.createUser(req.body));
    return reply.status(201).send({ ...user, accounts: [main] });
  });

  api.get('/users/:id', { schema: { tags: ['catalog'], params: S.IdParams, response: { 200: S.UserBody, ...errors } } }, async (req) =>
    userWithAccounts(Number(req.params.id)),
  );

  api.post(
    '/users/:id/accounts',
    { schema: { tags: ['catalog'], params: S.IdParams, body: S.AccountInputBody, response: { 201: S.AccountBody, ...errors } } },
    async (req, reply) => {
      const account = await ledger.session((s) => s.createSubAccount(Number(req.params.id), req.body));
      return reply.status(201).send(account);
    },
  );

  api.get(
    '/accounts',
    {
      schema: {
        tags: ['catalog'],
        querystring: S.UserIdQuery,
        response: { 200: Type.Array(S.AccountBody), ...errors },
      },
    },
    async (req) => store.listAccounts(req.query.userId === undefined ? {} : { userId: Number(req.query.userId) }),
  );

  api.get('/accounts/:id', { schema: { tags: ['catalog'], params: S.IdParams, response: { 200: S.AccountBody, ...errors } } }, async (req) =>
    accountOr404(Number(req.params.id)),
  );

  api.put(
    '/accounts/:id/loopring-key',
    {
      schema: {
        tags: ['catalog'],
        description: "Registers or replaces the account's Loopring layer-2 public key (the venue's updateAccount): /api/v3/apiKey verifies signatures with it.",
        params: S.IdParams,
        body: S.LoopringKeyBody,
        response: { 200: S.AccountBody, ...errors },
      },
    },
    async (req) => {
      const id = Number(req.params.id);
      const updated = await store.transaction((tx) => tx.setLoopringPublicKey(id, { x: req.body.x, y: req.body.y }));
      if (!updated) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${id}`, 'id');
      return accountOr404(id);
    },
  );

  api.get(
    '/accounts/:id/balances',
    { schema: { tags: ['balances'], params: S.IdParams, response: { 200: S.BalancesBody, ...errors } } },
    async (req) => {
      const id = Number(req.params.id);
      return renderBalances(ledger, id, await ledger.balances(id));
    },
  );

  api.post(
    '/credentials',
    { schema: { tags: ['credentials'], body: S.CredentialInputBody, response: { 201: S.IssuedCredentialBody, ...errors } } },
    async (req, reply) => {
      const { accountId, label, ...input } = req.body;
      const account = await accountOr404(accountId);
      const issued = await ledger.session((s) => issueCredential(s, keyring, account, input, label));
      return reply.status(201).send(issued);
    },
  );

  api.get(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        querystring: S.UserIdQuery,
        response: { 200: Type.Array(S.CredentialBody), ...errors },
      },
    },
    async (req) => (await store.listCredentials(req.query.userId === undefined ? undefined : Number(req.query.userId))).map(renderCredential),
  );

  api.post(
    '/operations',
    { schema: { tags: ['operations'], body: S.OperationInputBody, response: { 200: S.ApplyResultBody, 201: S.ApplyResultBody, ...errors } } },
    async (req, reply) => {
      const result = await ledger.apply(req.body as OperationRequest);
      return reply.status(result.replayed ? 200 : 201).send({ replayed: result.replayed, entry: await renderEntry(ledger, result.entry) });
    },
  );

  api.post(
    '/operations/batch',
    {
      schema: {
        tags: ['operations'],
        description: 'Applies every operation in one transaction: all land, or none does.',
        body: S.BatchInputBody,
        response: { 201: Type.Object({ results: Type.Array(S.ApplyResultBody) }), ...errors },
      },
    },
    async (req, reply) => {
      const results = await ledger.applyBatch(req.body.operations as OperationRequest[]);
      const rendered = [];
      for (const r of results) rendered.push({ replayed: r.replayed, entry: await renderEntry(ledger, r.entry) });
      return reply.status(201).send({ results: rendered });
    },
  );

  api.get('/journal', { schema: { tags: ['operations'], querystring: S.JournalQuery, response: { 200: S.JournalBody, ...errors } } }, async (req) => {
    const page = await ledger.journal(Number(req.query.after ?? '0'), Number(req.query.limit ?? '100'));
    const entries = [];
    for (const e of page.entries) entries.push(await renderEntry(ledger, e));
    return { entries, next: page.next === null ? null : String(page.next) };
  });

  api.get('/verify', { schema: { tags: ['admin'], response: { 200: S.VerifyBody } } }, async () => ledger.verify());

  api.post('/reset', { schema: { tags: ['admin'], description: 'Empties the ledger (sandbox use).', response: { 204: Type.Null() } } }, async (_req, reply) => {
    await ledger.reset();
    return reply.status(204).send(null);
  });
};
