import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { VENUES } from '../../src/venues/index.js';
import { HttpHarness } from '../support/http-harness.js';

/**
 * Each venue page names every path the venue serves (its "Served paths" section says the
 * Endpoints table is the list). What is served is read from /openapi.json, which
 * test/openapi.test.ts holds equal to the routes the server registers; a path is attributed to the
 * venue with the longest base path it starts with (Bitget's `/api/v3/account/settings` inside
 * Loopring's `/api/v3`). The page may write a path whole or after any of the venue's base paths
 * (Bullish's table writes `/v1/...` under `/trading-api`), with any parameter spelling.
 */

let h: HttpHarness;
let served: string[];

before(async () => {
  h = await HttpHarness.start('served-paths-docs');
  const response = await h.get<{ paths: Record<string, unknown> }>('/openapi.json', null);
  served = Object.keys(response.body.paths);
});
after(async () => h.close());

/** Parameters written alike (`{symbol}`, `:symbol`, `*`), the query dropped. */
const shape = (path: string) => path.split('?')[0]!.replace(/:[A-Za-z_]+|\{[^}]*\}|\*/g, '{}');

function venueOf(path: string): string | undefined {
  let best: { id: string; length: number } | undefined;
  for (const venue of VENUES) {
    for (const base of venue.basePaths) {
      const covers = path === base || path.startsWith(`${base}/`);
      if (covers && base.length > (best?.length ?? -1)) best = { id: venue.id, length: base.length };
    }
  }
  return best?.id;
}

for (const venue of VENUES) {
  test(`docs/venues/${venue.id}.md names every path ${venue.id} serves`, () => {
    const page = readFileSync(new URL(`../../docs/venues/${venue.id}.md`, import.meta.url), 'utf8');
    const named = new Set<string>();
    for (const span of page.matchAll(/`([^`\n]+)`/g)) {
      for (const path of span[1]!.matchAll(/\/[A-Za-z0-9_\-/{}:*.]+/g)) {
        named.add(shape(path[0]));
        for (const base of venue.basePaths) named.add(shape(`${base}${path[0]}`));
      }
    }
    const mine = served.filter((path) => venueOf(path) === venue.id);
    assert.ok(mine.length > 0, `${venue.id} serves something`);
    assert.deepEqual(mine.filter((path) => !named.has(shape(path))), [], 'served but not named on the page');
  });
}
