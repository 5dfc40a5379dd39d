import type { Account, AccountKind, Asset, FactsByVenue, User } from '../ledger/types.js';
import type { Identity } from '../ledger/venue-facts.js';
import type { LedgerStore, StoreTx } from './store.js';

/**
 * Catalog rows written straight through the store interface, for the store's own tests: they prove
 * what the store keeps and refuses, not the ledger's catalog rules (checks, generated facts),
 * which the ledger's tests prove. Facts here belong to made-up venues: the store must not care
 * which venues exist.
 */

const AT_MS = 1_700_000_000_000;

/** Every fact of `venues` whose name is in `unique`, as the identities the store indexes. */
export function identitiesOf(venues: FactsByVenue, unique: readonly string[] = []): Identity[] {
  const out: Identity[] = [];
  for (const [venue, facts] of Object.entries(venues)) {
    for (const [name, value] of Object.entries(facts)) if (unique.includes(name)) out.push({ venue, name, value });
  }
  return out;
}

export async function addAsset(tx: StoreTx, symbol: string, scale: number, venues: FactsByVenue = {}, unique: readonly string[] = []): Promise<Asset> {
  const asset: Asset = { symbol, name: symbol, scale, venues };
  await tx.insertAsset(asset, AT_MS, identitiesOf(venues, unique));
  return asset;
}

export async function addAccount(
  tx: StoreTx,
  userId: number,
  kind: AccountKind,
  label: string,
  venues: FactsByVenue = {},
  unique: readonly string[] = [],
): Promise<Account> {
  const id = await tx.allocateAccountId();
  const account: Account = { id, userId, kind, label, venues, createdAtMs: AT_MS };
  await tx.insertAccount(account, identitiesOf(venues, unique));
  return account;
}

export async function addUser(
  tx: StoreTx,
  name: string,
  options: { venues?: FactsByVenue; main?: FactsByVenue; unique?: readonly string[] } = {},
): Promise<{ user: User; main: Account }> {
  const fields = { name, venues: options.venues ?? {}, createdAtMs: AT_MS };
  const id = await tx.insertUser(fields, identitiesOf(fields.venues, options.unique));
  const main = await addAccount(tx, id, 'main', 'main', options.main, options.unique);
  return { user: { id, ...fields }, main };
}

/** Assets `symbols` (with their scales) and one user per name, each with a main account: their main account ids by name. */
export async function seedStore(store: LedgerStore, assets: Readonly<Record<string, number>>, users: readonly string[]): Promise<Record<string, number>> {
  return store.transaction(async (tx) => {
    for (const [symbol, scale] of Object.entries(assets)) await addAsset(tx, symbol, scale);
    const out: Record<string, number> = {};
    for (const name of users) out[name] = (await addUser(tx, name)).main.id;
    return out;
  });
}
