import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TSchema } from '@sinclair/typebox';
import { LedgerError } from '../ledger/errors.js';
import { renderAccount, renderBalances } from './render.js';
import type { OperatorRuntime } from './routes.js';
import * as S from './schemas.js';
import { AccountViewsBody, AccountsPageQuery, DIRECTORY_LIMIT_RULE, DIRECTORY_PAGE_MAX, UsersPageQuery, directorySchemas } from './directory-schemas.js';
import { showFacts, type Identity } from '../ledger/venue-facts.js';
import type { DirectoryQuery } from '../store/store.js';

/**
 * The operator routes a console browses by: users and accounts a page at a time (searched through
 * the store's directory, never a whole list), and one account's balances as the ledger keeps them
 * beside each venue's rows, rendered by the venue's own renderer (`VenueDialect.balanceView`).
 */

const refusals = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries([401, 503, ...statuses].sort((a, b) => a - b).map((status) => [status, S.ErrorBody]));

const DEFAULT_LIMIT = 50;

function pageLimit(limit: string | undefined): number {
  const value = Number(limit ?? DEFAULT_LIMIT);
  if (value > DIRECTORY_PAGE_MAX) throw new LedgerError('INVALID_ARGUMENT', `query/limit ${DIRECTORY_LIMIT_RULE}; got ${JSON.stringify(limit)}`, 'query/limit');
  return value;
}

export const directoryRoutes = (runtime: OperatorRuntime): FastifyPluginAsync => async (app) => {
  const { store, ledger, venues } = runtime;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const schemes = venues.map((v) => v.identity);
  const D = directorySchemas(venues);
  // A search text is read as each unique account fact of each venue served (a fact's own parser:
  // an address in any case, a numeric id), and compared through the identities' key.
  const uniqueFacts = venues.flatMap((v) => v.identity.account.filter((f) => f.unique).map((spec) => ({ venue: v.id, spec })));
  const searchOf = (q: string | undefined): Pick<DirectoryQuery, 'search' | 'identities'> => {
    const text = q?.trim() ?? '';
    if (text === '') return {};
    const identities: Identity[] = [];
    // A numeric fact takes a JSON number, a textual one a string: the text is tried as both.
    const readings: unknown[] = /^[0-9]{1,15}$/.test(text) ? [text, Number(text)] : [text];
    for (const { venue, spec } of uniqueFacts) {
      for (const reading of readings) {
        try {
          identities.push({ venue, name: spec.name, value: spec.parse(reading, 'q') });
          break;
        } catch {
          // Not a value of this fact: nothing holds it.
        }
      }
    }
    return { search: text, identities };
  };

  api.get(
    '/users/page',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'pageUsers',
        summary: 'Users a page at a time, in id order, optionally searched',
        description: 'Each user with how many accounts it has. `q` matches the id, a name containing it (ignoring case), or a unique venue fact of one of its accounts.',
        querystring: UsersPageQuery,
        response: { 200: D.UsersPage, ...refusals(400) },
      },
    },
    async (req) => {
      const page = await store.listUsersPage({ limit: pageLimit(req.query.limit), afterId: Number(req.query.after ?? '0'), ...searchOf(req.query.q) });
      return {
        users: page.items.map((u) => ({ ...u, venues: showFacts(schemes, 'user', u.venues) })),
        next: page.next === null ? null : String(page.next),
      };
    },
  );

  api.get(
    '/accounts/page',
    {
      schema: {
        tags: ['catalog'],
        operationId: 'pageAccounts',
        summary: 'Accounts a page at a time, in id order, optionally of one user and searched',
        description: "Each account with its user's name. `q` matches the id, a label or user name containing it (ignoring case), or a unique venue fact equal to it.",
        querystring: AccountsPageQuery,
        response: { 200: D.AccountsPage, ...refusals(400) },
      },
    },
    async (req) => {
      const page = await store.listAccountsPage({
        limit: pageLimit(req.query.limit),
        afterId: Number(req.query.after ?? '0'),
        ...searchOf(req.query.q),
        ...(req.query.userId === undefined ? {} : { userId: Number(req.query.userId) }),
      });
      return {
        accounts: page.items.map((a) => ({ ...renderAccount(schemes, a), userName: a.userName })),
        next: page.next === null ? null : String(page.next),
      };
    },
  );

  api.get(
    '/accounts/:id/views',
    {
      schema: {
        tags: ['balances'],
        operationId: 'getBalanceViews',
        summary: "An account's balances as the ledger keeps them and as each venue shows them",
        description: "One read of the balances: every bucket of every asset, and each venue's rows as its own balance read renders them (`source` names that read).",
        params: S.IdParams,
        response: { 200: AccountViewsBody, ...refusals(400, 404) },
      },
    },
    async (req) => {
      const id = Number(req.params.id);
      const account = await store.getAccount(id);
      if (!account) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${id}`, 'params/id');
      const balances = await ledger.balances(id);
      const port = { asset: (symbol: string) => ledger.asset(symbol) };
      const shown = [];
      for (const venue of venues) {
        const view = venue.balanceView ? await venue.balanceView(port, account, balances) : null;
        shown.push({ venue: venue.id, source: view?.source ?? null, rows: view ? [...view.rows] : [] });
      }
      return { account: id, assets: (await renderBalances(ledger, id, balances)).assets, venues: shown };
    },
  );
};

