import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { publicKeyOf } from '../../src/venues/loopring/eddsa/eddsa.js';
import { formatFieldElement } from '../../src/venues/loopring/eddsa/field.js';
import { EXCHANGE_ADDRESS } from '../../src/venues/loopring/render.js';
import { DEMO, HttpHarness, type HttpResponse } from '../support/http-harness.js';
import { DEMO_LAYER2_KEYS, DEMO_LOOPRING } from '../support/loopring-demo.js';
import { sdk } from '../support/loopring-sdk.js';
import { accountIdOf, layer2KeyOf } from '../../src/venues/loopring/identity.js';

/**
 * Loopring's endpoints as tables of request, expected status and venue code, over a real server
 * with the demo loaded. Every table is checked to write nothing: no journal entry, no credential
 * (the one write a GET makes is `/apiKey` issuing an account's first key).
 */

const { alice, bob } = DEMO_LOOPRING;
const UNKNOWN_ADDRESS = `0x${'9'.repeat(40)}`;

interface Row {
  readonly name: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly status: number;
  /** The resultInfo code of a refusal. */
  readonly code?: number;
}

interface BalanceRow {
  readonly accountId: number;
  readonly tokenId: number;
  readonly total: string;
  readonly locked: string;
  readonly pending: { readonly withdraw: string; readonly deposit: string };
}

const codeOf = (response: HttpResponse) => (response.body as { resultInfo?: { code?: number } } | undefined)?.resultInfo?.code;
const get = (h: HttpHarness, path: string, headers: Readonly<Record<string, string>> = {}) => h.request({ method: 'GET', path, token: null, headers });
const withKey = (apiKey: string) => ({ 'X-API-KEY': apiKey });

/** What a request could have written: the journal and the credentials. */
async function writable(h: HttpHarness): Promise<{ journal: number; credentials: unknown[] }> {
  return { journal: (await h.runtime.store.listJournal(0, 1000)).entries.length, credentials: await h.runtime.store.listCredentials() };
}

async function runTable(h: HttpHarness, rows: readonly Row[]): Promise<void> {
  const before = await writable(h);
  for (const row of rows) {
    const response = await get(h, row.path, row.headers);
    assert.equal(response.status, row.status, `${row.name}: status (body ${response.text.slice(0, 300)})`);
    if (row.code !== undefined) {
      assert.equal(codeOf(response), row.code, `${row.name}: code (body ${response.text.slice(0, 300)})`);
      assert.equal(typeof (response.body as { resultInfo: { message: unknown } }).resultInfo.message, 'string', `${row.name}: message`);
    }
  }
  assert.deepEqual(await writable(h), before, 'no request wrote to the journal or issued a credential');
}

/** The X-API-SIG the SDK sends for GET /api/v3/apiKey?accountId=... to this server. */
const apiKeySignature = (h: HttpHarness, accountId: number, privateKey: string) =>
  sdk.getEdDSASig('GET', h.baseUrl, '/api/v3/apiKey', new Map([['accountId', accountId]]), privateKey);

describe('loopring endpoints', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('loopring-endpoints-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  test('GET /api/v3/user/balances: every input gets a status and a venue code, never a 500', async () => {
    const balances = (query: string) => `/api/v3/user/balances?${query}`;
    await runTable(h, [
      { name: 'own account, all tokens', path: balances(`accountId=${alice.accountId}&tokens=`), headers: withKey(alice.apiKey), status: 200 },
      { name: 'tokens absent', path: balances(`accountId=${alice.accountId}`), headers: withKey(alice.apiKey), status: 200 },
      { name: 'by owner address, upper-case hex', path: balances(`address=${alice.address.toUpperCase().replace('0X', '0x')}`), headers: withKey(alice.apiKey), status: 200 },
      { name: 'tokens as the SDK encodes them', path: balances(`accountId=${alice.accountId}&tokens=0%2C2`), headers: withKey(alice.apiKey), status: 200 },
      { name: 'tokens with literal commas', path: balances(`accountId=${alice.accountId}&tokens=0,2`), headers: withKey(alice.apiKey), status: 200 },
      { name: 'tokens encoded twice', path: balances(`accountId=${alice.accountId}&tokens=0%252C2`), headers: withKey(alice.apiKey), status: 200 },
      { name: "another account's balances (the venue allows it by default)", path: balances(`accountId=${alice.accountId}`), headers: withKey(bob.apiKey), status: 200 },
      { name: 'an unknown parameter is ignored', path: balances(`accountId=${alice.accountId}&foo=bar`), headers: withKey(alice.apiKey), status: 200 },
      { name: 'no API key', path: balances(`accountId=${alice.accountId}`), status: 400, code: 104001 },
      { name: 'an empty API key', path: balances(`accountId=${alice.accountId}`), headers: withKey(''), status: 400, code: 104001 },
      { name: 'an API key never issued', path: balances(`accountId=${alice.accountId}`), headers: withKey('never-issued-key'), status: 400, code: 104002 },
      { name: 'an API key longer than any issued', path: balances(`accountId=${alice.accountId}`), headers: withKey('k'.repeat(500)), status: 400, code: 104002 },
      { name: 'neither accountId nor address', path: balances('tokens='), headers: withKey(alice.apiKey), status: 400, code: 107001 },
      { name: 'both accountId and address', path: balances(`accountId=${alice.accountId}&address=${alice.address}`), headers: withKey(alice.apiKey), status: 400, code: 100001 },
      { name: 'accountId not a number', path: balances('accountId=abc'), headers: withKey(alice.apiKey), status: 400, code: 104003 },
      { name: 'accountId negative', path: balances('accountId=-1'), headers: withKey(alice.apiKey), status: 400, code: 104003 },
      { name: 'accountId beyond 32 bits', path: balances('accountId=4294967296'), headers: withKey(alice.apiKey), status: 400, code: 104003 },
      { name: 'accountId twice', path: balances(`accountId=${alice.accountId}&accountId=${bob.accountId}`), headers: withKey(alice.apiKey), status: 400, code: 100001 },
      { name: 'an unknown accountId', path: balances('accountId=99999'), headers: withKey(alice.apiKey), status: 400, code: 101002 },
      { name: 'an unknown address', path: balances(`address=${UNKNOWN_ADDRESS}`), headers: withKey(alice.apiKey), status: 400, code: 101002 },
      { name: 'a malformed address', path: balances('address=0x12'), headers: withKey(alice.apiKey), status: 400, code: 100001 },
      { name: 'tokens not ids', path: balances(`accountId=${alice.accountId}&tokens=ETH`), headers: withKey(alice.apiKey), status: 400, code: 100001 },
      { name: 'tokens with an empty item', path: balances(`accountId=${alice.accountId}&tokens=0,,2`), headers: withKey(alice.apiKey), status: 400, code: 100001 },
      { name: 'a token id no asset has', path: balances(`accountId=${alice.accountId}&tokens=0,12345`), headers: withKey(alice.apiKey), status: 400, code: 102002 },
      { name: 'a query over 2048 characters', path: balances(`accountId=${alice.accountId}&pad=${'x'.repeat(2100)}`), headers: withKey(alice.apiKey), status: 400, code: 100001 },
    ]);
  });

  test('an unfiltered read lists every token the account has something of, by token id, in exact base units', async () => {
    const response = await get(h, `/api/v3/user/balances?accountId=${alice.accountId}&tokens=`, withKey(alice.apiKey));
    const rows = response.body as BalanceRow[];
    assert.deepEqual(rows.map((r) => r.tokenId), [0, 2, 4, 6, 7], 'ETH, USDT, BTC, USDC, SOL; never LRC, DOGE or XRP');
    assert.deepEqual(rows[0], {
      accountId: alice.accountId,
      tokenId: 0,
      total: '13250000000000000000', // available 12.5 + locked 0.5 + withdrawal requested 0.25
      locked: '750000000000000000',
      pending: { withdraw: '250000000000000000', deposit: '1000000000000000001' },
    });
    assert.deepEqual(rows[2], { accountId: alice.accountId, tokenId: 4, total: '155000000', locked: '30000000', pending: { withdraw: '0', deposit: '0' } }, 'BTC: the borrowed 0.05 is not shown, the lent 0.2 is locked');
    assert.match(response.text, /"accountId":10010,"tokenId":0,"total":"13250000000000000000"/, 'ids are JSON numbers, amounts strings');
    const empty = await get(h, '/api/v3/user/balances?accountId=10013&tokens=', withKey(alice.apiKey));
    assert.equal(empty.text, '[]', 'an account that never held anything reads as an empty array');
  });

  test('a filtered read answers exactly the tokens asked for, zeros for one not held, once each', async () => {
    const response = await get(h, `/api/v3/user/balances?accountId=${alice.accountId}&tokens=2%2C1%2C2`, withKey(alice.apiKey));
    const rows = response.body as BalanceRow[];
    assert.deepEqual(rows.map((r) => [r.tokenId, r.total, r.locked]), [[1, '0', '0'], [2, '26800500000', '1800500000']]);
  });

  test('GET /api/v3/exchange/tokens: every asset by token id, with the fields the SDK reads; no key needed', async () => {
    const response = await get(h, '/api/v3/exchange/tokens');
    assert.equal(response.status, 200);
    const tokens = response.body as { tokenId: number; symbol: string; address: string; decimals: number; type: string; name: string; precision: number }[];
    assert.deepEqual(tokens.map((t) => [t.tokenId, t.symbol, t.decimals]), [
      [0, 'ETH', 18], [1, 'LRC', 18], [2, 'USDT', 6], [4, 'BTC', 8], [6, 'USDC', 6], [7, 'SOL', 9], [8, 'DOGE', 8], [9, 'XRP', 6],
    ]);
    for (const t of tokens) {
      assert.match(t.address, /^0x[0-9a-f]{40}$/);
      assert.equal(typeof t.name, 'string');
      assert.equal(t.type, t.tokenId === 0 ? 'ETH' : 'ERC20');
      assert.ok(Number.isInteger(t.precision));
    }
  });

  test('GET /api/v3/timestamp: the server time as integer milliseconds', async () => {
    const before = Date.now();
    const response = await get(h, '/api/v3/timestamp');
    const { timestamp } = response.body as { timestamp: number };
    assert.ok(Number.isInteger(timestamp) && timestamp >= before && timestamp <= Date.now(), response.text);
  });

  test('GET /api/v3/account: by owner or accountId, with the layer-2 key; every bad input gets a code', async () => {
    const byOwner = await get(h, `/api/v3/account?owner=${alice.address}`);
    const aliceKey = publicKeyOf(BigInt(DEMO_LAYER2_KEYS.alice));
    assert.deepEqual(byOwner.body, {
      accountId: alice.accountId,
      owner: alice.address,
      frozen: false,
      publicKey: { x: formatFieldElement(aliceKey.x), y: formatFieldElement(aliceKey.y) },
      tags: '',
      nonce: 1,
      keyNonce: 0,
      keySeed: `Sign this message to access Loopring Exchange: ${EXCHANGE_ADDRESS} with key nonce: 0`,
    });
    assert.deepEqual((await get(h, `/api/v3/account?accountId=${alice.accountId}`)).body, byOwner.body);
    const noKey = (await get(h, '/api/v3/account?accountId=10011')).body as { publicKey: unknown; keySeed: string; nonce: number };
    assert.deepEqual([noKey.publicKey, noKey.keySeed, noKey.nonce], [{ x: '', y: '' }, '', 0], 'a sub-account without a layer-2 key');
    await runTable(h, [
      { name: 'neither owner nor accountId', path: '/api/v3/account', status: 400, code: 107001 },
      { name: 'an unknown owner', path: `/api/v3/account?owner=${UNKNOWN_ADDRESS}`, status: 400, code: 101002 },
      { name: 'an unknown accountId', path: '/api/v3/account?accountId=99999', status: 400, code: 101002 },
      { name: 'a malformed owner', path: '/api/v3/account?owner=alice', status: 400, code: 100001 },
      { name: 'a malformed accountId', path: '/api/v3/account?accountId=1x', status: 400, code: 104003 },
      { name: 'both', path: `/api/v3/account?owner=${alice.address}&accountId=${alice.accountId}`, status: 400, code: 100001 },
    ]);
  });

  test('GET /api/v3/apiKey: the key for a request signed with the account layer-2 key; every other request a code', async () => {
    const aliceSig = apiKeySignature(h, alice.accountId, DEMO_LAYER2_KEYS.alice);
    const ok = await get(h, `/api/v3/apiKey?accountId=${alice.accountId}`, { 'X-API-SIG': aliceSig });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body, { apiKey: alice.apiKey });
    const bobSignsForAlice = apiKeySignature(h, alice.accountId, DEMO_LAYER2_KEYS.bob);
    await runTable(h, [
      { name: 'no X-API-SIG', path: `/api/v3/apiKey?accountId=${alice.accountId}`, status: 400, code: 104004 },
      { name: 'an empty X-API-SIG', path: `/api/v3/apiKey?accountId=${alice.accountId}`, headers: { 'X-API-SIG': '' }, status: 400, code: 104004 },
      { name: "alice's signature for bob's account", path: `/api/v3/apiKey?accountId=${bob.accountId}`, headers: { 'X-API-SIG': aliceSig }, status: 400, code: 104005 },
      { name: "bob's key signing for alice", path: `/api/v3/apiKey?accountId=${alice.accountId}`, headers: { 'X-API-SIG': bobSignsForAlice }, status: 400, code: 104005 },
      { name: 'a signature not in the venue format', path: `/api/v3/apiKey?accountId=${alice.accountId}`, headers: { 'X-API-SIG': '0x1234' }, status: 400, code: 104005 },
      { name: 'a signed request with an extra parameter', path: `/api/v3/apiKey?accountId=${alice.accountId}&x=1`, headers: { 'X-API-SIG': aliceSig }, status: 400, code: 104005 },
      { name: 'an account without a layer-2 key', path: '/api/v3/apiKey?accountId=10011', headers: { 'X-API-SIG': aliceSig }, status: 400, code: 104005 },
      { name: 'an unknown account', path: '/api/v3/apiKey?accountId=99999', headers: { 'X-API-SIG': aliceSig }, status: 400, code: 101002 },
      { name: 'no accountId', path: '/api/v3/apiKey', headers: { 'X-API-SIG': aliceSig }, status: 400, code: 104003 },
      { name: 'a malformed accountId', path: '/api/v3/apiKey?accountId=ten', headers: { 'X-API-SIG': aliceSig }, status: 400, code: 104003 },
      { name: 'accountId twice', path: `/api/v3/apiKey?accountId=${alice.accountId}&accountId=${alice.accountId}`, headers: { 'X-API-SIG': aliceSig }, status: 400, code: 104003 },
    ]);
  });

  test('paths under /api/v3 with no route, and other methods, answer in the venue shape', async () => {
    await runTable(h, [
      { name: 'an endpoint the venue has and assetbook does not serve: 501, so the SDK throws', path: '/api/v3/exchange/markets', status: 501, code: 100000 },
      { name: 'a deeper unknown path', path: '/api/v3/user/balances/extra', status: 400, code: 100000 },
    ]);
    const post = await h.request({ method: 'POST', path: '/api/v3/user/balances', token: null, body: {} });
    assert.deepEqual([post.status, codeOf(post)], [400, 100000]);
  });

  test("Bitget's one path under /api/v3 stays Bitget's", async () => {
    const response = await get(h, '/api/v3/account/settings');
    assert.equal(codeOf(response), undefined);
    assert.equal(typeof (response.body as { code?: unknown }).code, 'string', response.text);
  });
});

describe('the demo layer-2 keys', () => {
  test("examples/demo.json loads the public keys of the private keys its description publishes", async () => {
    const demo = JSON.parse(readFileSync(DEMO, 'utf8')) as { description: string; users: { name: string; main: { venues?: { loopring?: { publicKey?: { x: string; y: string } } } } }[] };
    for (const [name, secret] of Object.entries(DEMO_LAYER2_KEYS)) {
      const key = publicKeyOf(BigInt(secret));
      const user = demo.users.find((u) => u.name === name)!;
      assert.deepEqual(user.main.venues?.loopring?.publicKey, { x: formatFieldElement(key.x), y: formatFieldElement(key.y) }, name);
      assert.ok(demo.description.includes(`${name} ${secret}`), `${name}'s private key is in the description`);
    }
  });
});

describe('loopring key scope own', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('loopring-scope-token', { scenario: DEMO, flags: { rateLimits: 'off', loopringKeyScope: 'own' } });
  });
  after(async () => h.close());

  test('a key reads its own account only; any other, known or not, is an invalid key for it', async () => {
    await runTable(h, [
      { name: 'own account by id', path: `/api/v3/user/balances?accountId=${alice.accountId}`, headers: withKey(alice.apiKey), status: 200 },
      { name: 'own account by address', path: `/api/v3/user/balances?address=${alice.address}`, headers: withKey(alice.apiKey), status: 200 },
      { name: "bob's account", path: `/api/v3/user/balances?accountId=${bob.accountId}`, headers: withKey(alice.apiKey), status: 400, code: 104002 },
      { name: "alice's own sub-account (it has keys of its own)", path: '/api/v3/user/balances?accountId=10011', headers: withKey(alice.apiKey), status: 400, code: 104002 },
      { name: 'an account that does not exist', path: '/api/v3/user/balances?accountId=99999', headers: withKey(alice.apiKey), status: 400, code: 104002 },
      { name: 'an address that does not exist', path: `/api/v3/user/balances?address=${UNKNOWN_ADDRESS}`, headers: withKey(alice.apiKey), status: 400, code: 104002 },
    ]);
  });
});

describe('loopring layer-2 keys registered by the operator', () => {
  let h: HttpHarness;
  before(async () => {
    h = await HttpHarness.start('loopring-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
  });
  after(async () => h.close());

  const setLayer2Key = (accountId: number, publicKey: unknown) =>
    h.request({ method: 'PATCH', path: `/_assetbook/v1/accounts/${accountId}`, body: { venues: { loopring: { publicKey } } } });

  test('PATCH /accounts/{id} with a Loopring public key registers it; the apiKey flow then works and issues the account its first API key, once', async () => {
    const grid = h.account('alice', 'grid-bot');
    const secret = '0x0123456789abcdef';
    const key = publicKeyOf(BigInt(secret));
    const put = await setLayer2Key(grid.id, { x: formatFieldElement(key.x), y: key.y.toString() });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((put.body as { venues: { loopring: { publicKey: unknown } } }).venues.loopring.publicKey, { x: formatFieldElement(key.x), y: key.y.toString() });
    const account = (await get(h, `/api/v3/account?accountId=${accountIdOf(grid)}`)).body as { publicKey: { x: string; y: string } };
    assert.deepEqual(account.publicKey, { x: formatFieldElement(key.x), y: formatFieldElement(key.y) });

    const signature = apiKeySignature(h, accountIdOf(grid), secret);
    const path = `/api/v3/apiKey?accountId=${accountIdOf(grid)}`;
    await runTable(h, [
      { name: 'no signature', path, status: 400, code: 104004 },
      { name: "alice's main key signing for the grid bot", path, headers: { 'X-API-SIG': apiKeySignature(h, accountIdOf(grid), DEMO_LAYER2_KEYS.alice) }, status: 400, code: 104005 },
      { name: 'a parameter the client did not sign', path: `${path}&x=1`, headers: { 'X-API-SIG': signature }, status: 400, code: 104005 },
      { name: 'the signature of a request for another account', path: `/api/v3/apiKey?accountId=${alice.accountId}`, headers: { 'X-API-SIG': signature }, status: 400, code: 104005 },
    ]);
    const credentialsBefore = await h.runtime.store.listCredentials();
    const first = await get(h, path, { 'X-API-SIG': signature });
    assert.equal(first.status, 200, first.text);
    const { apiKey } = first.body as { apiKey: string };
    assert.match(apiKey, /^[0-9a-f]{64}$/);
    const issued = (await h.runtime.store.listCredentials()).filter((c) => !credentialsBefore.some((b) => b.id === c.id));
    assert.deepEqual(issued.map((c) => [c.venue, c.accountId, c.label]), [['loopring', grid.id, 'issued by /api/v3/apiKey']], 'the one documented write');
    const again = await get(h, path, { 'X-API-SIG': signature });
    assert.deepEqual(again.body, { apiKey }, 'the same key, not a second one');
    assert.equal((await h.runtime.store.listCredentials()).length, credentialsBefore.length + 1);
    const read = await get(h, `/api/v3/user/balances?accountId=${accountIdOf(grid)}&tokens=2`, withKey(apiKey));
    assert.deepEqual((read.body as BalanceRow[]).map((r) => r.total), ['5250000000']);
  });

  test('replacing a key makes signatures by the old one wrong', async () => {
    const carol = h.account('carol');
    const before = await get(h, `/api/v3/apiKey?accountId=${accountIdOf(carol)}`, { 'X-API-SIG': apiKeySignature(h, accountIdOf(carol), DEMO_LAYER2_KEYS.carol) });
    assert.equal(before.status, 200);
    const fresh = publicKeyOf(777n);
    const put = await setLayer2Key(carol.id, { x: fresh.x.toString(), y: fresh.y.toString() });
    assert.equal(put.status, 200);
    const after = await get(h, `/api/v3/apiKey?accountId=${accountIdOf(carol)}`, { 'X-API-SIG': apiKeySignature(h, accountIdOf(carol), DEMO_LAYER2_KEYS.carol) });
    assert.deepEqual([after.status, codeOf(after)], [400, 104005]);
  });

  test('the operator route refuses an unknown account, a malformed key, an identity change and a missing token', async () => {
    const key = { x: '0x01', y: '2' };
    const unknown = await setLayer2Key(999999, key);
    assert.deepEqual([unknown.status, (unknown.body as { error: { code: string } }).error.code], [404, 'ACCOUNT_NOT_FOUND']);
    const bob = h.account('bob').id;
    for (const body of [{ x: 'zz', y: '1' }, { x: '0x01' }, { ...key, extra: 1 }, { x: 1, y: 2 }, { x: `0x${'f'.repeat(65)}`, y: '1' }]) {
      const response = await setLayer2Key(bob, body);
      assert.equal(response.status, 400, JSON.stringify(body));
    }
    const identity = await h.request({ method: 'PATCH', path: `/_assetbook/v1/accounts/${bob}`, body: { venues: { loopring: { accountId: 1 } } } });
    assert.equal(identity.status, 400, `a unique fact never changes: ${identity.text}`);
    const anonymous = await h.request({ method: 'PATCH', path: `/_assetbook/v1/accounts/${bob}`, body: { venues: { loopring: { publicKey: key } } }, token: null });
    assert.equal(anonymous.status, 401);
    const stored = await h.runtime.store.getAccount(bob);
    assert.notEqual(stored && layer2KeyOf(stored)?.x, '0x01', 'nothing refused was stored');
  });
});

describe('loopring rate limits', () => {
  // Windows of a minute: each test needs its requests inside one window, however slow the machine.
  const RANDOM_KEY = () => withKey(`random-${randomBytes(8).toString('hex')}`);
  const balances = `/api/v3/user/balances?accountId=${alice.accountId}`;

  test('balance reads count per credential: over the limit is 429 with code 100000 and Retry-After; another credential has its own budget', async () => {
    const h = await HttpHarness.start('loopring-limits-token', { scenario: DEMO, flags: { rateLimit: ['loopring.balances=5/60s'] } });
    try {
      const statuses: number[] = [];
      let last: HttpResponse | undefined;
      for (let i = 0; i < 6; i++) {
        last = await get(h, balances, withKey(alice.apiKey));
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
      assert.equal(codeOf(last!), 100000);
      assert.match((last!.body as { resultInfo: { message: string } }).resultInfo.message, /loopring\.balances/);
      assert.match(last!.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
      assert.equal((await get(h, balances, withKey(bob.apiKey))).status, 200, "bob's credential has its own budget");
    } finally {
      await h.close();
    }
  });

  test('a flood of random API keys from one IP is refused with 429 by loopring.ip, and spends no credential budget', async () => {
    const h = await HttpHarness.start('loopring-limits-token', { scenario: DEMO, flags: { rateLimit: ['loopring.ip=8/60s', 'loopring.balances=2/60s'] } });
    try {
      const statuses: number[] = [];
      let last: HttpResponse | undefined;
      for (let i = 0; i < 10; i++) {
        last = await get(h, balances, RANDOM_KEY());
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [400, 400, 400, 400, 400, 400, 400, 400, 429, 429], 'a new key per request changes nothing');
      assert.equal(codeOf(last!), 100000);
      assert.match((last!.body as { resultInfo: { message: string } }).resultInfo.message, /8 per 60s on loopring\.ip/);
      assert.match(last!.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
      assert.equal((await get(h, balances, withKey(alice.apiKey))).status, 429, 'the IP is out of budget for every request');
    } finally {
      await h.close();
    }
  });

  test('failed authentications, valid reads and every other endpoint share the per-IP budget; unknown keys do not spend a credential budget', async () => {
    const h = await HttpHarness.start('loopring-limits-token', { scenario: DEMO, flags: { rateLimit: ['loopring.ip=6/60s', 'loopring.balances=2/60s'] } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await get(h, balances, RANDOM_KEY())).status);
      statuses.push((await get(h, balances)).status);
      statuses.push((await get(h, balances, withKey(alice.apiKey))).status);
      statuses.push((await get(h, balances, withKey(alice.apiKey))).status);
      statuses.push((await get(h, '/api/v3/timestamp')).status);
      assert.deepEqual(statuses, [400, 400, 400, 400, 200, 200, 429], "alice's two reads were hers; the seventh request from the IP is one too many");
    } finally {
      await h.close();
    }
  });

  test('account, apiKey and the public endpoints count per client IP, and --rate-limit overrides each rule by name', async () => {
    const h = await HttpHarness.start('loopring-limits-token', {
      scenario: DEMO,
      flags: { rateLimit: ['loopring.account=2/60s', 'loopring.api-key=1/60s', 'loopring.public=3/60s'] },
    });
    try {
      const statusesOf = async (path: string, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await get(h, path)).status);
        return out;
      };
      assert.deepEqual(await statusesOf(`/api/v3/account?accountId=${alice.accountId}`, 3), [200, 200, 429]);
      assert.deepEqual(await statusesOf(`/api/v3/apiKey?accountId=${alice.accountId}`, 2), [400, 429]);
      assert.deepEqual([...(await statusesOf('/api/v3/timestamp', 2)), ...(await statusesOf('/api/v3/exchange/tokens', 2))], [200, 200, 200, 429]);
    } finally {
      await h.close();
    }
  });

  test('--rate-limits off lets every request through', async () => {
    const h = await HttpHarness.start('loopring-limits-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
    try {
      for (let i = 0; i < 20; i++) assert.equal((await get(h, balances, withKey(alice.apiKey))).status, 200);
      for (let i = 0; i < 20; i++) assert.equal((await get(h, balances, RANDOM_KEY())).status, 400);
    } finally {
      await h.close();
    }
  });
});
