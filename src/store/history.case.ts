import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../ledger/ledger.js';
import { LedgerError } from '../ledger/errors.js';
import type { HistoryQuery, HistoryRecord } from '../ledger/history.js';
import { OPERATION_TYPES, type OperationRequest, type OperationType } from '../ledger/operations.js';
import type { Bucket } from '../ledger/types.js';
import type { LedgerStore } from './store.js';
import { addAccount, addAsset, addUser } from './seed.case.js';

/**
 * An account's history (`LedgerStore.listHistory`, read through `Ledger.history`), as every engine
 * answers it: kinds, statuses as reservations move, the fields a deposit or withdrawal was given,
 * filters, counts, and a cursor walk that never shows an entry twice or skips one while writes go on.
 */
export function runHistorySuite(engine: string, openEmpty: () => Promise<LedgerStore>, options: { skip?: string | false } = {}): void {
  const T0 = 1_700_000_000_000;
  const withLedger = (name: string, fn: (ledger: Ledger, clock: { now: number }) => Promise<void>) =>
    test(`[${engine}] history: ${name}`, { skip: options.skip ?? false }, async () => {
      const store = await openEmpty();
      const clock = { now: T0 };
      try {
        await fn(new Ledger(store, () => clock.now), clock);
      } finally {
        await store.close();
      }
    });

  const seed = (ledger: Ledger) =>
    ledger.store.transaction(async (tx) => {
      await addAsset(tx, 'USDT', 6);
      await addAsset(tx, 'BTC', 8);
      const { main } = await addUser(tx, 'alice');
      const sub = await addAccount(tx, main.userId, 'sub', 'bot');
      const { main: other } = await addUser(tx, 'bob');
      return { main: main.id, sub: sub.id, other: other.id };
    });

  const brief = (r: HistoryRecord) => `${r.entry.key}:${r.kind}:${r.status}`;

  withLedger("lists the account's deposits, withdrawals and transfers newest first, with statuses following their reservations and the fields given", async (ledger, clock) => {
    const { main, sub, other } = await seed(ledger);
    const at = (ms: number) => (clock.now = T0 + ms);
    at(1);
    await ledger.apply({ key: 'd1', type: 'deposit', account: main, asset: 'USDT', amount: '100', chain: 'TRC20', address: 'TXYZ', txHash: '0xabc' });
    at(2);
    await ledger.apply({ key: 'd2', type: 'deposit.pending', account: main, asset: 'BTC', amount: '1', fee: '0.001', tag: '42' });
    at(3);
    await ledger.apply({ key: 'h1', type: 'hold', account: main, asset: 'USDT', amount: '5' });
    at(4);
    await ledger.apply({ key: 'w1', type: 'withdrawal.request', account: main, asset: 'USDT', amount: '10', fee: '1', chain: 'ERC20', address: '0xdead' });
    at(5);
    await ledger.apply({ key: 'w2', type: 'withdrawal.request', account: main, asset: 'USDT', amount: '20' });
    at(6);
    await ledger.apply({ key: 't1', type: 'transfer', from: main, to: sub, asset: 'USDT', amount: '7' });
    await ledger.apply({ key: 'x1', type: 'deposit', account: other, asset: 'USDT', amount: '1' });
    at(7);
    await ledger.apply({ key: 'c1', type: 'deposit.confirm', pending: 'd2' });
    at(8);
    await ledger.apply({ key: 'c2', type: 'withdrawal.cancel', pending: 'w2' });

    const all = await ledger.history({ account: main, limit: 50 });
    assert.deepEqual(all.records.map(brief), ['t1:transfer:completed', 'w2:withdrawal:cancelled', 'w1:withdrawal:pending', 'd2:deposit:completed', 'd1:deposit:completed']);
    assert.equal(all.total, 5);
    assert.equal(all.next, null);
    const byKey = new Map(all.records.map((r) => [r.entry.key, r]));
    assert.deepEqual([byKey.get('d2')?.entry.atMs, byKey.get('d2')?.updatedAtMs], [T0 + 2, T0 + 7], 'a confirmed deposit keeps its time and tells when it was confirmed');
    assert.deepEqual([byKey.get('w2')?.entry.atMs, byKey.get('w2')?.updatedAtMs], [T0 + 5, T0 + 8]);
    assert.deepEqual([byKey.get('w1')?.updatedAtMs, byKey.get('d1')?.updatedAtMs], [T0 + 4, T0 + 1]);
    assert.deepEqual(byKey.get('d1')?.entry.request, { account: main, asset: 'USDT', amount: '100', chain: 'TRC20', address: 'TXYZ', txHash: '0xabc' });
    assert.deepEqual(byKey.get('d2')?.entry.request, { account: main, asset: 'BTC', amount: '1', fee: '0.001', tag: '42' });
    assert.deepEqual(byKey.get('w1')?.entry.request, { account: main, asset: 'USDT', amount: '10', fee: '1', chain: 'ERC20', address: '0xdead' });

    const received = await ledger.history({ account: sub, limit: 50 });
    assert.deepEqual(received.records.map(brief), ['t1:transfer:completed'], 'a transfer is in the history of both accounts');
    assert.deepEqual((await ledger.verify()).mismatches, []);
  });

  withLedger('filters by kind, asset, time window (inclusive), status and key, and counts every match', async (ledger, clock) => {
    const { main, sub } = await seed(ledger);
    for (let i = 1; i <= 6; i++) {
      clock.now = T0 + i * 1000;
      await ledger.apply({ key: `d${i}`, type: i % 2 === 0 ? 'deposit.pending' : 'deposit', account: main, asset: i <= 3 ? 'USDT' : 'BTC', amount: '10' });
    }
    await ledger.apply({ key: 't1', type: 'transfer', from: main, to: sub, asset: 'USDT', amount: '1' });
    const keys = async (q: Omit<HistoryQuery, 'account' | 'limit'>) => {
      const found = await ledger.history({ account: main, limit: 50, ...q });
      return [found.records.map((r) => r.entry.key).join(','), found.total];
    };
    assert.deepEqual(await keys({ kinds: ['deposit'] }), ['d6,d5,d4,d3,d2,d1', 6]);
    assert.deepEqual(await keys({ kinds: ['transfer', 'withdrawal'] }), ['t1', 1]);
    assert.deepEqual(await keys({ asset: 'BTC' }), ['d6,d5,d4', 3]);
    assert.deepEqual(await keys({ fromMs: T0 + 2000, toMs: T0 + 4000 }), ['d4,d3,d2', 3]);
    assert.deepEqual(await keys({ statuses: ['pending'] }), ['d6,d4,d2', 3]);
    assert.deepEqual(await keys({ statuses: ['completed'], kinds: ['deposit'] }), ['d5,d3,d1', 3]);
    assert.deepEqual(await keys({ statuses: ['cancelled'] }), ['', 0]);
    assert.deepEqual(await keys({ keys: ['d2', 'd5', 'nope'] }), ['d5,d2', 2]);
    assert.deepEqual(await keys({ offset: 2, kinds: ['deposit'] }), ['d4,d3,d2,d1', 6], 'an offset skips, the total does not change');
    await assert.rejects(ledger.history({ account: 999, limit: 1 }), (e: unknown) => e instanceof LedgerError && e.code === 'ACCOUNT_NOT_FOUND');
    await assert.rejects(ledger.history({ account: main, limit: 0 }), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT' && e.path === 'limit');
    await assert.rejects(ledger.history({ account: main, limit: 1, beforeId: -1 }), (e: unknown) => e instanceof LedgerError && e.path === 'beforeId');
  });

  withLedger("lists entries of any operation types (a statement), each with what the asked books held right after it, exact on every page and unchanged by later writes", async (ledger, clock) => {
    const { main, other } = await seed(ledger);
    const shown = ['available', 'held', 'pendingWithdrawal'] as const;
    const steps: OperationRequest[] = [
      { key: 's1', type: 'deposit', account: main, asset: 'USDT', amount: '100.5' },
      { key: 's2', type: 'deposit', account: other, asset: 'BTC', amount: '2' },
      { key: 's3', type: 'hold', account: main, asset: 'USDT', amount: '40' },
      { key: 's4', type: 'trade', legs: [{ from: main, to: other, asset: 'USDT', amount: '30', fromBucket: 'held' }, { from: other, to: main, asset: 'BTC', amount: '0.001' }], fees: [{ account: main, asset: 'USDT', amount: '0.03' }] },
      { key: 's5', type: 'withdrawal.request', account: main, asset: 'USDT', amount: '20', fee: '1' },
      { key: 's6', type: 'lock', account: main, asset: 'USDT', amount: '5' },
      { key: 's7', type: 'withdrawal.complete', pending: 's5' },
      { key: 's8', type: 'adjust', account: main, asset: 'BTC', bucket: 'available', amount: '-0.0001', reason: 'correction' },
    ];
    for (const [i, step] of steps.entries()) {
      clock.now = T0 + i;
      await ledger.apply(step);
    }
    const statement = (q: Partial<HistoryQuery> = {}) => ledger.history({ account: main, types: [...OPERATION_TYPES], balancesOf: [...shown], limit: 50, ...q });
    const view = (r: HistoryRecord) => `${r.entry.key}:${r.kind ?? '-'}:${[...(r.balancesAfter ?? new Map<string, bigint>())].map(([a, v]) => `${a}=${v}`).join(',')}`;
    // USDT at 6 places, BTC at 8: available + held + pendingWithdrawal (locked is not asked for).
    const expected = [
      's8:-:BTC=90000',
      's7:-:USDT=44470000',
      's6:-:USDT=65470000',
      's5:withdrawal:USDT=70470000',
      's4:-:USDT=70470000,BTC=100000',
      's3:-:USDT=100500000',
      's1:deposit:USDT=100500000',
    ];
    assert.deepEqual((await statement()).records.map(view), expected);
    const pages: string[] = [];
    for (let cursor: number | undefined, page; (page = await statement({ limit: 2, ...(cursor === undefined ? {} : { beforeId: cursor }) })); ) {
      pages.push(...page.records.map(view));
      if (page.next === null) break;
      cursor = page.next;
    }
    assert.deepEqual(pages, expected, 'a deep page counts the entries after it that it does not show');
    assert.deepEqual((await statement({ asset: 'BTC' })).records.map(view), ['s8:-:BTC=90000', 's4:-:USDT=70470000,BTC=100000'], 'an asset filter keeps whole entries');
    assert.deepEqual((await statement({ types: ['trade'] })).records.map(view), ['s4:-:USDT=70470000,BTC=100000'], 'a type filter does not change the balances after');
    await ledger.apply({ key: 's9', type: 'deposit', account: main, asset: 'USDT', amount: '1' });
    assert.deepEqual((await statement()).records.map(view).slice(1), expected, 'later entries change no earlier figure');
    const plain = await ledger.history({ account: main, types: ['trade'], limit: 5 });
    assert.equal(plain.records[0]?.balancesAfter, undefined, 'no balances unless asked for');
    await assert.rejects(ledger.history({ account: main, kinds: ['deposit'], types: ['trade'], limit: 1 }), (e: unknown) => e instanceof LedgerError && e.path === 'types');
    await assert.rejects(ledger.history({ account: main, types: ['nope' as OperationType], limit: 1 }), (e: unknown) => e instanceof LedgerError && e.path === 'types');
    await assert.rejects(ledger.history({ account: main, balancesOf: ['world' as Bucket], limit: 1 }), (e: unknown) => e instanceof LedgerError && e.path === 'balancesOf');
    assert.deepEqual((await ledger.verify()).mismatches, []);
  });

  withLedger('several accounts read together: every entry of any of them once, newest first, counted once', async (ledger) => {
    const { main, sub, other } = await seed(ledger);
    await ledger.apply({ key: 'd-main', type: 'deposit', account: main, asset: 'USDT', amount: '10' });
    await ledger.apply({ key: 'd-sub', type: 'deposit', account: sub, asset: 'USDT', amount: '5' });
    await ledger.apply({ key: 't-between', type: 'transfer', from: main, to: sub, asset: 'USDT', amount: '1' });
    await ledger.apply({ key: 'd-other', type: 'deposit', account: other, asset: 'USDT', amount: '1' });
    const both = await ledger.history({ account: [main, sub], limit: 50 });
    assert.deepEqual(both.records.map((r) => r.entry.key), ['t-between', 'd-sub', 'd-main'], 'a transfer between two of them once; another account\'s entry never');
    assert.equal(both.total, 3);
    assert.deepEqual((await ledger.history({ account: [sub], limit: 50 })).records.map((r) => r.entry.key), ['t-between', 'd-sub']);
    await assert.rejects(ledger.history({ account: [main, 999], limit: 1 }), (e: unknown) => e instanceof LedgerError && e.code === 'ACCOUNT_NOT_FOUND');
  });

  withLedger('the cursor back (afterId) reads the page just above it, newest first; next and previous walk both ways over every entry once', async (ledger) => {
    const { main } = await seed(ledger);
    for (let i = 0; i < 10; i++) await ledger.apply({ key: `d${i}`, type: 'deposit', account: main, asset: 'USDT', amount: '1' });
    const keys = (page: { records: HistoryRecord[] }) => page.records.map((r) => r.entry.key).join(',');
    const first = await ledger.history({ account: main, limit: 4 });
    assert.equal(keys(first), 'd9,d8,d7,d6');
    assert.equal(first.previous, null, 'the first page holds the newest');
    assert.notEqual(first.next, null);
    const second = await ledger.history({ account: main, limit: 4, beforeId: first.next! });
    assert.equal(keys(second), 'd5,d4,d3,d2');
    const third = await ledger.history({ account: main, limit: 4, beforeId: second.next! });
    assert.equal(keys(third), 'd1,d0');
    assert.equal(third.next, null, 'the last page reached the oldest');
    assert.notEqual(third.previous, null);
    // And back again with `previous`: the same pages, newest first within each.
    const backTwo = await ledger.history({ account: main, limit: 4, afterId: third.previous! });
    assert.equal(keys(backTwo), 'd5,d4,d3,d2');
    assert.deepEqual([backTwo.next, backTwo.previous], [second.next, second.previous]);
    const backOne = await ledger.history({ account: main, limit: 4, afterId: backTwo.previous! });
    assert.equal(keys(backOne), 'd9,d8,d7,d6');
    assert.equal(backOne.previous, null, 'back at the newest');
    assert.equal(backOne.next, first.next);
    const filtered = await ledger.history({ account: main, limit: 4, afterId: third.previous!, beforeId: first.next! });
    assert.equal(keys(filtered), 'd5,d4,d3,d2', 'both cursors bound a range');
    await assert.rejects(ledger.history({ account: main, limit: 1, afterId: -1 }), (e: unknown) => e instanceof LedgerError && e.path === 'afterId');
    await assert.rejects(ledger.history({ account: main, limit: 1, afterId: 1, offset: 1 }), (e: unknown) => e instanceof LedgerError && e.path === 'offset', 'an offset counts from the newest: not with the cursor back');
  });

  withLedger('a cursor walk while deposits keep landing shows every entry committed before it exactly once, and nothing twice', async (ledger) => {
    const { main } = await seed(ledger);
    const before = 150;
    for (let i = 0; i < before; i += 50) {
      await ledger.applyBatch(Array.from({ length: 50 }, (_, j) => ({ key: `old-${i + j}`, type: 'deposit' as const, account: main, asset: 'USDT', amount: '1' })));
    }
    const seen: string[] = [];
    let cursor: number | undefined;
    let writes = 0;
    for (;;) {
      // Writes land between pages, and one races each page's read.
      const racing = ledger.apply({ key: `new-${writes++}`, type: 'deposit', account: main, asset: 'USDT', amount: '1' });
      const page = await ledger.history({ account: main, kinds: ['deposit'], limit: 7, ...(cursor === undefined ? {} : { beforeId: cursor }) });
      await racing;
      seen.push(...page.records.map((r) => r.entry.key));
      if (page.next === null) break;
      cursor = page.next;
    }
    assert.equal(new Set(seen).size, seen.length, 'no entry twice');
    const old = seen.filter((key) => key.startsWith('old-'));
    assert.equal(old.length, before, 'every entry committed before the walk, once');
    assert.deepEqual(old, Array.from({ length: before }, (_, i) => `old-${before - 1 - i}`), 'newest first');
    assert.ok(writes > 20, 'writes went on during the walk');
  });
}
