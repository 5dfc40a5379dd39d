import { BASE_POINT, CURVE_ORDER, SUBGROUP_ORDER, checkSignatureEquation, isOnCurve, multiply, type Point } from './babyjub.js';
import { FIELD_PRIME } from './field.js';
import { EDDSA_POSEIDON, poseidon } from './poseidon.js';

/**
 * Loopring's layer-2 EdDSA over BabyJubJub with Poseidon (after ethsnarks' "Pure-EdDSA"):
 * a secret k, public key A = k·B; a signature on a field element M is a point R and a scalar s
 * with s·B = R + t·A, where t = Poseidon(R.x, R.y, A.x, A.y, M). The signer takes s modulo the
 * curve order, so s is accepted below it.
 */

export interface EddsaSignature {
  readonly R: Point;
  readonly s: bigint;
}

/** The public key of a layer-2 secret key (used for the demo keys and by tests). */
export function publicKeyOf(secret: bigint): Point {
  if (secret <= 0n || secret >= SUBGROUP_ORDER) throw new RangeError('a layer-2 secret key is from 1 to the subgroup order');
  return multiply(BASE_POINT, secret);
}

/** Verifies `signature` on `message` (a field element) under `publicKey`. Any malformed part is simply false. */
export function verifyEddsa(message: bigint, signature: EddsaSignature, publicKey: Point): boolean {
  const { R, s } = signature;
  if (message < 0n || message >= FIELD_PRIME || s < 0n || s >= CURVE_ORDER) return false;
  if (!isOnCurve(R) || !isOnCurve(publicKey)) return false;
  const t = poseidon([R.x, R.y, publicKey.x, publicKey.y, message], EDDSA_POSEIDON);
  return checkSignatureEquation(s, R, t, publicKey);
}
