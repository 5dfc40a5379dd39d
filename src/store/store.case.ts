import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../ledger/ledger.js';
import { LedgerError } from '../ledger/errors.js';
import type { LedgerStore } from './store.js';
import { runReservationSuite } from './reservations.case.js';

/**
 * The one suite every store engine passes, unchanged. An engine's test file calls
 * `runStoreSuite` with a factory for fresh, empty stores and adds only engine-specific cases.
 */
export function runStoreSuite(engine: string, openEmpty: () => Promise<LedgerStore>, options: { skip?: string | false } = {}): void {
  runReservationSuite(engine, openEmpty, options);
  const withLedger = (name: string, fn: (ledger: Ledger, store: LedgerStore) => Promise<void>) =>
    test(`[${engine}] ${name}`, { skip: options.skip ?? false }, async () => {
      const store = await openEmpty();
      try {
        await fn(new Ledger(store, () => 1_700_000_000_000), store);
      } finally {
        await store.close();
      }
    });

  const seed = (ledger: Ledger) =>
    ledger.session(async (s) => {
      await s.createAsset({ symbol: 'ETH', scale: 18 });
      const { main } = await s.createUser({ name: 'alice' });
      const sub = await s.createSubAccount(main.userId, { label: 'bot' });
      return { main, sub };
    });

  const code = (expected: string) => (error: unknown) => error instanceof LedgerError && error.code === expected;

  withLedger('a transaction that throws writes nothing, catalog and journal alike', async (ledger, store) => {
    const { main } = await seed(ledger);
    await assert.rejects(
      ledger.session(async (s) => {
        await s.createAsset({ symbol: 'BTC', scale: 8 });
        await s.apply({ key: 'd1', type: 'deposit', account: main.id, asset: 'ETH', amount: '1' });
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.getAsset('BTC'), undefined);
    assert.equal(await store.getOperation('d1'), undefined);
    assert.deepEqual(await store.readBalances(main.id), []);
  });

  withLedger('an operation refused on books never written leaves no balance behind, system books included', async (ledger, store) => {
    const { main, sub } = await seed(ledger);
    await assert.rejects(ledger.apply({ key: 't1', type: 'transfer', from: main.id, to: sub.id, asset: 'ETH', amount: '1' }), code('INSUFFICIENT_FUNDS'));
    await assert.rejects(
      ledger.applyBatch([
        { key: 'b1', type: 'borrow', account: main.id, asset: 'ETH', amount: '1' },
        { key: 'b2', type: 'transfer', from: sub.id, to: main.id, asset: 'ETH', amount: '1' },
      ]),
      code('INSUFFICIENT_FUNDS'),
    );
    assert.deepEqual(await store.readBalances(main.id), []);
    assert.deepEqual(await store.readBalances(sub.id), []);
    const report = await ledger.verify();
    assert.deepEqual([report.ok, report.entries, report.balances], [true, 0, 0]);
  });

  withLedger('a committed transaction is read back whole, with exact 18-decimal amounts past 2^64', async (ledger, store) => {
    const { main } = await seed(ledger);
    const huge = '123456789012.123456789012345678'; // 1.2e29 base units
    await ledger.apply({ key: 'd1', type: 'deposit', account: main.id, asset: 'ETH', amount: huge });
    const balances = await store.readBalances(main.id);
    assert.deepEqual(
      balances.map((b) => [b.bucket, b.amount]),
      [['available', 123456789012123456789012345678n]],
    );
    const stored = await store.getOperation('d1');
    assert.equal(stored?.entry.postings.length, 2);
    assert.equal(stored?.entry.request.amount, huge);
  });

  const nines = (digits: number) => '9'.repeat(digits);
  const unchanged = async (ledger: Ledger, store: LedgerStore, accounts: readonly number[], before: unknown) => {
    assert.deepEqual(await Promise.all(accounts.map((id) => store.readBalances(id))), before, 'balances unchanged');
    const report = await ledger.verify();
    assert.equal(report.ok, true, JSON.stringify(report.mismatches));
  };

  withLedger('an amount beyond 78 digits in base units is refused with INVALID_AMOUNT, and one just within is stored exactly', async (ledger, store) => {
    const { main } = await seed(ledger);
    await ledger.session((s) => s.createAsset({ symbol: 'FINE', scale: 36 }));
    await assert.rejects(ledger.apply({ key: 'd-huge', type: 'deposit', account: main.id, asset: 'FINE', amount: nines(60) }), code('INVALID_AMOUNT'));
    assert.equal(await store.getOperation('d-huge'), undefined);
    await ledger.apply({ key: 'd-max', type: 'deposit', account: main.id, asset: 'FINE', amount: nines(42) });
    assert.deepEqual((await store.readBalances(main.id)).map((b) => b.amount), [10n ** 78n - 10n ** 36n]);
    assert.equal((await ledger.verify()).ok, true);
  });

  withLedger('a deposit that would take a balance beyond the limit is refused with INVALID_AMOUNT and writes nothing', async (ledger, store) => {
    const { main } = await seed(ledger);
    await ledger.apply({ key: 'd1', type: 'deposit', account: main.id, asset: 'ETH', amount: nines(60) });
    const before = await Promise.all([store.readBalances(main.id)]);
    await assert.rejects(ledger.apply({ key: 'd2', type: 'deposit', account: main.id, asset: 'ETH', amount: nines(60) }), code('INVALID_AMOUNT'));
    await assert.rejects(ledger.apply({ key: 'd3', type: 'deposit', account: main.id, asset: 'ETH', amount: '1' }), code('INVALID_AMOUNT'));
    await assert.rejects(
      ledger.apply({ key: 'w1', type: 'withdrawal.request', account: main.id, asset: 'ETH', amount: nines(60), fee: nines(60) }),
      code('INVALID_AMOUNT'),
      'an amount plus its fee is one posting, held to the limit too',
    );
    assert.equal(await store.getOperation('d2'), undefined);
    await unchanged(ledger, store, [main.id], before);
    await ledger.apply({ key: 'd4', type: 'deposit', account: main.id, asset: 'ETH', amount: '0.999999999999999999' });
  });

  withLedger('a system book is held to the limit too: a deposit taking world below it is refused, and fits again once a withdrawal brings funds back', async (ledger, store) => {
    const { main, sub } = await seed(ledger);
    await ledger.apply({ key: 'd-main', type: 'deposit', account: main.id, asset: 'ETH', amount: nines(60) });
    const before = await Promise.all([store.readBalances(main.id), store.readBalances(sub.id)]);
    // The sub-account's own book would stay within the limit; world (minus all deposits) would not.
    await assert.rejects(ledger.apply({ key: 'd-sub', type: 'deposit', account: sub.id, asset: 'ETH', amount: nines(60) }), code('INVALID_AMOUNT'));
    await unchanged(ledger, store, [main.id, sub.id], before);
    await ledger.apply({ key: 'w', type: 'withdrawal.request', account: main.id, asset: 'ETH', amount: nines(59) });
    await ledger.apply({ key: 'w-done', type: 'withdrawal.complete', pending: 'w' });
    await ledger.apply({ key: 'd-sub-again', type: 'deposit', account: sub.id, asset: 'ETH', amount: nines(59) });
    assert.equal((await ledger.verify()).ok, true);
  });

  withLedger('catalog clashes surface as domain codes, never driver errors', async (ledger) => {
    await seed(ledger);
    await assert.rejects(ledger.session((s) => s.createAsset({ symbol: 'ETH', scale: 18 })), code('ASSET_EXISTS'));
    await assert.rejects(ledger.session((s) => s.createUser({ name: 'alice' })), code('USER_EXISTS'));
    await assert.rejects(
      ledger.session((s) => s.createAsset({ symbol: 'WETH', scale: 18, bitget: { coin: 'ETH' } })),
      code('IDENTITY_TAKEN'),
    );
    await assert.rejects(
      ledger.session((s) => s.createUser({ name: 'bob', main: { bitgetUid: '6000000001' } })),
      code('IDENTITY_TAKEN'),
    );
  });

  withLedger('a generated identity steps over one a scenario fixed for another account', async (ledger, store) => {
    const { main } = await seed(ledger); // accounts 1 and 2
    // Account 3 takes what account 4 would be generated: uid 6000000004, Loopring id 10004.
    await ledger.session((s) => s.createUser({ name: 'fixed', main: { bitgetUid: '6000000004', loopringAccountId: 10004 } }));
    assert.equal(await store.accountIdentityTaken('bitgetUid', '6000000004'), true);
    assert.equal(await store.accountIdentityTaken('loopringAccountId', 10004), true);
    assert.equal(await store.accountIdentityTaken('loopringAddress', `0x${main.loopringAddress.slice(2).toUpperCase()}`), true, 'addresses compare in lower case');
    assert.equal(await store.accountIdentityTaken('bullishTradingAccountId', '111999999999999'), false);
    const { main: generated } = await ledger.session((s) => s.createUser({ name: 'generated' }));
    assert.equal(generated.id, 4);
    assert.equal(generated.bitgetUid, '6000000005');
    assert.equal(generated.loopringAccountId, 10005);
    assert.equal(generated.bullishTradingAccountId, '111000000000004', 'a free candidate is taken as it is');
  });

  withLedger('credentials are unique per venue and public id', async (ledger, store) => {
    const { main } = await seed(ledger);
    const credential = {
      venue: 'bitget' as const,
      userId: main.userId,
      accountId: main.id,
      publicId: 'bg_key',
      secretSealed: 'sealed',
      passphraseHash: 'hash',
      rsaPublicKeyPem: null,
      label: 'default',
    };
    await ledger.session((s) => s.createCredential(credential));
    await assert.rejects(ledger.session((s) => s.createCredential(credential)), code('CREDENTIAL_EXISTS'));
    await ledger.session((s) => s.createCredential({ ...credential, venue: 'bullish' }));
    assert.equal((await store.getCredential('bitget', 'bg_key'))?.passphraseHash, 'hash');
    assert.equal((await store.listCredentials(main.userId)).length, 2);
  });

  withLedger('a Loopring layer-2 public key is registered, replaced and removed, and nothing else of the account changes', async (ledger, store) => {
    const { main, sub } = await seed(ledger);
    assert.equal(main.loopringPublicKey, null);
    const first = { x: '0x01', y: '0x02' };
    assert.equal(await store.transaction((tx) => tx.setLoopringPublicKey(main.id, first)), true);
    assert.deepEqual(await store.getAccount(main.id), { ...main, loopringPublicKey: first });
    const second = { x: '123', y: '456' };
    await store.transaction((tx) => tx.setLoopringPublicKey(main.id, second));
    assert.deepEqual((await store.getAccount(main.id))?.loopringPublicKey, second);
    assert.equal((await store.getAccount(sub.id))?.loopringPublicKey, null, 'other accounts keep theirs');
    await store.transaction((tx) => tx.setLoopringPublicKey(main.id, null));
    assert.equal((await store.getAccount(main.id))?.loopringPublicKey, null);
    assert.equal(await store.transaction((tx) => tx.setLoopringPublicKey(999_999, first)), false, 'no such account');
  });

  withLedger('an account is found by its Loopring account id or owner address, and by nothing else', async (ledger, store) => {
    const { main, sub } = await seed(ledger);
    assert.deepEqual(await store.getAccountByLoopring({ accountId: main.loopringAccountId }), main);
    assert.deepEqual(await store.getAccountByLoopring({ accountId: sub.loopringAccountId }), sub);
    assert.deepEqual(await store.getAccountByLoopring({ address: sub.loopringAddress }), sub);
    assert.deepEqual(await store.getAccountByLoopring({ address: sub.loopringAddress.toUpperCase().replace('0X', '0x') }), sub, 'any case');
    assert.deepEqual(await store.getAccountByLoopring({ accountId: sub.loopringAccountId, address: sub.loopringAddress }), sub, 'both, matching');
    assert.equal(await store.getAccountByLoopring({ accountId: main.loopringAccountId, address: sub.loopringAddress }), undefined, 'both, naming two accounts');
    assert.equal(await store.getAccountByLoopring({ accountId: 2_147_483_647 }), undefined);
    assert.equal(await store.getAccountByLoopring({ address: `0x${'9'.repeat(40)}` }), undefined);
    assert.equal(await store.getAccountByLoopring({}), undefined, 'an identity naming nothing');
    assert.equal(await store.getAccountByLoopring({ accountId: main.id }), undefined, "the assetbook id is not a Loopring id");
    await store.transaction((tx) => tx.setLoopringPublicKey(main.id, { x: '0x01', y: '0x02' }));
    assert.deepEqual((await store.getAccountByLoopring({ accountId: main.loopringAccountId }))?.loopringPublicKey, { x: '0x01', y: '0x02' }, 'the current key');
  });

  withLedger('a pending closes once: the second settlement is refused', async (ledger) => {
    const { main } = await seed(ledger);
    await ledger.apply({ key: 'p1', type: 'deposit.pending', account: main.id, asset: 'ETH', amount: '2' });
    await ledger.apply({ key: 'c1', type: 'deposit.confirm', pending: 'p1' });
    await assert.rejects(ledger.apply({ key: 'c2', type: 'deposit.cancel', pending: 'p1' }), code('PENDING_CLOSED'));
  });

  withLedger('the journal pages by cursor, oldest first, and every entry appears once', async (ledger) => {
    const { main } = await seed(ledger);
    for (let i = 0; i < 7; i += 1) {
      await ledger.apply({ key: `d${i}`, type: 'deposit', account: main.id, asset: 'ETH', amount: '1' });
    }
    const seen: string[] = [];
    let cursor = 0;
    for (;;) {
      const page = await ledger.journal(cursor, 3);
      seen.push(...page.entries.map((e) => e.key));
      if (page.next === null) break;
      cursor = page.next;
    }
    assert.deepEqual(seen, ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    assert.deepEqual((await ledger.journal(cursor, 3)).entries.length, 1);
  });

  withLedger('the journal head is the newest entry, and a settled read pages the whole journal once everything has committed', async (ledger, store) => {
    const { main } = await seed(ledger);
    assert.equal(await store.journalHead(), 0);
    assert.deepEqual(await store.listSettledJournal(0, 3), { entries: [], next: null });
    for (let i = 0; i < 7; i += 1) await ledger.apply({ key: `d${i}`, type: 'deposit', account: main.id, asset: 'ETH', amount: '1' });
    assert.equal(await store.journalHead(), 7);
    const keys: string[] = [];
    let cursor = 0;
    for (;;) {
      const page = await store.listSettledJournal(cursor, 3);
      assert.deepEqual(page, await store.listJournal(cursor, 3), 'with nothing under way, the same page as the plain read');
      keys.push(...page.entries.map((e) => e.key));
      if (page.next === null) break;
      cursor = page.next;
    }
    assert.deepEqual(keys, ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
  });

  withLedger('reset empties the ledger but keeps settings', async (ledger, store) => {
    const { main } = await seed(ledger);
    await ledger.apply({ key: 'd1', type: 'deposit', account: main.id, asset: 'ETH', amount: '1' });
    await store.transaction((tx) => tx.setSetting('operator_token_sha256', 'abc'));
    await store.reset();
    assert.deepEqual(await store.listAssets(), []);
    assert.deepEqual(await store.listUsers(), []);
    assert.equal(await store.getOperation('d1'), undefined);
    assert.equal(await store.getSetting('operator_token_sha256'), 'abc');
    assert.equal((await ledger.verify()).entries, 0);
    await seed(ledger);
    assert.equal((await ledger.verify()).ok, true, 'the store is usable again after a reset');
  });

  withLedger('concurrent operations on one balance lose no update and never overdraw', async (ledger, store) => {
    const { main, sub } = await seed(ledger);
    await ledger.apply({ key: 'fund', type: 'deposit', account: main.id, asset: 'ETH', amount: '10' });
    const attempts = Array.from({ length: 40 }, (_, i) =>
      ledger.apply({ key: `t${i}`, type: 'transfer', from: main.id, to: sub.id, asset: 'ETH', amount: '0.5' }).then(
        () => 'ok',
        (error: unknown) => (error instanceof LedgerError ? error.code : 'crash'),
      ),
    );
    const outcomes = await Promise.all(attempts);
    assert.equal(outcomes.filter((o) => o === 'ok').length, 20);
    assert.equal(outcomes.filter((o) => o === 'INSUFFICIENT_FUNDS').length, 20);
    const sub_ = await store.readBalances(sub.id);
    assert.equal(sub_.find((b) => b.bucket === 'available')?.amount, 10n * 10n ** 18n);
    assert.equal((await ledger.verify()).ok, true);
  });

  withLedger('one key applied concurrently lands once, and every caller gets the first result', async (ledger) => {
    const { main } = await seed(ledger);
    const request = { key: 'same', type: 'deposit' as const, account: main.id, asset: 'ETH', amount: '1' };
    const results = await Promise.all(Array.from({ length: 10 }, () => ledger.apply(request)));
    assert.equal(new Set(results.map((r) => r.entry.id)).size, 1);
    assert.equal(results.filter((r) => !r.replayed).length, 1);
    const report = await ledger.verify();
    assert.equal(report.entries, 1);
  });

  withLedger('a nonce is claimed once while remembered, again once forgotten, and per scope', async (_ledger, store) => {
    assert.equal(await store.claimNonce('key-a', '1', 2_000, 1_000), true);
    assert.equal(await store.claimNonce('key-a', '1', 2_500, 1_500), false, 'a replay while remembered');
    assert.equal(await store.claimNonce('key-b', '1', 2_000, 1_500), true, 'another scope');
    assert.equal(await store.claimNonce('key-a', '1', 4_000, 2_000), true, 'forgotten at its time, then taken again');
    const racing = await Promise.all(Array.from({ length: 8 }, () => store.claimNonce('key-c', '9', 9_000, 5_000)));
    assert.equal(racing.filter(Boolean).length, 1, 'claimed at the same moment: exactly one wins');
  });

  withLedger('verify run while operations commit sees one state: the journal and the balances always agree', async (ledger) => {
    const { main, sub } = await seed(ledger);
    const writes = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        ledger.applyBatch([
          { key: `d${i}`, type: 'deposit', account: main.id, asset: 'ETH', amount: '1' },
          { key: `e${i}`, type: 'deposit', account: sub.id, asset: 'ETH', amount: '1' },
        ]),
      ),
    );
    const reports = [];
    for (let i = 0; i < 8; i += 1) reports.push(await ledger.verify());
    await writes;
    reports.push(await ledger.verify());
    for (const report of reports) assert.deepEqual(report.mismatches, []);
    assert.equal(reports.at(-1)?.entries, 120);
  });

  withLedger('verify recomputes balances from scanned postings and finds nothing wrong', async (ledger) => {
    const { main, sub } = await seed(ledger);
    await ledger.apply({ key: 'd', type: 'deposit', account: main.id, asset: 'ETH', amount: '3' });
    await ledger.apply({ key: 'h', type: 'hold', account: main.id, asset: 'ETH', amount: '1' });
    await ledger.apply({ key: 't', type: 'transfer', from: main.id, to: sub.id, asset: 'ETH', amount: '1' });
    const report = await ledger.verify();
    assert.deepEqual(report, { ok: true, entries: 3, postings: 6, balances: 4, reservations: 0, mismatches: [] });
  });
}
