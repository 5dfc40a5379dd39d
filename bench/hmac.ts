/**
 * The Bitget read's per-request HMAC-SHA256 (`HmacSha256Key`, src/venues/shared/hmac-key.ts) beside
 * `createHmac` doing the same, in one process, alternated: the part of the signature check that
 * does not depend on the HTTP stack around it (docs/benchmarks.md).
 *
 *   npm run bench:hmac [-- --count 300000 --repeat 5]
 *
 * Each repetition times `--count` checks of a signature over a Bitget pre-hash the size ccxt sends
 * for the balance read (digest, then a constant-time compare with the presented bytes), after a
 * warm-up of a tenth of that, and prints µs per check for both and the ratio.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseArgs } from 'node:util';
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
const message = (i: number) => `${1796302696660 + i}GET/api/v2/spot/account/assets`;
const presented = createHmac('sha256', SECRET).update(message(0)).digest();
const key = new HmacSha256Key(SECRET);

const checks: Record<string, (text: string) => boolean> = {
  HmacSha256Key: (text) => timingSafeEqual(key.digest(text), presented),
  createHmac: (text) => timingSafeEqual(createHmac('sha256', SECRET).update(text).digest(), presented),
};

/** µs per check; the messages differ per check (as timestamps do), and only the first matches. */
function time(check: (text: string) => boolean, n: number): number {
  const texts = Array.from({ length: 1000 }, (_x, i) => message(i));
  if (!check(texts[0]!)) throw new Error('the check refused a good signature');
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) check(texts[i % 1000]!);
  return Number(process.hrtime.bigint() - started) / n / 1000;
}

const results: Record<string, number[]> = { HmacSha256Key: [], createHmac: [] };
for (let rep = 1; rep <= repeat; rep++) {
  for (const [name, check] of Object.entries(checks)) {
    time(check, Math.ceil(count / 10));
    results[name]!.push(time(check, count));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratios = results.createHmac!.map((c, i) => c / results.HmacSha256Key![i]!);
for (const [name, xs] of Object.entries(results)) console.log(`${name.padEnd(14)} ${median(xs).toFixed(3)} µs per check (runs: ${xs.map((x) => x.toFixed(3)).join(', ')})`);
console.log(`createHmac ÷ HmacSha256Key: ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}), median (min–max) of ${repeat} alternated repetitions`);
