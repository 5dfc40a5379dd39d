import { compareBalanceKeys, type BalanceDelta, type BalanceWrite, type NewOperation, type StoreTx } from '../store/store.js';
import { withOverrides } from './tx-overrides.js';

/** A committed entry of this process, with each book it touched as that entry left it. */
export interface CommittedEntry {
  readonly id: number;
  readonly balances: readonly BalanceWrite[];
}

/**
 * Watches one transaction's writes so that, once it commits, the ledger's events can carry each
 * entry's balances as of that entry without reading them again: the balances an operation writes
 * are exactly the books it touched, netted, and its entry is inserted right after them. A
 * savepoint attempt that rolls back (the whole savepoint, or one attempt the store runs again)
 * forgets what was recorded inside it, as the database does.
 */
export class CommitRecorder {
  private unattached: BalanceWrite[] = [];
  private readonly recorded: CommittedEntry[] = [];

  get entries(): readonly CommittedEntry[] {
    return this.recorded;
  }

  wrap(tx: StoreTx): StoreTx {
    const writeBalances = async (rows: readonly BalanceWrite[]): Promise<void> => {
      await tx.writeBalances(rows);
      this.unattached.push(...rows);
    };
    // A system book is added to without a read (StoreTx.addToSystemBooks). To tell its balance as
    // of the entry, it is locked first: held, it changes only by this transaction, whose earlier
    // additions the lock's read includes; so recording costs the serialization it avoids, and
    // only while someone listens.
    const addToSystemBooks = async (deltas: readonly BalanceDelta[]): Promise<void> => {
      const current = await tx.lockBalances(deltas);
      await tx.addToSystemBooks(deltas);
      this.unattached.push(...deltas.map((d, i) => ({ account: d.account, bucket: d.bucket, asset: d.asset, amount: (current[i] ?? 0n) + d.delta, atMs: d.atMs })));
    };
    const insertOperation = async (operation: NewOperation): Promise<number> => {
      // Taken before waiting: a batch sends the next operation's writes before this id is back.
      const balances = this.unattached.sort(compareBalanceKeys);
      this.unattached = [];
      // Recorded in sending order before the id is back, so a later savepoint's marks count it: a
      // commit group sends its next operation (and may roll that one back) while this insert is
      // on its way. The id is filled in once answered; a failed insert fails the transaction.
      const slot = { id: 0, balances };
      this.recorded.push(slot);
      slot.id = await tx.insertOperation(operation);
      return slot.id;
    };
    const savepoint = async <T>(fn: () => Promise<T>): Promise<T> => {
      const marks = { unattached: this.unattached.length, recorded: this.recorded.length };
      const rollBack = () => {
        this.unattached.length = marks.unattached;
        this.recorded.length = marks.recorded;
      };
      try {
        // The store may run `fn` more than once (a rerun after a lost key race): each attempt
        // starts from the marks, so only the attempt the database keeps stays recorded.
        return await tx.savepoint(() => {
          rollBack();
          return fn();
        });
      } catch (error) {
        rollBack();
        throw error;
      }
    };
    const overrides: Partial<StoreTx> = { writeBalances, addToSystemBooks, insertOperation, savepoint };
    return withOverrides(tx, overrides);
  }
}
