/**
 * The Bitget read's per-request HMAC-SHA256 (`HmacSha256Key`, src/venues/shared/hmac-key.ts) beside
 * `createHmac` doing the same, in one process, alternated: the part of the signature check that
 * does not depend on the HTTP stack around it (docs/benchmarks.md).
 *
 *   npm run bench:hmac [-- --count 300000 --repeat 5]
 *
 * Each repetition times `--count` checks of good signatures over Bitget pre-hashes the size ccxt
 * sends for the balance read, after a warm-up of a tenth of that: `verifyHmac` as the server runs
 * it (the digest as base64 text, compared as text), the same key's digest as bytes, and
 * `createHmac`, each compared in constant time; it prints µs per check and the ratios.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseArgs } from 'node:util';
import { prehash, verifyHmac, type SignedParts } from '../src/venues/bitget/signature.js';
import { HmacSha256Key } from '../src/venues/shared/hmac-key.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300000' },
    repeat: { type: 'string', default: '5' },
  },
});
const count = Number(values.count);
const repeat = Number(values.repeat);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(repeat) || repeat < 1) {
  console.error('usage: npm run bench:hmac -- [--count N] [--repeat N]');
  process.exit(2);
}

const SECRET = 'demo-alice-bitget-secret';
const PATH = '/api/v2/spot/account/assets';
/** A thousand signed reads, each with its own timestamp and the signature a client sends with it. */
const reads = Array.from({ length: 1000 }, (_x, i) => {
  const parts: SignedParts = { timestamp: String(1796302696660 + i), method: 'GET', path: PATH, rawQuery: '', body: '' };
  const text = prehash(parts);
  const bytes = createHmac('sha256', SECRET).update(text).digest();
  return { parts, text, bytes, signature: bytes.toString('base64') };
});
const key = new HmacSha256Key(SECRET);

const checks: Record<string, (read: (typeof reads)[number]) => boolean> = {
  // What the server runs: the digest as base64 text, compared as text.
  verifyHmac: (read) => verifyHmac(key, read.parts, read.signature),
  // The same key's digest as bytes, compared with the presented bytes (the path for other spellings).
  'HmacSha256Key bytes': (read) => timingSafeEqual(key.digest(read.text), read.bytes),
  createHmac: (read) => timingSafeEqual(createHmac('sha256', SECRET).update(read.text).digest(), read.bytes),
};

/** µs per check; every signature is good, as a client's is. */
function time(check: (read: (typeof reads)[number]) => boolean, n: number): number {
  for (const read of reads) if (!check(read)) throw new Error('the check refused a good signature');
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) check(reads[i % 1000]!);
  return Number(process.hrtime.bigint() - started) / n / 1000;
}

const results: Record<string, number[]> = Object.fromEntries(Object.keys(checks).map((name) => [name, []]));
for (let rep = 1; rep <= repeat; rep++) {
  for (const [name, check] of Object.entries(checks)) {
    time(check, Math.ceil(count / 10));
    results[name]!.push(time(check, count));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, xs] of Object.entries(results)) console.log(`${name.padEnd(20)} ${median(xs).toFixed(3)} µs per check (runs: ${xs.map((x) => x.toFixed(3)).join(', ')})`);
for (const name of ['verifyHmac', 'HmacSha256Key bytes']) {
  const ratios = results.createHmac!.map((c, i) => c / results[name]![i]!);
  console.log(`createHmac ÷ ${name}: ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}), median (min–max) of ${repeat} alternated repetitions`);
}
