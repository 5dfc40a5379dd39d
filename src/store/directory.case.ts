import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DirectoryQuery, LedgerStore } from './store.js';
import { addAccount, addUser } from './seed.case.js';

/**
 * The operator's directory (`listUsersPage`, `listAccountsPage`), as every engine answers it:
 * pages in id order that a cursor walks without a repeat or a gap, searches by name, label, id and
 * unique venue fact, and a search text taken literally (its `%` and `_` are not wildcards).
 * Facts belong to a made-up venue: the store knows none.
 */
export function runDirectorySuite(engine: string, openEmpty: () => Promise<LedgerStore>, options: { skip?: string | false } = {}): void {
  const withStore = (name: string, fn: (store: LedgerStore) => Promise<void>) =>
    test(`[${engine}] directory: ${name}`, { skip: options.skip ?? false }, async () => {
      const store = await openEmpty();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    });

  /** What a caller passes for a search text: the text read as the made-up venue's unique fact. */
  const asFact = (search: string) => ({ search, identities: [{ venue: 'acme', name: 'uid', value: search.trim() }] });

  /** Users user-00 … user-(n-1), each with a main account and, every third one, a sub-account "bot". */
  const seed = (store: LedgerStore, users: number) =>
    store.transaction(async (tx) => {
      for (let i = 0; i < users; i++) {
        const name = `user-${String(i).padStart(2, '0')}`;
        const { main } = await addUser(tx, name, { main: { acme: { uid: `U${1000 + i}` } }, unique: ['uid'] });
        if (i % 3 === 0) await addAccount(tx, main.userId, 'sub', 'bot', { acme: { uid: `S${1000 + i}` } }, ['uid']);
      }
    });

  async function walk<T extends { id: number }>(read: (afterId: number | undefined) => Promise<{ items: T[]; next: number | null }>, limit: number): Promise<number[]> {
    const seen: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await read(after);
      assert.ok(page.items.length <= limit, 'a page holds at most its limit');
      seen.push(...page.items.map((i) => i.id));
      if (page.next === null) return seen;
      assert.equal(page.next, page.items.at(-1)?.id, 'the cursor is the last id shown');
      after = page.next;
    }
  }

  withStore('pages users and accounts in id order: a cursor walk shows each once, and the last page says there is no more', async (store) => {
    await seed(store, 25);
    const users = await walk((afterId) => store.listUsersPage({ limit: 7, ...(afterId === undefined ? {} : { afterId }) }), 7);
    assert.deepEqual(users, Array.from({ length: 25 }, (_, i) => i + 1));
    const accounts = await walk((afterId) => store.listAccountsPage({ limit: 6, ...(afterId === undefined ? {} : { afterId }) }), 6);
    const all = (await store.listAccounts()).map((a) => a.id);
    assert.deepEqual(accounts, all);
    assert.equal(all.length, 25 + 9);

    const exact = await store.listUsersPage({ limit: 25 });
    assert.equal(exact.next, null, 'a page that holds the last match has no cursor');
    const first = await store.listUsersPage({ limit: 1 });
    assert.deepEqual(first.items.map((u) => [u.name, u.accountCount]), [['user-00', 2]], 'a user comes with the number of its accounts');
    const page = await store.listAccountsPage({ limit: 2 });
    assert.deepEqual(page.items.map((a) => [a.userName, a.kind, a.label, a.venues]), [
      ['user-00', 'main', 'main', { acme: { uid: 'U1000' } }],
      ['user-00', 'sub', 'bot', { acme: { uid: 'S1000' } }],
    ]);
  });

  withStore("searches users by name (ignoring case), by id and by an account's unique fact", async (store) => {
    await seed(store, 25);
    const names = async (query: Omit<DirectoryQuery, 'limit'>) => (await store.listUsersPage({ limit: 100, ...(query.search === undefined ? {} : asFact(query.search)), ...query })).items.map((u) => u.name);
    assert.deepEqual(await names({ search: 'USER-1' }), ['user-10', 'user-11', 'user-12', 'user-13', 'user-14', 'user-15', 'user-16', 'user-17', 'user-18', 'user-19']);
    assert.deepEqual(await names({ search: '  user-07 ' }), ['user-07'], 'the text is trimmed');
    assert.deepEqual(await names({ search: '3' }), ['user-02', 'user-03', 'user-13', 'user-23'], 'an integer matches the user with that id and the names containing it');
    assert.deepEqual(await names({ search: 'S1009' }), ['user-09'], "a sub-account's fact finds its user");
    assert.deepEqual(await names({ search: 'U1009', identities: [] }), [], 'facts are compared only as the identities given');
    assert.deepEqual(await names({ search: 'nobody' }), []);
    assert.deepEqual(await names({ search: '6100000001' }), [], 'a number past every id (a venue uid, say) is searched, not refused');
    assert.deepEqual(await names({ search: '99999999999999999999' }), []);
    const searched = await walk((afterId) => store.listUsersPage({ limit: 3, search: 'user-1', ...(afterId === undefined ? {} : { afterId }) }), 3);
    assert.deepEqual(searched, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 'a searched walk pages too');
  });

  withStore("searches accounts by label, user name, id and unique fact, and narrows to one user's", async (store) => {
    await seed(store, 25);
    const ids = async (query: Omit<DirectoryQuery, 'limit'>) => (await store.listAccountsPage({ limit: 100, ...(query.search === undefined ? {} : asFact(query.search)), ...query })).items.map((a) => `${a.userName}/${a.label}`);
    assert.deepEqual(await ids({ search: 'BOT', userId: 4 }), ['user-03/bot']);
    assert.deepEqual((await ids({ search: 'bot' })).length, 9);
    assert.deepEqual(await ids({ search: 'user-21' }), ['user-21/main', 'user-21/bot'], "a user's name finds its accounts");
    assert.deepEqual(await ids({ search: 'U1024' }), ['user-24/main'], 'an exact fact');
    assert.deepEqual(await ids({ search: 'U102' }), [], 'facts compare exactly, not as a part');
    const account = (await store.listAccountsPage({ limit: 1, afterId: 4 })).items[0]!;
    assert.deepEqual(await ids({ search: String(account.id), userId: account.userId }), [`${account.userName}/${account.label}`], 'an id');
    assert.deepEqual(await ids({ userId: 1 }), ['user-00/main', 'user-00/bot']);
    assert.deepEqual(await ids({ userId: 999 }), []);
  });

  withStore('an id past any an engine stores (above 2^31 - 1) names nothing: no user, no account, empty pages, never a database error', async (store) => {
    await seed(store, 2);
    const beyond = 3_000_000_000;
    assert.equal(await store.getUser(beyond), undefined);
    assert.equal(await store.getAccount(beyond), undefined);
    assert.deepEqual(await store.listAccounts({ userId: beyond }), []);
    assert.deepEqual(await store.listCredentials(beyond), []);
    assert.deepEqual(await store.listUsersPage({ limit: 5, afterId: beyond }), { items: [], next: null });
    assert.deepEqual(await store.listAccountsPage({ limit: 5, afterId: beyond }), { items: [], next: null });
    assert.deepEqual(await store.listAccountsPage({ limit: 5, userId: beyond }), { items: [], next: null });
    assert.equal((await store.listAccountsPage({ limit: 5 })).items.length > 0, true, 'the ledger is not empty');
  });

  withStore('takes the search text literally: % and _ are not wildcards, a backslash is a backslash', async (store) => {
    await store.transaction(async (tx) => {
      for (const name of ['100% sure', '100 sure', 'a_b', 'axb', 'back\\slash', 'backslash']) await addUser(tx, name);
    });
    const names = async (search: string) => (await store.listUsersPage({ limit: 10, search })).items.map((u) => u.name);
    assert.deepEqual(await names('100%'), ['100% sure']);
    assert.deepEqual(await names('a_b'), ['a_b']);
    assert.deepEqual(await names('k\\s'), ['back\\slash']);
    assert.deepEqual(await names("'; DROP TABLE users; --"), []);
    assert.equal((await store.listUsersPage({ limit: 10 })).items.length, 6);
  });
}
