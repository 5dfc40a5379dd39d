/**
 * BLAKE2b (RFC 7693) with a chosen digest length, unkeyed. Node's crypto offers only the
 * 64-byte variant, and a shorter digest is not a truncation of it (the length is a parameter of
 * the hash), so Loopring's Poseidon constants, which come from 32-byte BLAKE2b digests, need this.
 * It runs a few dozen times per process, to derive those constants: clarity over speed.
 */

const MASK_64 = (1n << 64n) - 1n;
const BLOCK_BYTES = 128;

const IV: readonly bigint[] = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
];

/** The message word schedule of each round (rounds 10 and 11 repeat rounds 0 and 1). */
const SIGMA: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

const rotateRight = (x: bigint, n: bigint): bigint => ((x >> n) | (x << (64n - n))) & MASK_64;

function readWordLE(bytes: Uint8Array, at: number): bigint {
  let word = 0n;
  for (let i = 7; i >= 0; i--) word = (word << 8n) | BigInt(bytes[at + i] ?? 0);
  return word;
}

function compress(h: bigint[], block: Uint8Array, bytesSoFar: bigint, last: boolean): void {
  const m = Array.from({ length: 16 }, (_, i) => readWordLE(block, i * 8));
  const v = [...h, ...IV];
  v[12] = v[12]! ^ (bytesSoFar & MASK_64);
  v[13] = v[13]! ^ (bytesSoFar >> 64n);
  if (last) v[14] = v[14]! ^ MASK_64;
  const mix = (a: number, b: number, c: number, d: number, x: bigint, y: bigint) => {
    v[a] = (v[a]! + v[b]! + x) & MASK_64;
    v[d] = rotateRight(v[d]! ^ v[a]!, 32n);
    v[c] = (v[c]! + v[d]!) & MASK_64;
    v[b] = rotateRight(v[b]! ^ v[c]!, 24n);
    v[a] = (v[a]! + v[b]! + y) & MASK_64;
    v[d] = rotateRight(v[d]! ^ v[a]!, 16n);
    v[c] = (v[c]! + v[d]!) & MASK_64;
    v[b] = rotateRight(v[b]! ^ v[c]!, 63n);
  };
  for (let round = 0; round < 12; round++) {
    const s = SIGMA[round % 10]!;
    const word = (i: number) => m[s[i]!]!;
    mix(0, 4, 8, 12, word(0), word(1));
    mix(1, 5, 9, 13, word(2), word(3));
    mix(2, 6, 10, 14, word(4), word(5));
    mix(3, 7, 11, 15, word(6), word(7));
    mix(0, 5, 10, 15, word(8), word(9));
    mix(1, 6, 11, 12, word(10), word(11));
    mix(2, 7, 8, 13, word(12), word(13));
    mix(3, 4, 9, 14, word(14), word(15));
  }
  for (let i = 0; i < 8; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 8]!;
}

/** The BLAKE2b digest of `data`, `digestBytes` (1 to 64) long. */
export function blake2b(data: Uint8Array, digestBytes: number): Uint8Array {
  if (!Number.isInteger(digestBytes) || digestBytes < 1 || digestBytes > 64) throw new RangeError('digestBytes must be 1 to 64');
  const h = [...IV];
  h[0] = h[0]! ^ 0x01010000n ^ BigInt(digestBytes);
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK_BYTES));
  for (let i = 0; i < blocks; i++) {
    const start = i * BLOCK_BYTES;
    const block = new Uint8Array(BLOCK_BYTES);
    block.set(data.subarray(start, Math.min(start + BLOCK_BYTES, data.length)));
    const last = i === blocks - 1;
    compress(h, block, BigInt(last ? data.length : start + BLOCK_BYTES), last);
  }
  const out = new Uint8Array(digestBytes);
  for (let i = 0; i < digestBytes; i++) out[i] = Number((h[Math.floor(i / 8)]! >> BigInt(8 * (i % 8))) & 0xffn);
  return out;
}
