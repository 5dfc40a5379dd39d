import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../ledger/ledger.js';
import { LedgerError } from '../ledger/errors.js';
import type { LedgerEvent } from '../ledger/events.js';
import type { LedgerDump, LedgerStore } from './store.js';
import { addAccount, addAsset, addUser } from './seed.case.js';

const AT_MS = 1_700_000_000_000;

/**
 * Dump and restore (`LedgerStore.dump`, `restore`) on every engine (called by `runStoreSuite`):
 * a ledger with every kind of row round-trips exactly, verifies clean, and replays its keys as
 * before; a restore replaces a ledger that moved on, is undone whole when a row is refused, and
 * leaves settings and nonces as they are.
 */
export function runSnapshotSuite(engine: string, openEmpty: () => Promise<LedgerStore>, options: { skip?: string | false } = {}): void {
  const withLedger = (name: string, fn: (ledger: Ledger, store: LedgerStore) => Promise<void>) =>
    test(`[${engine}] ${name}`, { skip: options.skip ?? false }, async () => {
      const store = await openEmpty();
      try {
        await fn(new Ledger(store, () => AT_MS), store);
      } finally {
        await store.close();
      }
    });

  /**
   * Assets with facts and identities, users with a sub-account, a credential with a sealed secret
   * and extras, and a journal with instant and pending deposits, a withdrawal with a fee, an
   * order's reservation posted in part into a trade with fees, a borrowing and an adjustment.
   */
  async function populate(ledger: Ledger) {
    const { alice, bob, bot } = await ledger.store.transaction(async (tx) => {
      await addAsset(tx, 'BTC', 8, { x: { id: '1', note: 'bitcoin' } }, ['id']);
      await addAsset(tx, 'USDT', 6, { x: { id: '2' } }, ['id']);
      await addAsset(tx, 'ETH', 18);
      const alice = await addUser(tx, 'alice', { venues: { x: { tier: 'vip' } }, main: { x: { uid: '7001' } }, unique: ['uid'] });
      const bob = await addUser(tx, 'bob', { main: { x: { uid: '7002' } }, unique: ['uid'] });
      const bot = await addAccount(tx, alice.user.id, 'sub', 'bot', { x: { uid: '7003' } }, ['uid']);
      await tx.insertCredential({
        venue: 'x',
        userId: alice.user.id,
        accountId: alice.main.id,
        publicId: 'key-alice',
        secretSealed: 'sealed:secret',
        extra: { passphraseHash: 'h1' },
        label: 'main',
        createdAtMs: AT_MS,
      });
      return { alice: alice.main.id, bob: bob.main.id, bot: bot.id };
    });
    await ledger.apply({ key: 'd-usdt', type: 'deposit', account: alice, asset: 'USDT', amount: '1000', chain: 'TRC20', txHash: '0xabc' });
    await ledger.apply({ key: 'd-btc', type: 'deposit', account: bob, asset: 'BTC', amount: '2' });
    await ledger.apply({ key: 'd-eth', type: 'deposit', account: bot, asset: 'ETH', amount: '123456789012.123456789012345678' });
    await ledger.apply({ key: 'pd', type: 'deposit.pending', account: alice, asset: 'BTC', amount: '0.5', fee: '0.001' });
    await ledger.apply({ key: 'wd', type: 'withdrawal.request', account: alice, asset: 'USDT', amount: '10', fee: '1' });
    await ledger.apply({ key: 'wd-done', type: 'withdrawal.complete', pending: 'wd' });
    await ledger.apply({ key: 'order', type: 'hold', account: alice, asset: 'USDT', amount: '300', reservation: 'o-1' });
    await ledger.apply({
      key: 'fill',
      type: 'trade',
      legs: [
        { from: alice, to: bob, asset: 'USDT', amount: '100', reservation: 'o-1' },
        { from: bob, to: alice, asset: 'BTC', amount: '0.01' },
      ],
      fees: [{ account: bob, asset: 'USDT', amount: '0.1' }],
    });
    await ledger.apply({ key: 'loan', type: 'borrow', account: bob, asset: 'USDT', amount: '50' });
    await ledger.apply({ key: 'fix', type: 'adjust', account: bot, asset: 'ETH', bucket: 'available', amount: '-0.5', reason: 'a correction' });
    return { alice, bob, bot };
  }

  /** What moves the ledger on after a snapshot: new entries, a new asset and user, a closed reservation. */
  async function moveOn(ledger: Ledger, ids: { alice: number; bob: number }) {
    await ledger.apply({ key: 'later-1', type: 'transfer', from: ids.alice, to: ids.bob, asset: 'USDT', amount: '5' });
    await ledger.apply({ key: 'later-2', type: 'deposit.confirm', pending: 'pd' });
    await ledger.apply({ key: 'later-3', type: 'reservation.void', reservation: 'o-1' });
    await ledger.store.transaction(async (tx) => {
      await addAsset(tx, 'DOGE', 8, { x: { id: '9' } }, ['id']);
      await addUser(tx, 'carol', { main: { x: { uid: '7009' } }, unique: ['uid'] });
    });
  }

  const refusedWith = (code: string) => (error: unknown) => error instanceof LedgerError && error.code === code;

  withLedger('a dump restored over a ledger that moved on gives back every row exactly, and verifies clean', async (ledger, store) => {
    const ids = await populate(ledger);
    const before = await store.dump();
    assert.deepEqual(
      [before.assets.length, before.users.length, before.accounts.length, before.identities.length, before.credentials.length, before.entries.length, before.reservations.length],
      [3, 2, 3, 5, 1, 10, 3],
    );
    await moveOn(ledger, ids);
    assert.notDeepEqual(await store.dump(), before);
    await ledger.restore(before);
    assert.deepEqual(await store.dump(), before);
    assert.deepEqual((await ledger.verify()).mismatches, []);
    // Reads see it too: the catalog, identities, credentials and balances.
    assert.equal(await store.getAsset('DOGE'), undefined);
    assert.equal(await store.getUserByName('carol'), undefined);
    assert.equal((await store.findAccount('x', 'uid', '7003'))?.id, ids.bot);
    assert.equal((await store.getCredential('x', 'key-alice'))?.secretSealed, 'sealed:secret');
    assert.equal((await store.getReservation('o-1'))?.state, 'open');
    assert.deepEqual((await store.listAssets()).map((a) => a.symbol), ['BTC', 'USDT', 'ETH'], 'assets keep their creation order');
  });

  withLedger('after a restore, a key from before replays its entry, its key with other content is refused, and new entries follow the newest id', async (ledger, store) => {
    const ids = await populate(ledger);
    const before = await store.dump();
    await moveOn(ledger, ids);
    await ledger.restore(before);
    const replay = await ledger.apply({ key: 'd-usdt', type: 'deposit', account: ids.alice, asset: 'USDT', amount: '1000', chain: 'TRC20', txHash: '0xabc' });
    assert.equal(replay.replayed, true);
    assert.equal(replay.entry.id, before.entries.find((e) => e.key === 'd-usdt')?.id);
    await assert.rejects(ledger.apply({ key: 'd-usdt', type: 'deposit', account: ids.alice, asset: 'USDT', amount: '1' }), refusedWith('IDEMPOTENCY_CONFLICT'));
    // A key first used after the snapshot is new again, and so is its reservation's settlement.
    const again = await ledger.apply({ key: 'later-1', type: 'transfer', from: ids.alice, to: ids.bob, asset: 'USDT', amount: '5' });
    assert.equal(again.replayed, false);
    assert.equal(again.entry.id, before.entries.at(-1)!.id + 1);
    assert.equal((await ledger.apply({ key: 'later-2', type: 'deposit.confirm', pending: 'pd' })).replayed, false);
    assert.deepEqual((await ledger.verify()).mismatches, []);
  });

  withLedger('a dump restores into another, empty store of the engine as the same ledger', async (ledger, store) => {
    await populate(ledger);
    const dump = await store.dump();
    const other = await openEmpty();
    try {
      const second = new Ledger(other, () => AT_MS);
      await second.restore(dump);
      assert.deepEqual(await other.dump(), dump);
      assert.deepEqual((await second.verify()).mismatches, []);
      assert.equal((await second.apply({ key: 'd-btc', type: 'deposit', account: 2, asset: 'BTC', amount: '2' })).replayed, true);
    } finally {
      await other.close();
    }
  });

  withLedger('a restore the store refuses part way writes nothing: the ledger before it stays whole', async (ledger, store) => {
    const ids = await populate(ledger);
    const dump = await store.dump();
    await moveOn(ledger, ids);
    const current = await store.dump();
    // Two entries under one key: the second insert is refused after everything before it was written.
    const broken: LedgerDump = { ...dump, entries: [...dump.entries, { ...dump.entries[0]!, id: 99 }] };
    await assert.rejects(ledger.restore(broken));
    assert.deepEqual(await store.dump(), current);
    assert.deepEqual((await ledger.verify()).mismatches, []);
  });

  withLedger('restoring the empty dump empties the ledger as a reset does; settings and nonces stay through any restore', async (ledger, store) => {
    const ids = await populate(ledger);
    const dump = await store.dump();
    await store.transaction((tx) => tx.setSetting('installation.thing', 'kept'));
    assert.equal(await store.claimNonce('s', 'n1', AT_MS + 60_000, AT_MS), true);
    await ledger.restore({ assets: [], users: [], accounts: [], identities: [], credentials: [], entries: [], balances: [], reservations: [] });
    assert.deepEqual(await store.listUsers(), []);
    assert.equal(await store.journalHead(), 0);
    // A catalog without a journal: the first entry after it is #1, as after a reset.
    await ledger.restore({ ...dump, entries: [], balances: [], reservations: [] });
    assert.equal((await ledger.apply({ key: 'first', type: 'deposit', account: ids.bob, asset: 'BTC', amount: '1' })).entry.id, 1);
    await ledger.restore(dump);
    assert.equal(await store.getSetting('installation.thing'), 'kept');
    assert.equal(await store.claimNonce('s', 'n1', AT_MS + 60_000, AT_MS), false, 'a nonce used before the restore is still used');
    assert.equal((await ledger.balances(ids.alice)).length > 0, true);
  });

  withLedger('event subscribers hear a restore as a reset at its newest entry, then only entries committed after it', async (ledger, store) => {
    const ids = await populate(ledger);
    const dump = await store.dump();
    await moveOn(ledger, ids);
    const seen: LedgerEvent[] = [];
    let wake: () => void = () => {};
    const subscription = ledger.events.subscribe((event) => {
      seen.push(event);
      wake();
    });
    await subscription.ready;
    const next = (count: number) =>
      new Promise<void>((resolve) => {
        wake = () => {
          if (seen.length >= count) resolve();
        };
        wake();
      });
    try {
      await ledger.restore(dump);
      await ledger.apply({ key: 'after', type: 'deposit', account: ids.bob, asset: 'BTC', amount: '1' });
      await next(2);
      const head = dump.entries.at(-1)!.id;
      assert.deepEqual(seen[0], { type: 'reset', position: head });
      assert.equal(seen[1]?.type, 'entry');
      assert.deepEqual(seen[1]?.type === 'entry' ? [seen[1].position, seen[1].entry.key] : null, [head + 1, 'after']);
      assert.equal(seen.length, 2, 'no entry of the restored journal is delivered again');
    } finally {
      subscription();
    }
  });
}
