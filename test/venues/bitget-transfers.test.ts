import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO, HttpHarness, type HttpRequest, type HttpResponse } from '../support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest as signAt, type BitgetKey, type BitgetRequestOptions } from '../support/bitget-signer.js';
import { ManualClock } from '../support/clock.js';

/**
 * `POST /api/v2/spot/wallet/subaccount-transfer`, `POST /api/v2/spot/wallet/transfer` and the two
 * record reads, request by request: every hostile body gets Bitget's own code and writes nothing;
 * a body is signed as it was sent; a clientOid applies once however often and however
 * concurrently it is sent; the records page through every transfer exactly once. On the demo
 * scenario, on a clock the test holds (a record's time is the clock's), limits off.
 */

const clock = new ManualClock(Date.UTC(2026, 2, 1));
const SUB_TRANSFER = '/api/v2/spot/wallet/subaccount-transfer';
const TRANSFER = '/api/v2/spot/wallet/transfer';
const RECORDS = '/api/v2/spot/account/transferRecords';
const SUB_MAIN = '/api/v2/spot/account/sub-main-trans-record';
const ALICE = '6100000001';
const GRID = '6100000002';
const HODL = '6100000003';
const EMPTY = '6100000004';
const BOB = '6200000001';
const BOB_SUB = '6200000002';
const DAY_MS = 86_400_000;

interface Envelope<T = unknown> {
  code: string;
  msg: string;
  data: T;
}
interface Done {
  transferId: string;
  clientOid: string;
}
type Row = Record<string, string>;

let h: HttpHarness;
let alice: BitgetKey;

before(async () => {
  h = await HttpHarness.start('bitget-transfers-token', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
  alice = demoBitgetKey(h.secrets('alice', 'bitget'));
});
after(async () => {
  const report = await h.runtime.ledger.verify();
  await h.close();
  assert.ok(report.ok, JSON.stringify(report));
});

const sign = (key: BitgetKey, path: string, options: Omit<BitgetRequestOptions, 'timestampMs'> = {}): HttpRequest => signAt(key, path, { ...options, timestampMs: clock.now() });
const send = <T = unknown>(request: HttpRequest) => h.request<Envelope<T>>(request);
/** A transfer body as JSON text: alice's main account to her grid-bot sub-account, 1 USDT, with `changes`. */
const body = (changes: Record<string, unknown> = {}) =>
  JSON.stringify({ fromType: 'spot', toType: 'spot', amount: '1', coin: 'USDT', fromUserId: ALICE, toUserId: GRID, ...changes });
const post = (text: string, key = alice, path = SUB_TRANSFER) => send<Done>(sign(key, path, { body: text }));
const get = <T = Row[]>(path: string, query: string, key = alice) => send<T>(sign(key, path, { query }));

async function lastEntryId(): Promise<number> {
  let last = 0;
  for (;;) {
    const page = await h.runtime.ledger.journal(last, 500);
    last = page.entries.at(-1)?.id ?? last;
    if (page.next === null) return last;
  }
}

function expectRefused(response: HttpResponse<Envelope>, status: number, code: string): void {
  assert.equal(response.status, status, response.text);
  assert.equal(response.body?.code, code, response.text);
  assert.equal(response.body?.data, null);
}

describe('subaccount-transfer refuses hostile input with Bitget codes and writes nothing', () => {
  const rows: { claim: string; request: () => HttpRequest; status?: number; code: string }[] = [
    { claim: 'no fromType: 40019', request: () => sign(alice, SUB_TRANSFER, { body: body({ fromType: undefined }) }), code: '40019' },
    { claim: 'no amount: 40019', request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: undefined }) }), code: '40019' },
    { claim: 'an empty amount: 40019', request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: '' }) }), code: '40019' },
    { claim: 'no coin: 40019', request: () => sign(alice, SUB_TRANSFER, { body: body({ coin: undefined }) }), code: '40019' },
    { claim: 'no toUserId: 40019', request: () => sign(alice, SUB_TRANSFER, { body: body({ toUserId: undefined }) }), code: '40019' },
    { claim: 'an empty JSON object: 40019', request: () => sign(alice, SUB_TRANSFER, { body: '{}' }), code: '40019' },
    { claim: 'an account type Bitget does not have: 40020', request: () => sign(alice, SUB_TRANSFER, { body: body({ fromType: 'futures' }) }), code: '40020' },
    { claim: 'a futures account (assetbook keeps spot only): 40017', request: () => sign(alice, SUB_TRANSFER, { body: body({ toType: 'usdt_futures' }) }), code: '40017' },
    { claim: 'the amount as a JSON number: 40020', request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: 1.5 }) }), code: '40020' },
    { claim: 'a negative amount: 01001', request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: '-1' }) }), code: '01001' },
    { claim: 'a zero amount: 01001', request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: '0.000' }) }), code: '01001' },
    { claim: "more places than USDT's 6: 01002", request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: '0.0000001' }) }), code: '01002' },
    { claim: 'an exponent: 40020', request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: '1e3' }) }), code: '40020' },
    { claim: 'a padded amount: 40020', request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: ' 1' }) }), code: '40020' },
    { claim: 'an amount of 70 digits: 40020', request: () => sign(alice, SUB_TRANSFER, { body: body({ amount: '9'.repeat(70) }) }), code: '40020' },
    { claim: 'an unknown coin: 40034', request: () => sign(alice, SUB_TRANSFER, { body: body({ coin: 'NOPE' }) }), code: '40034' },
    { claim: 'the coin as a number: 40020', request: () => sign(alice, SUB_TRANSFER, { body: body({ coin: 5 }) }), code: '40020' },
    { claim: 'a clientOid of 65 characters: 40305', request: () => sign(alice, SUB_TRANSFER, { body: body({ clientOid: 'x'.repeat(65) }) }), code: '40305' },
    { claim: 'a clientOid with a space: 40305', request: () => sign(alice, SUB_TRANSFER, { body: body({ clientOid: 'a b' }) }), code: '40305' },
    { claim: 'a clientOid as a number: 40020', request: () => sign(alice, SUB_TRANSFER, { body: body({ clientOid: 7 }) }), code: '40020' },
    { claim: 'a fromUserId that is not a uid: 40020', request: () => sign(alice, SUB_TRANSFER, { body: body({ fromUserId: 'alice' }) }), code: '40020' },
    { claim: 'a uid nobody has: 40028', request: () => sign(alice, SUB_TRANSFER, { body: body({ toUserId: '6999999999' }) }), code: '40028' },
    { claim: "another user's main account: 40028", request: () => sign(alice, SUB_TRANSFER, { body: body({ toUserId: BOB }) }), code: '40028' },
    { claim: "another user's sub-account as the source: 40028", request: () => sign(alice, SUB_TRANSFER, { body: body({ fromUserId: BOB_SUB }) }), code: '40028' },
    { claim: 'the same account on both sides: 40017', request: () => sign(alice, SUB_TRANSFER, { body: body({ toUserId: ALICE }) }), code: '40017' },
    { claim: "more than the source's available: 43012", request: () => sign(alice, SUB_TRANSFER, { body: body({ fromUserId: EMPTY, toUserId: ALICE }) }), code: '43012' },
    { claim: 'a sub-account key: 40014', request: () => sign(demoBitgetKey(h.secrets('alice', 'bitget', 'grid-bot')), SUB_TRANSFER, { body: body() }), code: '40014' },
    { claim: 'a JSON array: 40017', request: () => sign(alice, SUB_TRANSFER, { body: '[1,2]' }), code: '40017' },
    { claim: 'a JSON string: 40017', request: () => sign(alice, SUB_TRANSFER, { body: '"transfer"' }), code: '40017' },
    { claim: 'malformed JSON: 40017', request: () => sign(alice, SUB_TRANSFER, { body: '{"amount": "1",' }), code: '40017' },
    { claim: 'an empty body declared JSON: 40017', request: () => sign(alice, SUB_TRANSFER, { body: '' }), code: '40017' },
    { claim: 'a prototype-poisoning body: 40017', request: () => sign(alice, SUB_TRANSFER, { body: '{"__proto__":{"amount":"1"}}' }), code: '40017' },
    { claim: 'a text/plain body: 40017', request: () => sign(alice, SUB_TRANSFER, { body: body(), headers: { 'content-type': 'text/plain' } }), code: '40017' },
    { claim: 'a body over 1 MiB: 40017 before it is read', request: () => sign(alice, SUB_TRANSFER, { body: body({ pad: 'x'.repeat(1_100_000) }) }), code: '40017' },
    { claim: 'a body signed compact but sent spaced: 40009', request: () => ({ ...sign(alice, SUB_TRANSFER, { body: body() }), rawBody: body().replace(/,/g, ', ') }), code: '40009' },
    { claim: 'no signature: 40002, before the body is looked at', request: () => sign(alice, SUB_TRANSFER, { body: '{}', headers: { 'ACCESS-SIGN': null } }), code: '40002' },
  ];

  for (const row of rows) {
    test(row.claim, async () => {
      const last = await lastEntryId();
      expectRefused(await h.request<Envelope>(row.request()), row.status ?? 400, row.code);
      assert.equal(await lastEntryId(), last, 'nothing written');
    });
  }
});

describe('subaccount-transfer applies a clientOid once', () => {
  test('a body is checked against the signature over its text as sent (spacing, key order and escapes kept)', async () => {
    const text = '{ "toUserId" : "6100000002", "fromUserId":"6100000001", "coin":"US\\u0044T", "amount":"0.5", "fromType":"spot", "toType":"spot", "clientOid":"spaced-1" }';
    const response = await post(text);
    assert.equal(response.body.code, '00000', response.text);
    assert.equal(response.body.data.clientOid, 'spaced-1');
  });

  test('the same clientOid again (also with "2.50" for "2.5") answers the same transferId and moves the amount once', async () => {
    const before = await lastEntryId();
    const first = await post(body({ amount: '2.5', clientOid: 'once-1' }));
    const again = await post(body({ amount: '2.50', clientOid: 'once-1' }));
    assert.equal(first.body.code, '00000', first.text);
    assert.deepEqual(again.body.data, first.body.data);
    assert.equal(await lastEntryId(), before + 1, 'one entry');
  });

  test('the same clientOid for another amount is 40017 and writes nothing', async () => {
    await post(body({ amount: '3', clientOid: 'once-2' }));
    const last = await lastEntryId();
    const refused = await post(body({ amount: '4', clientOid: 'once-2' }));
    expectRefused(refused, 400, '40017');
    assert.equal(refused.body.msg, 'Parameter verification failed clientOid: used before for another transfer');
    assert.equal(await lastEntryId(), last);
  });

  test('twenty requests with one clientOid sent at once: one entry, every answer its transferId', async () => {
    const before = await lastEntryId();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(body({ amount: '0.25', clientOid: 'burst-1' }))));
    assert.ok(answers.every((a) => a.body.code === '00000'), answers.map((a) => a.text).join('\n'));
    assert.equal(new Set(answers.map((a) => a.body.data.transferId)).size, 1);
    assert.equal(await lastEntryId(), before + 1);
  });

  test("one clientOid is the main account's own: bob may use the same id for his own transfer", async () => {
    const bob = demoBitgetKey(h.secrets('bob', 'bitget'));
    const mine = await post(body({ clientOid: 'shared-id' }));
    const his = await post(body({ clientOid: 'shared-id', fromUserId: BOB_SUB, toUserId: BOB }), bob);
    assert.equal(his.body.code, '00000', his.text);
    assert.notEqual(his.body.data.transferId, mine.body.data.transferId);
  });
});

describe('transfer between one user\'s account types is refused: spot is the only account', () => {
  for (const [claim, text, code] of [
    ['spot to spot: 40017', JSON.stringify({ fromType: 'spot', toType: 'spot', amount: 1, coin: 'USDT' }), '40017'],
    ['spot to usdt_futures: 40017', JSON.stringify({ fromType: 'spot', toType: 'usdt_futures', amount: '1', coin: 'USDT' }), '40017'],
    ['an unknown account type: 40020', JSON.stringify({ fromType: 'spot', toType: 'moon', amount: '1', coin: 'USDT' }), '40020'],
    ['no toType: 40019', JSON.stringify({ fromType: 'spot', amount: '1', coin: 'USDT' }), '40019'],
  ] as const) {
    test(claim, async () => {
      const last = await lastEntryId();
      expectRefused(await post(text, alice, TRANSFER), 400, code);
      assert.equal(await lastEntryId(), last);
    });
  }
});

describe('transfer records', () => {
  /** Alice's DOGE-free world: transfers of SOL between her accounts at known times, newest last. */
  const made: { id: string; from: string; to: string; at: number }[] = [];
  before(async () => {
    const pairs = [[ALICE, HODL], [HODL, ALICE], [ALICE, GRID], [GRID, HODL], [ALICE, HODL], [HODL, ALICE], [ALICE, GRID]];
    for (const [i, [from, to]] of pairs.entries()) {
      clock.advance(DAY_MS);
      const response = await post(body({ coin: 'SOL', amount: '0.1', clientOid: `rec-${i}`, fromUserId: from, toUserId: to }));
      assert.equal(response.body.code, '00000', response.text);
      made.push({ id: response.body.data.transferId, from: from!, to: to!, at: clock.now() });
    }
  });

  const ids = (rows: Row[]) => rows.map((r) => r.transferId ?? '');
  const newestFirst = (list: typeof made) => list.map((m) => m.id).reverse();

  test("transferRecords: every transfer touching the caller's account, newest first, with Bitget's fields", async () => {
    const response = await get(RECORDS, 'coin=SOL&fromType=spot');
    assert.equal(response.body.code, '00000', response.text);
    assert.deepEqual(ids(response.body.data), newestFirst(made.filter((m) => m.from === ALICE || m.to === ALICE)));
    assert.deepEqual(response.body.data[0], {
      coin: 'SOL', status: 'Successful', toType: 'spot', toSymbol: '', fromType: 'spot', fromSymbol: '', size: '0.1', ts: String(made.at(-1)!.at), clientOid: 'rec-6', transferId: made.at(-1)!.id,
    });
  });

  test('transferRecords pages by idLessThan and limit, each record exactly once', async () => {
    for (const limit of [1, 2, 3, 100]) {
      const seen: string[] = [];
      let cursor = '';
      for (let pages = 0; pages < 20; pages++) {
        const page = await get(RECORDS, `coin=SOL&fromType=spot&limit=${limit}${cursor === '' ? '' : `&idLessThan=${cursor}`}`);
        if (page.body.data.length === 0) break;
        assert.ok(page.body.data.length <= limit);
        seen.push(...ids(page.body.data));
        cursor = page.body.data.at(-1)!.transferId!;
      }
      assert.deepEqual(seen, newestFirst(made.filter((m) => m.from === ALICE || m.to === ALICE)), `limit ${limit}`);
    }
  });

  test('transferRecords: startTime and endTime bound the records by their time, inclusive', async () => {
    const [, second, third] = made;
    const response = await get(RECORDS, `coin=SOL&fromType=spot&startTime=${second!.at}&endTime=${third!.at}`);
    assert.deepEqual(ids(response.body.data), [third!.id, second!.id]);
  });

  test('transferRecords: clientOid finds its record; another account type, or a coin never moved, lists none', async () => {
    assert.deepEqual(ids((await get(RECORDS, 'coin=SOL&fromType=spot&clientOid=rec-2')).body.data), [made[2]!.id]);
    assert.deepEqual((await get(RECORDS, 'coin=SOL&fromType=usdt_futures')).body.data, []);
    assert.deepEqual((await get(RECORDS, 'coin=LRC&fromType=spot')).body.data, []);
  });

  test("a sub-account's transferRecords show what moved in and out of it, and nothing of its siblings' own", async () => {
    const grid = demoBitgetKey(h.secrets('alice', 'bitget', 'grid-bot'));
    const response = await get(RECORDS, 'coin=SOL&fromType=spot', grid);
    assert.deepEqual(ids(response.body.data), newestFirst(made.filter((m) => m.from === GRID || m.to === GRID)));
  });

  test('sub-main-trans-record: the main account as initiator by default, as receiver, a sub-account by subUid; paged with the direction kept', async () => {
    const pick = (side: 'from' | 'to', uid: string) => newestFirst(made.filter((m) => m[side] === uid));
    assert.deepEqual(ids((await get(SUB_MAIN, 'coin=SOL')).body.data), pick('from', ALICE));
    assert.deepEqual(ids((await get(SUB_MAIN, 'coin=SOL&role=receiver')).body.data), pick('to', ALICE));
    assert.deepEqual(ids((await get(SUB_MAIN, `coin=SOL&subUid=${HODL}`)).body.data), pick('from', HODL));
    assert.deepEqual(ids((await get(SUB_MAIN, `coin=SOL&subUid=${HODL}&role=receiver`)).body.data), pick('to', HODL));
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 20; pages++) {
      const page = await get(SUB_MAIN, `coin=SOL&limit=1${cursor === '' ? '' : `&idLessThan=${cursor}`}`);
      if (page.body.data.length === 0) break;
      seen.push(...ids(page.body.data));
      cursor = page.body.data.at(-1)!.transferId!;
    }
    assert.deepEqual(seen, pick('from', ALICE));
    const row = (await get(SUB_MAIN, `coin=SOL&subUid=${GRID}`)).body.data[0]!;
    assert.deepEqual({ fromUserId: row.fromUserId, toUserId: row.toUserId, clientOid: row.clientOid }, { fromUserId: GRID, toUserId: HODL, clientOid: 'rec-3' });
  });

  const refusals: { claim: string; path: string; query: string; key?: () => BitgetKey; code: string }[] = [
    { claim: 'transferRecords without coin: 40019', path: RECORDS, query: 'fromType=spot', code: '40019' },
    { claim: 'transferRecords without fromType: 40019', path: RECORDS, query: 'coin=SOL', code: '40019' },
    { claim: 'transferRecords with an unknown fromType: 40020', path: RECORDS, query: 'coin=SOL&fromType=moon', code: '40020' },
    { claim: 'transferRecords with an unknown coin: 40034', path: RECORDS, query: 'coin=NOPE&fromType=spot', code: '40034' },
    { claim: 'limit 0: 40020', path: RECORDS, query: 'coin=SOL&fromType=spot&limit=0', code: '40020' },
    { claim: 'limit 501: 40020', path: RECORDS, query: 'coin=SOL&fromType=spot&limit=501', code: '40020' },
    { claim: 'a startTime that is not ms: 40020', path: RECORDS, query: 'coin=SOL&fromType=spot&startTime=yesterday', code: '40020' },
    { claim: 'startTime after endTime: 20001', path: RECORDS, query: 'coin=SOL&fromType=spot&startTime=2000&endTime=1000', code: '20001' },
    { claim: 'more than 90 days between startTime and endTime: 00001', path: RECORDS, query: `coin=SOL&fromType=spot&startTime=0&endTime=${91 * DAY_MS}`, code: '00001' },
    { claim: 'idLessThan that is not an id: 40020', path: RECORDS, query: 'coin=SOL&fromType=spot&idLessThan=-1', code: '40020' },
    { claim: 'sub-main-trans-record limit 101: 40020', path: SUB_MAIN, query: 'limit=101', code: '40020' },
    { claim: 'sub-main-trans-record with an unknown role: 40020', path: SUB_MAIN, query: 'role=boss', code: '40020' },
    { claim: "sub-main-trans-record of another user's sub-account: 40028", path: SUB_MAIN, query: `subUid=${BOB_SUB}`, code: '40028' },
    { claim: 'sub-main-trans-record naming the main account as subUid: 40028', path: SUB_MAIN, query: `subUid=${ALICE}`, code: '40028' },
    { claim: "sub-main-trans-record with a sub-account's key: 40014", path: SUB_MAIN, query: '', key: () => demoBitgetKey(h.secrets('alice', 'bitget', 'grid-bot')), code: '40014' },
  ];
  for (const row of refusals) {
    test(row.claim, async () => expectRefused(await get(row.path, row.query, row.key?.() ?? alice), 400, row.code));
  }
});
