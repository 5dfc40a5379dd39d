import type { Account } from '../../ledger/types.js';
import type { LedgerStore } from '../../store/store.js';
import { REVALIDATE_MS } from './sessions.js';

interface Known {
  readonly accounts: readonly Account[];
  readonly readAtMs: number;
  readonly generation: number;
}

/**
 * A user's trading accounts (main first, then sub-accounts), looked up by Bullish trading account
 * id. Remembered per user and re-read after `REVALIDATE_MS`, after a reset made in this process
 * (a new ledger generation), or at once when an id is not found (a sub-account created since), so
 * the asset read does not query the accounts table every time.
 */
export class TradingAccountDirectory {
  private readonly byUser = new Map<number, Known>();

  constructor(
    private readonly store: LedgerStore,
    private readonly clockMs: () => number = Date.now,
    private readonly generationOf: () => number = () => 0,
  ) {}

  async listOfUser(userId: number): Promise<readonly Account[]> {
    const known = this.byUser.get(userId);
    if (known && this.isFresh(known)) return known.accounts;
    return this.read(userId);
  }

  /** The user's account with this trading account id; undefined when the user has none by that id. */
  async find(userId: number, tradingAccountId: string): Promise<Account | undefined> {
    const known = this.byUser.get(userId);
    if (known && this.isFresh(known)) {
      const found = known.accounts.find((a) => a.bullishTradingAccountId === tradingAccountId);
      if (found) return found;
    }
    return (await this.read(userId)).find((a) => a.bullishTradingAccountId === tradingAccountId);
  }

  private isFresh(known: Known): boolean {
    return known.generation === this.generationOf() && this.clockMs() - known.readAtMs < REVALIDATE_MS;
  }

  private async read(userId: number): Promise<readonly Account[]> {
    const generation = this.generationOf();
    const accounts = await this.store.listAccounts({ userId });
    this.byUser.set(userId, { accounts, readAtMs: this.clockMs(), generation });
    return accounts;
  }
}
