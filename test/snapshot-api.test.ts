import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { DEMO, HttpHarness, type HttpResponse } from './support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest } from './support/bitget-signer.js';
import { accountArg, loggedIn, nextPush } from './support/bitget-stream.js';
import { digestOf } from '../src/snapshot/file.js';
import type { SnapshotFile } from '../src/snapshot/format.js';

/**
 * Snapshots through the operator API, into a running server (no restart): `GET /snapshot` saves
 * the whole ledger, `PUT /snapshot` restores it. After a restore every read is of the restored
 * ledger at once (the operator's and a venue's kept bodies, the catalog, venue keys), keys replay
 * as they did, a balance stream ends as on a reset, and a file refused writes nothing.
 */

const V1 = '/_assetbook/v1';
const SNAPSHOT = `${V1}/snapshot`;
const BITGET_ASSETS = '/api/v2/spot/account/assets';

interface ErrorBody {
  error: { code: string; message: string; path?: string };
}

const expectStatus = (res: HttpResponse, status: number) => assert.equal(res.status, status, `${res.status} ${res.text}`);

describe('snapshots over the operator API', () => {
  let h: HttpHarness;
  let alice: number;
  before(async () => {
    h = await HttpHarness.start('snapshot-api-operator-token', { scenario: DEMO, flags: { rateLimits: 'off', secretKey: randomBytes(32).toString('hex') } });
    alice = h.account('alice').id;
  });
  after(async () => h.close());

  const save = async (): Promise<SnapshotFile> => {
    const res = await h.get<SnapshotFile>(SNAPSHOT);
    expectStatus(res, 200);
    return res.body;
  };
  const restore = (file: unknown) => h.request<ErrorBody & Record<string, number>>({ method: 'PUT', path: SNAPSHOT, body: file });
  const operatorBtc = async (account: number) => {
    const res = await h.get<{ assets: { asset: string; available: string }[] }>(`${V1}/accounts/${account}/balances`);
    expectStatus(res, 200);
    return res.body.assets.find((a) => a.asset === 'BTC')?.available;
  };
  const bitgetBtc = async () => {
    const res = await h.request<{ data: { coin: string; available: string }[] }>(
      signedBitgetRequest(demoBitgetKey(h.secrets('alice', 'bitget')), BITGET_ASSETS, { query: 'coin=BTC' }),
    );
    expectStatus(res, 200);
    return res.body.data[0]?.available;
  };
  const verified = async () => {
    const res = await h.get<{ ok: boolean; mismatches: unknown[] }>(`${V1}/verify`);
    assert.deepEqual(res.body.mismatches, []);
    assert.equal(res.body.ok, true);
  };

  test('GET /snapshot answers the versioned file: every part of the ledger, amounts as strings, its digest over the ledger', async () => {
    const file = await save();
    assert.equal(file.format, 'assetbook-snapshot');
    assert.equal(file.version, 1);
    assert.deepEqual(file.venues, ['bitget', 'bullish', 'loopring']);
    assert.equal(file.digest, digestOf(file.ledger));
    assert.ok(file.ledger.users.some((u) => u.name === 'alice'));
    assert.ok(file.ledger.credentials.length > 0 && file.ledger.credentials.every((c) => !JSON.stringify(c).includes(h.secrets('alice', 'bitget').secretKey!)));
    assert.ok(file.ledger.journal.every((e) => e.postings.every((p) => typeof p.amount === 'string')));
    assert.ok(file.ledger.balances.some((b) => b.account === 0), 'system books are in it');
  });

  test('PUT /snapshot restores into the running server: kept balance bodies, catalog and keys are of the restored ledger at once', async () => {
    const then = { operator: await operatorBtc(alice), bitget: await bitgetBtc() };
    const file = await save();
    // The ledger moves on: a deposit read through both kept bodies, a new asset, a new user.
    await h.operate({ key: 'snap-after-1', type: 'deposit', account: alice, asset: 'BTC', amount: '2' });
    expectStatus(await h.post(`${V1}/assets`, { symbol: 'NEWCOIN', scale: 2 }), 201);
    expectStatus(await h.post(`${V1}/users`, { name: 'dave' }), 201);
    assert.notEqual(await operatorBtc(alice), then.operator);
    assert.notEqual(await bitgetBtc(), then.bitget);

    const res = await restore(file);
    expectStatus(res, 200);
    assert.equal(res.body.journalHead, file.ledger.journal.at(-1)!.id);
    assert.equal(res.body.users, file.ledger.users.length);
    assert.deepEqual({ operator: await operatorBtc(alice), bitget: await bitgetBtc() }, then);
    const users = await h.get<{ name: string }[]>(`${V1}/users`);
    assert.deepEqual(users.body.map((u) => u.name), file.ledger.users.map((u) => u.name));
    const refused = await h.post<ErrorBody>(`${V1}/operations`, { key: 'snap-new-asset', type: 'deposit', account: alice, asset: 'NEWCOIN', amount: '1' });
    assert.equal(refused.body.error.code, 'ASSET_NOT_FOUND');
    await verified();
    // The same file restored again gives the same ledger.
    assert.deepEqual((await save()).ledger, file.ledger);
  });

  test('after a restore, keys replay as before the snapshot, and a key first used after it is new again', async () => {
    await h.operate({ key: 'snap-before', type: 'deposit', account: alice, asset: 'BTC', amount: '0.5' });
    const file = await save();
    const entryId = file.ledger.journal.find((e) => e.key === 'snap-before')!.id;
    await h.operate({ key: 'snap-later', type: 'deposit', account: alice, asset: 'BTC', amount: '0.25' });
    expectStatus(await restore(file), 200);
    const replay = await h.post<{ replayed: boolean; entry: { id: number } }>(`${V1}/operations`, { key: 'snap-before', type: 'deposit', account: alice, asset: 'BTC', amount: '0.5' });
    expectStatus(replay, 200);
    assert.deepEqual([replay.body.replayed, replay.body.entry.id], [true, entryId]);
    const conflict = await h.post<ErrorBody>(`${V1}/operations`, { key: 'snap-before', type: 'deposit', account: alice, asset: 'BTC', amount: '9' });
    assert.equal(conflict.body.error.code, 'IDEMPOTENCY_CONFLICT');
    const fresh = await h.post<{ replayed: boolean; entry: { id: number } }>(`${V1}/operations`, { key: 'snap-later', type: 'deposit', account: alice, asset: 'BTC', amount: '0.25' });
    expectStatus(fresh, 201);
    assert.equal(fresh.body.entry.id, file.ledger.journal.at(-1)!.id + 1);
    await verified();
  });

  test('venue keys removed by a reset authenticate again at once once the snapshot is restored', async () => {
    const file = await save();
    const expected = await bitgetBtc();
    expectStatus(await h.post(`${V1}/reset`), 204);
    const unknownKey = await h.request(signedBitgetRequest(demoBitgetKey(h.secrets('alice', 'bitget')), BITGET_ASSETS, { query: 'coin=BTC' }));
    assert.notEqual(unknownKey.status, 200);
    expectStatus(await restore(file), 200);
    assert.equal(await bitgetBtc(), expected);
  });

  test('a balance stream ends on a restore as it does on a reset: Bitget sends 40015 and closes with 1012', async () => {
    const file = await save();
    const socket = await loggedIn(h, demoBitgetKey(h.secrets('alice', 'bitget')), Date.now());
    socket.send({ op: 'subscribe', args: [accountArg()] });
    await nextPush(socket);
    expectStatus(await restore(file), 200);
    assert.equal((await socket.nextJson((f) => f.event === 'error')).code, 40015);
    assert.deepEqual(await socket.closed, { code: 1012, reason: 'account reset' });
  });

  describe('a file refused writes nothing and says why', () => {
    let good: SnapshotFile;
    let current: SnapshotFile['ledger'];
    const tampered = (change: (file: SnapshotFile) => void, redigest = true): SnapshotFile => {
      const copy = structuredClone(good);
      change(copy);
      if (redigest) copy.digest = digestOf(copy.ledger);
      return copy;
    };
    const refusedAt = async (body: unknown, path: string, message: RegExp) => {
      const res = await restore(body);
      expectStatus(res, 400);
      assert.equal(res.body.error.code, path.endsWith('/amount') ? 'INVALID_AMOUNT' : 'INVALID_ARGUMENT', res.text);
      assert.equal(res.body.error.path, path, res.text);
      assert.match(res.body.error.message, message);
    };

    before(async () => {
      good = await save();
      // What a refused restore must leave: the ledger as it is now, which differs from the file.
      await h.operate({ key: 'snap-refusals-moved-on', type: 'deposit', account: alice, asset: 'BTC', amount: '1' });
      current = (await save()).ledger;
    });
    after(async () => {
      assert.deepEqual((await save()).ledger, current);
      await verified();
    });

    const cases: [string, () => unknown, string, RegExp][] = [
      ['a foreign JSON document', () => ({ hello: 'world' }), 'format', /not an assetbook snapshot/],
      ['a newer version', () => ({ ...good, version: 2 }), 'version', /newer than this assetbook reads/],
      ['a file missing its ledger (cut short)', () => ({ ...good, ledger: undefined }), 'ledger', /ledger is required/],
      ['an amount as a JSON number', () => tampered((f) => ((f.ledger.balances[0] as { amount: unknown }).amount = 1)), 'ledger/balances/0/amount', /decimal string/],
      ['an edited balance without a new digest', () => tampered((f) => (f.ledger.balances[0]!.amount = '1'), false), 'digest', /changed or damaged/],
      ['a balance that differs from the journal', () => tampered((f) => (f.ledger.balances.find((b) => b.account !== 0)!.amount = '123')), 'ledger', /does not verify/],
      ['an account of a user not in it', () => tampered((f) => (f.ledger.accounts[0]!.userId = 999)), 'ledger/accounts/0/userId', /no user 999/],
      ['one key twice', () => tampered((f) => (f.ledger.journal[1]!.key = f.ledger.journal[0]!.key)), 'ledger/journal/1/key', /appears twice/],
      ['a credential of an account not its user’s', () => tampered((f) => (f.ledger.credentials[0]!.accountId = f.ledger.accounts.find((a) => a.userId !== f.ledger.credentials[0]!.userId)!.id)), 'ledger/credentials/0/accountId', /is not user/],
      ['an identity its subject does not hold', () => tampered((f) => (f.ledger.identities[0]!.value = 'nobody')), 'ledger/identities/0/value', /among its venue facts/],
      ['another secret key', () => tampered((f) => (f.keyCheck = '0'.repeat(64))), 'keyCheck', /another secret key/],
    ];
    for (const [name, body, path, message] of cases) {
      test(`${name}: 400 at ${path}`, async () => refusedAt(body(), path, message));
    }

    test('a truncated file: 400 BAD_REQUEST, the body is not JSON', async () => {
      const text = JSON.stringify(good);
      const res = await h.request<ErrorBody>({ method: 'PUT', path: SNAPSHOT, rawBody: text.slice(0, text.length / 2), headers: { 'content-type': 'application/json' } });
      expectStatus(res, 400);
      assert.equal(res.body.error.code, 'BAD_REQUEST');
    });

    test('without the operator token: 401, nothing read or written', async () => {
      expectStatus(await h.request({ method: 'PUT', path: SNAPSHOT, body: good, token: null }), 401);
      expectStatus(await h.get(SNAPSHOT, null), 401);
    });
  });
});
