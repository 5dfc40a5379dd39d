import { Ledger } from '../../src/ledger/ledger.js';
import type { Account } from '../../src/ledger/types.js';
import type { LedgerStore } from '../../src/store/store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { VENUES } from '../../src/venues/index.js';

export interface World {
  readonly ledger: Ledger;
  readonly alice: Account;
  readonly aliceSub: Account;
  readonly bob: Account;
}

export const memoryStore = (): LedgerStore => SqliteStore.open({ path: ':memory:' });

/** A ledger with BTC (8), ETH (18) and USDT (6), alice (with one sub-account) and bob, each with the served venues' facts. */
export async function makeWorld(store: LedgerStore = memoryStore(), clockMs: () => number = () => 1_700_000_000_000): Promise<World> {
  const ledger = new Ledger(store, clockMs, { venues: VENUES.map((v) => v.identity) });
  return ledger.session(async (s) => {
    await s.createAsset({ symbol: 'BTC', name: 'Bitcoin', scale: 8 });
    await s.createAsset({ symbol: 'ETH', name: 'Ether', scale: 18 });
    await s.createAsset({ symbol: 'USDT', name: 'Tether', scale: 6 });
    const alice = (await s.createUser({ name: 'alice' })).main;
    const aliceSub = await s.createSubAccount(alice.userId, { label: 'bot' });
    const bob = (await s.createUser({ name: 'bob' })).main;
    return { ledger, alice, aliceSub, bob };
  });
}

/** The account's buckets as a plain object of decimal base-unit strings, zero buckets left out. */
export async function bucketsOf(ledger: Ledger, account: number, asset: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const b of await ledger.balances(account)) {
    if (b.asset === asset && b.amount !== 0n) out[b.bucket] = b.amount.toString();
  }
  return out;
}

let keySeq = 0;
export const freshKey = (prefix = 'k'): string => `${prefix}-${++keySeq}`;
