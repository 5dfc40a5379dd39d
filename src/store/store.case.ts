import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../ledger/ledger.js';
import { LedgerError } from '../ledger/errors.js';
import { compareBalanceKeys, type LedgerStore } from './store.js';
import { runReservationSuite } from './reservations.case.js';
import { runHistorySuite } from './history.case.js';
import { runSnapshotSuite } from './snapshot.case.js';
import { runDirectorySuite } from './directory.case.js';
import { addAccount, addAsset, addUser } from './seed.case.js';

/**
 * The one suite every store engine passes, unchanged. An engine's test file calls
 * `runStoreSuite` with a factory for fresh, empty stores and adds only engine-specific cases.
 */
export function runStoreSuite(engine: string, openEmpty: () => Promise<LedgerStore>, options: { skip?: string | false } = {}): void {
  runReservationSuite(engine, openEmpty, options);
  runHistorySuite(engine, openEmpty, options);
  runSnapshotSuite(engine, openEmpty, options);
  runDirectorySuite(engine, openEmpty, options);
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
    ledger.store.transaction(async (tx) => {
      await addAsset(tx, 'ETH', 18);
      const { main } = await addUser(tx, 'alice');
      const sub = await addAccount(tx, main.userId, 'sub', 'bot');
      return { main, sub };
    });

  const code = (expected: string) => (error: unknown) => error instanceof LedgerError && error.code === expected;

  withLedger('a transaction that throws writes nothing: catalog, identities, facts, journal and balances alike', async (ledger, store) => {
    const { main } = await seed(ledger);
    await assert.rejects(
      store.transaction(async (tx) => {
        await addAsset(tx, 'BTC', 8, { x: { id: '7' } }, ['id']);
        await tx.setAccountFacts(main.id, 'x', { note: 'changed' });
        await tx.insertOperation({ key: 'd1', hash: 'h', type: 'deposit', atMs: 1, request: {}, postings: [] });
        await tx.lockBalances([{ account: main.id, asset: 'ETH', bucket: 'available' }]);
        await tx.writeBalances([{ account: main.id, asset: 'ETH', bucket: 'available', amount: 5n, atMs: 1 }]);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.getAsset('BTC'), undefined);
    assert.equal(await store.identityTaken('asset', { venue: 'x', name: 'id', value: '7' }), false);
    assert.deepEqual((await store.getAccount(main.id))?.venues, {});
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
    await store.transaction((tx) => addAsset(tx, 'FINE', 36));
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

  withLedger('catalog clashes surface as domain codes, never driver errors', async (ledger, store) => {
    await seed(ledger);
    await assert.rejects(store.transaction((tx) => addAsset(tx, 'ETH', 18)), code('ASSET_EXISTS'));
    await assert.rejects(store.transaction((tx) => addUser(tx, 'alice')), code('USER_EXISTS'));
  });

  const taken = (venue: string, name: string, value: string) => (error: unknown) =>
    error instanceof LedgerError &&
    error.code === 'IDENTITY_TAKEN' &&
    error.path === `venues/${venue}/${name}` &&
    error.message === `${venue} ${name} ${value} is taken`;

  withLedger('a unique venue fact held already is IDENTITY_TAKEN at venues/<venue>/<name>, for assets, users and accounts, and the refused subject is not stored', async (ledger, store) => {
    const { main } = await store.transaction(async (tx) => {
      await addAsset(tx, 'BTC', 8, { x: { coin: 'XBT', scale: '8' } }, ['coin']);
      return addUser(tx, 'alice', { venues: { x: { handle: 'al' } }, main: { x: { id: '1', tag: 'a' }, y: { id: '1' } }, unique: ['handle', 'id'] });
    });
    await assert.rejects(store.transaction((tx) => addAsset(tx, 'WBTC', 8, { x: { coin: 'XBT' } }, ['coin'])), taken('x', 'coin', 'XBT'));
    await assert.rejects(store.transaction((tx) => addUser(tx, 'bob', { venues: { x: { handle: 'al' } }, unique: ['handle'] })), taken('x', 'handle', 'al'));
    await assert.rejects(
      store.transaction((tx) => addAccount(tx, main.userId, 'sub', 'bot', { x: { id: '2' }, y: { id: '1' } }, ['id'])),
      taken('y', 'id', '1'),
      'the clash names the fact that clashed, not the first one given',
    );
    assert.equal(await store.getAsset('WBTC'), undefined);
    assert.equal(await store.getUserByName('bob'), undefined);
    assert.deepEqual((await store.listAccounts()).map((a) => a.id), [main.id]);
    assert.equal(await store.identityTaken('account', { venue: 'x', name: 'id', value: '2' }), false, "the refused account's other identities are not kept");
    // The same value under another venue, fact name or subject is another identity.
    await store.transaction(async (tx) => {
      await addAsset(tx, 'XBT', 8, { y: { coin: 'XBT' }, x: { symbol: 'XBT' } }, ['coin', 'symbol']);
      await addAccount(tx, main.userId, 'sub', 'bot', { x: { id: '2', handle: 'al' } }, ['id', 'handle']);
    });
  });

  withLedger('identityTaken tells whether a subject of the kind holds a unique fact; facts not indexed as identities are not taken', async (ledger, store) => {
    await store.transaction(async (tx) => {
      await addAsset(tx, 'BTC', 8, { x: { coin: 'XBT', decimals: '8' } }, ['coin']);
      await addUser(tx, 'alice', { main: { x: { id: '100', note: 'free' } }, unique: ['id'] });
    });
    assert.equal(await store.identityTaken('asset', { venue: 'x', name: 'coin', value: 'XBT' }), true);
    assert.equal(await store.identityTaken('asset', { venue: 'x', name: 'decimals', value: '8' }), false, 'not unique, so not indexed');
    assert.equal(await store.identityTaken('account', { venue: 'x', name: 'coin', value: 'XBT' }), false, 'another kind of subject');
    assert.equal(await store.identityTaken('account', { venue: 'x', name: 'id', value: '100' }), true);
    assert.equal(await store.identityTaken('account', { venue: 'x', name: 'id', value: '1000' }), false);
    assert.equal(await store.identityTaken('account', { venue: 'y', name: 'id', value: '100' }), false, 'another venue');
    assert.equal(await store.identityTaken('account', { venue: 'x', name: 'note', value: 'free' }), false);
    assert.equal(await store.transaction((tx) => tx.identityTaken('account', { venue: 'x', name: 'id', value: '100' })), true, 'inside a transaction too');
  });

  withLedger('an account is found by any of its unique facts, compared exactly, and by nothing else', async (ledger, store) => {
    const { main, sub } = await store.transaction(async (tx) => {
      const { main } = await addUser(tx, 'alice', { main: { x: { id: '1', address: '0xab' }, y: { id: '9' } }, unique: ['id', 'address'] });
      const sub = await addAccount(tx, main.userId, 'sub', 'bot', { x: { id: '2', address: '0xcd', key: 'k' } }, ['id', 'address']);
      return { main, sub };
    });
    assert.deepEqual(await store.findAccount('x', 'id', '1'), main);
    assert.deepEqual(await store.findAccount('x', 'id', '2'), sub);
    assert.deepEqual(await store.findAccount('x', 'address', '0xcd'), sub);
    assert.deepEqual(await store.findAccount('y', 'id', '9'), main);
    assert.equal(await store.findAccount('x', 'address', '0xCD'), undefined, 'values compare exactly (a venue normalises its own)');
    assert.equal(await store.findAccount('y', 'id', '1'), undefined, 'another venue');
    assert.equal(await store.findAccount('x', 'key', 'k'), undefined, 'a fact that is not an identity');
    assert.equal(await store.findAccount('x', 'id', String(sub.id + 100)), undefined);
    assert.equal(await store.findAccount('x', 'id', '01'), undefined);
  });

  withLedger("setAccountFacts sets, replaces and removes the facts named, of one venue, and leaves every other fact and account as it was", async (ledger, store) => {
    const { main, sub } = await store.transaction(async (tx) => {
      const { main } = await addUser(tx, 'alice', { main: { x: { id: '1', address: '0xab' }, y: { id: '9' } }, unique: ['id', 'address'] });
      const sub = await addAccount(tx, main.userId, 'sub', 'bot', { x: { id: '2' } }, ['id']);
      return { main, sub };
    });
    const key = JSON.stringify({ x: '0x01', y: '0x02' });
    assert.equal(await store.transaction((tx) => tx.setAccountFacts(main.id, 'x', { publicKey: key })), true);
    assert.deepEqual(await store.getAccount(main.id), { ...main, venues: { x: { id: '1', address: '0xab', publicKey: key }, y: { id: '9' } } });
    await store.transaction((tx) => tx.setAccountFacts(main.id, 'x', { publicKey: '{"x":"1","y":"2"}', note: 'n' }));
    assert.deepEqual((await store.getAccount(main.id))?.venues, { x: { id: '1', address: '0xab', publicKey: '{"x":"1","y":"2"}', note: 'n' }, y: { id: '9' } });
    await store.transaction((tx) => tx.setAccountFacts(main.id, 'x', { publicKey: null, absent: null }));
    assert.deepEqual((await store.getAccount(main.id))?.venues, { x: { id: '1', address: '0xab', note: 'n' }, y: { id: '9' } });
    await store.transaction((tx) => tx.setAccountFacts(main.id, 'z', { first: 'z1' }));
    assert.deepEqual((await store.getAccount(main.id))?.venues.z, { first: 'z1' }, 'a venue with no facts yet');
    await store.transaction((tx) => tx.setAccountFacts(main.id, 'z', { first: null }));
    assert.equal((await store.getAccount(main.id))?.venues.z, undefined, 'a venue left with no facts is gone');
    assert.deepEqual(await store.getAccount(sub.id), sub, 'other accounts keep theirs');
    assert.deepEqual(await store.findAccount('x', 'id', '1'), { ...main, venues: { x: { id: '1', address: '0xab', note: 'n' }, y: { id: '9' } } }, 'found with its current facts');
    assert.equal(await store.transaction((tx) => tx.setAccountFacts(999_999, 'x', { note: 'n' })), false, 'no such account');
  });

  withLedger('addFacts gives a stored asset, user or account facts of a venue, keeps the facts it had, indexes the unique ones and refuses a taken one', async (ledger, store) => {
    const { main, sub, user } = await store.transaction(async (tx) => {
      await addAsset(tx, 'BTC', 8, { x: { coin: 'XBT' } }, ['coin']);
      const { user, main } = await addUser(tx, 'alice', { main: { x: { id: '1' } }, unique: ['id'] });
      const sub = await addAccount(tx, main.userId, 'sub', 'bot');
      return { main, sub, user };
    });
    await store.transaction(async (tx) => {
      assert.equal(await tx.addFacts('account', String(main.id), 'x', { id: 'other', handle: 'h1' }, [{ venue: 'x', name: 'handle', value: 'h1' }]), true);
      assert.equal(await tx.addFacts('account', String(sub.id), 'w', { handle: 'h2' }, [{ venue: 'w', name: 'handle', value: 'h2' }]), true);
      assert.equal(await tx.addFacts('asset', 'BTC', 'w', { code: '7' }, [{ venue: 'w', name: 'code', value: '7' }]), true);
      assert.equal(await tx.addFacts('user', String(user.id), 'w', { tier: 'gold' }, []), true);
    });
    assert.deepEqual((await store.getAccount(main.id))?.venues.x, { id: '1', handle: 'h1' }, 'a fact it had is kept, a new one added');
    assert.equal((await store.findAccount('x', 'handle', 'h1'))?.id, main.id);
    assert.equal((await store.findAccount('w', 'handle', 'h2'))?.id, sub.id);
    assert.deepEqual((await store.getAsset('BTC'))?.venues, { x: { coin: 'XBT' }, w: { code: '7' } });
    assert.equal(await store.identityTaken('asset', { venue: 'w', name: 'code', value: '7' }), true);
    assert.deepEqual((await store.getUser(user.id))?.venues, { w: { tier: 'gold' } });
    await assert.rejects(
      store.transaction((tx) => tx.addFacts('account', String(sub.id), 'x', { handle: 'h1' }, [{ venue: 'x', name: 'handle', value: 'h1' }])),
      (e: unknown) => e instanceof LedgerError && e.code === 'IDENTITY_TAKEN' && e.path === 'venues/x/handle',
    );
    assert.equal((await store.getAccount(sub.id))?.venues.x, undefined, 'the refused change wrote nothing');
    assert.equal(await store.transaction((tx) => tx.addFacts('account', '999999', 'x', { a: 'b' }, [])), false, 'no such account');
    assert.equal(await store.transaction((tx) => tx.addFacts('asset', 'NOPE', 'x', { a: 'b' }, [])), false, 'no such asset');
  });

  withLedger('assets, users and accounts read back with their facts by venue as given, in every read', async (ledger, store) => {
    const awkward = 'quote " backslash \\ unicode é 🙂 {"json":"text"}';
    const { btc, user, main, sub } = await store.transaction(async (tx) => {
      const btc = await addAsset(tx, 'BTC', 8, { x: { coin: 'XBT', precision: '8' }, y: { tokenId: '0', note: awkward } }, ['coin', 'tokenId']);
      await addAsset(tx, 'ETH', 18);
      const { user, main } = await addUser(tx, 'alice', { venues: { x: { broker: 'true' } }, main: { x: { id: '1' } }, unique: ['id'] });
      const sub = await addAccount(tx, user.id, 'sub', 'bot', {}, []);
      return { btc, user, main, sub };
    });
    assert.deepEqual(await store.getAsset('BTC'), btc);
    assert.deepEqual((await store.listAssets()).map((a) => [a.symbol, a.venues]), [['BTC', btc.venues], ['ETH', {}]]);
    assert.deepEqual(await store.getUser(user.id), user);
    assert.deepEqual(await store.getUserByName('alice'), user);
    assert.deepEqual(await store.listUsers(), [user]);
    assert.deepEqual(await store.getAccount(main.id), main);
    assert.deepEqual(await store.listAccounts(), [main, sub]);
    assert.deepEqual(await store.listAccounts({ userId: user.id }), [main, sub]);
    assert.deepEqual(await store.transaction((tx) => tx.getAsset('BTC')), btc, 'inside a transaction too');
  });

  withLedger('credentials are unique per venue and public id, and keep their extras as written', async (ledger, store) => {
    const { main } = await seed(ledger);
    const credential = {
      venue: 'x',
      userId: main.userId,
      accountId: main.id,
      publicId: 'x_key',
      secretSealed: 'sealed',
      extra: { passphraseHash: 'hash', pem: '-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----\n' },
      label: 'default',
      createdAtMs: 5,
    };
    const id = await store.transaction((tx) => tx.insertCredential(credential));
    await assert.rejects(store.transaction((tx) => tx.insertCredential(credential)), code('CREDENTIAL_EXISTS'));
    const other = await store.transaction((tx) => tx.insertCredential({ ...credential, venue: 'y', secretSealed: null, extra: {} }));
    assert.deepEqual(await store.getCredential('x', 'x_key'), { id, ...credential });
    assert.deepEqual(await store.getCredential('y', 'x_key'), { id: other, ...credential, venue: 'y', secretSealed: null, extra: {} });
    assert.equal(await store.getCredential('z', 'x_key'), undefined);
    assert.deepEqual((await store.listCredentials(main.userId)).map((c) => c.id), [id, other]);
    assert.deepEqual((await store.listCredentials()).map((c) => c.id), [id, other]);
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
    await store.transaction((tx) => addAccount(tx, main.userId, 'sub', 'x', { x: { id: '1' } }, ['id']));
    await store.reset();
    assert.equal(await store.identityTaken('account', { venue: 'x', name: 'id', value: '1' }), false, 'identities go with their subjects');
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

  withLedger('existingOperationKeys tells which keys are in the journal, in one call, for any number of keys', async (ledger, store) => {
    const { main } = await seed(ledger);
    await ledger.apply({ key: 'k1', type: 'deposit', account: main.id, asset: 'ETH', amount: '1' });
    await ledger.apply({ key: "k'2", type: 'deposit', account: main.id, asset: 'ETH', amount: '1' });
    const asked = ['k1', 'absent', "k'2", ...Array.from({ length: 250 }, (_, i) => `none-${i}`)];
    assert.deepEqual([...(await store.existingOperationKeys(asked))].sort(), ["k'2", 'k1']);
    assert.deepEqual(await store.existingOperationKeys([]), new Set());
    assert.deepEqual(await store.transaction((tx) => tx.existingOperationKeys(['k1', 'absent'])), new Set(['k1']));
  });

  withLedger('addToSystemBooks adds to system books, created if missing; a lock inside the transaction reads its own additions; a savepoint rolled back takes its own with it', async (_ledger, store) => {
    const world = { account: 0, bucket: 'world', asset: 'ETH' } as const;
    const fees = { account: 0, bucket: 'fees', asset: 'ETH' } as const;
    const at = { atMs: 1 };
    const seen = await store.transaction(async (tx) => {
      await tx.addToSystemBooks([{ ...world, delta: -5n, ...at }]);
      await tx.addToSystemBooks([{ ...fees, delta: 2n, ...at }, { ...world, delta: -3n, ...at }]);
      await assert.rejects(tx.savepoint(async () => {
        await tx.addToSystemBooks([{ ...world, delta: -100n, ...at }]);
        throw new LedgerError('INVALID_ARGUMENT', 'rolled back');
      }));
      return tx.lockBalances([fees, world].sort(compareBalanceKeys));
    });
    assert.deepEqual(seen, [2n, -8n]);
    const books = (await store.readBalances(0)).map((b) => [b.bucket, b.amount]);
    assert.deepEqual(books.sort(), [['fees', 2n], ['world', -8n]]);
  });

  withLedger('system books add up exactly under concurrent transactions, and a sum past the limit refuses its whole transaction', async (ledger, store) => {
    const { main, sub } = await seed(ledger);
    await Promise.all(Array.from({ length: 40 }, (_, i) => ledger.apply({ key: `d${i}`, type: 'deposit', account: i % 2 ? main.id : sub.id, asset: 'ETH', amount: '1' })));
    await Promise.all(Array.from({ length: 4 }, (_, b) => ledger.applyBatch(Array.from({ length: 10 }, (_, i) => ({ key: `b${b}-${i}`, type: 'deposit' as const, account: main.id, asset: 'ETH', amount: '1' })))));
    const world = (await store.readBalances(0)).find((b) => (b.bucket as string) === 'world');
    assert.equal(world?.amount, -80n * 10n ** 18n);
    await assert.rejects(
      store.transaction((tx) => tx.addToSystemBooks([{ account: 0, bucket: 'world', asset: 'ETH', delta: -(10n ** 78n) + 1n, atMs: 1 }])),
      code('INVALID_AMOUNT'),
    );
    assert.equal((await store.readBalances(0)).find((b) => (b.bucket as string) === 'world')?.amount, -80n * 10n ** 18n);
    assert.deepEqual((await ledger.verify()).mismatches, []);
  });

  withLedger('a savepoint refused after a write takes that write back, and the operations around it commit', async (ledger, store) => {
    const { main } = await seed(ledger);
    const reservation = (id: string) => ({ id, kind: 'order' as const, account: main.id, asset: 'ETH', bucket: 'held' as const, amount: 1n, fee: 0n, posted: 0n, voided: 0n, state: 'open' as const });
    await store.transaction(async (tx) => {
      await tx.savepoint(() => tx.insertReservation(reservation('before')));
      await assert.rejects(
        tx.savepoint(async () => {
          await tx.insertReservation(reservation('refused'));
          throw new LedgerError('INVALID_ARGUMENT', 'refused after its write');
        }),
        code('INVALID_ARGUMENT'),
      );
      await tx.savepoint(() => tx.insertReservation(reservation('after')));
    });
    assert.equal((await store.getReservation('refused')), undefined, 'the refused operation wrote nothing');
    assert.equal((await store.getReservation('before'))?.id, 'before');
    assert.equal((await store.getReservation('after'))?.id, 'after');
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
