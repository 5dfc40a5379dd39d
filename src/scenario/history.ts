import { Type, type Static } from '@sinclair/typebox';
import { LedgerError } from '../ledger/errors.js';
import { Amount, AssetSymbol, OPERATION_SCHEMAS } from '../ledger/operation-types.js';
import type { OperationRequest } from '../ledger/operations.js';
import type { Account } from '../ledger/types.js';

/**
 * A user's past, declared in a scenario: deposits, withdrawals and transfers that happened at
 * given times before the load, so that a client's history calls start from a realistic account.
 * Each item becomes real ledger operations (keys `scenario/<user>/history/<i>` and, for one that
 * settled later, `.../<i>/settle`) applied at its times, before the opening balances; the ledger
 * checks them like any other (a withdrawal needs the funds an earlier deposit brought).
 */

const ISO_TIME = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?Z$';
const Time = (description: string) =>
  Type.String({ pattern: ISO_TIME, description, 'x-invalid': 'must be a UTC time like "2026-11-30T09:15:00Z" (milliseconds optional)' });
const AccountRef = Type.String({ minLength: 1, maxLength: 64, description: '"main" (the default) or a sub-account label' });
const transit = {
  chain: OPERATION_SCHEMAS.deposit.properties.chain,
  address: OPERATION_SCHEMAS.deposit.properties.address,
  tag: OPERATION_SCHEMAS.deposit.properties.tag,
  txHash: OPERATION_SCHEMAS.deposit.properties.txHash,
};
const Status = Type.Unsafe<'completed' | 'pending' | 'cancelled'>({
  type: 'string',
  enum: ['completed', 'pending', 'cancelled'],
  description: 'Where it stands now: completed (the default), pending (still open) or cancelled',
});

const ITEMS = [
    Type.Object(
      {
        at: Time('When it happened (UTC): not in the future, and not before the item above it'),
        type: Type.Literal('deposit'),
        account: Type.Optional(AccountRef),
        asset: AssetSymbol,
        amount: Amount,
        fee: Type.Optional(Amount),
        ...transit,
        status: Type.Optional(Status),
        settledAt: Type.Optional(Time('When it was confirmed or cancelled; absent: at once (a completed deposit is then one instant deposit)')),
      },
      { additionalProperties: false, title: 'a past deposit' },
    ),
    Type.Object(
      {
        at: Time('When it was requested (UTC): not in the future, and not before the item above it'),
        type: Type.Literal('withdrawal'),
        account: Type.Optional(AccountRef),
        asset: AssetSymbol,
        amount: Amount,
        fee: Type.Optional(Amount),
        ...transit,
        status: Type.Optional(Status),
        settledAt: Type.Optional(Time('When it completed or was cancelled; absent: at once')),
      },
      { additionalProperties: false, title: 'a past withdrawal' },
    ),
    Type.Object(
      {
        at: Time('When it happened (UTC): not in the future, and not before the item above it'),
        type: Type.Literal('transfer'),
        from: Type.Optional(AccountRef),
        to: AccountRef,
        asset: AssetSymbol,
        amount: Amount,
      },
      { additionalProperties: false, title: 'a past transfer between two accounts of the user' },
    ),
] as const;
export type HistoryItem = Static<(typeof ITEMS)[number]>;

/** Chosen by `type` (a discriminator), so a mistake is reported against the kind of item meant. */
export const HistoryItem = Type.Unsafe<HistoryItem>({
  type: 'object',
  description: 'One past deposit, withdrawal or transfer',
  'x-invalid': 'must be an object: a past deposit, withdrawal or transfer',
  discriminator: { propertyName: 'type' },
  oneOf: [...ITEMS],
});

export const HISTORY_ITEMS_MAX = 10_000;
export const UserHistory = Type.Array(HistoryItem, {
  maxItems: HISTORY_ITEMS_MAX,
  description: "The user's past deposits, withdrawals and transfers, oldest first, applied at their times before the opening balances",
});

/** One operation to apply, at its time, with the path of the item it comes from. */
export interface TimedOperation {
  readonly atMs: number;
  readonly path: string;
  readonly request: OperationRequest;
}

/**
 * The operations a user's history means, in time order (an item's settlement may come after
 * later items). Refused: a time in the future, an item before the one above it, a settlement
 * before its item, an account the user does not have, a pending item given a settlement time, a
 * transfer to the account it comes from.
 */
export function historyOperations(user: string, items: readonly HistoryItem[], accounts: readonly Account[], nowMs: number, where: string): TimedOperation[] {
  const byRef = (ref: string | undefined, path: string): number => {
    const found = ref === undefined || ref === 'main' ? accounts[0] : accounts.find((a) => a.kind === 'sub' && a.label === ref);
    if (!found) throw new LedgerError('ACCOUNT_NOT_FOUND', `${path}: no account labelled ${ref}`, path);
    return found.id;
  };
  const timeOf = (text: string, path: string): number => {
    const ms = Date.parse(text);
    if (!Number.isSafeInteger(ms)) throw new LedgerError('INVALID_ARGUMENT', `${path}: ${text} is not a time`, path);
    if (ms > nowMs) throw new LedgerError('INVALID_ARGUMENT', `${path}: ${text} is in the future`, path);
    return ms;
  };
  const out: TimedOperation[] = [];
  let previous = -Infinity;
  for (const [i, item] of items.entries()) {
    const path = `${where}/${i}`;
    const key = `scenario/${user}/history/${i}`;
    const atMs = timeOf(item.at, `${path}/at`);
    if (atMs < previous) throw new LedgerError('INVALID_ARGUMENT', `${path}/at: ${item.at} is before the item above it: list history oldest first`, `${path}/at`);
    previous = atMs;
    if (item.type === 'transfer') {
      const from = byRef(item.from, `${path}/from`);
      const to = byRef(item.to, `${path}/to`);
      out.push({ atMs, path, request: { key, type: 'transfer', from, to, asset: item.asset, amount: item.amount } });
      continue;
    }
    const status = item.status ?? 'completed';
    const settledAtMs = item.settledAt === undefined ? atMs : timeOf(item.settledAt, `${path}/settledAt`);
    if (item.settledAt !== undefined && status === 'pending') throw new LedgerError('INVALID_ARGUMENT', `${path}/settledAt: a pending item has not settled`, `${path}/settledAt`);
    if (settledAtMs < atMs) throw new LedgerError('INVALID_ARGUMENT', `${path}/settledAt: ${item.settledAt ?? ''} is before ${item.at}`, `${path}/settledAt`);
    const { at: _at, type: _type, account, status: _status, settledAt, ...fields } = item;
    const opened = { key, account: byRef(account, `${path}/account`), ...fields };
    if (item.type === 'deposit' && status === 'completed' && settledAt === undefined) {
      out.push({ atMs, path, request: { ...opened, type: 'deposit' } });
      continue;
    }
    out.push({ atMs, path, request: { ...opened, type: item.type === 'deposit' ? 'deposit.pending' : 'withdrawal.request' } });
    if (status === 'pending') continue;
    const settle = `${key}/settle`;
    const type =
      item.type === 'deposit' ? (status === 'completed' ? 'deposit.confirm' : 'deposit.cancel') : status === 'completed' ? 'withdrawal.complete' : 'withdrawal.cancel';
    out.push({ atMs: settledAtMs, path, request: { key: settle, type, pending: key } });
  }
  // Stable: an item and its settlement at one time keep their order.
  return out.map((op, i) => ({ op, i })).sort((a, b) => a.op.atMs - b.op.atMs || a.i - b.i).map(({ op }) => op);
}
