import { LedgerError } from './errors.js';
import type { OperationType } from './operation-types.js';
import type { ReservationState } from './operations.js';
import type { JournalEntry } from './types.js';

/**
 * An account's history, what each venue's deposit, withdrawal and transfer records show: journal
 * entries that touched the account, by kind, newest first, with the status each deposit or
 * withdrawal has reached as its reservation moved. The store finds the entries
 * (`LedgerStore.listHistory`); this file says which operation types make each kind and what a
 * reservation's state means as a status, so every venue maps one vocabulary to its own.
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
  /** Absent: every kind. */
  readonly kinds?: readonly HistoryKind[];
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
}

export interface HistoryRecord {
  readonly entry: JournalEntry;
  readonly kind: HistoryKind;
  readonly status: HistoryStatus;
  /** When the status last changed: the entry's time for one that opened no reservation or whose change predates this record. */
  readonly updatedAtMs: number;
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
  const kinds = query.kinds ?? HISTORY_KINDS;
  const statuses = query.statuses;
  return {
    filter: {
      account: query.account,
      types: kinds.flatMap((kind) => HISTORY_TYPES[kind]),
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
    },
  };
}
