import type { Account } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { FreshCache } from '../shared/fresh-cache.js';
import { REVALIDATE_MS } from './sessions.js';
import { tradingAccountIdOf } from './identity.js';

/** Users whose account lists are remembered at most; the oldest is forgotten first (and simply read again if used). */
export const ACCOUNT_LISTS_MAX = 10_000;

/**
 * A user's trading accounts (main first, then sub-accounts), looked up by Bullish trading account
 * id. Remembered per user and re-read after `REVALIDATE_MS`, after a reset made in this process
 * (a new ledger generation), or at once when an id is not found (a sub-account created since), so
 * the asset read does not query the accounts table every time.
 */
export class TradingAccountDirectory {
  private readonly byUser = new FreshCache<number, readonly Account[]>(REVALIDATE_MS, ACCOUNT_LISTS_MAX);

  constructor(
    private readonly identities: Pick<VenuePort, 'accountsOfUser'>,
    /** The server clock (the port's): never the wall clock, so tests hold it. */
    private readonly clockMs: () => number,
    private readonly generationOf: () => number = () => 0,
  ) {}

  async listOfUser(userId: number): Promise<readonly Account[]> {
    return this.byUser.get(userId, this.generationOf(), this.clockMs()) ?? this.read(userId);
  }

  /** The user's account with this trading account id; undefined when the user has none by that id. */
  /** The account when this user's accounts are remembered and hold it: at once, for the hot read; else undefined. */
  known(userId: number, tradingAccountId: string): Account | undefined {
    return this.byUser.get(userId, this.generationOf(), this.clockMs())?.find((a) => tradingAccountIdOf(a) === tradingAccountId);
  }

  async find(userId: number, tradingAccountId: string): Promise<Account | undefined> {
    const found = this.known(userId, tradingAccountId);
    if (found) return found;
    return (await this.read(userId)).find((a) => tradingAccountIdOf(a) === tradingAccountId);
  }

  private async read(userId: number): Promise<readonly Account[]> {
    // Generation and time from before the read: a reset or a change made during it is not hidden.
    const generation = this.generationOf();
    const nowMs = this.clockMs();
    const accounts = await this.identities.accountsOfUser(userId);
    this.byUser.set(userId, accounts, generation, nowMs);
    return accounts;
  }
}
