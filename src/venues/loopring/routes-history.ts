import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { HistoryKind, HistoryRecord } from '../../ledger/history.js';
import type { Account, Asset } from '../../ledger/types.js';
import { assert } from '../../ledger/errors.js';
import { findReadableAccount } from './auth.js';
import type { LoopringContext } from './context.js';
import { parseHistoryParams } from './history-params.js';
import { DepositsBody, TransfersBody, WithdrawalsBody, renderDeposit, renderTransfer, renderWithdrawal } from './history-render.js';

/**
 * `GET /api/v3/user/deposits`, `/withdrawals` and `/transfers`: an account's history, newest
 * first, paged by `offset`/`limit`, as `{"totalNum","transactions"}` with no `resultInfo` (the
 * SDK's history calls return `resultInfo` instead of the rows whenever it is present). Read with
 * an API key like balances (the key scope applies), counted against `loopring.history` per
 * credential. docs/venues/loopring.md has the parameters, the field mapping and the differences.
 */
export const historyRoutes = (ctx: LoopringContext): FastifyPluginAsync => async (app) => {
  const { port } = ctx;

  /** What each path lists, the type filter it takes (and the one value assetbook's rows have), and its rows. */
  const serve = <Row>(
    kind: HistoryKind,
    typeFilter: { readonly name: string; readonly allowed: readonly string[]; readonly shown: string } | null,
    render: (record: HistoryRecord, asset: Asset, accounts: (id: unknown) => Promise<Account | undefined>) => Row | Promise<Row>,
  ) =>
    async (request: FastifyRequest): Promise<{ totalNum: number; transactions: Row[] }> => {
      const caller = await ctx.authorize(request, 'history');
      const params = parseHistoryParams(request.query, typeFilter);
      const account = params.accountId === undefined ? caller.account : await findReadableAccount(port, caller, { accountId: params.accountId });
      const asset = params.tokenSymbol === undefined ? undefined : await port.asset(params.tokenSymbol);
      // A token no asset has, or a type assetbook never shows: nothing matches.
      if ((params.tokenSymbol !== undefined && asset === undefined) || !params.typeMatches) return { totalNum: 0, transactions: [] };
      const found = await port.history({
        account: account.id,
        kinds: [kind],
        limit: params.limit,
        offset: params.offset,
        ...(asset === undefined ? {} : { asset: asset.symbol }),
        ...(params.fromMs === undefined ? {} : { fromMs: params.fromMs }),
        ...(params.toMs === undefined ? {} : { toMs: params.toMs }),
        ...(params.statuses === undefined ? {} : { statuses: params.statuses }),
        ...(params.keys === undefined ? {} : { keys: params.keys }),
      });
      const assets = new Map<string, Asset | undefined>();
      const accounts = new Map<number, Account | undefined>([[account.id, account]]);
      const accountOf = async (id: unknown) => {
        if (typeof id !== 'number') return undefined;
        if (!accounts.has(id)) accounts.set(id, await port.account(id));
        return accounts.get(id);
      };
      const transactions: Row[] = [];
      for (const record of found.records) {
        const symbol = String(record.entry.request.asset);
        if (!assets.has(symbol)) assets.set(symbol, await port.asset(symbol));
        const held = assets.get(symbol);
        // Tier three: the journal names only catalog assets.
        assert(held, `entry ${record.entry.id} moves ${symbol}, which is not in the catalog`);
        transactions.push(await render(record, held, accountOf));
      }
      return { totalNum: found.total, transactions };
    };

  app.get('/user/deposits', { schema: { response: { 200: DepositsBody } } }, serve('deposit', null, renderDeposit));
  app.get(
    '/user/withdrawals',
    { schema: { response: { 200: WithdrawalsBody } } },
    serve('withdrawal', { name: 'withdrawalTypes', allowed: ['offchain_withdrawal', 'onchain_withdrawal', 'force_withdrawal'], shown: 'offchain_withdrawal' }, renderWithdrawal),
  );
  app.get(
    '/user/transfers',
    { schema: { response: { 200: TransfersBody } } },
    serve('transfer', { name: 'transferTypes', allowed: ['transfer', 'transfer_red'], shown: 'transfer' }, async (record, asset, accountOf) =>
      renderTransfer(record, asset, await accountOf(record.entry.request.from), await accountOf(record.entry.request.to)),
    ),
  );
};
