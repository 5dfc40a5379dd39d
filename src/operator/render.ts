import { formatAmount } from '../ledger/amount.js';
import { assert } from '../ledger/errors.js';
import type { Ledger } from '../ledger/ledger.js';
import { BUCKETS, type Account, type Asset, type Balance, type Bucket, type JournalEntry, type User } from '../ledger/types.js';
import { showFacts, type VenueIdentity } from '../ledger/venue-facts.js';
import type { CredentialRecord } from '../store/store.js';

/** Ledger values to operator wire values: amounts as decimal strings in the asset's unit. */

async function scaleOf(ledger: Ledger, symbol: string): Promise<number> {
  const asset = await ledger.asset(symbol);
  assert(asset, `journal names a known asset (${symbol})`);
  return asset.scale;
}

/** Journal entries as the wire shows them, each asset's scale looked up once for them all. */
export async function renderEntries(ledger: Ledger, entries: readonly JournalEntry[]) {
  const scales = new Map<string, number>();
  for (const entry of entries) {
    for (const p of entry.postings) if (!scales.has(p.asset)) scales.set(p.asset, await scaleOf(ledger, p.asset));
  }
  return entries.map((entry) => ({
    id: entry.id,
    key: entry.key,
    type: entry.type,
    atMs: entry.atMs,
    request: entry.request,
    postings: entry.postings.map((p) => ({ account: p.account, bucket: p.bucket, asset: p.asset, amount: formatAmount(p.amount, scales.get(p.asset) ?? 0) })),
  }));
}

export async function renderEntry(ledger: Ledger, entry: JournalEntry) {
  const [rendered] = await renderEntries(ledger, [entry]);
  assert(rendered, 'one entry renders as one');
  return rendered;
}

type AssetBalances = { asset: string; updatedAtMs: Partial<Record<Bucket, number>> } & Record<Bucket, string>;

/** One row per asset the account has ever held, every bucket present (zero when never written). */
export async function renderBalances(ledger: Ledger, account: number, balances: readonly Balance[]) {
  const byAsset = new Map<string, Balance[]>();
  for (const b of balances) {
    const rows = byAsset.get(b.asset);
    if (rows) rows.push(b);
    else byAsset.set(b.asset, [b]);
  }
  const assets: AssetBalances[] = [];
  for (const [symbol, rows] of [...byAsset].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const scale = await scaleOf(ledger, symbol);
    const row = { asset: symbol, updatedAtMs: {} } as AssetBalances;
    for (const bucket of BUCKETS) row[bucket] = '0';
    for (const b of rows) {
      row[b.bucket] = formatAmount(b.amount, scale);
      row.updatedAtMs[b.bucket] = b.updatedAtMs;
    }
    assets.push(row);
  }
  return { account, assets };
}

/** A credential without anything secret: what else it keeps is named, never shown. */
export function renderCredential(c: CredentialRecord) {
  return {
    id: c.id,
    venue: c.venue,
    userId: c.userId,
    accountId: c.accountId,
    label: c.label,
    publicId: c.publicId,
    extra: Object.keys(c.extra).sort(),
    createdAtMs: c.createdAtMs,
  };
}

/** Catalog subjects with their stored venue facts in the API's form, every venue served present. */
export function renderAsset(schemes: readonly VenueIdentity[], asset: Asset) {
  return { ...asset, venues: showFacts(schemes, 'asset', asset.venues) };
}

export function renderAccount(schemes: readonly VenueIdentity[], account: Account) {
  return { ...account, venues: showFacts(schemes, 'account', account.venues) };
}

export function renderUser(schemes: readonly VenueIdentity[], user: User, accounts: readonly Account[]) {
  return { ...user, venues: showFacts(schemes, 'user', user.venues), accounts: accounts.map((a) => renderAccount(schemes, a)) };
}
