import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../support/clock.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { DEMO_LOOPRING } from '../support/loopring-demo.js';
import { sdkClients, type HistoryRequest, type UserApi } from '../support/loopring-sdk.js';

/**
 * Why a Loopring history walk fixes `end`, and how early. Loopring pages by `offset` from the
 * newest match, so an entry that joins the matches during a walk pushes every later row one place
 * down and the next page repeats one. `end` keeps new entries out because each is stamped with
 * the server's clock when written: an `end` before the server's current millisecond anchors the
 * walk (test/venues/loopring-history-sdk.test.ts walks 1,000 that way while deposits land), an
 * `end` at it does not yet. The SDK makes every call, unmodified.
 */

const { carol } = DEMO_LOOPRING;
const PAGE = 10;

describe('loopring history paging while deposits land', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 1));
  let h: HttpHarness;
  let user: UserApi;
  let start: number;
  let written = 0;

  /** One deposit of carol's at the server's current time. */
  const deposit = (prefix: string) => h.operate({ key: `${prefix}/${written++}`, type: 'deposit', account: h.account('carol').id, asset: 'USDT', amount: '1' });

  /** Walks every page of carol's deposits since `start`, writing a deposit before each page after the first; the keys seen, in order. */
  async function walk(query: Omit<HistoryRequest, 'offset' | 'limit'>, between: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      if (offset > 0) await between();
      const page = await user.getUserDepositHistory({ accountId: carol.accountId, start, ...query, limit: PAGE, offset }, carol.apiKey);
      const rows = page.userDepositHistory ?? [];
      seen.push(...rows.map((r) => Buffer.from(String(r.hash).slice(2), 'hex').toString('utf8')));
      if (rows.length < PAGE) return seen;
    }
  }

  before(async () => {
    h = await HttpHarness.start('loopring-history-paging', { scenario: DEMO, flags: { rateLimits: 'off' }, clock: clock.now });
    ({ user } = sdkClients(h.baseUrl));
    clock.advance(60_000);
    start = clock.now();
    for (let i = 0; i < 35; i++) {
      clock.advance(1000);
      await deposit('old');
    }
  });
  after(async () => h.close());

  test('without end, a deposit landing between pages shifts the next page: a row is seen twice', async () => {
    const seen = await walk({}, async () => {
      clock.advance(1000);
      await deposit('new');
    });
    assert.ok(new Set(seen).size < seen.length, `some row twice: ${seen.join(' ')}`);
    assert.equal(seen[PAGE], seen[PAGE - 1], "page 2 opens with page 1's last row");
  });

  test("with end one millisecond before the server's clock, deposits landing at that clock are kept out: each row once", async () => {
    clock.advance(1000);
    const end = clock.now() - 1;
    const expected = (await user.getUserDepositHistory({ accountId: carol.accountId, start, end, limit: 200 }, carol.apiKey)).totalNum;
    const seen = await walk({ end }, () => deposit('same-ms'));
    assert.equal(seen.length, expected);
    assert.equal(new Set(seen).size, seen.length, 'no row twice');
    assert.ok(!seen.some((key) => key.startsWith('same-ms/')), 'none written during the walk');
  });

  test("with end at the server's current millisecond, a deposit landing in that same millisecond still shifts: end must be earlier", async () => {
    clock.advance(1000);
    const end = clock.now();
    const seen = await walk({ end }, () => deposit('at-end'));
    assert.ok(new Set(seen).size < seen.length, `some row twice: ${seen.join(' ')}`);
  });
});
