import type { Account } from '../../ledger/types.js';
import type { LedgerStore } from '../../store/store.js';
import { REVALIDATE_MS } from './sessions.js';

/**
 * A user's trading accounts (main first, then sub-accounts), looked up by Bullish trading account
 * id. Remembered per user and re-read after `REVALIDATE_MS`, or at once when an id is not found
 * (a sub-account created since), so the asset read does not query the accounts table every time.
 */
export class TradingAccountDirectory {
  private readonly byUser = new Map<number, { readonly accounts: readonly Account[]; readonly readAtMs: number }>();

  constructor(
    private readonly store: LedgerStore,
    private readonly clockMs: () => number = Date.now,
  ) {}

  async ofUser(userId: number): Promise<readonly Account[]> {
    const known = this.byUser.get(userId);
    if (known && this.clockMs() - known.readAtMs < REVALIDATE_MS) return known.accounts;
    return this.read(userId);
  }

  /** The user's account with this trading account id; undefined when the user has none by that id. */
  async find(userId: number, tradingAccountId: string): Promise<Account | undefined> {
    const known = this.byUser.get(userId);
    if (known && this.clockMs() - known.readAtMs < REVALIDATE_MS) {
      const found = known.accounts.find((a) => a.bullishTradingAccountId === tradingAccountId);
      if (found) return found;
    }
    return (await this.read(userId)).find((a) => a.bullishTradingAccountId === tradingAccountId);
  }

  private async read(userId: number): Promise<readonly Account[]> {
    const accounts = await this.store.listAccounts({ userId });
    this.byUser.set(userId, { accounts, readAtMs: this.clockMs() });
    return accounts;
  }
}
