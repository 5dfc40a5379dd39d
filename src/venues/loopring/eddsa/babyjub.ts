import { FIELD_PRIME, inverse, modulo } from './field.js';

/**
 * BabyJubJub, the twisted Edwards curve a·x² + y² = 1 + d·x²·y² over the SNARK scalar field that
 * Loopring's layer-2 keys live on, with the base point Loopring (after ethsnarks) uses.
 *
 * Points are added in projective coordinates (x = X/Z, y = Y/Z) with the complete addition law
 * of Bernstein, Birkner, Joye, Lange and Peters, "Twisted Edwards Curves" (2008), §6: no
 * inversion until the end, and the same formula doubles. Nothing here is constant-time; it only
 * ever handles public values (public keys and signatures being verified).
 */

export const CURVE_A = 168700n;
export const CURVE_D = 168696n;
/** The number of points on the curve (cofactor 8 times the subgroup order). */
export const CURVE_ORDER = 21888242871839275222246405745257275088614511777268538073601725287587578984328n;
/** The order of the subgroup the base point generates. */
export const SUBGROUP_ORDER = CURVE_ORDER / 8n;

export interface Point {
  readonly x: bigint;
  readonly y: bigint;
}

export const BASE_POINT: Point = {
  x: 16540640123574156134436876038791482806971768689494387082833631921987005038935n,
  y: 20819045374670962167435360035096875258406992893633759881276124905556507972311n,
};

interface Projective {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
}

const IDENTITY: Projective = { X: 0n, Y: 1n, Z: 1n };
const p = FIELD_PRIME;

/** True when both coordinates are field elements and the point satisfies the curve equation. */
export function isOnCurve(point: Point): boolean {
  const { x, y } = point;
  if (x < 0n || y < 0n || x >= p || y >= p) return false;
  const xx = (x * x) % p;
  const yy = (y * y) % p;
  return modulo(CURVE_A * xx + yy - 1n - ((CURVE_D * xx) % p) * yy) === 0n;
}

function add(P: Projective, Q: Projective): Projective {
  const A = (P.Z * Q.Z) % p;
  const B = (A * A) % p;
  const C = (P.X * Q.X) % p;
  const D = (P.Y * Q.Y) % p;
  const E = (((CURVE_D * C) % p) * D) % p;
  const F = modulo(B - E);
  const G = (B + E) % p;
  const cross = modulo((P.X + P.Y) * (Q.X + Q.Y) - C - D);
  return {
    X: (((A * F) % p) * cross) % p,
    Y: (((A * G) % p) * modulo(D - CURVE_A * C)) % p,
    Z: (F * G) % p,
  };
}

function multiplyProjective(point: Point, scalar: bigint): Projective {
  let result = IDENTITY;
  const P: Projective = { X: point.x, Y: point.y, Z: 1n };
  for (let bit = BigInt(scalar.toString(2).length - 1); bit >= 0n; bit--) {
    result = add(result, result);
    if ((scalar >> bit) & 1n) result = add(result, P);
  }
  return result;
}

function toAffine(P: Projective): Point {
  const zInverse = inverse(P.Z);
  return { x: (P.X * zInverse) % p, y: (P.Y * zInverse) % p };
}

/** `scalar · point`, for a non-negative scalar. */
export function multiply(point: Point, scalar: bigint): Point {
  if (scalar < 0n) throw new RangeError('the scalar must not be negative');
  return toAffine(multiplyProjective(point, scalar));
}

/** True when `s·B` equals `R + t·A`: the EdDSA verification equation, compared without leaving projective form. */
export function checkSignatureEquation(s: bigint, R: Point, t: bigint, A: Point): boolean {
  const left = multiplyProjective(BASE_POINT, s);
  const right = add({ X: R.x, Y: R.y, Z: 1n }, multiplyProjective(A, t));
  return (left.X * right.Z - right.X * left.Z) % p === 0n && (left.Y * right.Z - right.Y * left.Z) % p === 0n;
}
