import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { OperationRequest } from '../../src/ledger/operations.js';
import { ManualClock } from '../support/clock.js';
import { DEMO, HttpHarness, type HttpResponse } from '../support/http-harness.js';
import { demoBullishKey, loginAs, nextNonce } from '../support/bullish-client.js';
import { sendCommand, signCommand, transferBody, type CommandOverrides } from '../support/bullish-command.js';
import { ALICE_GRID, ALICE_MAIN, BOB_MAIN, NOBODY, expectAnswer, get, snapshotWrites } from '../support/bullish-http.js';

/**
 * The Bullish history and command paths on the wire, with the server's clock held: the custody
 * list and the transfer history, every field as the ledger records it; Bullish's cursor paging
 * both ways with links; filters; a table of hostile queries and commands, each answered in
 * Bullish's error shape with nothing written; one tenant never reaching another's accounts; the
 * custody rate limit.
 */

const WALLETS = '/trading-api/v1/wallets/transactions';
const TRANSFERS = '/trading-api/v1/history/transfer';
const T0 = Date.UTC(2026, 2, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const custodyId = (key: string) => `DB:${createHash('sha256').update(key).digest('hex')}`;
/** The whole window a transfer-history query needs. */
const WINDOW = `createdAtDatetime%5Bgte%5D=${iso(T0)}&createdAtDatetime%5Blte%5D=${iso(T0 + 86_400_000)}`;

interface Links {
  previous: string | null;
  next: string | null;
}
interface Custody {
  data: Record<string, unknown>[];
  links: Links;
  totalCount: number;
}

describe('bullish history and transfer command on the wire', () => {
  const clock = new ManualClock(T0 - 60_000);
  let h: HttpHarness;
  let alice: string;
  let bob: string;
  const at: Record<string, number> = {};
  const step = async (request: OperationRequest) => {
    clock.advance(1000);
    await h.operate(request);
    at[request.key] = clock.now();
  };
  const command = (body: unknown, overrides: CommandOverrides = {}, token: string | null = alice, user = 'alice') =>
    sendCommand(h, token, demoBullishKey(h.secrets(user, 'bullish')), body, { timestamp: String(clock.now()), ...overrides });

  before(async () => {
    h = await HttpHarness.start('bullish-history-wire', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
    clock.advance(60_000);
    alice = await loginAs(h, 'alice', clock.now());
    bob = await loginAs(h, 'bob', clock.now());
    const main = h.account('alice').id;
    const grid = h.account('alice', 'grid-bot').id;
    await step({ key: 'w/dep-1', type: 'deposit', account: main, asset: 'BTC', amount: '0.5', chain: 'BTC', address: 'bc1q', txHash: '0xaa' });
    await step({ key: 'w/dep-2', type: 'deposit.pending', account: grid, asset: 'USDT', amount: '100.123456', fee: '0.5', tag: 'memo-7' });
    await step({ key: 'w/wd-1', type: 'withdrawal.request', account: main, asset: 'ETH', amount: '1', fee: '0.01', chain: 'ETH', address: '0xdest' });
    await step({ key: 'w/dep-3', type: 'deposit', account: main, asset: 'USDC', amount: '7' });
    await step({ key: 'w/t-1', type: 'transfer', from: main, to: grid, asset: 'BTC', amount: '0.1' });
    await step({ key: 'w/dep-bob', type: 'deposit', account: h.account('bob').id, asset: 'BTC', amount: '3' });
    await step({ key: 'w/t-2', type: 'transfer', from: grid, to: main, asset: 'USDT', amount: '5' });
    await step({ key: 'w/wd-cancel', type: 'withdrawal.cancel', pending: 'w/wd-1' });
  });
  after(async () => h.close());

  const since = `createdAtTimestamp%5Bgte%5D=${T0}`;
  const custody = async (query: string, token = alice) => h.request<Custody>(get(`${WALLETS}?${query}`, token));

  describe('GET /v1/wallets/transactions', () => {
    test('answers {data, links, totalCount}: the user’s deposits and withdrawals on any of its accounts, newest first, each field from the ledger', async () => {
      const response = await custody(since);
      expectAnswer(response, 200);
      assert.deepEqual(Object.keys(response.body), ['data', 'links', 'totalCount']);
      assert.deepEqual(response.body.links, { previous: null, next: null });
      assert.equal(response.body.totalCount, 4);
      assert.deepEqual(response.body.data.map((r) => r.custodyTransactionId), ['w/dep-3', 'w/wd-1', 'w/dep-2', 'w/dep-1'].map(custodyId));
      assert.deepEqual(response.body.data[1], {
        custodyTransactionId: custodyId('w/wd-1'),
        direction: 'WITHDRAWAL',
        quantity: '1.01000000',
        symbol: 'ETH',
        network: 'ETH',
        fee: '0.01000000',
        memo: null,
        createdAtDateTime: iso(at['w/wd-1']!),
        updatedAtDateTime: iso(at['w/wd-cancel']!),
        status: 'CANCELLED',
        statusReason: 'Cancelled',
        transactionDetails: { address: '0xdest', blockchainTxId: null, swiftUetr: null },
      });
      const dep2 = response.body.data[2]!;
      assert.deepEqual([dep2.quantity, dep2.fee, dep2.memo, dep2.status], ['100.6234', '0.5000', 'memo-7', 'PENDING'], 'USDT shows 4 places, the finer digits cut');
      const dep1 = response.body.data[3]!;
      assert.deepEqual([dep1.status, dep1.statusReason, dep1.transactionDetails], ['COMPLETE', 'OK', { address: 'bc1q', blockchainTxId: '0xaa', swiftUetr: null }]);
    });

    test('pages of _pageSize with cursors: links.next walks to the oldest, links.previous walks back, every row once each way', async () => {
      const first = await custody('_pageSize=5');
      expectAnswer(first, 200);
      const forward: unknown[] = [...first.body.data.map((r) => r.custodyTransactionId)];
      assert.equal(first.body.links.previous, null);
      let page = first;
      const pages = [page];
      while (page.body.links.next !== null) {
        assert.match(page.body.links.next, /^\/trading-api\/v1\/wallets\/transactions\?_pageSize=5&_nextPage=[A-Za-z0-9_-]+$/);
        page = await h.request<Custody>(get(page.body.links.next, alice));
        expectAnswer(page, 200);
        assert.ok(page.body.data.length > 0 && page.body.data.length <= 5);
        forward.push(...page.body.data.map((r) => r.custodyTransactionId));
        pages.push(page);
      }
      assert.equal(forward.length, first.body.totalCount, 'every row once');
      assert.equal(new Set(forward).size, forward.length);
      assert.ok(pages.length >= 3, `the demo and the test give ${forward.length} rows: several pages`);
      const backward: unknown[] = [...page.body.data.map((r) => r.custodyTransactionId)];
      while (page.body.links.previous !== null) {
        assert.match(page.body.links.previous, /_previousPage=/);
        page = await h.request<Custody>(get(page.body.links.previous, alice));
        backward.unshift(...page.body.data.map((r) => r.custodyTransactionId));
      }
      assert.deepEqual(backward, forward, 'back again: the same rows, in the same order');
    });

    test('filters: createdAt bounds (Datetime or Timestamp; gte, gt, lte, lt), symbol, direction and status', async () => {
      const ids = async (query: string) => {
        const response = await custody(query);
        expectAnswer(response, 200, undefined, query);
        return response.body.data.map((r) => r.custodyTransactionId);
      };
      const dep1 = at['w/dep-1']!;
      const dep3 = at['w/dep-3']!;
      assert.deepEqual(await ids(`createdAtDatetime%5Bgte%5D=${iso(dep1)}&createdAtDatetime%5Blte%5D=${iso(dep3)}`), ['w/dep-3', 'w/wd-1', 'w/dep-2', 'w/dep-1'].map(custodyId));
      assert.deepEqual(await ids(`createdAtTimestamp%5Bgt%5D=${dep1}&createdAtTimestamp%5Blt%5D=${dep3}`), ['w/wd-1', 'w/dep-2'].map(custodyId));
      assert.deepEqual(await ids(`${since}&symbol=BTC`), [custodyId('w/dep-1')]);
      assert.deepEqual(await ids(`${since}&direction=WITHDRAWAL`), [custodyId('w/wd-1')]);
      assert.deepEqual(await ids(`${since}&status=PENDING`), [custodyId('w/dep-2')]);
      assert.deepEqual(await ids(`${since}&status=FAILED`), []);
      assert.deepEqual(await ids(`${since}&symbol=NOPE`), [], 'an unlisted symbol matches nothing');
      assert.deepEqual(await ids(`createdAtTimestamp%5Blt%5D=0`), []);
      assert.deepEqual(await ids(`${since}&code=BTC&until=1`), (await ids(since)), 'unknown parameters are ignored');
    });
  });

  describe('GET /v1/history/transfer', () => {
    const transfers = (query: string, token = alice) => h.request<Record<string, unknown>[] & { data?: unknown; links?: Links }>(get(`${TRANSFERS}?${query}`, token));

    test('a bare array of the trading account’s transfers in and out, newest first, every one CLOSED, Executed', async () => {
      const response = await transfers(`tradingAccountId=${ALICE_GRID}&${WINDOW}`);
      expectAnswer(response, 200);
      const t1 = (await h.runtime.store.listJournal(0, 10_000)).entries.find((e) => e.key === 'w/t-1')!;
      const t2 = (await h.runtime.store.listJournal(0, 10_000)).entries.find((e) => e.key === 'w/t-2')!;
      assert.deepEqual(response.body, [
        {
          requestId: String(t2.id),
          toTradingAccountId: ALICE_MAIN,
          fromTradingAccountId: ALICE_GRID,
          assetSymbol: 'USDT',
          quantity: '5.0000',
          status: 'CLOSED',
          statusReasonCode: '6002',
          statusReason: 'Executed',
          createdAtTimestamp: String(at['w/t-2']),
          createdAtDatetime: iso(at['w/t-2']!),
        },
        {
          requestId: String(t1.id),
          toTradingAccountId: ALICE_GRID,
          fromTradingAccountId: ALICE_MAIN,
          assetSymbol: 'BTC',
          quantity: '0.10000000',
          status: 'CLOSED',
          statusReasonCode: '6002',
          statusReason: 'Executed',
          createdAtTimestamp: String(at['w/t-1']),
          createdAtDatetime: iso(at['w/t-1']!),
        },
      ]);
      const one = await transfers(`tradingAccountId=${ALICE_MAIN}&${WINDOW}&requestId=${t1.id}`);
      assert.deepEqual(one.body.map((r) => r.requestId), [String(t1.id)], 'requestId names one transfer');
      assert.deepEqual((await transfers(`tradingAccountId=${ALICE_MAIN}&${WINDOW}&assetSymbol=USDT`)).body.map((r) => r.requestId), [String(t2.id)]);
      assert.deepEqual((await transfers(`tradingAccountId=${ALICE_MAIN}&${WINDOW}&status=OPEN`)).body, [], 'nothing is ever open: the ledger moves it at once');
      assert.deepEqual((await transfers(`tradingAccountId=${ALICE_MAIN}&${WINDOW}&status=CLOSED&until=5`)).body.length, 2);
    });

    test('_metaData=true wraps the page with links; _pageSize and the cursors page it', async () => {
      const first = await transfers(`tradingAccountId=${ALICE_MAIN}&${WINDOW}&_pageSize=5&_metaData=true`);
      expectAnswer(first, 200);
      assert.deepEqual(Object.keys(first.body), ['data', 'links']);
      assert.deepEqual(first.body.links, { previous: null, next: null });
      // Six more transfers: two pages of five.
      for (let i = 0; i < 6; i++) await step({ key: `w/t-more-${i}`, type: 'transfer', from: h.account('alice').id, to: h.account('alice', 'hodl').id, asset: 'USDC', amount: '0.5' });
      const page1 = await transfers(`tradingAccountId=${ALICE_MAIN}&${WINDOW}&_pageSize=5&_metaData=true`);
      assert.equal((page1.body.data as unknown[]).length, 5);
      assert.ok(page1.body.links!.next !== null && page1.body.links!.previous === null);
      const page2 = await h.request<{ data: { requestId: string }[]; links: Links }>(get(page1.body.links!.next!, alice));
      assert.equal(page2.body.data.length, 3);
      assert.deepEqual([page2.body.links.next === null, page2.body.links.previous === null], [true, false]);
      const bare = await h.request<unknown[]>(get(page1.body.links!.next!.replace('&_metaData=true', ''), alice));
      assert.deepEqual(bare.body, page2.body.data, 'the same page, bare without _metaData');
    });

    test('the only trading account of a user needs no tradingAccountId; a user with several must name one', async () => {
      const carol = await loginAs(h, 'carol', clock.now());
      expectAnswer(await transfers(WINDOW, carol), 200);
      expectAnswer(await transfers(WINDOW, alice), 400, 2001);
    });
  });

  describe('POST /v2/command V2TransferAsset', () => {
    test('moves the quantity between two of the caller’s trading accounts and acknowledges with the requestId the history shows', async () => {
      const { response } = await command(transferBody('USDC', '2.5', ALICE_MAIN, ALICE_GRID));
      expectAnswer(response, 200);
      const requestId = response.body.requestId as string;
      assert.deepEqual(response.body, { message: 'Command acknowledged - TransferAsset', requestId });
      const listed = await h.request<Record<string, unknown>[]>(get(`${TRANSFERS}?tradingAccountId=${ALICE_GRID}&${WINDOW}&requestId=${requestId}`, alice));
      assert.deepEqual(
        listed.body.map((r) => [r.fromTradingAccountId, r.toTradingAccountId, r.assetSymbol, r.quantity, r.createdAtTimestamp]),
        [[ALICE_MAIN, ALICE_GRID, 'USDC', '2.5000', String(clock.now())]],
      );
      const grid = await h.request<{ availableQuantity: string }>(get(`/trading-api/v1/accounts/asset/USDC?tradingAccountId=${ALICE_GRID}`, alice));
      assert.equal(grid.body.availableQuantity, '2.5000');
      assert.deepEqual((await h.runtime.ledger.verify()).mismatches, []);
    });

    test('every hostile command is Bullish’s error body and status, never a 500, and writes nothing', async () => {
      const before = await snapshotWrites(h);
      const good = transferBody('BTC', '0.1', ALICE_MAIN, ALICE_GRID);
      /** Headers whose signature covers `other`, not the body sent. */
      const signedOver = (other: unknown): CommandOverrides => {
        const nonce = nextNonce();
        const timestamp = String(clock.now());
        return { nonce, timestamp, signature: signCommand(demoBullishKey(h.secrets('alice', 'bullish')), timestamp, nonce, JSON.stringify(other)) };
      };
      const used = await command(transferBody('BTC', '0.001', ALICE_MAIN, ALICE_GRID));
      expectAnswer(used.response, 200);
      const afterUsed = await snapshotWrites(h);
      assert.equal(afterUsed.journal.length, before.journal.length + 1);
      const cases: [string, () => Promise<HttpResponse>, number, number][] = [
        ['no bearer token', async () => (await command(good, {}, null)).response, 401, 6105],
        ['no BX-SIGNATURE', async () => (await command(good, { omit: ['bx-signature'] })).response, 400, 6029],
        ['a malformed BX-SIGNATURE', async () => (await command(good, { signature: 'XYZ' })).response, 401, 6105],
        ['a signature over another body', async () => (await command(good, signedOver({ ...good, quantity: '0.2' }))).response, 401, 6105],
        ['a signature by another secret', async () => (await command(good, { signature: 'a'.repeat(64) })).response, 401, 6105],
        ['no BX-NONCE', async () => (await command(good, { omit: ['bx-nonce'] })).response, 401, 2035],
        ['a nonce with leading zeros', async () => (await command(good, { nonce: '0012' })).response, 401, 2035],
        ['no BX-TIMESTAMP', async () => (await command(good, { omit: ['bx-timestamp'] })).response, 401, 2035],
        ['a timestamp 31 s old', async () => (await command(good, { timestamp: String(clock.now() - 31_000) })).response, 401, 2035],
        ['a used nonce with another transfer', async () => (await command(good, { nonce: used.nonce })).response, 401, 2035],
        ['a body that is not JSON', async () => (await command(null, { rawBody: '{"commandType":' })).response, 400, 2001],
        ['a JSON array', async () => (await command([good])).response, 400, 2001],
        ['no commandType', async () => (await command({ ...good, commandType: undefined })).response, 400, 2001],
        ['another command', async () => (await command({ ...good, commandType: 'V3CancelOrder' })).response, 400, 2001],
        ['the V1 command shape', async () => (await command({ timestamp: '1', nonce: '1', authorizer: 'A', command: { ...good, commandType: 'V1TransferAsset' } })).response, 400, 2001],
        ['a quantity as a JSON number', async () => (await command({ ...good, quantity: 0.1 })).response, 400, 2001],
        ['a negative quantity', async () => (await command({ ...good, quantity: '-0.1' })).response, 400, 2001],
        ['a zero quantity', async () => (await command({ ...good, quantity: '0.00' })).response, 400, 2001],
        ['an exponent', async () => (await command({ ...good, quantity: '1e-1' })).response, 400, 2001],
        ['more places than BTC shows', async () => (await command({ ...good, quantity: '0.123456789' })).response, 400, 2001],
        ['USDT finer than its precision 4', async () => (await command(transferBody('USDT', '1.00001', ALICE_MAIN, ALICE_GRID))).response, 400, 2001],
        ['a quantity of 10^40', async () => (await command({ ...good, quantity: '1'.padEnd(41, '0') })).response, 400, 2001],
        ['an unlisted asset', async () => (await command({ ...good, assetSymbol: 'NOPE' })).response, 404, 28004],
        ['a lower-case asset', async () => (await command({ ...good, assetSymbol: 'btc' })).response, 400, 2001],
        ['the same account twice', async () => (await command({ ...good, toTradingAccountId: ALICE_MAIN })).response, 400, 2001],
        ['a trading account id that is not one', async () => (await command({ ...good, toTradingAccountId: '0x1' })).response, 400, 2001],
        ['to another user’s account', async () => (await command({ ...good, toTradingAccountId: BOB_MAIN })).response, 403, 2010],
        ['from another user’s account', async () => (await command({ ...good, fromTradingAccountId: BOB_MAIN })).response, 403, 2010],
        ['to no account at all', async () => (await command({ ...good, toTradingAccountId: NOBODY })).response, 403, 2010],
        ['more than the account holds', async () => (await command({ ...good, quantity: '1000' })).response, 400, 3001],
        ['bob moving alice’s money with his own key', async () => (await command(good, {}, bob, 'bob')).response, 403, 2010],
        ['bob’s token, signed with alice’s secret', async () => (await command(transferBody('BTC', '0.1', BOB_MAIN, '111000000000012'), {}, bob, 'alice')).response, 401, 6105],
        ['text/plain', async () => (await command(good, { contentType: 'text/plain' })).response, 415, 2001],
      ];
      for (const [what, send, status, code] of cases) expectAnswer(await send(), status, code, what);
      assert.deepEqual(await snapshotWrites(h), afterUsed, 'nothing written by any of them');
      assert.deepEqual((await h.runtime.ledger.verify()).mismatches, []);
    });
  });

  test('hostile queries are Bullish’s 2001 (or 401/403), never a 500', async () => {
    const before = await snapshotWrites(h);
    const cases: [string, string, number, number][] = [
      ['wallets: a page size Bullish does not offer', `${WALLETS}?_pageSize=10`, 400, 2001],
      ['wallets: a page size with a sign', `${WALLETS}?_pageSize=%2B25`, 400, 2001],
      ['wallets: both cursors', `${WALLETS}?_nextPage=MTA&_previousPage=MTA`, 400, 2001],
      ['wallets: a cursor never handed out', `${WALLETS}?_nextPage=not-a-cursor`, 400, 2001],
      ['wallets: a cursor of a non-id', `${WALLETS}?_nextPage=${Buffer.from('-5').toString('base64url')}`, 400, 2001],
      ['wallets: a padded cursor', `${WALLETS}?_nextPage=MTA%3D`, 400, 2001],
      ['wallets: _metaData yes', `${WALLETS}?_metaData=yes`, 400, 2001],
      ['wallets: a datetime without Z', `${WALLETS}?createdAtDatetime%5Bgte%5D=2026-03-01T00:00:00.000`, 400, 2001],
      ['wallets: February 30th', `${WALLETS}?createdAtDatetime%5Bgte%5D=2026-02-30T00:00:00.000Z`, 400, 2001],
      ['wallets: a timestamp with a fraction', `${WALLETS}?createdAtTimestamp%5Bgte%5D=1.5`, 400, 2001],
      ['wallets: a timestamp beyond 2^53', `${WALLETS}?createdAtTimestamp%5Blte%5D=99999999999999999`, 400, 2001],
      ['wallets: a repeated bound', `${WALLETS}?createdAtTimestamp%5Bgte%5D=1&createdAtTimestamp%5Bgte%5D=2`, 400, 2001],
      ['wallets: a direction Bullish does not have', `${WALLETS}?direction=IN`, 400, 2001],
      ['wallets: a status in lower case', `${WALLETS}?status=pending`, 400, 2001],
      ['wallets: a symbol that cannot be one', `${WALLETS}?symbol=%00`, 400, 2001],
      ['wallets: no token', `${WALLETS}`, 401, 6105],
      ['transfers: no window', `${TRANSFERS}?tradingAccountId=${ALICE_MAIN}`, 400, 2001],
      ['transfers: only a lower bound', `${TRANSFERS}?tradingAccountId=${ALICE_MAIN}&createdAtDatetime%5Bgte%5D=${iso(T0)}`, 400, 2001],
      ['transfers: another user’s account', `${TRANSFERS}?tradingAccountId=${BOB_MAIN}&${WINDOW}`, 403, 2010],
      ['transfers: no such account', `${TRANSFERS}?tradingAccountId=${NOBODY}&${WINDOW}`, 403, 2010],
      ['transfers: a malformed account id', `${TRANSFERS}?tradingAccountId=abc&${WINDOW}`, 400, 2001],
      ['transfers: a status Bullish does not have', `${TRANSFERS}?tradingAccountId=${ALICE_MAIN}&${WINDOW}&status=DONE`, 400, 2001],
      ['transfers: a request id that is not one', `${TRANSFERS}?tradingAccountId=${ALICE_MAIN}&${WINDOW}&requestId=0x1`, 400, 2001],
      ['transfers: a repeated account id', `${TRANSFERS}?tradingAccountId=${ALICE_MAIN}&tradingAccountId=${ALICE_GRID}&${WINDOW}`, 400, 2001],
    ];
    for (const [what, path, status, code] of cases) expectAnswer(await h.request(get(path, what.endsWith('no token') ? null : alice)), status, code, what);
    assert.deepEqual(await snapshotWrites(h), before);
  });

  test('tenant isolation: bob’s token lists only bob’s records, and alice’s cursors give him only his', async () => {
    const bobs = await custody(since, bob);
    assert.deepEqual(bobs.body.data.map((r) => r.custodyTransactionId), [custodyId('w/dep-bob')]);
    const alicePage = await custody('_pageSize=5', alice);
    const cursor = alicePage.body.links.next!.split('_nextPage=')[1]!;
    const borrowed = await custody(`_pageSize=5&_nextPage=${cursor}`, bob);
    expectAnswer(borrowed, 200);
    const bobKeys = new Set((await h.runtime.store.listJournal(0, 10_000)).entries.filter((e) => e.postings.some((p) => p.account === h.account('bob').id || p.account === h.account('bob', 'arb-1').id || p.account === h.account('bob', 'arb-2').id)).map((e) => custodyId(e.key)));
    assert.ok(borrowed.body.data.every((r) => bobKeys.has(r.custodyTransactionId as string)), 'a cursor is a position, not a permission');
    const aliceIds = (await custody('_pageSize=100', alice)).body.data.map((r) => r.custodyTransactionId);
    assert.ok(!aliceIds.some((id) => bobKeys.has(id as string)), 'and alice sees none of bob’s');
    expectAnswer(await h.request(get(`${TRANSFERS}?tradingAccountId=${ALICE_MAIN}&${WINDOW}`, bob)), 403, 2010);
  });
});

describe('bullish custody rate limit', () => {
  test('bullish.custody counts /v1/wallets/* per IP: over the limit is 429 96000, the transfer history keeps its own budget', async () => {
    const h = await HttpHarness.start('bullish-custody-limit', { scenario: DEMO, flags: { rateLimit: 'bullish.custody=2/60s' } });
    try {
      const token = await loginAs(h, 'alice');
      expectAnswer(await h.request(get(WALLETS, token)), 200);
      const second = await h.request(get(WALLETS, token));
      expectAnswer(second, 200);
      expectAnswer(await h.request(get(WALLETS, token)), 429, 96000);
      expectAnswer(await h.request(get(`${TRANSFERS}?tradingAccountId=${ALICE_MAIN}&${WINDOW}`, token)), 200);
    } finally {
      await h.close();
    }
  });
});

describe('bullish: a walk of 1,000 deposits with the cursor while deposits keep landing', () => {
  test('links.next from the first page to the last sees each of the 1,000 exactly once, newest first; links.previous back sees them once again', async () => {
    const clock = new ManualClock(T0);
    const h = await HttpHarness.start('bullish-history-walk', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
    try {
      const carol = h.account('carol').id;
      const token = await loginAs(h, 'carol', clock.now());
      const keyOf = new Map<string, string>();
      for (let i = 0; i < 1000; i += 250) {
        clock.advance(1000);
        const operations = Array.from({ length: 250 }, (_, j) => ({ key: `walk/${i + j}`, type: 'deposit', account: carol, asset: 'USDT', amount: '0.01' }));
        for (const op of operations) keyOf.set(custodyId(op.key), op.key);
        assert.equal((await h.post('/_assetbook/v1/operations/batch', { operations })).status, 201);
      }
      let written = 0;
      const land = async () => {
        const key = `late/${written++}`;
        keyOf.set(custodyId(key), key);
        await h.operate({ key, type: 'deposit', account: carol, asset: 'USDT', amount: '1' });
      };
      /** Follows `link` from `start` to its end; answers the keys in newest-first order and the path of the last page read. */
      const walk = async (start: string, link: 'next' | 'previous') => {
        const seen: string[] = [];
        let path: string | null = start;
        let last = start;
        while (path !== null) {
          // A deposit lands before each page, and another races its read.
          await land();
          const racing = land();
          const page: HttpResponse<Custody> = await h.request<Custody>(get(path, token));
          await racing;
          expectAnswer(page, 200);
          const keys = page.body.data.map((r) => keyOf.get(r.custodyTransactionId as string) ?? `opening:${String(r.custodyTransactionId)}`);
          if (link === 'next') seen.push(...keys);
          else seen.unshift(...keys);
          last = path;
          path = page.body.links[link];
        }
        return { seen, last };
      };
      const forward = await walk(`${WALLETS}?_pageSize=100`, 'next');
      assert.equal(new Set(forward.seen).size, forward.seen.length, 'no deposit twice');
      const walked = forward.seen.filter((k) => k.startsWith('walk/'));
      assert.deepEqual(walked, Array.from({ length: 1000 }, (_, i) => `walk/${999 - i}`), 'every one of the 1,000, once, newest first');
      assert.ok(written > 20, 'deposits landed during the walk');
      // Back from the last page by its previous links, while deposits keep landing (those newer than the walk's start show at its end).
      const back = await walk(forward.last, 'previous');
      assert.equal(new Set(back.seen).size, back.seen.length, 'no deposit twice on the way back');
      assert.deepEqual(back.seen.filter((k) => k.startsWith('walk/')), walked, 'the same 1,000, once, in the same order');
      assert.deepEqual((await h.runtime.ledger.verify()).mismatches, []);
    } finally {
      await h.close();
    }
  });
});
