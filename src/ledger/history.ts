import { LedgerError } from './errors.js';
import { OPERATION_TYPES, type OperationType } from './operation-types.js';
import type { ReservationState } from './operations.js';
import { BUCKETS, type Bucket, type JournalEntry } from './types.js';

/**
 * An account's history, what each venue's deposit, withdrawal and transfer records show: journal
 * entries that touched the account, by kind, newest first, with the status each deposit or
 * withdrawal has reached as its reservation moved. The store finds the entries
 * (`LedgerStore.listHistory`); this file says which operation types make each kind and what a
 * reservation's state means as a status, so every venue maps one vocabulary to its own. A venue's
 * account statement (every entry, whatever its type) asks for operation `types` instead of kinds,
 * and may ask what the account's books held right after each entry (`balancesOf`).
 */

export const HISTORY_KINDS = ['deposit', 'withdrawal', 'transfer'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/**
 * The entries that make each kind. A deposit is the entry that credited or announced it (its
 * confirmation or cancellation moves its status, not the list); likewise a withdrawal's request.
 */
export const HISTORY_TYPES: Readonly<Record<HistoryKind, readonly OperationType[]>> = {
  deposit: ['deposit', 'deposit.pending'],
  withdrawal: ['withdrawal.request'],
  transfer: ['transfer'],
};

/**
 * Where a deposit, withdrawal or transfer stands: `pending` while its reservation is open,
 * `completed` once posted (an instant deposit and a transfer are completed at once), `cancelled`
 * once voided (the ledger does not tell a failure from a cancellation: each venue shows its own
 * word for both). A reservation closed with part posted counts as completed.
 */
export const HISTORY_STATUSES = ['pending', 'completed', 'cancelled'] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

/** The reservation states (`none`: the entry opened no reservation) each status stands for. */
const STATES_OF: Readonly<Record<HistoryStatus, readonly (ReservationState | 'none')[]>> = {
  pending: ['open'],
  completed: ['none', 'posted', 'closed'],
  cancelled: ['voided'],
};

export function statusOf(state: ReservationState | null): HistoryStatus {
  if (state === null) return 'completed';
  return state === 'open' ? 'pending' : state === 'voided' ? 'cancelled' : 'completed';
}

/** Most entries one history page returns. */
export const HISTORY_PAGE_MAX = 500;

export interface HistoryQuery {
  /** One account, or several read together (a venue's user-wide list): an entry touching two of them shows once. */
  readonly account: number | readonly number[];
  /** Absent: every kind (unless `types` is given). */
  readonly kinds?: readonly HistoryKind[];
  /**
   * Instead of `kinds`: the entries of exactly these operation types, whatever kind they make (an
   * account statement lists trades, borrowings and corrections too). Not together with `kinds`.
   */
  readonly types?: readonly OperationType[];
  readonly asset?: string;
  /** Inclusive bounds on the entry's time, ms since the epoch. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Absent: every status. */
  readonly statuses?: readonly HistoryStatus[];
  /** Only these entries, by key. */
  readonly keys?: readonly string[];
  /** The cursor: entries older (smaller journal id) than this one. */
  readonly beforeId?: number;
  /** The cursor back: entries newer (larger journal id) than this one, the page being the oldest of them, still listed newest first. */
  readonly afterId?: number;
  readonly offset?: number;
  /** 1 to HISTORY_PAGE_MAX. */
  readonly limit: number;
  /** Also tell, for each record, what these books of the account held right after it (`HistoryRecord.balancesAfter`). */
  readonly balancesOf?: readonly Bucket[];
}

export interface HistoryRecord {
  readonly entry: JournalEntry;
  /** Null for an entry of a type no kind lists (asked for by `types`). */
  readonly kind: HistoryKind | null;
  readonly status: HistoryStatus;
  /** When the status last changed: the entry's time for one that opened no reservation or whose change predates this record. */
  readonly updatedAtMs: number;
  /**
   * With `balancesOf`: per asset this entry posted to on those books of the account, their sum
   * right after it, counting every entry of the account up to this one in journal id order (what
   * a venue's statement shows as the balance after a line). Absent without `balancesOf`.
   */
  readonly balancesAfter?: ReadonlyMap<string, bigint>;
}

export interface HistoryResult {
  readonly records: HistoryRecord[];
  /** The cursor (`beforeId`) of the next page; null when this page reached the oldest match. */
  readonly next: number | null;
  /** The cursor (`afterId`) of the page before it (newer entries); null when this page holds the newest match. */
  readonly previous: number | null;
  /** Matches in all, whatever the cursor and offset. */
  readonly total: number;
}

export function kindOf(type: string): HistoryKind | undefined {
  return HISTORY_KINDS.find((kind) => (HISTORY_TYPES[kind] as readonly string[]).includes(type));
}

/** The store's filter for a query: operation types for the kinds, reservation states for the statuses. */
export function historyFilter(query: HistoryQuery) {
  const limit = query.limit;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > HISTORY_PAGE_MAX) {
    throw new LedgerError('INVALID_ARGUMENT', `limit must be an integer from 1 to ${HISTORY_PAGE_MAX}`, 'limit');
  }
  for (const [name, value] of [['fromMs', query.fromMs], ['toMs', query.toMs], ['beforeId', query.beforeId], ['afterId', query.afterId], ['offset', query.offset]] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new LedgerError('INVALID_ARGUMENT', `${name} must be a non-negative integer`, name);
  }
  if (query.types !== undefined) {
    if (query.kinds !== undefined) throw new LedgerError('INVALID_ARGUMENT', 'kinds and types exclude each other', 'types');
    const unknown = query.types.find((type) => !(OPERATION_TYPES as readonly string[]).includes(type));
    if (unknown !== undefined) throw new LedgerError('INVALID_ARGUMENT', `${unknown} is not an operation type`, 'types');
  }
  const unknownBucket = query.balancesOf?.find((bucket) => !(BUCKETS as readonly string[]).includes(bucket));
  if (unknownBucket !== undefined) throw new LedgerError('INVALID_ARGUMENT', `${unknownBucket} is not a bucket`, 'balancesOf');
  if (query.afterId !== undefined && query.offset !== undefined) throw new LedgerError('INVALID_ARGUMENT', 'offset counts from the newest match: not with afterId', 'offset');
  if (query.balancesOf !== undefined && typeof query.account !== 'number') throw new LedgerError('INVALID_ARGUMENT', 'balancesOf needs one account', 'balancesOf');
  const types = query.types ?? (query.kinds ?? HISTORY_KINDS).flatMap((kind) => HISTORY_TYPES[kind]);
  const statuses = query.statuses;
  return {
    filter: {
      account: query.account,
      types,
      ...(query.asset === undefined ? {} : { asset: query.asset }),
      ...(query.fromMs === undefined ? {} : { fromMs: query.fromMs }),
      ...(query.toMs === undefined ? {} : { toMs: query.toMs }),
      ...(statuses === undefined ? {} : { states: [...new Set(statuses.flatMap((s) => STATES_OF[s]))] }),
      ...(query.keys === undefined ? {} : { keys: query.keys }),
    },
    page: {
      limit,
      ...(query.beforeId === undefined ? {} : { beforeId: query.beforeId }),
      ...(query.afterId === undefined ? {} : { afterId: query.afterId }),
      ...(query.offset === undefined ? {} : { offset: query.offset }),
      ...(query.balancesOf === undefined ? {} : { balancesOf: query.balancesOf }),
    },
  };
}
