/**
 * Seeded randomness for fault rules: the same seed gives the same sequence on every machine and
 * every run, so a test or a scenario that sets seeds sees the same faults each time. A Weyl
 * sequence (a counter stepped by the golden ratio) through a 32-bit integer hash (the MurmurHash3
 * finalizer): simple, fast, well spread. Not for secrets.
 */

/** The largest seed: seeds are unsigned 32-bit integers. */
export const SEED_MAX = 0xffff_ffff;

const GOLDEN = 0x9e37_79b9;

/** MurmurHash3's 32-bit finalizer: every input bit reaches every output bit. */
function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A generator of numbers in [0, 1) from `seed` (0 to SEED_MAX). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + GOLDEN) >>> 0;
    return mix32(state) / 0x1_0000_0000;
  };
}

/** The seed of the `index`-th rule of a set seeded with `seed`: distinct per index, the same every run. */
export function derivedSeed(seed: number, index: number): number {
  return mix32((seed >>> 0) + Math.imul(index + 1, GOLDEN));
}

/** One draw from a normal distribution (Box–Muller over two draws of `random`). */
export function normalDraw(random: () => number, mean: number, stddev: number): number {
  // 1 - u is in (0, 1]: the logarithm stays finite.
  const u1 = 1 - random();
  const u2 = random();
  return mean + stddev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
