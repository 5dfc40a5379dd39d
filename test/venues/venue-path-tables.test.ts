import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import ccxt from 'ccxt';
import { BITGET_VENUE_PATHS } from '../../src/venues/bitget/unserved.js';
import { BULLISH_VENUE_PATHS } from '../../src/venues/bullish/unserved.js';
import { LOOPRING_VENUE_PATHS } from '../../src/venues/loopring/unserved.js';

/**
 * The tables of paths each venue has (src/venues/<venue>/unserved.ts) are copies of what the
 * clients define, kept as data because the server does not depend on the clients: these tests
 * hold each copy equal to its source in node_modules, so a client upgrade that adds a path shows
 * here instead of as a BadRequest-looking 404.
 */

/** Every `METHOD path` of a ccxt API definition (`exchange.api`), whatever its nesting. */
function ccxtPaths(api: unknown, out: string[] = []): string[] {
  for (const [key, value] of Object.entries(api as Record<string, unknown>)) {
    const method = key.toUpperCase();
    if (['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(method) && value !== null && typeof value === 'object') {
      for (const path of Array.isArray(value) ? (value as string[]) : Object.keys(value)) out.push(`${method} ${path}`);
    } else if (value !== null && typeof value === 'object') {
      ccxtPaths(value, out);
    }
  }
  return out;
}

const sorted = (items: Iterable<string>) => [...new Set(items)].sort();

describe('venue path tables', () => {
  test("bitget's table is every v2 path of ccxt's bitget API, with its method, and nothing else", () => {
    const fromCcxt = ccxtPaths(new ccxt.bitget().api)
      .filter((entry) => entry.split(' ')[1]!.startsWith('v2/'))
      .map((entry) => entry.replace(' v2/', ' /api/v2/'));
    assert.deepEqual(sorted(BITGET_VENUE_PATHS.entries), sorted(fromCcxt));
    assert.equal(BITGET_VENUE_PATHS.entries.length, new Set(BITGET_VENUE_PATHS.entries).size, 'no entry twice');
  });

  test("bullish's table is every path of ccxt's bullish API, with its method, and nothing else", () => {
    const fromCcxt = ccxtPaths(new ccxt.bullish().api).map((entry) => entry.replace(' ', ' /trading-api/'));
    assert.deepEqual(sorted(BULLISH_VENUE_PATHS.entries), sorted(fromCcxt));
    assert.equal(BULLISH_VENUE_PATHS.entries.length, new Set(BULLISH_VENUE_PATHS.entries).size, 'no entry twice');
  });

  const SDK_SRC = new URL('../../node_modules/@loopring-web/loopring-sdk/src/', import.meta.url);

  test("loopring's table has every /api/v3 path of the SDK's URL table, and nothing else", () => {
    const urls = readFileSync(new URL('defs/url_defs.ts', SDK_SRC), 'utf8');
    const fromSdk = [...urls.matchAll(/=\s*['"](\/api\/v3\/[^'"]*)['"]/g)].map((m) => m[1]!.trim());
    assert.ok(fromSdk.length > 150, `read ${fromSdk.length} URLs`);
    assert.deepEqual(sorted(LOOPRING_VENUE_PATHS.entries.map((entry) => entry.split(' ')[1]!)), sorted(fromSdk));
    assert.equal(LOOPRING_VENUE_PATHS.entries.length, new Set(LOOPRING_VENUE_PATHS.entries).size, 'no entry twice');
  });

  test('every request the SDK builds (an object with url: LOOPRING_URLs.X and method: ReqMethod.Y) is in the table with that method', () => {
    const urls = new Map([...readFileSync(new URL('defs/url_defs.ts', SDK_SRC), 'utf8').matchAll(/^\s*(\w+)\s*=\s*['"]([^'"]+)['"]/gm)].map((m) => [m[1]!, m[2]!.trim()]));
    const sent: string[] = [];
    for (const file of readdirSync(new URL('api/', SDK_SRC)).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(new URL(`api/${file}`, SDK_SRC), 'utf8');
      for (const match of source.matchAll(/url:\s*(?:loopring_defs\.)?LOOPRING_URLs\.(\w+)/g)) {
        const methods = [...objectAround(source, match.index).matchAll(/method:\s*(?:loopring_defs\.)?ReqMethod\.(\w+)/g)].map((m) => m[1]!);
        assert.equal(methods.length, 1, `${file}: ${match[1]} has one method`);
        const url = urls.get(match[1]!)!;
        if (url.startsWith('/api/v3/')) sent.push(`${methods[0]} ${url}`);
      }
    }
    assert.ok(sent.length > 150, `found ${sent.length} requests`);
    assert.deepEqual(sent.filter((entry) => !LOOPRING_VENUE_PATHS.entries.includes(entry)), []);
  });
});

/** The object literal enclosing `at` in TypeScript source: from its `{` to the matching `}`. */
function objectAround(source: string, at: number): string {
  let depth = 0;
  let start = at;
  for (; start >= 0; start--) {
    if (source[start] === '}') depth++;
    else if (source[start] === '{' && depth-- === 0) break;
  }
  depth = 0;
  let end = at;
  for (; end < source.length; end++) {
    if (source[end] === '{') depth++;
    else if (source[end] === '}' && depth-- === 0) break;
  }
  return source.slice(start, end + 1);
}
