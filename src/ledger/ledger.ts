import type { LedgerDump, LedgerStore, StoreTx } from '../store/store.js';
import { CatalogCache, withCatalog } from './catalog-cache.js';
import { CommitRecorder } from './commit-recorder.js';
import { LedgerError, assert } from './errors.js';
import { GroupCommitter, type GroupCommitOptions, type GroupCommitStats, type GroupTransactions } from './group-commit.js';
import type { OperationRequest } from './operations.js';
import { LedgerSession, isId, withId, type ApplyResult, type StartedOperation } from './session.js';
import type { Asset, Balance } from './types.js';
import { verifyStore, type VerifyReport } from './verify.js';
import { LedgerEvents, type LedgerEventsOptions } from './events.js';
import { ReadVersions, type CommitWrites } from './read-versions.js';
import type { VenueIdentity } from './venue-facts.js';
import { historyFilter, kindOf, statusOf, type HistoryQuery, type HistoryResult } from './history.js';

export const BATCH_SIZE_MAX = 1000;
export const JOURNAL_PAGE_MAX = 500;

export interface LedgerOptions {
  /**
   * Group commit for single operations (`apply`): `{}` turns it on, with `GROUP_COMMIT_LANES`
   * transactions at once (1 on a single-writer store). Off by default in the library (every
   * operation commits alone); the product turns it on (`--group-commit`, docs/benchmarks.md).
   */
  readonly groupCommit?: Partial<GroupCommitOptions> | false;
  readonly events?: LedgerEventsOptions;
  /**
   * What each venue served knows assets, users and accounts by (each venue's `identity`): the
   * ledger checks, generates and stores these facts on create. None by default: subjects then
   * carry no venue facts.
   */
  readonly venues?: readonly VenueIdentity[];
}

/** How long a read trusts a cached asset on a store other instances can reset (the venue key caches' bound too). */
export const SHARED_ASSET_TTL_MS = 5_000;

/**
 * Group commit transactions in flight at once, on a store that runs several writers: one commits
 * while the next gathers what arrives meanwhile and takes its locks. More lanes split the same
 * arrivals into smaller groups that queue on the same books' row locks (measured on PostgreSQL,
 * 32 connections: 5 lanes gave 5 operations per commit and 0.6 of raw PostgreSQL on the hot
 * workload, 2 lanes 10 per commit and 0.9; docs/benchmarks.md).
 */
export const GROUP_COMMIT_LANES = 2;

/** Operations in one group commit at most: big enough to amortize a commit, small enough to keep locks short. */
export const GROUP_COMMIT_MAX = 100;

/**
 * The ledger: the one place balances change. Every write runs in one store transaction through a
 * `LedgerSession`; reads go straight to the store.
 */
export class Ledger {
  /**
   * Assets never change once created, so a hit is right until the store is reset. This process's
   * resets clear it at once; on a store shared by instances, another instance may reset it, so
   * there an entry is trusted for `SHARED_ASSET_TTL_MS` on reads, and writes read assets inside
   * their own transaction (exact, always).
   */
  private readonly assetCache = new Map<string, Asset>();
  private readonly assetCachedAtMs = new Map<string, number>();
  private readonly writeAssets: ReadonlyMap<string, Asset>;
  private resets = 0;
  private readonly groups: GroupCommitter | null;
  /** Assets and accounts for writes, by the catalog's epoch where the store tells it (catalog-cache.ts). */
  private readonly catalog: CatalogCache;
  /** Committed journal entries, to in-process subscribers (events.ts). */
  readonly events: LedgerEvents;
  /** The venues' fact declarations sessions build subjects with. */
  readonly venues: readonly VenueIdentity[];
  /** Per-account versions a read cache keys on: bumped by every commit and reset here, and by notices of changes made elsewhere. */
  readonly readVersions: ReadVersions;

  constructor(
    readonly store: LedgerStore,
    private readonly clockMs: () => number = Date.now,
    options: LedgerOptions = {},
  ) {
    this.writeAssets = store.sharedByInstances ? new Map() : this.assetCache;
    this.catalog = new CatalogCache();
    this.events = new LedgerEvents(store, options.events);
    this.readVersions = new ReadVersions(store, options.events?.onError);
    this.venues = options.venues ?? [];
    const group = options.groupCommit ?? false;
    const transactions: GroupTransactions = {
      transaction: (fn, settle) => this.transaction(fn, settle),
      writeConcurrency: store.writeConcurrency,
      commitRefusesAfterFailedWrite: store.commitRefusesAfterFailedWrite,
    };
    this.groups =
      group === false
        ? null
        : new GroupCommitter(transactions, clockMs, { assets: this.writeAssets, catalog: this.catalog }, {
            lanes: group.lanes ?? Math.min(GROUP_COMMIT_LANES, store.writeConcurrency),
            maxGroup: group.maxGroup ?? GROUP_COMMIT_MAX,
          });
  }

  /** Runs `fn` with a session in one transaction: all of it lands, or none of it. */
  session<T>(fn: (session: LedgerSession) => Promise<T>, settle?: (result: T) => Promise<unknown>): Promise<T> {
    return withCatalog(
      (run) => this.transaction(run, settle),
      (tx) => new LedgerSession(tx, this.clockMs(), this.writeAssets, this.venues, this.catalog),
      fn,
    );
  }

  /**
   * Every ledger write (sessions, batches, scenario loads, commit groups) commits here, so that the
   * events hear of each commit once it is done. While someone listens, the transaction's balance
   * writes are recorded, and events carry each entry's balances as that entry left them.
   */
  private async transaction<T>(fn: (tx: StoreTx) => Promise<T>, settle?: (result: T) => Promise<unknown>): Promise<T> {
    let recorder: CommitRecorder | null = null;
    const written: CommitWrites = { balances: [], everything: false };
    let result: T;
    try {
      result = await this.store.transaction((tx) => {
        // A rerun (a lost race) starts a new record: only the run that commits counts.
        recorder = this.events.active ? new CommitRecorder() : null;
        const recorded = this.readVersions.recording(tx, written);
        return fn(recorder ? recorder.wrap(recorded) : recorded);
      });
      // What `fn` sent without waiting (an entry's insert sent with the COMMIT) is recorded once answered.
      if (settle) await settle(result);
    } finally {
      // Before the writer is answered, so its next read here sees the write; also when the commit's
      // outcome is unknown (a failed COMMIT may have landed).
      this.readVersions.committed(written);
    }
    this.events.committed((recorder as CommitRecorder | null)?.entries ?? null);
    return result;
  }

  /** One operation; with group commit, it may share its transaction (never its outcome) with concurrent ones. */
  apply(request: OperationRequest): Promise<ApplyResult> {
    if (this.groups) return this.groups.apply(request);
    if (!this.store.commitRefusesAfterFailedWrite) return this.session((s) => s.apply(request));
    return this.applyWithCommit(request);
  }

  /**
   * One operation whose entry's insert and COMMIT go out together (one round trip fewer): the
   * store refuses the COMMIT if the insert failed, and reports the insert's failure.
   */
  private async applyWithCommit(request: OperationRequest): Promise<ApplyResult> {
    const started = await this.session(
      (s) => s.start(request),
      (st) => (st.replayed ? Promise.resolve() : st.id),
    );
    return started.replayed ? started.result : { entry: withId(await started.id, started.entry), replayed: false };
  }

  /** How many operations shared how many commits (null when group commit is off). */
  get groupCommitStats(): GroupCommitStats | null {
    return this.groups?.stats ?? null;
  }

  /** Applies many operations in one transaction: all land, or the first refusal refuses the batch. */
  async applyBatch(requests: readonly OperationRequest[]): Promise<ApplyResult[]> {
    if (requests.length === 0 || requests.length > BATCH_SIZE_MAX) {
      throw new LedgerError('INVALID_ARGUMENT', `a batch holds 1 to ${BATCH_SIZE_MAX} operations`, 'operations');
    }
    return this.session(async (s) => {
      if (requests.length > 1) await (this.store.writeConcurrency > 1 ? s.prelock(requests) : s.lookUpKeys(requests));
      // Each operation is sent without waiting for its entry's insert (LedgerSession.start); the
      // ids are awaited once at the end. A failed insert fails every query after it on the
      // connection, so the first failure is the one reported.
      const started: StartedOperation[] = [];
      const atIndex = (i: number, error: unknown) => {
        if (!(error instanceof LedgerError)) return error;
        const path = error.path ? `operations/${i}/${error.path}` : `operations/${i}`;
        return new LedgerError(error.code, `operations/${i}: ${error.message}`, path);
      };
      const ids = () => started.map((x) => (x.replayed ? x.result.entry.id : x.id));
      for (const [i, request] of requests.entries()) {
        try {
          started.push(await s.start(request));
        } catch (error) {
          const earlier = await Promise.allSettled(ids());
          const failed = earlier.findIndex((o) => o.status === 'rejected');
          if (failed >= 0) throw atIndex(failed, (earlier[failed] as PromiseRejectedResult).reason);
          throw atIndex(i, error);
        }
      }
      const settled = await Promise.allSettled(ids());
      const failed = settled.findIndex((o) => o.status === 'rejected');
      if (failed >= 0) throw atIndex(failed, (settled[failed] as PromiseRejectedResult).reason);
      return started.map((x, i) => (x.replayed ? x.result : { entry: withId((settled[i] as PromiseFulfilledResult<number>).value, x.entry), replayed: false }));
    });
  }

  /** An account's balances; only an account with none costs a second query, to tell "empty" from "unknown". */
  async balances(account: number): Promise<Balance[]> {
    const balances = isId(account) ? await this.store.readBalances(account) : [];
    if (balances.length === 0 && !(isId(account) && (await this.store.getAccount(account)))) {
      throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${account}`, 'account');
    }
    return balances;
  }

  journal(afterId: number, limit: number) {
    return this.store.listJournal(afterId, Math.min(Math.max(limit, 1), JOURNAL_PAGE_MAX));
  }

  /**
   * An account's deposits, withdrawals and transfers (or entries of any `types`), newest first,
   * each with its status and, when asked, the balances right after it (./history.ts); paged by the journal id cursor `next` (stable under concurrent writes: see
   * `LedgerStore.listHistory`). An unknown account is ACCOUNT_NOT_FOUND.
   */
  async history(query: HistoryQuery): Promise<HistoryResult> {
    const { filter, page } = historyFilter(query);
    for (const account of typeof query.account === 'number' ? [query.account] : query.account) {
      if (!(isId(account) && (await this.store.getAccount(account)))) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account ${account}`, 'account');
    }
    const found = await this.store.listHistory(filter, page);
    const records = found.entries.map(({ entry, reservationState, reservationAtMs, balancesAfter }) => {
      const kind = kindOf(entry.type) ?? null;
      assert(kind !== null || query.types !== undefined, `the history filter asks only for history types, not ${entry.type}`);
      return { entry, kind, status: statusOf(reservationState), updatedAtMs: reservationAtMs ?? entry.atMs, ...(balancesAfter === undefined ? {} : { balancesAfter }) };
    });
    return { records, next: found.next, previous: found.previous, total: found.total };
  }

  async asset(symbol: string): Promise<Asset | undefined> {
    const cached = this.assetCache.get(symbol);
    if (cached && (!this.store.sharedByInstances || this.clockMs() - (this.assetCachedAtMs.get(symbol) ?? 0) < SHARED_ASSET_TTL_MS)) return cached;
    const asset = await this.store.getAsset(symbol);
    if (asset) {
      this.assetCache.set(symbol, asset);
      this.assetCachedAtMs.set(symbol, this.clockMs());
    } else {
      this.assetCache.delete(symbol);
    }
    return asset;
  }

  /** Empties the store (sandbox use). */
  async reset(): Promise<void> {
    this.forgetCatalog();
    await this.store.reset();
    this.replaced(0);
  }

  /** Every row of the ledger as one committed state: what `restore` takes back (a snapshot's content). */
  dump(): Promise<LedgerDump> {
    return this.store.dump();
  }

  /**
   * Replaces the whole ledger with `dump` (sandbox use) in one transaction, and then treats it as
   * a reset does: caches of this process forgotten, every read version bumped, event subscribers
   * told `reset`, after which their events are those of entries committed after the dump's newest.
   * The caller checks the dump's consistency first (the snapshot file's reader does).
   */
  async restore(dump: LedgerDump): Promise<void> {
    this.forgetCatalog();
    await this.store.restore(dump);
    this.replaced(dump.entries.at(-1)?.id ?? 0);
  }

  private forgetCatalog(): void {
    this.catalog.clear();
    this.assetCache.clear();
    this.assetCachedAtMs.clear();
  }

  /** After the store was emptied or replaced by a journal whose newest entry is `position`. */
  private replaced(position: number): void {
    // Again after the store's work: a read during it may have cached what is gone.
    this.forgetCatalog();
    this.resets++;
    this.readVersions.touchAll();
    this.events.reset(position);
  }

  /**
   * Changes whenever this process empties the store: a cache of credentials or accounts keyed on
   * it never outlives a reset made here. (A reset made by another process is bounded by the
   * cache's own time limit.)
   */
  get generation(): number {
    return this.resets;
  }

  verify(): Promise<VerifyReport> {
    return verifyStore(this.store);
  }
}
