import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import ccxt from 'ccxt';
import { WS_ERRORS } from '../../src/venues/bitget/stream-frames.js';

/**
 * The stream's error frames, the docs and ccxt agree: docs/venues/bitget.md (Stream, Error frames)
 * lists every code the stream can send and nothing else, each with the exception ccxt pro's bitget
 * raises for it (its `exceptions.ws.exact`, ExchangeError for a code it does not know).
 */

const doc = readFileSync(new URL('../../docs/venues/bitget.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('### Error frames'), doc.indexOf('### Closes and limits'));
const rows = [...section.matchAll(/^\| `(\d+)` \| .* \| (\w+) \|$/gm)].map((m) => [Number(m[1]), m[2]!] as const);

test('docs/venues/bitget.md lists every stream error code once, and nothing else', () => {
  const sent = [...new Set(Object.values(WS_ERRORS).map((e) => e.code))].sort();
  assert.deepEqual(rows.map(([code]) => code).sort(), sent);
});

test('each documented stream code names the exception ccxt pro bitget raises for it', () => {
  const exact = (new ccxt.pro.bitget().exceptions as { ws: { exact: Record<string, { name: string }> } }).ws.exact;
  for (const [code, documented] of rows) assert.equal(documented, exact[String(code)]?.name ?? 'ExchangeError', `code ${code}`);
});
