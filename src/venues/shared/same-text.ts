/**
 * Whether two strings are equal, in time that depends on their length and not on where they
 * differ: for a secret compared with what a client presented (a signature, a passphrase), so
 * that the answer's timing does not tell how much of a guess was right. Like `timingSafeEqual`,
 * but on text already at hand, with no Buffer made per request. A different length answers at once,
 * as it does for `timingSafeEqual`'s callers: the length of a signature or a passphrase is no secret.
 */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
