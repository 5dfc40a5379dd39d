import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { HttpHarness, type HttpResponse } from './support/http-harness.js';

/**
 * The operator API end to end: a real server on 127.0.0.1, spoken to with fetch. The blocks run
 * in order and share one ledger: the happy path builds it, the bad-input table proves refusals
 * leave it untouched, reset empties it, and the last test checks the ledger's invariant.
 */

const TOKEN = 'test-operator-token';
const V1 = '/_assetbook/v1';
const BUCKETS = ['available', 'held', 'locked', 'restricted', 'borrowed', 'loaned', 'pendingDeposit', 'pendingWithdrawal'] as const;

interface ErrorBody {
  error: { code: string; message: string; path?: string };
}
/** Venue facts are nested under `venues`, every venue served present (docs/operator-api.md). */
interface AssetBody {
  symbol: string;
  name: string;
  scale: number;
  venues: {
    bitget: { coin: string };
    bullish: { assetId: string; precision: number };
    loopring: { tokenId: number; address: string; decimals: number };
  };
}
interface AccountBody {
  id: number;
  userId: number;
  kind: 'main' | 'sub';
  label: string;
  venues: {
    bitget: { uid: string };
    bullish: { tradingAccountId: string };
    loopring: { accountId: number; address: string; publicKey?: { x: string; y: string } };
  };
  createdAtMs: number;
}
interface UserBody {
  id: number;
  name: string;
  venues: { bitget: { broker?: boolean }; bullish: Record<string, never>; loopring: Record<string, never> };
  createdAtMs: number;
  accounts: AccountBody[];
}
interface IssuedBody {
  id: number;
  venue: string;
  userId: number;
  accountId: number;
  secrets: Record<string, string>;
}
interface CredentialBody {
  id: number;
  venue: string;
  userId: number;
  accountId: number;
  label: string;
  publicId: string;
  /** The names of what else the venue keeps (a passphrase hash, an RSA public key), never their values. */
  extra: string[];
  createdAtMs: number;
}
interface PostingBody {
  account: number;
  bucket: string;
  asset: string;
  amount: string;
}
interface EntryBody {
  id: number;
  key: string;
  type: string;
  atMs: number;
  request: Record<string, unknown>;
  postings: PostingBody[];
}
interface ApplyResultBody {
  replayed: boolean;
  entry: EntryBody;
}
type AssetBalancesBody = { asset: string; updatedAtMs: Record<string, number> } & Record<(typeof BUCKETS)[number], string>;
interface BalancesBody {
  account: number;
  assets: AssetBalancesBody[];
}
interface JournalBody {
  entries: EntryBody[];
  next: string | null;
}
interface VerifyBody {
  ok: boolean;
  entries: number;
  postings: number;
  balances: number;
  mismatches: { kind: string; detail: string }[];
}

let api: HttpHarness;

before(async () => {
  api = await HttpHarness.start(TOKEN);
});

after(async () => {
  await api?.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

function expectStatus(res: HttpResponse, status: number): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
}

function expectError(res: HttpResponse, status: number, code: string): ErrorBody['error'] {
  expectStatus(res, status);
  const body = res.body as ErrorBody | undefined;
  assert.ok(body && typeof body.error === 'object', `an error body: ${res.text.slice(0, 500)}`);
  assert.equal(body.error.code, code, `error code: ${res.text.slice(0, 500)}`);
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

/** No stack frame, module path or error class name leaks into a response. */
function expectNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /\bat\s+(?:[^\s()]*\s+\()?(?:\/|\\|file:|node:|[A-Za-z]:\\)/, `a stack frame leaked: ${text.slice(0, 500)}`);
  assert.ok(!text.includes('node_modules'), `a module path leaked: ${text.slice(0, 500)}`);
  assert.ok(!text.includes('Error:'), `an error class name leaked: ${text.slice(0, 500)}`);
}

/** Every journal entry, read page by page at the largest page size. */
async function allEntries(): Promise<EntryBody[]> {
  const entries: EntryBody[] = [];
  let after = '0';
  for (;;) {
    const res = await api.get<JournalBody>(`${V1}/journal?limit=500&after=${after}`);
    expectStatus(res, 200);
    entries.push(...res.body.entries);
    if (res.body.next === null) return entries;
    after = res.body.next;
  }
}

async function verify(): Promise<VerifyBody> {
  const res = await api.get<VerifyBody>(`${V1}/verify`);
  expectStatus(res, 200);
  return res.body;
}

async function expectVerifies(): Promise<VerifyBody> {
  const report = await verify();
  assert.equal(report.ok, true, `verify: ${JSON.stringify(report.mismatches)}`);
  assert.deepEqual(report.mismatches, []);
  return report;
}

/** What the ledger holds, by count: a refused request must leave every count as it was. */
async function snapshot() {
  const assets = await api.get<AssetBody[]>(`${V1}/assets`);
  const users = await api.get<UserBody[]>(`${V1}/users`);
  const credentials = await api.get<CredentialBody[]>(`${V1}/credentials`);
  expectStatus(assets, 200);
  expectStatus(users, 200);
  expectStatus(credentials, 200);
  const entries = await allEntries();
  return {
    entries: entries.length,
    lastEntryId: entries.at(-1)?.id ?? 0,
    assets: assets.body.length,
    users: users.body.length,
    accounts: users.body.reduce((n, u) => n + u.accounts.length, 0),
    credentials: credentials.body.length,
  };
}

async function balancesOf(account: number): Promise<BalancesBody> {
  const res = await api.get<BalancesBody>(`${V1}/accounts/${account}/balances`);
  expectStatus(res, 200);
  return res.body;
}

function rowFor(balances: BalancesBody, asset: string): AssetBalancesBody {
  const row = balances.assets.find((a) => a.asset === asset);
  assert.ok(row, `account ${balances.account} has a ${asset} row`);
  return row;
}

function bucketsOf(row: AssetBalancesBody): Record<string, string> {
  return Object.fromEntries(BUCKETS.map((b) => [b, row[b]]));
}

// ---------------------------------------------------------------------------------------------

describe('probes and the API document', () => {
  test('GET /healthz answers 200 without a token', async () => {
    const res = await api.get<{ status: string }>('/healthz', null);
    expectStatus(res, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  test('GET /readyz answers 200 and names the sqlite store', async () => {
    const res = await api.get<{ status: string; store: string }>('/readyz', null);
    expectStatus(res, 200);
    assert.deepEqual(res.body, { status: 'ready', store: 'sqlite' });
  });

  test('GET /openapi.json answers 200 and documents the operations and balances paths', async () => {
    const res = await api.get<{ openapi: string; paths: Record<string, unknown> }>('/openapi.json', null);
    expectStatus(res, 200);
    assert.match(res.body.openapi, /^3\./);
    const paths = Object.keys(res.body.paths);
    assert.ok(paths.includes(`${V1}/operations`), `paths: ${paths.join(', ')}`);
    assert.ok(paths.includes(`${V1}/accounts/{id}/balances`), `paths: ${paths.join(', ')}`);
  });
});

describe('operator API happy path', () => {
  const ids = { aliceUser: 0, aliceMain: 0, aliceSub: 0, bobUser: 0, bobMain: 0 };
  const plaintexts: string[] = [];
  const publicIds: string[] = [];
  let depositEntryId = 0;

  test('POST /assets creates BTC (8), ETH (18) and USDT (6) and answers 201 with each asset', async () => {
    for (const [symbol, name, scale] of [
      ['BTC', 'Bitcoin', 8],
      ['ETH', 'Ether', 18],
      ['USDT', 'Tether', 6],
    ] as const) {
      const res = await api.post<AssetBody>(`${V1}/assets`, { symbol, name, scale });
      expectStatus(res, 201);
      assert.equal(res.body.symbol, symbol);
      assert.equal(res.body.name, name);
      assert.equal(res.body.scale, scale);
      assert.deepEqual(Object.keys(res.body.venues), ['bitget', 'bullish', 'loopring']);
      assert.equal(res.body.venues.bitget.coin, symbol);
      assert.equal(res.body.venues.loopring.decimals, scale);
      assert.equal(res.body.venues.bullish.precision, scale);
    }
    const list = await api.get<AssetBody[]>(`${V1}/assets`);
    expectStatus(list, 200);
    assert.deepEqual(list.body.map((a) => a.symbol).sort(), ['BTC', 'ETH', 'USDT']);
  });

  test('POST /users creates a user and answers 201 with its main account', async () => {
    for (const name of ['alice', 'bob'] as const) {
      const res = await api.post<UserBody>(`${V1}/users`, { name });
      expectStatus(res, 201);
      assert.equal(res.body.name, name);
      assert.deepEqual(res.body.venues, { bitget: {}, bullish: {}, loopring: {} }, 'no user facts: not a broker');
      assert.equal(res.body.accounts.length, 1);
      const main = res.body.accounts[0];
      assert.ok(main);
      assert.equal(main.kind, 'main');
      assert.equal(main.userId, res.body.id);
      assert.ok(Number.isSafeInteger(main.id) && main.id > 0);
      if (name === 'alice') [ids.aliceUser, ids.aliceMain] = [res.body.id, main.id];
      else [ids.bobUser, ids.bobMain] = [res.body.id, main.id];
    }
    const got = await api.get<UserBody>(`${V1}/users/${ids.aliceUser}`);
    expectStatus(got, 200);
    assert.deepEqual(
      got.body.accounts.map((a) => a.id),
      [ids.aliceMain],
    );
  });

  test('POST /users/:id/accounts creates a sub-account of that user and answers 201', async () => {
    const res = await api.post<AccountBody>(`${V1}/users/${ids.aliceUser}/accounts`, { label: 'bot' });
    expectStatus(res, 201);
    assert.equal(res.body.kind, 'sub');
    assert.equal(res.body.userId, ids.aliceUser);
    assert.equal(res.body.label, 'bot');
    assert.notEqual(res.body.id, ids.aliceMain);
    ids.aliceSub = res.body.id;
    const got = await api.get<AccountBody>(`${V1}/accounts/${ids.aliceSub}`);
    expectStatus(got, 200);
    assert.deepEqual(got.body, res.body);
    const user = await api.get<UserBody>(`${V1}/users/${ids.aliceUser}`);
    assert.deepEqual(user.body.accounts.map((a) => a.kind).sort(), ['main', 'sub']);
  });

  test("PATCH /accounts/:id sets, replaces and removes a mutable venue fact (the Loopring public key) and leaves the others as they were", async () => {
    const before = await api.get<AccountBody>(`${V1}/accounts/${ids.aliceMain}`);
    expectStatus(before, 200);
    assert.equal(before.body.venues.loopring.publicKey, undefined, 'no key until one is registered');
    const key = { x: '0x0617012c67177cb0dd828d62da11d87c95406640c9fbcddd524f1661a5cdeef8', y: '0x16a3b0c62ce6a513f3bd9721e6f62aad5ca863c65d477d1069e47a73f54fb5e1' };
    const set = await api.request<AccountBody>({ method: 'PATCH', path: `${V1}/accounts/${ids.aliceMain}`, body: { venues: { loopring: { publicKey: key } } } });
    expectStatus(set, 200);
    assert.deepEqual(set.body.venues.loopring.publicKey, key);
    assert.deepEqual({ ...set.body, venues: { ...set.body.venues, loopring: { ...set.body.venues.loopring, publicKey: undefined } } }, { ...before.body, venues: { ...before.body.venues, loopring: { ...before.body.venues.loopring, publicKey: undefined } } }, 'nothing else changed');
    const replaced = await api.request<AccountBody>({ method: 'PATCH', path: `${V1}/accounts/${ids.aliceMain}`, body: { venues: { loopring: { publicKey: { x: '0x1', y: '0x2' } } } } });
    expectStatus(replaced, 200);
    assert.deepEqual((await api.get<AccountBody>(`${V1}/accounts/${ids.aliceMain}`)).body.venues.loopring.publicKey, { x: '0x1', y: '0x2' });
    const removed = await api.request<AccountBody>({ method: 'PATCH', path: `${V1}/accounts/${ids.aliceMain}`, body: { venues: { loopring: { publicKey: null } } } });
    expectStatus(removed, 200);
    assert.deepEqual(removed.body, before.body);
    const nothing = await api.request<AccountBody>({ method: 'PATCH', path: `${V1}/accounts/${ids.aliceMain}`, body: { venues: {} } });
    expectStatus(nothing, 200);
    assert.deepEqual(nothing.body, before.body);
  });

  test('the old PUT /accounts/:id/loopring-key is gone: PATCH /accounts/:id replaces it', async () => {
    const res = await api.request({ method: 'PUT', path: `${V1}/accounts/${ids.aliceMain}/loopring-key`, body: { x: '0x1', y: '0x2' } });
    expectError(res, 404, 'NOT_FOUND');
  });

  test('POST /credentials issues Bitget (HMAC and RSA), Bullish and Loopring keys and returns their secrets once, at issue', async () => {
    // Bitget HMAC with chosen values: they come back as given.
    const chosen = { apiKey: 'bg_chosen_api_key_0001', secretKey: 'chosen-bitget-secret-0001', passphrase: 'chosen-pass-0001' };
    const bitget = await api.post<IssuedBody>(`${V1}/credentials`, { venue: 'bitget', accountId: ids.aliceMain, label: 'hmac', ...chosen });
    expectStatus(bitget, 201);
    assert.equal(bitget.body.venue, 'bitget');
    assert.equal(bitget.body.accountId, ids.aliceMain);
    assert.equal(bitget.body.userId, ids.aliceUser);
    assert.deepEqual(bitget.body.secrets, chosen);
    plaintexts.push(chosen.secretKey, chosen.passphrase);
    publicIds.push(chosen.apiKey);

    // Bitget HMAC, generated, on the sub-account: the sub-account has keys of its own.
    const generated = await api.post<IssuedBody>(`${V1}/credentials`, { venue: 'bitget', accountId: ids.aliceSub });
    expectStatus(generated, 201);
    assert.equal(generated.body.accountId, ids.aliceSub);
    assert.deepEqual(Object.keys(generated.body.secrets).sort(), ['apiKey', 'passphrase', 'secretKey']);
    const g = generated.body.secrets;
    assert.ok(g.secretKey && g.secretKey.length >= 8 && g.passphrase && g.passphrase.length >= 8 && g.apiKey);
    plaintexts.push(g.secretKey, g.passphrase);
    publicIds.push(g.apiKey);

    // Bitget RSA: no HMAC secret exists, so none is returned.
    const { publicKey: pem } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const rsa = await api.post<IssuedBody>(`${V1}/credentials`, { venue: 'bitget', accountId: ids.bobMain, label: 'rsa', rsaPublicKeyPem: pem });
    expectStatus(rsa, 201);
    assert.deepEqual(Object.keys(rsa.body.secrets).sort(), ['apiKey', 'passphrase']);
    const r = rsa.body.secrets;
    assert.ok(r.passphrase && r.apiKey);
    plaintexts.push(r.passphrase);
    publicIds.push(r.apiKey);

    // Bullish: a user's key, on the main account.
    const bullish = await api.post<IssuedBody>(`${V1}/credentials`, { venue: 'bullish', accountId: ids.aliceMain });
    expectStatus(bullish, 201);
    assert.deepEqual(Object.keys(bullish.body.secrets).sort(), ['publicKey', 'secret']);
    const b = bullish.body.secrets;
    assert.ok(b.secret && b.publicKey);
    assert.match(b.publicKey, /^HMAC-/);
    plaintexts.push(b.secret);
    publicIds.push(b.publicKey);

    // Loopring: the API key itself is the secret.
    const loopring = await api.post<IssuedBody>(`${V1}/credentials`, { venue: 'loopring', accountId: ids.aliceSub });
    expectStatus(loopring, 201);
    assert.deepEqual(Object.keys(loopring.body.secrets), ['apiKey']);
    const l = loopring.body.secrets;
    assert.ok(l.apiKey && l.apiKey.length >= 8);
    plaintexts.push(l.apiKey);

    // There is no route that shows a credential (and its secrets) again.
    const again = await api.get(`${V1}/credentials/${bitget.body.id}`);
    expectError(again, 404, 'NOT_FOUND');
  });

  test('GET /credentials lists every key by its public id and never shows a secretKey, passphrase, secret or Loopring apiKey', async () => {
    const res = await api.get<CredentialBody[]>(`${V1}/credentials`);
    expectStatus(res, 200);
    assert.equal(res.body.length, 5);
    assert.deepEqual(res.body.map((c) => c.venue).sort(), ['bitget', 'bitget', 'bitget', 'bullish', 'loopring']);
    assert.equal(plaintexts.length, 7);
    for (const secret of plaintexts) assert.ok(!res.text.includes(secret), `the list shows a secret plaintext: ${secret}`);
    for (const c of res.body) {
      assert.deepEqual(Object.keys(c).sort(), ['accountId', 'createdAtMs', 'extra', 'id', 'label', 'publicId', 'userId', 'venue']);
    }
    // Bitget API keys and Bullish public keys are public identifiers, shown as such; the Loopring one is a hash.
    for (const id of publicIds) assert.ok(res.body.some((c) => c.publicId === id), `public id ${id} is listed`);
    assert.equal(res.body.filter((c) => c.extra.includes('rsaPublicKeyPem')).length, 1);
    const bobs = await api.get<CredentialBody[]>(`${V1}/credentials?userId=${ids.bobUser}`);
    expectStatus(bobs, 200);
    assert.deepEqual(
      bobs.body.map((c) => [c.venue, c.extra]),
      [['bitget', ['passphraseHash', 'rsaPublicKeyPem']]],
    );
  });

  const deposit = () => ({ key: 'dep-alice-1', type: 'deposit', account: ids.aliceMain, asset: 'BTC', amount: '2.5' });

  test('a new deposit answers 201 with replayed:false and the entry it wrote', async () => {
    const res = await api.post<ApplyResultBody>(`${V1}/operations`, deposit());
    expectStatus(res, 201);
    assert.equal(res.body.replayed, false);
    assert.equal(res.body.entry.key, 'dep-alice-1');
    assert.equal(res.body.entry.type, 'deposit');
    assert.deepEqual(res.body.entry.request, { account: ids.aliceMain, asset: 'BTC', amount: '2.5' });
    assert.deepEqual(
      res.body.entry.postings.map((p) => [p.account, p.bucket, p.asset, p.amount]).sort(),
      [
        [0, 'world', 'BTC', '-2.5'],
        [ids.aliceMain, 'available', 'BTC', '2.5'],
      ].sort(),
    );
    depositEntryId = res.body.entry.id;
    assert.equal(rowFor(await balancesOf(ids.aliceMain), 'BTC').available, '2.5');
  });

  test('the same key with the same body replays: 200, replayed:true, the same entry id, nothing credited twice', async () => {
    const before = await snapshot();
    const res = await api.post<ApplyResultBody>(`${V1}/operations`, deposit());
    expectStatus(res, 200);
    assert.equal(res.body.replayed, true);
    assert.equal(res.body.entry.id, depositEntryId);
    assert.deepEqual(await snapshot(), before);
    assert.equal(rowFor(await balancesOf(ids.aliceMain), 'BTC').available, '2.5');
  });

  test('the same key with a different body is refused 409 IDEMPOTENCY_CONFLICT and writes nothing', async () => {
    const before = await snapshot();
    const res = await api.post(`${V1}/operations`, { ...deposit(), amount: '3' });
    const error = expectError(res, 409, 'IDEMPOTENCY_CONFLICT');
    assert.equal(error.path, 'key');
    assert.deepEqual(await snapshot(), before);
    assert.equal(rowFor(await balancesOf(ids.aliceMain), 'BTC').available, '2.5');
  });

  test('POST /operations/batch applies every operation and answers 201 with one result each, in order', async () => {
    const operations = [
      { key: 'batch-ok-1', type: 'deposit', account: ids.aliceMain, asset: 'USDT', amount: '100' },
      { key: 'batch-ok-2', type: 'transfer', from: ids.aliceMain, to: ids.bobMain, asset: 'USDT', amount: '40.5' },
      { key: 'batch-ok-3', type: 'hold', account: ids.bobMain, asset: 'USDT', amount: '0.000001' },
    ];
    const res = await api.post<{ results: ApplyResultBody[] }>(`${V1}/operations/batch`, { operations });
    expectStatus(res, 201);
    assert.deepEqual(
      res.body.results.map((r) => [r.replayed, r.entry.key, r.entry.type]),
      [
        [false, 'batch-ok-1', 'deposit'],
        [false, 'batch-ok-2', 'transfer'],
        [false, 'batch-ok-3', 'hold'],
      ],
    );
    const entryIds = res.body.results.map((r) => r.entry.id);
    assert.deepEqual([...entryIds].sort((a, b) => a - b), entryIds);
    assert.equal(rowFor(await balancesOf(ids.aliceMain), 'USDT').available, '59.5');
    const bob = rowFor(await balancesOf(ids.bobMain), 'USDT');
    assert.equal(bob.available, '40.499999');
    assert.equal(bob.held, '0.000001');
  });

  test('the same batch sent again answers 200: every operation replayed, nothing applied twice', async () => {
    const before = await snapshot();
    const aliceBefore = await balancesOf(ids.aliceMain);
    const operations = [
      { key: 'batch-ok-1', type: 'deposit', account: ids.aliceMain, asset: 'USDT', amount: '100' },
      { key: 'batch-ok-2', type: 'transfer', from: ids.aliceMain, to: ids.bobMain, asset: 'USDT', amount: '40.5' },
      { key: 'batch-ok-3', type: 'hold', account: ids.bobMain, asset: 'USDT', amount: '0.000001' },
    ];
    const res = await api.post<{ results: ApplyResultBody[] }>(`${V1}/operations/batch`, { operations });
    expectStatus(res, 200);
    assert.deepEqual(res.body.results.map((r) => r.replayed), [true, true, true]);
    assert.deepEqual(await snapshot(), before);
    assert.deepEqual(await balancesOf(ids.aliceMain), aliceBefore);
  });

  test('a batch of a replay and a new operation answers 201, each result saying whether it was replayed', async () => {
    const operations = [
      { key: 'batch-ok-1', type: 'deposit', account: ids.aliceMain, asset: 'USDT', amount: '100' },
      { key: 'batch-mixed-1', type: 'release', account: ids.bobMain, asset: 'USDT', amount: '0.000001' },
    ];
    const res = await api.post<{ results: ApplyResultBody[] }>(`${V1}/operations/batch`, { operations });
    expectStatus(res, 201);
    assert.deepEqual(res.body.results.map((r) => [r.entry.key, r.replayed]), [
      ['batch-ok-1', true],
      ['batch-mixed-1', false],
    ]);
    assert.equal(rowFor(await balancesOf(ids.bobMain), 'USDT').held, '0');
  });

  test('a batch with an overdraft at index 2 is refused 422 INSUFFICIENT_FUNDS at operations/2 and writes none of its operations', async () => {
    const before = await snapshot();
    const aliceBefore = await balancesOf(ids.aliceMain);
    const bobBefore = await balancesOf(ids.bobMain);
    const operations = [
      { key: 'batch-bad-1', type: 'deposit', account: ids.bobMain, asset: 'USDT', amount: '1' },
      { key: 'batch-bad-2', type: 'transfer', from: ids.bobMain, to: ids.aliceMain, asset: 'USDT', amount: '0.5' },
      { key: 'batch-bad-3', type: 'transfer', from: ids.aliceMain, to: ids.bobMain, asset: 'USDT', amount: '1000000' },
    ];
    const res = await api.post(`${V1}/operations/batch`, { operations });
    const error = expectError(res, 422, 'INSUFFICIENT_FUNDS');
    assert.ok(error.path?.startsWith('operations/2'), `error path: ${error.path}`);
    expectNoStackTrace(res.text);
    const keys = new Set((await allEntries()).map((e) => e.key));
    for (const op of operations) assert.ok(!keys.has(op.key), `${op.key} is not in the journal`);
    assert.deepEqual(await snapshot(), before);
    assert.deepEqual(await balancesOf(ids.aliceMain), aliceBefore);
    assert.deepEqual(await balancesOf(ids.bobMain), bobBefore);
    // The keys stay free: the first operation can now be applied on its own as new.
    const alone = await api.post<ApplyResultBody>(`${V1}/operations`, operations[0]);
    expectStatus(alone, 201);
    assert.equal(alone.body.replayed, false);
  });

  test('balances show all 8 buckets as exact decimal strings, zero as "0"; 0.000000000000000001 ETH at scale 18 shows exactly', async () => {
    const eth = await api.post<ApplyResultBody>(`${V1}/operations`, {
      key: 'dep-bob-eth-wei',
      type: 'deposit',
      account: ids.bobMain,
      asset: 'ETH',
      amount: '0.000000000000000001',
    });
    expectStatus(eth, 201);
    const bob = await balancesOf(ids.bobMain);
    assert.equal(bob.account, ids.bobMain);
    assert.deepEqual(bob.assets.map((a) => a.asset), ['ETH', 'USDT']);
    assert.deepEqual(bucketsOf(rowFor(bob, 'ETH')), {
      available: '0.000000000000000001',
      held: '0',
      locked: '0',
      restricted: '0',
      borrowed: '0',
      loaned: '0',
      pendingDeposit: '0',
      pendingWithdrawal: '0',
    });

    // Every bucket of one account, each non-zero, to the last unit of BTC's scale.
    const a = ids.aliceSub;
    const steps = [
      { type: 'deposit', account: a, asset: 'BTC', amount: '1' },
      { type: 'hold', account: a, asset: 'BTC', amount: '0.1' },
      { type: 'lock', account: a, asset: 'BTC', amount: '0.2' },
      { type: 'restrict', account: a, asset: 'BTC', amount: '0.03' },
      { type: 'lend', account: a, asset: 'BTC', amount: '0.004' },
      { type: 'borrow', account: a, asset: 'BTC', amount: '0.5' },
      { type: 'deposit.pending', account: a, asset: 'BTC', amount: '0.00000001' },
      { type: 'withdrawal.request', account: a, asset: 'BTC', amount: '0.25', fee: '0.0001' },
    ];
    for (const [i, step] of steps.entries()) {
      const res = await api.post(`${V1}/operations`, { key: `tour-${i}`, ...step });
      expectStatus(res, 201);
    }
    const row = rowFor(await balancesOf(a), 'BTC');
    assert.deepEqual(bucketsOf(row), {
      available: '0.9159',
      held: '0.1',
      locked: '0.2',
      restricted: '0.03',
      borrowed: '0.5',
      loaned: '0.004',
      pendingDeposit: '0.00000001',
      pendingWithdrawal: '0.2501',
    });
    for (const bucket of BUCKETS) {
      assert.equal(typeof row[bucket], 'string');
      assert.match(row[bucket], /^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/, `${bucket} is a plain decimal string`);
      assert.ok(Number.isSafeInteger(row.updatedAtMs[bucket]), `${bucket} has a last-change time`);
    }
  });

  test('the journal pages by limit and after: every entry exactly once, in id order, next null at the end', async () => {
    const full = await api.get<JournalBody>(`${V1}/journal?limit=500`);
    expectStatus(full, 200);
    assert.equal(full.body.next, null);
    const allIds = full.body.entries.map((e) => e.id);
    // 1 deposit + 3 batched + 1 new in a mixed batch + 1 re-applied batch key + 1 ETH deposit + 8 bucket-tour steps.
    assert.equal(allIds.length, 15);
    assert.deepEqual([...allIds].sort((x, y) => x - y), allIds);
    assert.equal(new Set(allIds).size, allIds.length);

    const paged: number[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const query: string = after === null ? '?limit=4' : `?limit=4&after=${after}`;
      const page: HttpResponse<JournalBody> = await api.get<JournalBody>(`${V1}/journal${query}`);
      expectStatus(page, 200);
      assert.ok(page.body.entries.length >= 1 && page.body.entries.length <= 4, `page size ${page.body.entries.length}`);
      const last = page.body.entries.at(-1);
      if (page.body.next !== null) {
        assert.equal(page.body.entries.length, 4, 'only the last page is short');
        assert.equal(page.body.next, String(last?.id));
      }
      paged.push(...page.body.entries.map((e) => e.id));
      after = page.body.next;
      pages += 1;
      assert.ok(pages <= 100, 'paging ends');
    } while (after !== null);
    assert.deepEqual(paged, allIds);
    assert.equal(pages, Math.ceil(allIds.length / 4));

    const past = await api.get<JournalBody>(`${V1}/journal?after=${allIds.at(-1)}`);
    expectStatus(past, 200);
    assert.deepEqual(past.body, { entries: [], next: null });

    const dep = full.body.entries.find((e) => e.id === depositEntryId);
    assert.ok(dep, 'the deposit is in the journal');
    assert.equal(full.body.entries.filter((e) => e.key === 'dep-alice-1').length, 1, 'a replayed key is journaled once');
  });

  test('GET /verify reports ok:true with every entry counted after the happy path', async () => {
    const report = await expectVerifies();
    assert.equal(report.entries, (await allEntries()).length);
    assert.ok(report.postings > report.entries);
  });
});

// ---------------------------------------------------------------------------------------------

interface Fixtures {
  /** A user whose accounts hold nothing. */
  readonly user: number;
  readonly main: number;
  readonly sub: number;
  /** A third account of that user, for rows that are known to write. */
  readonly spare: number;
  /** The Bitget uid of its main account. */
  readonly bitgetUid: string;
  /** The Loopring account id of its main account. */
  readonly loopringAccountId: number;
}

interface BadRow {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string | ((fx: Fixtures) => string);
  /** Sent as JSON. */
  readonly body?: (fx: Fixtures) => unknown;
  /** Sent as is; its content-type is in headers. */
  readonly rawBody?: string | ((fx: Fixtures) => string);
  readonly headers?: Readonly<Record<string, string>>;
  /** The token presented: the operator token when omitted, none when null. */
  readonly token?: string | null;
  readonly status: number;
  readonly code: string;
  /** The error's path, when the refusal names where the problem is. */
  readonly errorPath?: string;
  /** A phrase the message must contain: it says what is expected. */
  readonly says?: string;
  /** Further checks after the response. */
  readonly check?: () => void;
  /** Set when the server is known to answer otherwise: the row is run and shown, not counted. */
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const deposit = (fx: Fixtures, fields: Record<string, unknown> = {}) => ({ key: 'bad-input', type: 'deposit', account: fx.main, asset: 'BTC', amount: '1', ...fields });
const depositText = (account: string) => `{"key":"bad-input","type":"deposit","account":${account},"asset":"BTC","amount":"1"}`;

const BAD_ROWS: readonly BadRow[] = [
  // Bodies that are not a JSON object.
  { name: 'malformed JSON', method: 'POST', path: `${V1}/operations`, rawBody: '{"key":"bad-input","type":', headers: JSON_HEADERS, status: 400, code: 'BAD_REQUEST' },
  { name: 'an empty body with content-type application/json', method: 'POST', path: `${V1}/assets`, rawBody: '', headers: JSON_HEADERS, status: 400, code: 'BAD_REQUEST' },
  { name: 'a JSON array body', method: 'POST', path: `${V1}/operations`, body: (fx) => [deposit(fx)], status: 400, code: 'BAD_REQUEST' },
  { name: 'a JSON string body', method: 'POST', path: `${V1}/assets`, body: () => 'BTC', status: 400, code: 'BAD_REQUEST' },
  { name: 'a JSON number body', method: 'POST', path: `${V1}/users`, body: () => 42, status: 400, code: 'BAD_REQUEST' },
  {
    name: 'a text/plain body',
    method: 'POST',
    path: `${V1}/operations`,
    rawBody: (fx) => JSON.stringify(deposit(fx)),
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a form-urlencoded body',
    method: 'POST',
    path: `${V1}/assets`,
    rawBody: 'symbol=FORM&scale=2',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { name: 'a JSON null body', method: 'POST', path: `${V1}/assets`, rawBody: 'null', headers: JSON_HEADERS, status: 400, code: 'BAD_REQUEST' },
  {
    name: 'JSON nested 100000 arrays deep',
    method: 'POST',
    path: `${V1}/operations`,
    rawBody: `{"key":"bad-input","type":"trade","legs":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    headers: JSON_HEADERS,
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'legs',
  },
  {
    name: 'a body over 1 MiB',
    method: 'POST',
    path: `${V1}/users`,
    rawBody: `{"name":"${'a'.repeat(1_100_000)}"}`,
    headers: JSON_HEADERS,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  // Authentication.
  { name: 'no operator token', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx), token: null, status: 401, code: 'UNAUTHENTICATED' },
  { name: 'a wrong operator token', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx), token: 'test-operator-tokeN', status: 401, code: 'UNAUTHENTICATED' },
  {
    name: 'the operator token under the Basic scheme',
    method: 'POST',
    path: `${V1}/operations`,
    body: (fx) => deposit(fx),
    token: null,
    headers: { authorization: `Basic ${Buffer.from(`operator:${TOKEN}`).toString('base64')}` },
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  { name: 'no operator token on a read', method: 'GET', path: `${V1}/journal`, token: null, status: 401, code: 'UNAUTHENTICATED' },
  // Amounts.
  { name: 'an amount as a JSON number', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { amount: 1 }), status: 400, code: 'INVALID_AMOUNT', errorPath: 'amount', says: 'got the JSON number 1' },
  { name: 'a negative deposit amount "-1"', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { amount: '-1' }), status: 400, code: 'INVALID_AMOUNT', errorPath: 'amount' },
  { name: 'a zero deposit amount "0"', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { amount: '0' }), status: 400, code: 'INVALID_AMOUNT', errorPath: 'amount' },
  { name: 'an exponent amount "1e5"', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { amount: '1e5' }), status: 400, code: 'INVALID_AMOUNT', errorPath: 'amount', says: 'like "1.25"' },
  {
    name: 'an amount with 9 decimals for BTC at scale 8',
    method: 'POST',
    path: `${V1}/operations`,
    body: (fx) => deposit(fx, { amount: '0.000000001' }),
    status: 400,
    code: 'INVALID_AMOUNT',
    errorPath: 'amount',
  },
  { name: 'an amount of 61 digits', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { amount: '1'.repeat(61) }), status: 400, code: 'INVALID_AMOUNT', errorPath: 'amount' },
  { name: 'an amount of 100 digits', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { amount: '9'.repeat(100) }), status: 400, code: 'INVALID_AMOUNT', errorPath: 'amount', says: 'at most 60 digits' },
  // Account ids.
  { name: 'account id 1e400 (raw JSON)', method: 'POST', path: `${V1}/operations`, rawBody: depositText('1e400'), headers: JSON_HEADERS, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'account' },
  { name: 'account id 99999999999999999999', method: 'POST', path: `${V1}/operations`, rawBody: depositText('99999999999999999999'), headers: JSON_HEADERS, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'account' },
  { name: 'account id as the string "1"', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { account: '1' }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'account', says: 'positive integer' },
  { name: 'account id 1.5', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { account: 1.5 }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'account' },
  { name: 'an unknown account 999', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { account: 999 }), status: 404, code: 'ACCOUNT_NOT_FOUND', errorPath: 'account' },
  { name: 'an unknown asset', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { asset: 'DOGE' }), status: 404, code: 'ASSET_NOT_FOUND', errorPath: 'asset' },
  // Operation shape.
  { name: 'an unknown field in an operation', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { memo: 'hi' }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'memo', says: 'it takes key, type, account, asset, amount' },
  {
    name: 'a field that does not apply to the type (a reservation on a deposit)',
    method: 'POST',
    path: `${V1}/operations`,
    body: (fx) => deposit(fx, { key: 'reservation-on-deposit', account: fx.spare, reservation: 'r-5' }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'reservation',
  },
  { name: 'a txHash with a control character', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { txHash: '0xab\u0000cd' }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'txHash', says: 'printable ASCII' },
  { name: 'a withdrawal address of 10 KB', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { type: 'withdrawal.request', address: 'x'.repeat(10_000) }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'address', says: '1 to 256 printable ASCII' },
  { name: 'a deposit fee with too many places', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { fee: '0.000000001' }), status: 400, code: 'INVALID_AMOUNT', errorPath: 'fee' },
  { name: 'an unknown operation type', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { type: 'mint' }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'type', says: 'one of deposit, deposit.pending' },
  {
    name: 'an operation without a key',
    method: 'POST',
    path: `${V1}/operations`,
    body: (fx) => ({ type: 'deposit', account: fx.main, asset: 'BTC', amount: '1' }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'key',
    says: 'key is required',
  },
  { name: 'a key of 129 characters', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { key: 'k'.repeat(129) }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'key' },
  { name: 'a key with a space', method: 'POST', path: `${V1}/operations`, body: (fx) => deposit(fx, { key: 'has space' }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'key' },
  // Ledger refusals.
  {
    name: 'an overdraft',
    method: 'POST',
    path: `${V1}/operations`,
    body: (fx) => ({ key: 'bad-input', type: 'transfer', from: fx.main, to: fx.sub, asset: 'BTC', amount: '0.00000001' }),
    status: 422,
    code: 'INSUFFICIENT_FUNDS',
  },
  {
    name: 'confirming an unknown pending deposit',
    method: 'POST',
    path: `${V1}/operations`,
    body: () => ({ key: 'bad-input', type: 'deposit.confirm', pending: 'no-such-pending' }),
    status: 404,
    code: 'PENDING_NOT_FOUND',
    errorPath: 'pending',
  },
  {
    name: 'a batch with an unknown account at index 1',
    method: 'POST',
    path: `${V1}/operations/batch`,
    body: (fx) => ({ operations: [deposit(fx, { key: 'bad-batch-0' }), deposit(fx, { key: 'bad-batch-1', account: 999 })] }),
    status: 404,
    code: 'ACCOUNT_NOT_FOUND',
    errorPath: 'operations/1/account',
  },
  { name: 'an empty batch', method: 'POST', path: `${V1}/operations/batch`, body: () => ({ operations: [] }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'operations' },
  // Catalog.
  { name: 'a duplicate asset', method: 'POST', path: `${V1}/assets`, body: () => ({ symbol: 'BTC', scale: 8 }), status: 409, code: 'ASSET_EXISTS' },
  { name: 'a duplicate user', method: 'POST', path: `${V1}/users`, body: () => ({ name: 'mallory' }), status: 409, code: 'USER_EXISTS' },
  {
    name: 'a sub-account with a Bitget uid already taken',
    method: 'POST',
    path: (fx) => `${V1}/users/${fx.user}/accounts`,
    body: (fx) => ({ venues: { bitget: { uid: fx.bitgetUid } } }),
    status: 409,
    code: 'IDENTITY_TAKEN',
    errorPath: 'venues/bitget/uid',
  },
  {
    name: 'a user whose main account takes a Bitget uid already taken',
    method: 'POST',
    path: `${V1}/users`,
    body: (fx) => ({ name: 'mallory2', main: { venues: { bitget: { uid: fx.bitgetUid } } } }),
    status: 409,
    code: 'IDENTITY_TAKEN',
  },
  {
    name: 'a sub-account in the old flat form (bitgetUid), refused: facts are nested under venues',
    method: 'POST',
    path: (fx) => `${V1}/users/${fx.user}/accounts`,
    body: () => ({ bitgetUid: '6999999999' }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'bitgetUid',
    says: 'it takes label, venues',
  },
  {
    name: 'an asset with a fact of a venue not served',
    method: 'POST',
    path: `${V1}/assets`,
    body: () => ({ symbol: 'ODD', scale: 2, venues: { kraken: { code: 'X' } } }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'venues/kraken',
  },
  {
    name: 'an asset with a Loopring token id that is not an integer',
    method: 'POST',
    path: `${V1}/assets`,
    body: () => ({ symbol: 'ODD', scale: 2, venues: { loopring: { tokenId: 'four' } } }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'venues/loopring/tokenId',
  },
  {
    name: 'a change of an identity (the Loopring account id cannot change)',
    method: 'PATCH',
    path: (fx) => `${V1}/accounts/${fx.main}`,
    body: (fx) => ({ venues: { loopring: { accountId: fx.loopringAccountId + 1000 } } }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'venues/loopring/accountId',
  },
  {
    name: 'a Loopring public key that is not a field element',
    method: 'PATCH',
    path: (fx) => `${V1}/accounts/${fx.main}`,
    body: () => ({ venues: { loopring: { publicKey: { x: 'xyz', y: '0x1' } } } }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'venues/loopring/publicKey/x',
  },
  {
    name: 'a change of an unknown account',
    method: 'PATCH',
    path: `${V1}/accounts/999999`,
    body: () => ({ venues: { loopring: { publicKey: null } } }),
    status: 404,
    code: 'ACCOUNT_NOT_FOUND',
    errorPath: 'params/id',
  },
  { name: 'a change without venues', method: 'PATCH', path: (fx) => `${V1}/accounts/${fx.main}`, body: () => ({}), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'venues' },
  { name: 'a sub-account for an unknown user', method: 'POST', path: `${V1}/users/999999/accounts`, body: () => ({ label: 'ghost' }), status: 404, code: 'USER_NOT_FOUND' },
  { name: 'an asset of scale 37', method: 'POST', path: `${V1}/assets`, body: () => ({ symbol: 'WIDE', scale: 37 }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'scale', says: 'at most 36' },
  { name: "an asset symbol 'btc!'", method: 'POST', path: `${V1}/assets`, body: () => ({ symbol: 'btc!', scale: 8 }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'symbol' },
  // Path and query parameters.
  { name: 'GET /accounts/abc/balances', method: 'GET', path: `${V1}/accounts/abc/balances`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'params/id' },
  { name: 'GET /accounts/0/balances', method: 'GET', path: `${V1}/accounts/0/balances`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'params/id' },
  { name: 'GET /accounts/999/balances', method: 'GET', path: `${V1}/accounts/999/balances`, status: 404, code: 'ACCOUNT_NOT_FOUND', errorPath: 'params/id' },
  { name: 'GET /accounts/99999999999999999999/balances', method: 'GET', path: `${V1}/accounts/99999999999999999999/balances`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'params/id' },
  { name: 'journal ?limit=0', method: 'GET', path: `${V1}/journal?limit=0`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'query/limit', says: 'from 1 to 500' },
  { name: 'journal ?limit=abc', method: 'GET', path: `${V1}/journal?limit=abc`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'query/limit' },
  { name: 'journal ?limit=501, one over the page maximum', method: 'GET', path: `${V1}/journal?limit=501`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'query/limit', says: 'from 1 to 500' },
  { name: 'journal ?limit=1000', method: 'GET', path: `${V1}/journal?limit=1000`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'query/limit', says: 'from 1 to 500' },
  { name: 'journal ?foo=1, an unknown query parameter', method: 'GET', path: `${V1}/journal?foo=1`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'query/foo', says: 'it takes after, limit' },
  { name: 'an asset with an unknown field', method: 'POST', path: `${V1}/assets`, body: () => ({ symbol: 'ODD', scale: 2, colour: 'red' }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'colour', says: 'colour is not a field of an asset; it takes symbol, name, scale' },
  { name: 'a user without a name', method: 'POST', path: `${V1}/users`, body: () => ({ venues: { bitget: { broker: true } } }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'name', says: 'name is required' },
  { name: 'journal ?after=-1', method: 'GET', path: `${V1}/journal?after=-1`, status: 400, code: 'INVALID_ARGUMENT', errorPath: 'query/after' },
  { name: 'an unknown route under /_assetbook/v1', method: 'GET', path: `${V1}/no-such-route`, status: 404, code: 'NOT_FOUND' },
  { name: 'an unknown route outside the operator API', method: 'POST', path: '/no-such-route', body: () => ({}), status: 404, code: 'NOT_FOUND' },
  // Hostile bodies.
  {
    name: 'a __proto__ key in the body',
    method: 'POST',
    path: `${V1}/assets`,
    rawBody: '{"__proto__":{"x":1},"symbol":"PROTO","scale":2}',
    headers: JSON_HEADERS,
    status: 400,
    code: 'BAD_REQUEST',
    check: () => {
      assert.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype is not polluted');
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'x'), false);
    },
  },
  {
    name: 'a constructor.prototype key in the body',
    method: 'POST',
    path: `${V1}/assets`,
    rawBody: '{"constructor":{"prototype":{"y":1}},"symbol":"PROTO","scale":2}',
    headers: JSON_HEADERS,
    status: 400,
    code: 'BAD_REQUEST',
    check: () => assert.equal(({} as Record<string, unknown>).y, undefined, 'Object.prototype is not polluted'),
  },
  // Credentials.
  {
    name: 'Bitget credentials with an invalid rsaPublicKeyPem',
    method: 'POST',
    path: `${V1}/credentials`,
    body: (fx) => ({ venue: 'bitget', accountId: fx.main, rsaPublicKeyPem: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n' }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'rsaPublicKeyPem',
  },
  {
    name: 'Bitget credentials with an EC public key as rsaPublicKeyPem',
    method: 'POST',
    path: `${V1}/credentials`,
    body: (fx) => ({
      venue: 'bitget',
      accountId: fx.main,
      rsaPublicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    errorPath: 'rsaPublicKeyPem',
  },
  { name: 'Bullish credentials on a sub-account', method: 'POST', path: `${V1}/credentials`, body: (fx) => ({ venue: 'bullish', accountId: fx.sub }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'accountId' },
  { name: 'credentials for an unknown account', method: 'POST', path: `${V1}/credentials`, body: () => ({ venue: 'loopring', accountId: 999 }), status: 404, code: 'ACCOUNT_NOT_FOUND' },
  {
    name: 'a Bitget apiKey already issued',
    method: 'POST',
    path: `${V1}/credentials`,
    body: (fx) => ({ venue: 'bitget', accountId: fx.sub, apiKey: 'bg_mallory_key_0001' }),
    status: 409,
    code: 'CREDENTIAL_EXISTS',
  },
  { name: 'credentials for an unknown venue', method: 'POST', path: `${V1}/credentials`, body: (fx) => ({ venue: 'kraken', accountId: fx.main }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'venue', says: 'one of bitget, bullish, loopring' },
  { name: 'a Bitget secretKey shorter than 8 characters', method: 'POST', path: `${V1}/credentials`, body: (fx) => ({ venue: 'bitget', accountId: fx.main, secretKey: 'short' }), status: 400, code: 'INVALID_ARGUMENT', errorPath: 'secretKey' },
];

describe('operator API refuses bad input with the right status and code, no stack trace, and writes nothing', () => {
  let fx: Fixtures = { user: 0, main: 0, sub: 0, spare: 0, bitgetUid: '', loopringAccountId: 0 };

  before(async () => {
    const user = await api.post<UserBody>(`${V1}/users`, { name: 'mallory' });
    expectStatus(user, 201);
    const main = user.body.accounts[0];
    assert.ok(main);
    const sub = await api.post<AccountBody>(`${V1}/users/${user.body.id}/accounts`, {});
    expectStatus(sub, 201);
    const spare = await api.post<AccountBody>(`${V1}/users/${user.body.id}/accounts`, { label: 'spare' });
    expectStatus(spare, 201);
    fx = { user: user.body.id, main: main.id, sub: sub.body.id, spare: spare.body.id, bitgetUid: main.venues.bitget.uid, loopringAccountId: main.venues.loopring.accountId };
    const credential = await api.post(`${V1}/credentials`, { venue: 'bitget', accountId: main.id, apiKey: 'bg_mallory_key_0001' });
    expectStatus(credential, 201);
    const btc = await api.get<AssetBody[]>(`${V1}/assets`);
    assert.ok(btc.body.some((a) => a.symbol === 'BTC' && a.scale === 8), 'BTC at scale 8 exists');
  });

  test('the table names each case once', () => {
    assert.equal(new Set(BAD_ROWS.map((r) => r.name)).size, BAD_ROWS.length);
  });

  for (const row of BAD_ROWS) {
    test(`${row.name}: ${row.status} ${row.code}`, async () => {
      const before = await snapshot();
      const res = await api.request({
        method: row.method,
        path: typeof row.path === 'function' ? row.path(fx) : row.path,
        body: row.body?.(fx),
        rawBody: typeof row.rawBody === 'function' ? row.rawBody(fx) : row.rawBody,
        headers: row.headers,
        token: row.token,
      });
      const error = expectError(res, row.status, row.code);
      if (row.errorPath !== undefined) assert.equal(error.path, row.errorPath);
      if (row.says !== undefined) assert.ok(error.message.includes(row.says), `message says ${row.says}: ${error.message}`);
      if (row.status === 401) assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      expectNoStackTrace(res.text);
      row.check?.();
      assert.deepEqual(await snapshot(), before, 'nothing was written');
      await expectVerifies();
    });
  }

  test('no refused operation key reached the journal, and mallory holds nothing', async () => {
    const keys = new Set((await allEntries()).map((e) => e.key));
    for (const key of ['bad-input', 'bad-batch-0', 'bad-batch-1']) assert.ok(!keys.has(key), `${key} is not journaled`);
    assert.deepEqual((await balancesOf(fx.main)).assets, []);
    assert.deepEqual((await balancesOf(fx.sub)).assets, []);
  });
});

// ---------------------------------------------------------------------------------------------

describe('reset', () => {
  test('the ledger verifies ok:true with entries before the reset', async () => {
    const report = await expectVerifies();
    assert.ok(report.entries > 0);
  });

  test('POST /reset answers 204, empties assets, users, credentials and journal, and the operator token still works', async () => {
    const res = await api.request({ method: 'POST', path: `${V1}/reset` });
    expectStatus(res, 204);
    assert.equal(res.text, '');

    const assets = await api.get<AssetBody[]>(`${V1}/assets`);
    expectStatus(assets, 200);
    assert.deepEqual(assets.body, []);
    assert.deepEqual(await snapshot(), { entries: 0, lastEntryId: 0, assets: 0, users: 0, accounts: 0, credentials: 0 });
    const report = await expectVerifies();
    assert.equal(report.entries, 0);

    // The token is configuration, not ledger data: it still opens the API, and a wrong one still does not.
    expectError(await api.get(`${V1}/assets`, 'wrong-token'), 401, 'UNAUTHENTICATED');
    const asset = await api.post<AssetBody>(`${V1}/assets`, { symbol: 'BTC', scale: 8 });
    expectStatus(asset, 201);
    const user = await api.post<UserBody>(`${V1}/users`, { name: 'alice' });
    expectStatus(user, 201);
    const main = user.body.accounts[0];
    assert.ok(main);
    const dep = await api.post<ApplyResultBody>(`${V1}/operations`, { key: 'dep-alice-1', type: 'deposit', account: main.id, asset: 'BTC', amount: '0.00000001' });
    expectStatus(dep, 201);
    assert.equal(dep.body.replayed, false, 'a key used before the reset is new after it');
    assert.equal(rowFor(await balancesOf(main.id), 'BTC').available, '0.00000001');
  });
});

test('after the whole file the ledger invariant holds: GET /verify answers ok:true with no mismatches', async () => {
  const report = await expectVerifies();
  assert.equal(report.entries, (await allEntries()).length);
});
