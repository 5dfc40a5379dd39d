import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Asset } from '../../src/ledger/types.js';
import type { VenueDialect } from '../../src/venues/venue.js';
import { DEMO, HttpHarness, type HttpRequest, type HttpResponse } from '../support/http-harness.js';

/**
 * The claims every venue dialect must make good, whatever its wire shape: one suite, run for every
 * entry of `VENUES` by venues.case.test.ts with that venue's data (test/venues/<venue>.case-data.ts).
 * The runner keys the data by `VenueId`, so a venue added to `VENUES` does not compile until it has
 * case data, and `VenueCaseData` is typed so that the data says what the venue answers in every case.
 */

/** The refusals every venue has, each answered in the venue's own status and code. */
export const SHARED_REFUSALS = ['missingCredentials', 'unknownCredentials', 'unknownRoute', 'oversizedQuery', 'rateLimited'] as const;
export type SharedRefusal = (typeof SHARED_REFUSALS)[number];

export interface VenueRefusal {
  readonly status: number;
  readonly code: string | number;
}

export interface VenueCaseData {
  /** The venue's authenticated balance read of `user`'s main account, with its credentials from the demo scenario. */
  balanceRead(h: HttpHarness, user: string, query?: Readonly<Record<string, string>>): Promise<HttpRequest>;
  /** The same read without any credentials. */
  withoutCredentials(h: HttpHarness): Promise<HttpRequest>;
  /** The same read with credentials the server never issued. */
  withUnknownCredentials(h: HttpHarness): Promise<HttpRequest>;
  /** A read of `victim`'s balances made with `intruder`'s credentials, however the venue lets a caller name an account. */
  crossTenantRead(h: HttpHarness, intruder: string, victim: string): Promise<HttpRequest>;
  /** What the venue answers to `crossTenantRead`, under `flags` when the venue's default allows such reads. */
  readonly crossTenant: { readonly refusal: VenueRefusal; readonly flags?: Readonly<Record<string, string>> };
  /** The available amount of `asset` in a successful balance-read body, in base units; undefined when the asset is not listed. */
  availableIn(body: unknown, asset: Asset): bigint | undefined;
  /** What the venue can show of an exact amount, in base units, when it prints fewer places than the asset's scale (cut toward zero); exact when omitted. */
  shownUnits?(units: bigint, asset: Asset): bigint;
  /** The venue error code in an error body; throws when the body is not in the venue's error shape. */
  errorCodeOf(response: HttpResponse): string | number;
  /** A path under the venue's base path that has no route. */
  readonly unknownRoutePath: string;
  /** The rate-limit rule the balance read counts against. */
  readonly balanceReadRule: string;
  /** False for a venue whose balance read is rendered on every request (`port.cachedRead` unused): the read-cache claims do not apply. */
  readonly keepsBalanceRead?: false;
  readonly refusals: { readonly [R in SharedRefusal]: VenueRefusal };
}

/** Path tails no client should send after a venue path: undecodable escapes, traversal, a huge segment. */
const HOSTILE_PATH_TAILS = ['%E0%A4%A', '/%FF', '/..%2F..%2Fetc%2Fpasswd', `/${'a'.repeat(600)}`, '%00'];

/** Query strings no client should send: each must get a clear venue answer, never a 500. */
const HOSTILE_QUERIES = ['%zz', 'a=%E0%A4%A', '__proto__=1', 'constructor=x&toString=y', `a=${'%00'.repeat(20)}`, '&&&==&', 'x[]=1&x[]=2'];

/** `served`: the venues the server runs with (the registry's by default); a venue outside the registry passes it, itself included. */
export function runVenueSuite(venue: VenueDialect, data: VenueCaseData, served?: readonly VenueDialect[]): void {
  describe('shared venue claims', () => {
    let h: HttpHarness;
    before(async () => {
      h = await HttpHarness.start('venue-suite-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' }, venues: served });
    });
    after(async () => h.close());

    const expectRefusal = (response: HttpResponse, expected: VenueRefusal, what: string) => {
      assert.equal(response.status, expected.status, `${what}: status (body ${response.text})`);
      assert.equal(data.errorCodeOf(response), expected.code, `${what}: venue code`);
    };

    test('an authenticated balance read shows what the ledger holds, and follows a deposit', async () => {
      const usdt = (await h.runtime.ledger.asset('USDT'))!;
      const alice = h.account('alice');
      const before = await h.request(await data.balanceRead(h, 'alice'));
      assert.equal(before.status, 200, before.text);
      const held = (await h.runtime.ledger.balances(alice.id)).find((b) => b.asset === 'USDT' && b.bucket === 'available')!.amount;
      const shown = (units: bigint) => (data.shownUnits ? data.shownUnits(units, usdt) : units);
      assert.equal(data.availableIn(before.body, usdt), shown(held));
      await h.operate({ type: 'deposit', key: `suite/${venue.id}/deposit`, account: alice.id, asset: 'USDT', amount: '12.345678' });
      const afterDeposit = await h.request(await data.balanceRead(h, 'alice'));
      assert.equal(data.availableIn(afterDeposit.body, usdt), shown(held + 12_345_678n));
    });

    test('a read without credentials is refused in the venue shape', async () => {
      expectRefusal(await h.request(await data.withoutCredentials(h)), data.refusals.missingCredentials, 'no credentials');
    });

    test('a read with credentials the server never issued is refused in the venue shape', async () => {
      expectRefusal(await h.request(await data.withUnknownCredentials(h)), data.refusals.unknownCredentials, 'unknown credentials');
    });

    test("one tenant's credentials never read another tenant's balances", async () => {
      const isolated = data.crossTenant.flags
        ? await HttpHarness.start('venue-suite-operator-token', { scenario: DEMO, flags: { rateLimits: 'off', ...data.crossTenant.flags }, venues: served })
        : h;
      try {
        const response = await isolated.request(await data.crossTenantRead(isolated, 'bob', 'alice'));
        expectRefusal(response, data.crossTenant.refusal, 'bob reading alice');
        assert.doesNotMatch(response.text, /25000|1111111111/);
      } finally {
        if (isolated !== h) await isolated.close();
      }
    });

    // A venue may render its balance read on every request (keepsBalanceRead: false): then there is nothing kept to check.
    if (data.keepsBalanceRead !== false) {
      // The server keeps a rendered balance read per account (server/read-cache.ts). Each claim
      // below first reads alice twice, so that her body is kept, then checks what keeping it must
      // not change: a write shows at once, credentials are checked on every request, and a kept
      // body reaches no other tenant.
      const keepAlicesBody = async () => {
        for (let i = 0; i < 2; i++) assert.equal((await h.request(await data.balanceRead(h, 'alice'))).status, 200);
        assert.ok(h.runtime.readCache.size > 0, 'the balance read is kept');
      };

      test('a kept balance read follows a deposit on the very next read', async () => {
        const usdt = (await h.runtime.ledger.asset('USDT'))!;
        const alice = h.account('alice');
        await keepAlicesBody();
        const shown = (units: bigint) => (data.shownUnits ? data.shownUnits(units, usdt) : units);
        const held = (await h.runtime.ledger.balances(alice.id)).find((b) => b.asset === 'USDT' && b.bucket === 'available')!.amount;
        await h.operate({ type: 'deposit', key: `suite/${venue.id}/kept-deposit`, account: alice.id, asset: 'USDT', amount: '1.5' });
        const next = await h.request(await data.balanceRead(h, 'alice'));
        assert.equal(data.availableIn(next.body, usdt), shown(held + 1_500_000n));
      });

      test('while a balance read is kept, unknown and mis-signed credentials are still refused', async () => {
        await keepAlicesBody();
        expectRefusal(await h.request(await data.withUnknownCredentials(h)), data.refusals.unknownCredentials, 'unknown credentials');
        expectRefusal(await h.request(await data.withoutCredentials(h)), data.refusals.missingCredentials, 'no credentials');
        if (!data.crossTenant.flags) {
          // Bob's secret under alice's key: a wrong signature (or token) against a kept body.
          expectRefusal(await h.request(await data.crossTenantRead(h, 'bob', 'alice')), data.crossTenant.refusal, 'bob reading alice');
        }
      });

      test("a kept body never answers another tenant's read", async () => {
        const usdt = (await h.runtime.ledger.asset('USDT'))!;
        const alice = h.account('alice');
        const bob = h.account('bob');
        // Alice and bob hold different amounts, so a body served to the wrong tenant would show.
        await h.operate({ type: 'deposit', key: `suite/${venue.id}/tenants`, account: alice.id, asset: 'USDT', amount: '7.25' });
        await keepAlicesBody();
        const bobs = await h.request(await data.balanceRead(h, 'bob'));
        assert.equal(bobs.status, 200, bobs.text);
        const bobHolds = (await h.runtime.ledger.balances(bob.id)).find((b) => b.asset === 'USDT' && b.bucket === 'available')?.amount;
        const aliceHolds = (await h.runtime.ledger.balances(alice.id)).find((b) => b.asset === 'USDT' && b.bucket === 'available')!.amount;
        assert.notEqual(bobHolds, aliceHolds);
        const shown = (units: bigint | undefined) => (units === undefined ? undefined : data.shownUnits ? data.shownUnits(units, usdt) : units);
        const bobShown = data.availableIn(bobs.body, usdt);
        assert.ok(bobShown === shown(bobHolds) || (bobHolds === undefined && bobShown === 0n), `bob sees his own USDT (${bobShown})`);
      });
    }

    test('a path under the venue base with no route answers in the venue shape', async () => {
      expectRefusal(await h.get(data.unknownRoutePath, null), data.refusals.unknownRoute, 'unknown route');
    });

    test('an oversized query is refused in the venue shape before anything reads it', async () => {
      const request = await data.balanceRead(h, 'alice', { pad: 'x'.repeat(5000) });
      expectRefusal(await h.request(request), data.refusals.oversizedQuery, 'oversized query');
    });

    test('no hostile query string produces a 500, and none writes anything', async () => {
      const journalBefore = (await h.runtime.store.listJournal(0, 1000)).entries.length;
      const base = await data.balanceRead(h, 'alice');
      const path = base.path.split('?')[0]!;
      for (const query of HOSTILE_QUERIES) {
        const response = await h.request({ ...base, path: `${path}?${query}` });
        assert.ok(response.status < 500, `?${query} answered ${response.status}: ${response.text}`);
        assert.doesNotMatch(response.text, /at .*\.(ts|js):\d+/, 'no stack trace');
        if (response.status >= 400) data.errorCodeOf(response);
      }
      assert.equal((await h.runtime.store.listJournal(0, 1000)).entries.length, journalBefore);
      assert.equal((await h.runtime.ledger.verify()).ok, true);
    });

    test('no hostile path produces a 500 or another shape than the venue error', async () => {
      const base = await data.balanceRead(h, 'alice');
      const path = base.path.split('?')[0]!;
      for (const tail of HOSTILE_PATH_TAILS) {
        const response = await h.request({ ...base, path: `${path}${tail}` });
        assert.ok(response.status >= 400 && response.status < 500, `${tail.slice(0, 20)} answered ${response.status}: ${response.text}`);
        data.errorCodeOf(response);
      }
    });
  });

  describe('shared rate-limit claim', () => {
    let h: HttpHarness;
    before(async () => {
      h = await HttpHarness.start('venue-suite-operator-token', { scenario: DEMO, flags: { rateLimit: `${data.balanceReadRule}=3/60s` }, venues: served });
    });
    after(async () => h.close());

    test('a burst over the balance-read limit is refused with 429 in the venue shape', async () => {
      const statuses: number[] = [];
      let last: HttpResponse | undefined;
      for (let i = 0; i < 5; i++) {
        last = await h.request(await data.balanceRead(h, 'alice'));
        statuses.push(last.status);
      }
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      assert.equal(last!.status, data.refusals.rateLimited.status);
      assert.equal(data.errorCodeOf(last!), data.refusals.rateLimited.code);
    });
  });
}
