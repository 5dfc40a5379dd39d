import type { Account } from '../../ledger/types.js';
import type { LedgerStore } from '../../store/store.js';
import type { AccountSelector } from './params.js';

/**
 * Finds accounts by their Loopring identity (account id or owner address). The store looks
 * accounts up by assetbook id only, so this keeps a map from each Loopring identity to the
 * assetbook id, filled from the account list. A hit is confirmed by reading the account again
 * (identities never change, but a sandbox reset reuses assetbook ids); a miss re-reads the list
 * once, so accounts created since are found at once.
 */
export class AccountDirectory {
  private byAccountId = new Map<number, number>();
  private byAddress = new Map<string, number>();

  constructor(private readonly store: LedgerStore) {}

  async find(selector: AccountSelector): Promise<Account | undefined> {
    const known = this.idOf(selector);
    if (known !== undefined) {
      const account = await this.store.getAccount(known);
      if (account && matches(account, selector)) return account;
    }
    const accounts = await this.store.listAccounts();
    this.byAccountId = new Map(accounts.map((a) => [a.loopringAccountId, a.id]));
    this.byAddress = new Map(accounts.map((a) => [a.loopringAddress, a.id]));
    return accounts.find((a) => matches(a, selector));
  }

  private idOf(selector: AccountSelector): number | undefined {
    return selector.accountId !== undefined ? this.byAccountId.get(selector.accountId) : this.byAddress.get(selector.address);
  }
}

/** True when the account is the one the selector names. */
export function matches(account: Account, selector: AccountSelector): boolean {
  return selector.accountId !== undefined ? account.loopringAccountId === selector.accountId : account.loopringAddress === selector.address;
}
