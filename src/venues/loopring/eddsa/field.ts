/**
 * Arithmetic in the SNARK scalar field (the BN254 curve's group order), the base field of
 * BabyJubJub and the field Loopring's Poseidon hash works in.
 */

/** The field's prime. */
export const FIELD_PRIME = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** `x mod m`, always in [0, m). */
export function modulo(x: bigint, m: bigint = FIELD_PRIME): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/** `base^exponent mod m`, by square-and-multiply. */
export function powerMod(base: bigint, exponent: bigint, m: bigint = FIELD_PRIME): bigint {
  let result = 1n;
  let b = modulo(base, m);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/** The multiplicative inverse of a non-zero `x` modulo the prime `m` (extended Euclid). */
export function inverse(x: bigint, m: bigint = FIELD_PRIME): bigint {
  let [oldR, r] = [modulo(x, m), m];
  let [oldS, s] = [1n, 0n];
  if (oldR === 0n) throw new RangeError('zero has no inverse');
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return modulo(oldS, m);
}

/** Reads a field element written as 0x-hex or decimal digits; null when malformed or not below the prime. */
export function parseFieldElement(text: string): bigint | null {
  if (!/^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(text)) return null;
  const value = BigInt(text);
  return value < FIELD_PRIME ? value : null;
}

/** A field element as the venue writes keys: 0x and 64 lower-case hex digits. */
export function formatFieldElement(value: bigint): string {
  return `0x${value.toString(16).padStart(64, '0')}`;
}
