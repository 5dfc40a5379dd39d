import { blake2b } from './blake2b.js';
import { FIELD_PRIME, inverse, powerMod } from './field.js';

/**
 * The Poseidon permutation as Loopring instantiates it (after ethsnarks; Grassi et al., "Poseidon:
 * A New Hash Function for Zero-Knowledge Proof Systems", eprint 2019/458): a state of `t` field
 * elements, `fullRounds` rounds with an x⁵ S-box on every element (half before, half after)
 * around `partialRounds` rounds with the S-box on the first element only. Every round adds one
 * round constant to the whole state, then multiplies it by an MDS (Cauchy) matrix.
 *
 * The constants are not a table: they are derived from a seed with 32-byte BLAKE2b digests read as
 * little-endian integers. Round constant 0 is H(seed + "_constants"); each next one hashes the
 * previous digest (unreduced, as 32 little-endian bytes) again; each is used modulo the prime.
 * The matrix comes from 2t such values c (seed + "_matrix_0000"): M[i][j] = 1 / (c[i] − c[t+j]).
 */

export interface PoseidonShape {
  /** State width: the number of inputs plus at least one. */
  readonly t: number;
  readonly fullRounds: number;
  readonly partialRounds: number;
  readonly seed: string;
}

export interface PoseidonParams extends PoseidonShape {
  readonly roundConstants: readonly bigint[];
  readonly matrix: readonly (readonly bigint[])[];
}

/** The shape Loopring's EdDSA uses to hash (R, A, message): t = 6, 6 full and 52 partial rounds. */
export const EDDSA_POSEIDON: PoseidonShape = { t: 6, fullRounds: 6, partialRounds: 52, seed: 'poseidon' };

const SBOX_EXPONENT = 5n;
const DIGEST_BYTES = 32;

function littleEndianToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

function bigintToLittleEndian(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** `n` pseudo-random field elements from a text seed, by the hash chain described above. */
export function deriveConstants(seed: string, n: number): bigint[] {
  const out: bigint[] = [];
  let digest = littleEndianToBigint(blake2b(new TextEncoder().encode(seed), DIGEST_BYTES));
  for (let i = 0; i < n; i++) {
    if (i > 0) digest = littleEndianToBigint(blake2b(bigintToLittleEndian(digest, DIGEST_BYTES), DIGEST_BYTES));
    out.push(digest % FIELD_PRIME);
  }
  return out;
}

function deriveMatrix(seed: string, t: number): bigint[][] {
  const c = deriveConstants(seed, 2 * t);
  return Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => inverse(c[i]! - c[t + j]!)));
}

const cache = new Map<string, PoseidonParams>();

/** The constants of a shape, derived once per process. */
export function poseidonParams(shape: PoseidonShape): PoseidonParams {
  const id = `${shape.seed}/${shape.t}/${shape.fullRounds}/${shape.partialRounds}`;
  let params = cache.get(id);
  if (!params) {
    params = {
      ...shape,
      roundConstants: deriveConstants(`${shape.seed}_constants`, shape.fullRounds + shape.partialRounds),
      matrix: deriveMatrix(`${shape.seed}_matrix_0000`, shape.t),
    };
    cache.set(id, params);
  }
  return params;
}

/** Hashes up to t − 1 field elements: the first element of the permuted, zero-padded state. */
export function poseidon(inputs: readonly bigint[], shape: PoseidonShape): bigint {
  const params = poseidonParams(shape);
  const { t, fullRounds, partialRounds, roundConstants, matrix } = params;
  if (inputs.length === 0 || inputs.length >= t) throw new RangeError(`poseidon with t=${t} takes 1 to ${t - 1} inputs`);
  let state = [...inputs, ...new Array<bigint>(t - inputs.length).fill(0n)];
  const firstPartial = fullRounds / 2;
  const firstFullAgain = firstPartial + partialRounds;
  roundConstants.forEach((constant, round) => {
    state = state.map((x) => (x + constant) % FIELD_PRIME);
    const full = round < firstPartial || round >= firstFullAgain;
    state = state.map((x, i) => (full || i === 0 ? powerMod(x, SBOX_EXPONENT) : x));
    state = matrix.map((row) => row.reduce((sum, m, j) => sum + m * state[j]!, 0n) % FIELD_PRIME);
  });
  return state[0]!;
}
