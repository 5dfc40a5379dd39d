import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parseAmount } from '../../src/ledger/amount.js';
import type { OperationRequest } from '../../src/ledger/operations.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest, type BitgetKey } from '../support/bitget-signer.js';
import { ManualClock } from '../support/clock.js';
import { postgresSchemas } from '../support/postgres-schemas.js';
import { skipWithoutPostgres } from '../support/services.js';

/**
 * Bitget's `idLessThan` cursor over a long history while writes go on: 1,000 deposits and 250
 * trades are walked page by page, deposit records by `orderId` and bills by `billId` (pages cut
 * inside a trade's two bills), with one write landing before each page and one racing it. Every
 * entry that existed when the walk started is seen exactly once, nothing is seen twice, and the
 * bills' balances chain across every page boundary. On SQLite and, when it is given, PostgreSQL.
 */

const DEPOSITS = '/api/v2/spot/wallet/deposit-records';
const BILLS = '/api/v2/spot/account/bills';
const DEPOSIT_COUNT = 1000;
const TRADE_COUNT = 250;

interface Envelope {
  code: string;
  data: Record<string, string>[];
}

const clock = new ManualClock(Date.UTC(2026, 4, 1));
let h: HttpHarness;
let carol: BitgetKey;
let carolId: number;
let aliceId: number;
let writes = 0;

const page = async (path: string, query: string) => {
  const response = await h.request<Envelope>(signedBitgetRequest(carol, path, { query, timestampMs: clock.now() }));
  assert.equal(response.status, 200, response.text.slice(0, 300));
  return response.body.data;
};

const deposit = (key: string): OperationRequest => ({ key, type: 'deposit', account: carolId, asset: 'USDT', amount: '1' });
const trade = (key: string): OperationRequest => ({
  key,
  type: 'trade',
  legs: [
    { from: carolId, to: aliceId, asset: 'USDT', amount: '0.5' },
    { from: aliceId, to: carolId, asset: 'BTC', amount: '0.00001' },
  ],
});

/** One more entry on carol's account through the operator API: a deposit or a trade, in turn. */
async function write(): Promise<void> {
  const n = writes++;
  const response = await h.post('/_assetbook/v1/operations', n % 2 === 0 ? deposit(`during/${n}`) : trade(`during/${n}`));
  assert.equal(response.status, 201, response.text);
}

/** Carol's entries in the journal now, read from the store itself: id → type. */
async function carolsEntries(): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (let after = 0; ; ) {
    const journal = await h.runtime.store.listJournal(after, 1000);
    for (const entry of journal.entries) if (entry.postings.some((p) => p.account === carolId)) found.set(entry.id, entry.type);
    if (journal.next === null) return found;
    after = journal.next;
  }
}

const schemas = postgresSchemas('ab_bitget_paging');
const SECRET_KEY = randomBytes(32).toString('hex');

function walkSuite(engine: string, db: () => string, skip: string | false): void {
  describe(`bitget idLessThan paging while writes go on [${engine}]`, { skip }, () => {
    before(async () => {
      writes = 0;
      h = await HttpHarness.start('bitget-history-paging', { scenario: DEMO, flags: { db: db(), secretKey: SECRET_KEY, rateLimits: 'off' }, clock: clock.now });
      carol = demoBitgetKey(h.secrets('carol', 'bitget'));
      carolId = h.account('carol').id;
      aliceId = h.account('alice').id;
      const operations = [
        ...Array.from({ length: DEPOSIT_COUNT }, (_, i) => deposit(`walk/d${i}`)),
        ...Array.from({ length: TRADE_COUNT }, (_, i) => trade(`walk/t${i}`)),
      ];
      // Interleaved, so that pages of bills mix deposits and trades.
      operations.sort((a, b) => (a.key.slice(6) < b.key.slice(6) ? -1 : 1));
      for (let i = 0; i < operations.length; i += 250) {
        clock.advance(1000);
        const response = await h.post('/_assetbook/v1/operations/batch', { operations: operations.slice(i, i + 250) });
        assert.equal(response.status, 201, response.text.slice(0, 300));
      }
    });
    after(async () => h?.close());

    test('deposit records: 1,000 deposits walked 100 at a time, each seen exactly once, none twice, while deposits and trades land', async () => {
      const existing = [...(await carolsEntries())].filter(([, type]) => type === 'deposit').map(([entryId]) => String(entryId));
      assert.ok(existing.length > DEPOSIT_COUNT, 'the walk covers the 1,000 deposits and the opening ones');
      const window = `endTime=${clock.now() + 86_400_000}&startTime=0`;
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      for (;;) {
        await write();
        const racing = write();
        // A limit over the documented 100 is served as 100.
        const rows = await page(DEPOSITS, `${window}${cursor === undefined ? '' : `&idLessThan=${cursor}`}&limit=100000`);
        await racing;
        pages++;
        assert.ok(rows.length <= 100);
        if (rows.length === 0) break;
        seen.push(...rows.map((r) => r.orderId!));
        cursor = rows.at(-1)!.orderId;
      }
      assert.equal(new Set(seen).size, seen.length, 'no record twice');
      const seenSet = new Set(seen);
      assert.deepEqual(existing.filter((e) => !seenSet.has(e)), [], 'every deposit that existed at the start, once');
      assert.deepEqual([...seen].map(Number), [...seen].map(Number).sort((a, b) => b - a), 'newest first, across pages');
      assert.ok(pages > 10 && writes >= 2 * pages, 'writes landed before and during every page');
    });

    test('bills: every balance change walked 37 at a time (pages cut inside trades), each once, the balances chaining across pages', async () => {
      const existing = await carolsEntries();
      const seen: Record<string, string>[] = [];
      let cursor: string | undefined;
      let cutsInside = 0;
      for (;;) {
        await write();
        const racing = write();
        const rows = await page(BILLS, `limit=37${cursor === undefined ? '' : `&idLessThan=${cursor}`}`);
        await racing;
        if (rows.length === 0) break;
        seen.push(...rows);
        cursor = rows.at(-1)!.billId;
        if (Number(cursor) % 100 === 1) cutsInside++;
      }
      assert.ok(cutsInside > 0, 'some pages ended between the two bills of a trade');
      const ids = seen.map((r) => Number(r.billId));
      assert.equal(new Set(ids).size, ids.length, 'no bill twice');
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first, across pages');
      const billsOf = new Map<number, string[]>();
      for (const row of seen) billsOf.set(Math.floor(Number(row.billId) / 100), [...(billsOf.get(Math.floor(Number(row.billId) / 100)) ?? []), `${row.coin}:${row.businessType}`]);
      for (const [entryId, type] of existing) {
        const bills = billsOf.get(entryId) ?? [];
        if (type === 'trade') assert.deepEqual(bills, ['BTC:buy', 'USDT:sell'], `trade ${entryId}: its two bills, once`);
        if (type === 'deposit') assert.deepEqual(bills.map((b) => b.replace(/^.*:/, '')), ['deposit'], `deposit ${entryId}: one bill, once`);
      }
      assert.ok(seen.length >= DEPOSIT_COUNT + 2 * TRADE_COUNT);
      const units = (text: string) => (text.startsWith('-') ? -parseAmount(text.slice(1), 18) : parseAmount(text, 18));
      const older = new Map<string, bigint>();
      for (const row of [...seen].reverse()) {
        assert.equal(units(row.balance!) - units(row.size!), older.get(row.coin!) ?? 0n, `${row.coin} bill ${row.billId}`);
        older.set(row.coin!, units(row.balance!));
      }
      const verify = await h.get<{ mismatches: unknown[] }>('/_assetbook/v1/verify');
      assert.deepEqual(verify.body.mismatches, []);
    });
  });
}

walkSuite('sqlite', () => ':memory:', false);
walkSuite('postgres', () => schemas.fresh(), skipWithoutPostgres);
