import type { LedgerStore, StoreTx } from '../store/store.js';
import { withCatalog, type CatalogCache } from './catalog-cache.js';
import { LedgerError } from './errors.js';
import type { OperationRequest } from './operations.js';
import { LedgerSession, withId, type ApplyResult, type StartedOperation } from './session.js';
import type { Asset } from './types.js';

/**
 * Group commit: single operations that arrive while a commit is under way are applied together in
 * the next transaction, each inside its own savepoint, so that one commit (one fsync, one round
 * of PostgreSQL's WAL flush) acknowledges many of them. Nothing is acknowledged before its
 * transaction commits, so every acknowledged operation is as durable as if it had committed
 * alone. A refused operation rolls back to its savepoint and is refused alone; the others in its
 * group still land.
 *
 * No timer waits for a group to fill: a transaction starts as soon as a lane is free (after one
 * event-loop turn), with whatever is queued. Under light load every operation commits alone; under load, groups grow by
 * themselves to the number of operations that arrived during one commit.
 *
 * Operations in one group have no order between them, which is right: the callers sent them
 * concurrently, so they had none. A caller that waits for one result before sending the next
 * never shares a group with it.
 */

export interface GroupCommitOptions {
  /** Transactions in flight at once: 1 for SQLite (one writer anyway); a few for PostgreSQL. */
  readonly lanes: number;
  /** Operations in one transaction at most. */
  readonly maxGroup: number;
}

interface Waiting {
  readonly request: OperationRequest;
  readonly resolve: (result: ApplyResult) => void;
  readonly reject: (error: unknown) => void;
}

/** `started`: a lone operation whose entry's insert went out with the COMMIT, answered once it commits. */
type Outcome = { readonly ok: ApplyResult } | { readonly refused: LedgerError } | { readonly started: StartedOperation };

/** The ledger's transactions (so that its events hear of each commit), and how the store runs them. */
export interface GroupTransactions extends Pick<LedgerStore, 'writeConcurrency' | 'commitRefusesAfterFailedWrite'> {
  /** `settle` runs after the commit, before the ledger's events hear of it (Ledger.transaction). */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>, settle?: (result: T) => Promise<unknown>): Promise<T>;
}

/** Counters for the benchmark: how many operations shared how many commits. */
export interface GroupCommitStats {
  readonly operations: number;
  readonly commits: number;
}

export class GroupCommitter {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private operations = 0;
  private commits = 0;

  constructor(
    /** The ledger's transactions (so that its events hear of each commit), and how many run well at once. */
    private readonly store: GroupTransactions,
    private readonly clockMs: () => number,
    /** Committed assets (a store only this process writes), and the catalog cache by epoch (catalog-cache.ts). */
    private readonly catalog: { readonly assets: ReadonlyMap<string, Asset>; readonly catalog: CatalogCache },
    private readonly options: GroupCommitOptions,
  ) {}

  apply(request: OperationRequest): Promise<ApplyResult> {
    return new Promise<ApplyResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  get stats(): GroupCommitStats {
    return { operations: this.operations, commits: this.commits };
  }

  /**
   * Starts transactions on free lanes, one event-loop turn later: requests already waiting on
   * their sockets are read and queued first. Without this turn a synchronous engine (SQLite) would
   * commit each operation before the next request was even parsed, and no group would ever form.
   */
  private pump(): void {
    if (this.scheduled || this.inFlight >= this.options.lanes) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startFree();
    });
  }

  private startFree(): void {
    while (this.inFlight < this.options.lanes && this.queue.length > 0) {
      const group = this.queue.splice(0, this.options.maxGroup);
      this.inFlight += 1;
      void this.commit(group).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /** One transaction for the group; results are handed out only after it commits. */
  private async commit(group: readonly Waiting[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      // The store may run this function again after a lost race: it rebuilds every outcome.
      outcomes = await withCatalog(
        (run) => this.store.transaction(run, (done) => Promise.all(done.map((o) => ('started' in o && !o.started.replayed ? o.started.id : undefined)))),
        (tx) => new LedgerSession(tx, this.clockMs(), this.catalog.assets, [], this.catalog.catalog),
        (session) => this.applyAll(session, group),
      );
    } catch (error) {
      // A refusal of the whole transaction comes from its end (a system book past the limit,
      // StoreTx.addToSystemBooks), so no savepoint could keep it to one operation: each one
      // then runs alone, and only the one that takes the book past the limit is refused.
      if (error instanceof LedgerError && error.code === 'INVALID_AMOUNT' && group.length > 1) {
        for (const w of group) await this.commit([w]);
        return;
      }
      for (const w of group) w.reject(error);
      return;
    }
    this.commits += 1;
    this.operations += group.length;
    for (const [i, outcome] of outcomes.entries()) {
      const w = group[i]!;
      if ('ok' in outcome) w.resolve(outcome.ok);
      else if ('refused' in outcome) w.reject(outcome.refused);
      else if (outcome.started.replayed) w.resolve(outcome.started.result);
      else w.resolve({ entry: withId(await outcome.started.id, outcome.started.entry), replayed: false });
    }
  }

  private async applyAll(session: LedgerSession, group: readonly Waiting[]): Promise<Outcome[]> {
    if (group.length > 1) {
      const requests = group.map((w) => w.request);
      // One writer (SQLite) has nothing to lock ahead, but still looks every key up at once.
      await (this.store.writeConcurrency > 1 ? session.prelock(requests) : session.lookUpKeys(requests));
    }
    // Alone, where the store refuses a COMMIT after a failed insert: the insert and the COMMIT go out together.
    if (group.length === 1 && this.store.commitRefusesAfterFailedWrite) return [{ started: await session.start(group[0]!.request) }];
    const outcomes: Outcome[] = [];
    for (const w of group) {
      try {
        if (group.length === 1) outcomes.push({ ok: await session.apply(w.request) });
        // Where a COMMIT is refused after a failed insert (PostgreSQL), an operation does not wait
        // for its entry's insert: the next one's statements follow it on the connection, and the
        // ids are awaited once the group has committed. An insert that fails (a key another
        // instance committed meanwhile) fails the whole transaction, which runs again and finds
        // the key; each savepoint's own name keeps a later refusal's ROLLBACK TO from undoing it
        // quietly (SqlTx.savepoint).
        else if (this.store.commitRefusesAfterFailedWrite) outcomes.push({ started: await session.savepoint(() => session.start(w.request)) });
        // One writer (SQLite): each operation's insert answers at once anyway.
        else outcomes.push({ ok: await session.savepoint(() => session.apply(w.request)) });
      } catch (error) {
        // A domain refusal is this operation's alone; anything else fails the whole transaction.
        if (!(error instanceof LedgerError)) throw error;
        if (group.length === 1) throw error;
        outcomes.push({ refused: error });
      }
    }
    return outcomes;
  }
}
