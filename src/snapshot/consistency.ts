import { LedgerError } from '../ledger/errors.js';
import type { Reservation } from '../ledger/operations.js';
import { BUCKETS, SYSTEM_ACCOUNT, SYSTEM_BOOKS, type Bucket, type Posting } from '../ledger/types.js';
import { verifyScans } from '../ledger/verify.js';
import type { BalanceWrite, StoreScans } from '../store/store.js';
import type { SnapshotLedger } from './format.js';

/**
 * What a snapshot's ledger must be, beyond each field's shape, for a store to take it whole and
 * for `verify` to be clean after: every unique name unique (as the store's keys are), every
 * reference resolving (an account's user, a credential's account of that user, an identity's
 * subject holding that fact, a posting's, balance's or reservation's account and asset), user
 * buckets on accounts and system books on the system account only, journal ids ascending, and
 * the ledger's invariants (`verify`: zero-sum entries, balances equal to the journal, no
 * negative account book, reservations that add up). The first problem found is the refusal.
 */
export async function checkConsistency(ledger: SnapshotLedger): Promise<void> {
  const at = (...parts: (string | number)[]) => ['ledger', ...parts].join('/');
  const fail = (message: string, ...path: (string | number)[]): never => {
    throw new LedgerError('INVALID_ARGUMENT', `${at(...path)}: ${message}`, at(...path));
  };
  const unique = <T>(rows: readonly T[], keyOf: (row: T) => string, table: string, field: string, what: string) => {
    const seen = new Set<string>();
    rows.forEach((row, i) => {
      const key = keyOf(row);
      if (seen.has(key)) fail(`${what} ${key} appears twice`, table, i, field);
      seen.add(key);
    });
    return seen;
  };

  const assets = unique(ledger.assets, (a) => a.symbol, 'assets', 'symbol', 'asset');
  const users = new Map(ledger.users.map((u) => [u.id, u]));
  unique(ledger.users, (u) => String(u.id), 'users', 'id', 'user');
  unique(ledger.users, (u) => u.name, 'users', 'name', 'user name');
  unique(ledger.accounts, (a) => String(a.id), 'accounts', 'id', 'account');
  const accounts = new Map(ledger.accounts.map((a) => [a.id, a]));
  const mains = new Set<number>();
  ledger.accounts.forEach((a, i) => {
    if (!users.has(a.userId)) fail(`no user ${a.userId}`, 'accounts', i, 'userId');
    if (a.kind === 'main' && mains.has(a.userId)) fail(`user ${a.userId} has a second main account`, 'accounts', i, 'kind');
    if (a.kind === 'main') mains.add(a.userId);
  });

  unique(ledger.identities, (x) => `${x.subject} ${x.venue} ${x.name} ${x.value}`, 'identities', 'value', 'identity');
  const assetFacts = new Map(ledger.assets.map((a) => [a.symbol, a.venues]));
  /** The facts of an identity's owner: an asset by symbol, a user or account by its id written plainly. */
  const factsOf = (subject: string, owner: string) => {
    if (subject === 'asset') return assetFacts.get(owner);
    if (String(Number(owner)) !== owner) return undefined;
    return (subject === 'user' ? users.get(Number(owner)) : accounts.get(Number(owner)))?.venues;
  };
  ledger.identities.forEach((x, i) => {
    const facts = factsOf(x.subject, x.owner);
    if (facts === undefined) fail(`no ${x.subject} ${x.owner}`, 'identities', i, 'owner');
    if (facts?.[x.venue]?.[x.name] !== x.value) fail(`${x.subject} ${x.owner} has no ${x.venue} ${x.name} ${x.value} among its venue facts`, 'identities', i, 'value');
  });

  unique(ledger.credentials, (c) => String(c.id), 'credentials', 'id', 'credential');
  unique(ledger.credentials, (c) => `${c.venue} ${c.publicId}`, 'credentials', 'publicId', 'credential');
  ledger.credentials.forEach((c, i) => {
    if (!users.has(c.userId)) fail(`no user ${c.userId}`, 'credentials', i, 'userId');
    const account = accounts.get(c.accountId);
    if (!account) fail(`no account ${c.accountId}`, 'credentials', i, 'accountId');
    if (account && account.userId !== c.userId) fail(`account ${c.accountId} is not user ${c.userId}'s`, 'credentials', i, 'accountId');
  });

  /** A book must exist to be written: a user bucket on an account, a system book on account 0, of an asset. */
  const checkBook = (book: { account: number; bucket: string; asset: string }, ...path: (string | number)[]) => {
    if (book.account !== SYSTEM_ACCOUNT && !accounts.has(book.account)) fail(`no account ${book.account}`, ...path, 'account');
    if (!assets.has(book.asset)) fail(`no asset ${book.asset}`, ...path, 'asset');
    const system = book.account === SYSTEM_ACCOUNT;
    const books: readonly string[] = system ? SYSTEM_BOOKS : BUCKETS;
    if (!books.includes(book.bucket)) fail(`${book.bucket} is not a ${system ? 'system book' : 'bucket of an account'}`, ...path, 'bucket');
  };

  unique(ledger.journal, (e) => e.key, 'journal', 'key', 'key');
  let previous = 0;
  ledger.journal.forEach((e, i) => {
    if (e.id <= previous) fail(`journal ids must ascend: ${e.id} follows ${previous}`, 'journal', i, 'id');
    previous = e.id;
    e.postings.forEach((p, j) => checkBook(p, 'journal', i, 'postings', j));
  });
  unique(ledger.balances, (b) => `${b.account} ${b.asset} ${b.bucket}`, 'balances', 'bucket', 'book');
  ledger.balances.forEach((b, i) => checkBook(b, 'balances', i));
  unique(ledger.reservations, (r) => r.id, 'reservations', 'id', 'reservation');
  ledger.reservations.forEach((r, i) => checkBook(r, 'reservations', i));

  const report = await verifyScans(scansOf(ledger));
  const [first, ...more] = report.mismatches;
  if (first) fail(`the ledger does not verify: ${first.detail}${more.length > 0 ? ` (and ${more.length} more)` : ''}`);
}

/** The ledger's rows as the scans `verify` reads, in the orders it expects. */
function scansOf(ledger: SnapshotLedger): StoreScans {
  return {
    async *scanPostings(): AsyncIterable<Posting & { readonly operationId: number }> {
      for (const e of ledger.journal) {
        for (const p of e.postings) yield { operationId: e.id, account: p.account, bucket: p.bucket, asset: p.asset, amount: BigInt(p.amount) };
      }
    },
    async *scanBalances(): AsyncIterable<BalanceWrite> {
      for (const b of ledger.balances) yield { account: b.account, asset: b.asset, bucket: b.bucket, amount: BigInt(b.amount), atMs: b.atMs };
    },
    async *scanReservations(): AsyncIterable<Reservation> {
      for (const r of ledger.reservations) {
        yield {
          id: r.id,
          kind: r.kind,
          account: r.account,
          asset: r.asset,
          bucket: r.bucket as Bucket,
          amount: BigInt(r.amount),
          fee: BigInt(r.fee),
          posted: BigInt(r.posted),
          voided: BigInt(r.voided),
          state: r.state,
        };
      }
    },
  };
}
