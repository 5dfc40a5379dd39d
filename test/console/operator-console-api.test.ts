import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { demoBitgetKey, signedBitgetRequest } from '../support/bitget-signer.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { postgresSchemas } from '../support/postgres-schemas.js';
import { skipWithoutPostgres } from '../support/services.js';
import { openSse, type SseStream } from '../support/sse.js';

/**
 * The operator routes the console is built on, over a real server loaded with the demo: the
 * directory (paged, searched, refusing what it cannot page), an account's balances beside each
 * venue's rows (the very rows the venue's own read answers a client), and the journal as
 * Server-Sent Events (live, resumable, reset-aware, behind the token, ended by a shutdown, and
 * across instances on PostgreSQL).
 */

const TOKEN = 'console-api-token';
const V1 = '/_assetbook/v1';

interface UsersPage {
  users: { id: number; name: string; accountCount: number }[];
  next: string | null;
}
interface AccountsPage {
  accounts: { id: number; userId: number; userName: string; label: string; venues: Record<string, Record<string, unknown>> }[];
  next: string | null;
}
interface Views {
  account: number;
  assets: Record<string, string>[];
  venues: { venue: string; source: string | null; rows: { asset: string; row: Record<string, unknown> }[] }[];
}
interface ErrorBody {
  error: { code: string; message: string; path?: string };
}
interface StreamedEntry {
  position: number;
  accounts: number[];
  entry: { id: number; key: string; type: string; postings: { account: number; bucket: string; asset: string; amount: string }[] };
}

let api: HttpHarness;
before(async () => {
  api = await HttpHarness.start(TOKEN, { scenario: DEMO });
});
after(async () => {
  await api?.close();
});

const entryOf = (e: { data: string }) => JSON.parse(e.data) as StreamedEntry;

const stream = (query = '', headers: Record<string, string> = {}, harness = api) =>
  openSse(`${harness.baseUrl}${V1}/journal/stream${query}`, { authorization: `Bearer ${TOKEN}`, ...headers });

describe('the directory: users and accounts a page at a time', () => {
  test('a walk of the user pages shows every user once, in id order, each with its account count', async () => {
    const all = (await api.get<{ id: number; accounts: unknown[] }[]>(`${V1}/users`)).body;
    const seen: { id: number; accountCount: number }[] = [];
    let after = '0';
    for (;;) {
      const page = await api.get<UsersPage>(`${V1}/users/page?limit=2&after=${after}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.users.length <= 2);
      seen.push(...page.body.users);
      if (page.body.next === null) break;
      after = page.body.next;
    }
    assert.deepEqual(seen.map((u) => [u.id, u.accountCount]), all.map((u) => [u.id, u.accounts.length]));
  });

  test('an account is found by a user name, a label, and each venue identity as clients know it (a numeric id typed as text, an address in any case)', async () => {
    const alice = api.account('alice');
    const found = async (q: string) => (await api.get<AccountsPage>(`${V1}/accounts/page?q=${encodeURIComponent(q)}`)).body.accounts.map((a) => a.id);
    const venues = alice.venues as Record<string, Record<string, string>>;
    assert.deepEqual(await found(venues.bitget!.uid!), [alice.id]);
    assert.deepEqual(await found(venues.bullish!.tradingAccountId!), [alice.id]);
    assert.deepEqual(await found(String(venues.loopring!.accountId)), [alice.id]);
    const address = venues.loopring!.address!;
    assert.deepEqual(await found(`0x${address.slice(2).toUpperCase()}`), await found(address));
    assert.ok((await found('grid-bot')).includes(api.account('alice', 'grid-bot').id));
    const bobs = (await api.get<AccountsPage>(`${V1}/accounts/page?q=BOB`)).body.accounts;
    assert.ok(bobs.length > 0 && bobs.every((a) => a.userName === 'bob'), "a user's name finds its accounts, ignoring case");
    const ofAlice = (await api.get<AccountsPage>(`${V1}/accounts/page?userId=${alice.userId}&limit=200`)).body.accounts;
    assert.ok(ofAlice.length === 4 && ofAlice.every((a) => a.userId === alice.userId));
  });

  test('refuses a page it would have to cut, a bad cursor and an unknown parameter, naming the parameter; and needs the token', async () => {
    const refused = async (path: string, at: string) => {
      const r = await api.get<ErrorBody>(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error.code, 'INVALID_ARGUMENT', path);
      assert.equal(r.body.error.path, at, path);
    };
    await refused(`${V1}/users/page?limit=201`, 'query/limit');
    await refused(`${V1}/accounts/page?limit=0`, 'query/limit');
    await refused(`${V1}/accounts/page?after=-1`, 'query/after');
    await refused(`${V1}/accounts/page?userId=x`, 'query/userId');
    await refused(`${V1}/users/page?sort=name`, 'query/sort');
    assert.equal((await api.get(`${V1}/users/page`, null)).status, 401);
    assert.equal((await api.get(`${V1}/accounts/page`, 'wrong')).status, 401);
  });
});

describe("an account's views: the ledger's buckets beside each venue's rows", () => {
  test('every bucket of every asset, and one entry per venue served naming the read its rows answer', async () => {
    const alice = api.account('alice');
    const views = (await api.get<Views>(`${V1}/accounts/${alice.id}/views`)).body;
    const balances = (await api.get<{ assets: unknown[] }>(`${V1}/accounts/${alice.id}/balances`)).body;
    assert.deepEqual(views.assets, balances.assets, 'the ledger part is what GET /balances answers');
    assert.deepEqual(views.venues.map((v) => [v.venue, v.source]), [
      ['bitget', 'GET /api/v2/spot/account/assets'],
      ['bullish', 'GET /trading-api/v1/accounts/asset'],
      ['loopring', 'GET /api/v3/user/balances'],
    ]);
  });

  test("Bitget's and Loopring's rows are exactly what their own balance reads answer the account's client", async () => {
    const alice = api.account('alice');
    const views = (await api.get<Views>(`${V1}/accounts/${alice.id}/views`)).body;
    const rowsOf = (venue: string) => views.venues.find((v) => v.venue === venue)!.rows.map((r) => r.row);

    const bitget = await api.request<{ data: unknown[] }>(signedBitgetRequest(demoBitgetKey(api.secrets('alice', 'bitget')), '/api/v2/spot/account/assets'));
    assert.equal(bitget.status, 200, bitget.text);
    assert.deepEqual(rowsOf('bitget'), bitget.body.data);

    const accountId = (alice.venues as Record<string, Record<string, string>>).loopring!.accountId;
    const loopring = await api.request<unknown[]>({ method: 'GET', path: `/api/v3/user/balances?accountId=${accountId}`, headers: { 'X-API-KEY': api.secrets('alice', 'loopring').apiKey! }, token: null });
    assert.equal(loopring.status, 200, loopring.text);
    assert.deepEqual(rowsOf('loopring'), loopring.body);
    assert.ok(rowsOf('bullish').length > 0);
  });

  test('an unknown account is ACCOUNT_NOT_FOUND at params/id', async () => {
    const r = await api.get<ErrorBody>(`${V1}/accounts/9999/views`);
    assert.equal(r.status, 404);
    assert.deepEqual([r.body.error.code, r.body.error.path], ['ACCOUNT_NOT_FOUND', 'params/id']);
  });
});

describe('the journal stream (Server-Sent Events)', () => {
  test('says when it is live, then sends each committed entry once, in order, with the accounts it touched, as GET /journal renders it', async () => {
    const s = await stream();
    try {
      assert.equal(s.status, 200);
      assert.match(s.headers.get('content-type') ?? '', /^text\/event-stream/);
      const ready = JSON.parse((await s.nextOf('ready')).data) as { after: number };
      const bob = api.account('bob').id;
      await api.operate({ key: 'sse-1', type: 'deposit', account: bob, asset: 'USDT', amount: '1.5' });
      await api.operate({ key: 'sse-2', type: 'transfer', from: bob, to: api.account('alice').id, asset: 'USDT', amount: '0.5' });
      const first = await s.next();
      const second = await s.next();
      assert.deepEqual([first.event, second.event], ['entry', 'entry']);
      const [one, two] = [entryOf(first), entryOf(second)];
      assert.deepEqual([one.entry.key, two.entry.key], ['sse-1', 'sse-2']);
      assert.ok(one.position > ready.after && two.position > one.position);
      assert.equal(first.id, String(one.position), 'the event id is the position, to resume from');
      assert.deepEqual(one.accounts, [bob]);
      assert.deepEqual(two.accounts, [bob, api.account('alice').id].sort((a, b) => a - b));
      const page = (await api.get<{ entries: unknown[] }>(`${V1}/journal?after=${one.position - 1}&limit=2`)).body.entries;
      assert.deepEqual([one.entry, two.entry], page);
    } finally {
      s.close();
    }
  });

  test('resumes after a position given as ?after= or Last-Event-ID, and starts `recent` entries before the head', async () => {
    const head = (await api.get<{ entries: { id: number }[] }>(`${V1}/journal?limit=500`)).body.entries.at(-1)!.id;
    for (const [query, headers] of [[`?after=${head - 2}`, {}], ['', { 'last-event-id': String(head - 2) }], ['?recent=2', {}]] as const) {
      const s = await stream(query, headers);
      try {
        const ids = [entryOf(await s.nextOf('entry')).position, entryOf(await s.nextOf('entry')).position];
        assert.deepEqual(ids, [head - 1, head], `${query} ${JSON.stringify(headers)}`);
      } finally {
        s.close();
      }
    }
  });

  test('refuses without the token, and a bad position or too large a backlog at the parameter', async () => {
    const none = await openSse(`${api.baseUrl}${V1}/journal/stream`);
    assert.equal(none.status, 401);
    for (const [query, at] of [['?after=x', 'query/after'], ['?recent=501', 'query/recent']] as const) {
      const r = await api.get<ErrorBody>(`${V1}/journal/stream${query}`);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.path, at);
    }
    const header = await api.request<ErrorBody>({ method: 'GET', path: `${V1}/journal/stream`, headers: { 'last-event-id': 'nope' } });
    assert.deepEqual([header.status, header.body.error.path], [400, 'headers/last-event-id']);
  });

  // The timeout only bounds a failure (a close that waits for the stream forever); a pass never comes near it.
  test('a shutdown ends the open streams instead of waiting for them', { timeout: 60_000 }, async () => {
    const other = await HttpHarness.start(TOKEN);
    const s = await stream('', {}, other);
    await s.nextOf('ready');
    await other.close();
    await s.ended;
  });

  test('tells a reset, then sends the new journal from its first entry', async () => {
    const own = await HttpHarness.start(TOKEN, { scenario: DEMO });
    const s = await stream('', {}, own);
    try {
      await s.nextOf('ready');
      assert.equal((await own.post(`${V1}/reset`)).status, 204);
      assert.equal((await s.next()).event, 'reset');
      await own.post(`${V1}/assets`, { symbol: 'USDT', scale: 6 });
      const user = (await own.post<{ accounts: { id: number }[] }>(`${V1}/users`, { name: 'after-reset' })).body;
      await own.operate({ key: 'after-reset', type: 'deposit', account: user.accounts[0]!.id, asset: 'USDT', amount: '1' });
      const entry = entryOf(await s.nextOf('entry'));
      assert.deepEqual([entry.position, entry.entry.key], [1, 'after-reset']);
    } finally {
      s.close();
      await own.close();
    }
  });
});

describe('the journal stream across instances on PostgreSQL', { skip: skipWithoutPostgres }, () => {
  const schemas = postgresSchemas('ab_console');
  let a: HttpHarness;
  let b: HttpHarness;
  let s: SseStream | undefined;
  before(async () => {
    const db = schemas.fresh();
    const flags = { db, secretKey: randomBytes(32).toString('hex') };
    a = await HttpHarness.start(TOKEN, { flags, scenario: DEMO });
    b = await HttpHarness.start(TOKEN, { flags });
  });
  after(async () => {
    s?.close();
    await a?.close();
    await b?.close();
  });

  test('a stream on instance A sends the entries committed through instance B, and the directory on B pages what A created', async () => {
    s = await stream('', {}, a);
    await s.nextOf('ready');
    const bob = (await b.get<AccountsPage>(`${V1}/accounts/page?q=bob&limit=1`)).body.accounts[0]!;
    await b.operate({ key: 'via-b', type: 'deposit', account: bob.id, asset: 'USDT', amount: '3' });
    const entry = entryOf(await s.nextOf('entry'));
    assert.deepEqual([entry.entry.key, entry.accounts], ['via-b', [bob.id]]);
    const views = (await a.get<Views>(`${V1}/accounts/${bob.id}/views`)).body;
    assert.ok(views.assets.some((row) => row.asset === 'USDT'));
  });
});
