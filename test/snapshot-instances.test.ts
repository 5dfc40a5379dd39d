import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { DEMO, HttpHarness, type HttpResponse } from './support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest } from './support/bitget-signer.js';
import { accountArg, loggedIn, nextPush } from './support/bitget-stream.js';
import { postgresSchemas } from './support/postgres-schemas.js';
import { skipWithoutPostgres } from './support/services.js';
import type { LedgerEvent } from '../src/ledger/events.js';
import type { SnapshotFile } from '../src/snapshot/format.js';

/**
 * A snapshot restored through one instance reaches another on the same PostgreSQL schema as a
 * reset does: its read cache, its cached catalog (keyed on the reset count), its ledger events
 * and the balance streams on them. Each step waits for the other instance to hear the restore
 * (its events' `reset`), never for a guessed time.
 */

const V1 = '/_assetbook/v1';
const TOKEN = 'snapshot-instances-operator-token';
const schemas = postgresSchemas();

let a: HttpHarness;
let b: HttpHarness;

before(async () => {
  if (skipWithoutPostgres) return;
  const flags = { db: schemas.fresh(), secretKey: randomBytes(32).toString('hex'), rateLimits: 'off' };
  a = await HttpHarness.start(TOKEN, { scenario: DEMO, flags });
  b = await HttpHarness.start(TOKEN, { flags });
});
after(async () => {
  await b?.close();
  await a?.close();
});

const expectStatus = (res: HttpResponse, status: number) => assert.equal(res.status, status, `${res.status} ${res.text}`);

test('a restore on one instance reaches the other: kept bodies, cached catalog, events and streams', { skip: skipWithoutPostgres }, async () => {
  const alice = a.account('alice').id;
  const key = demoBitgetKey(a.secrets('alice', 'bitget'));
  const bitgetBtcOnB = async () => {
    const res = await b.request<{ data: { available: string }[] }>(signedBitgetRequest(key, '/api/v2/spot/account/assets', { query: 'coin=BTC' }));
    expectStatus(res, 200);
    return res.body.data[0]?.available;
  };

  const snapshot = await a.get<SnapshotFile>(`${V1}/snapshot`);
  expectStatus(snapshot, 200);
  const restoredBtc = await bitgetBtcOnB();

  // The ledger moves on, and B learns it: a new asset in B's cached catalog, a kept body on B.
  await a.operate({ key: 'inst-after-1', type: 'deposit', account: alice, asset: 'BTC', amount: '2' });
  expectStatus(await a.post(`${V1}/assets`, { symbol: 'NEWCOIN', scale: 2 }), 201);
  expectStatus(await b.post(`${V1}/operations`, { key: 'inst-after-2', type: 'deposit', account: alice, asset: 'NEWCOIN', amount: '1' }), 201);
  const versions = b.runtime.ledger.readVersions;
  const watching = versions.nextChangeOfAll();
  versions.of(alice);
  await watching;
  const movedOn = await bitgetBtcOnB();
  assert.notEqual(movedOn, restoredBtc);
  assert.equal(await bitgetBtcOnB(), movedOn);

  // A stream on B, and B's events, before the restore.
  const socket = await loggedIn(b, key, Date.now());
  socket.send({ op: 'subscribe', args: [accountArg()] });
  await nextPush(socket);
  let heard: (event: LedgerEvent) => void = () => {};
  const resetOnB = new Promise<LedgerEvent>((resolve) => (heard = (event) => event.type === 'reset' && resolve(event)));
  const subscription = b.runtime.ledger.events.subscribe((event) => heard(event));
  await subscription.ready;
  try {
    expectStatus(await a.request({ method: 'PUT', path: `${V1}/snapshot`, body: snapshot.body }), 200);
    const head = snapshot.body.ledger.journal.at(-1)!.id;
    assert.deepEqual(await resetOnB, { type: 'reset', position: head });
  } finally {
    subscription();
  }

  assert.equal(await bitgetBtcOnB(), restoredBtc, "B's kept body is of the restored ledger");
  const refused = await b.post<{ error: { code: string } }>(`${V1}/operations`, { key: 'inst-after-3', type: 'deposit', account: alice, asset: 'NEWCOIN', amount: '1' });
  assert.equal(refused.body.error?.code, 'ASSET_NOT_FOUND', "B's cached catalog is of the reset count before: NEWCOIN is gone");
  const next = await b.post<{ entry: { id: number } }>(`${V1}/operations`, { key: 'inst-after-2', type: 'deposit', account: alice, asset: 'BTC', amount: '1' });
  expectStatus(next, 201);
  assert.equal(next.body.entry.id, snapshot.body.ledger.journal.at(-1)!.id + 1, 'new entries follow the restored head on every instance');
  assert.equal((await socket.nextJson((f) => f.event === 'error')).code, 40015);
  assert.deepEqual(await socket.closed, { code: 1012, reason: 'account reset' });
  const verified = await b.get<{ ok: boolean }>(`${V1}/verify`);
  assert.equal(verified.body.ok, true);
});
