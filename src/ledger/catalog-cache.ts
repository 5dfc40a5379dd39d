import type { StoreTx } from '../store/store.js';
import type { Account, Asset } from './types.js';

/**
 * Assets and accounts read by earlier transactions, for writes. A plan needs only whether an
 * account exists and an asset's symbol and scale, and neither changes once created; only a reset
 * removes them, possibly by another instance (PostgreSQL) or another process on the same file
 * (SQLite: `assetbook reset --db` beside a server). Each entry
 * therefore belongs to an epoch of the catalog (`StoreTx.catalogEpoch`, a count of resets read in
 * the transaction's first round trip): a transaction that used an entry of another epoch than its
 * own is run again with the cache emptied (`CatalogStale`), so a plan never stands on a catalog a
 * reset removed. With every name a request gives cached, its plan needs no read, and the key
 * lookup and the lock of its books go out together (`LedgerSession.start`).
 *
 * Entries are learnt only from transactions that committed (`learn`), so a rolled-back creation
 * never enters it.
 */
export class CatalogCache {
  private epoch: number | null = null;
  private assets = new Map<string, Asset>();
  private accounts = new Map<number, Account>();

  /** The epoch the entries belong to, or null when it holds none. */
  get currentEpoch(): number | null {
    return this.epoch;
  }

  asset(symbol: string): Asset | undefined {
    return this.assets.get(symbol);
  }

  account(id: number): Account | undefined {
    return this.accounts.get(id);
  }

  /** What a committed transaction read at `epoch`; an epoch newer than the entries' empties them first. */
  learn(epoch: number, assets: Iterable<Asset>, accounts: Iterable<Account>): void {
    if (this.epoch !== null && epoch < this.epoch) return;
    if (this.epoch !== epoch) this.clear(epoch);
    for (const asset of assets) this.assets.set(asset.symbol, asset);
    for (const account of accounts) this.accounts.set(account.id, account);
  }

  /** Forgets every entry (this process reset the store, or a transaction found a newer epoch). */
  clear(epoch: number | null = null): void {
    this.epoch = epoch;
    this.assets = new Map();
    this.accounts = new Map();
  }
}

/** A transaction planned with cached entries of an epoch the store has left: the ledger runs it again. */
export class CatalogStale extends Error {
  constructor() {
    super('the catalog was reset since its entries were cached');
  }
}

/** What `withCatalog` needs of a session (LedgerSession). */
interface CatalogSession {
  confirmCatalog(): Promise<void>;
  learnCatalog(): void;
}

/**
 * Runs `fn` with a session in one transaction, confirms the cached catalog it planned with before
 * the commit (and before a refusal leaves: a refusal may come from a stale entry), teaches the
 * cache what it read once it committed, and runs it again when its entries were stale.
 */
export async function withCatalog<S extends CatalogSession, T>(
  transaction: (run: (tx: StoreTx) => Promise<T>) => Promise<T>,
  open: (tx: StoreTx) => S,
  fn: (session: S) => Promise<T>,
): Promise<T> {
  for (;;) {
    let session: S | null = null;
    try {
      const result = await transaction(async (tx) => {
        const current = open(tx);
        session = current;
        let value: T;
        try {
          value = await fn(current);
        } catch (error) {
          // The refusal stands unless the catalog was stale (then this run does not count).
          await current.confirmCatalog().catch((failure: unknown) => {
            if (failure instanceof CatalogStale) throw failure;
          });
          throw error;
        }
        await current.confirmCatalog();
        return value;
      });
      (session as S | null)?.learnCatalog();
      return result;
    } catch (error) {
      if (!(error instanceof CatalogStale)) throw error;
    }
  }
}
