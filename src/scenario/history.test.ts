import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '../credentials/keyring.js';
import { LedgerError } from '../ledger/errors.js';
import { Ledger } from '../ledger/ledger.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { VENUES } from '../venues/index.js';
import { loadScenario } from './load.js';

/** A scenario's past history: loaded at its own times, checked (never in the future, oldest first), all or nothing. */

const NOW = Date.parse('2026-12-01T12:00:00Z');

function fresh() {
  const store = SqliteStore.open({ path: ':memory:' });
  const ledger = new Ledger(store, () => NOW, { venues: VENUES.map((v) => v.identity) });
  return { store, ledger, keyring: new Keyring(Buffer.alloc(32, 1)) };
}

const scenario = (history: unknown[]) => ({
  assets: [{ symbol: 'USDT', name: 'Tether', scale: 6 }],
  users: [{ name: 'ann', main: { balances: { USDT: { available: '5' } } }, subAccounts: [{ label: 'bot' }], history }],
});

const PAST = [
  { at: '2026-11-01T09:00:00Z', type: 'deposit', asset: 'USDT', amount: '100', chain: 'TRC20', txHash: '0xd1' },
  { at: '2026-11-02T09:00:00Z', type: 'withdrawal', asset: 'USDT', amount: '30', fee: '1', address: 'TAddr', settledAt: '2026-11-03T09:00:00Z' },
  { at: '2026-11-02T10:00:00Z', type: 'transfer', to: 'bot', asset: 'USDT', amount: '9' },
  { at: '2026-11-04T09:00:00Z', type: 'deposit', asset: 'USDT', amount: '7', status: 'pending' },
  { at: '2026-11-05T09:00:00Z', type: 'withdrawal', asset: 'USDT', amount: '2', status: 'cancelled' },
];

test('a scenario history lands at its own times before the opening balances, with statuses and fields, and the books add up', async () => {
  const { store, ledger, keyring } = fresh();
  try {
    const loaded = await loadScenario(ledger, keyring, VENUES, scenario(PAST));
    const [main, bot] = loaded.users[0]!.accounts;
    const history = await ledger.history({ account: main!.id, limit: 50 });
    const shown = history.records.map((r) => [r.entry.key, r.kind, r.status, new Date(r.entry.atMs).toISOString(), new Date(r.updatedAtMs).toISOString()]);
    assert.deepEqual(shown.map((row) => row[0]), [
      'scenario/ann/main/USDT/deposit-available',
      'scenario/ann/history/4',
      'scenario/ann/history/3',
      'scenario/ann/history/2',
      'scenario/ann/history/1',
      'scenario/ann/history/0',
    ]);
    assert.deepEqual(shown.slice(1), [
      ['scenario/ann/history/4', 'withdrawal', 'cancelled', '2026-11-05T09:00:00.000Z', '2026-11-05T09:00:00.000Z'],
      ['scenario/ann/history/3', 'deposit', 'pending', '2026-11-04T09:00:00.000Z', '2026-11-04T09:00:00.000Z'],
      ['scenario/ann/history/2', 'transfer', 'completed', '2026-11-02T10:00:00.000Z', '2026-11-02T10:00:00.000Z'],
      ['scenario/ann/history/1', 'withdrawal', 'completed', '2026-11-02T09:00:00.000Z', '2026-11-03T09:00:00.000Z'],
      ['scenario/ann/history/0', 'deposit', 'completed', '2026-11-01T09:00:00.000Z', '2026-11-01T09:00:00.000Z'],
    ]);
    assert.equal(shown[0]?.[3], new Date(NOW).toISOString());
    assert.deepEqual(history.records.find((r) => r.entry.key === 'scenario/ann/history/1')?.entry.request, {
      account: main!.id,
      asset: 'USDT',
      amount: '30',
      fee: '1',
      address: 'TAddr',
    });
    const amounts = async (id: number) => Object.fromEntries((await store.readBalances(id)).map((b) => [b.bucket, b.amount]));
    // 100 − (30 + 1) − 9 + 5 (opening), the cancelled 2 back; 7 still pending.
    assert.deepEqual(await amounts(main!.id), { available: 65_000_000n, pendingDeposit: 7_000_000n, pendingWithdrawal: 0n });
    assert.deepEqual(await amounts(bot!.id), { available: 9_000_000n });
    assert.deepEqual((await ledger.verify()).mismatches, []);
  } finally {
    await store.close();
  }
});

const refusals: [string, unknown[], string, RegExp][] = [
  ['a time in the future', [{ ...PAST[0], at: '2026-12-01T12:00:01Z' }], 'users/0/history/0/at', /in the future/],
  ['an item before the one above it', [PAST[0], { ...PAST[2], at: '2026-10-01T00:00:00Z' }], 'users/0/history/1/at', /before the item above it/],
  ['a settlement before its item', [PAST[0], { ...PAST[1], settledAt: '2026-11-01T09:00:00Z' }], 'users/0/history/1/settledAt', /is before/],
  ['a pending item with a settlement time', [{ ...PAST[3], settledAt: '2026-11-04T10:00:00Z' }], 'users/0/history/0/settledAt', /has not settled/],
  ['a transfer to an account the user does not have', [PAST[0], { ...PAST[2], to: 'nobody' }], 'users/0/history/1/to', /no account labelled nobody/],
  ['a withdrawal of more than the past brought', [{ ...PAST[1], amount: '1' }], 'users/0/history/0', /too little USDT/],
  ['a time that is not UTC ISO', [{ ...PAST[0], at: '2026-11-01 09:00' }], 'users/0/history/0/at', /must be a UTC time/],
  ['a deposit with a field of a transfer', [{ ...PAST[0], to: 'bot' }], 'users/0/history/0/to', /not a field of a past deposit/],
];

for (const [name, history, path, says] of refusals) {
  test(`a scenario history refuses ${name}, at ${path}, and writes nothing`, async () => {
    const { store, ledger, keyring } = fresh();
    try {
      await assert.rejects(loadScenario(ledger, keyring, VENUES, scenario(history)), (e: unknown) => {
        assert.ok(e instanceof LedgerError, String(e));
        assert.equal(e.path, path, e.message);
        assert.match(e.message, says);
        return true;
      });
      assert.deepEqual(await store.listUsers(), []);
      assert.deepEqual((await store.listJournal(0, 10)).entries, []);
    } finally {
      await store.close();
    }
  });
}
