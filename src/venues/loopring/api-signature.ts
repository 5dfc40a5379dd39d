import { createHash } from 'node:crypto';
import type { Point } from './eddsa/babyjub.js';
import { verifyEddsa, type EddsaSignature } from './eddsa/eddsa.js';
import { FIELD_PRIME } from './eddsa/field.js';

/**
 * The `X-API-SIG` request signature of Loopring's EdDSA-signed GET endpoints (here `/api/v3/apiKey`).
 *
 * The client signs `METHOD&<url>&<params>`, where <url> is encodeURIComponent(base URL + path)
 * and <params> is encodeURIComponent of the query's non-empty parameters sorted by name and
 * joined as `k=v&...`, with `%2C` written `%252C`. The base URL is the client's own, so the
 * server rebuilds it from the scheme and the Host header it was reached by. The message is
 * hashed with SHA-256, reduced modulo the field prime, and signed with the account's layer-2 key.
 * The header is `0x` + R.x + R.y + s, each 64 hex digits.
 */

/** The schemes a client may have used to reach us: plain HTTP, or HTTPS through a terminating proxy. */
export const SIGNED_SCHEMES = ['http', 'https'] as const;
export type SignedScheme = (typeof SIGNED_SCHEMES)[number];

const SIGNATURE = /^0x([0-9a-fA-F]{64})([0-9a-fA-F]{64})([0-9a-fA-F]{64})$/;

export interface SignedRequest {
  readonly method: string;
  /** The Host header as received (host and port). */
  readonly host: string;
  /** The request path without its query, as received. */
  readonly path: string;
  /** The decoded query parameters. */
  readonly params: Readonly<Record<string, string>>;
  /** The scheme the request reached this server by (Fastify's `request.protocol`): tried first. */
  readonly scheme?: string;
}

/**
 * The parameter part of the signed message, ordered as the SDK orders it: names sorted with
 * `localeCompare`, then put through an object, which moves integer-like names (`"7"`) to the
 * front in numeric order. Empty values are left out.
 */
export function encodeSignedParams(params: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(params).sort((a, b) => a.localeCompare(b));
  const ordered = Object.keys(Object.fromEntries(sorted.map((name) => [name, params[name]])));
  const pairs = ordered.filter((name) => params[name] !== '').map((name) => `${name}=${params[name]}`);
  return encodeURIComponent(pairs.join('&')).replace(/%2C/g, '%252C');
}

/** The message a client reaching us over `scheme` signed for this request. */
export function buildSignedMessage(request: SignedRequest, scheme: string): string {
  const url = encodeURIComponent(`${scheme}://${request.host}${request.path}`);
  return `${request.method.toUpperCase()}&${url}&${encodeSignedParams(request.params)}`;
}

/** SHA-256 of the message, as an integer modulo the field prime: what the key signs. */
export function hashMessage(message: string): bigint {
  return BigInt(`0x${createHash('sha256').update(message, 'utf8').digest('hex')}`) % FIELD_PRIME;
}

/** Reads an `X-API-SIG` value; null when it is not 0x and 192 hex digits. */
export function parseApiSignature(header: string): EddsaSignature | null {
  const match = SIGNATURE.exec(header);
  if (!match) return null;
  return { R: { x: BigInt(`0x${match[1]}`), y: BigInt(`0x${match[2]}`) }, s: BigInt(`0x${match[3]}`) };
}

/**
 * True when `header` is a valid signature of this request, over any scheme we may have been
 * reached by, under `publicKey`. The scheme the request arrived by is tried first: a verification
 * takes milliseconds, and a client behind no proxy signs the scheme it uses.
 */
export function verifyApiSignature(request: SignedRequest, header: string, publicKey: Point): boolean {
  const signature = parseApiSignature(header);
  if (!signature) return false;
  return schemesToTry(request.scheme).some((scheme) => verifyEddsa(hashMessage(buildSignedMessage(request, scheme)), signature, publicKey));
}

/** Every scheme in `SIGNED_SCHEMES`, the request's own first. */
export function schemesToTry(scheme: string | undefined): readonly SignedScheme[] {
  const own = SIGNED_SCHEMES.find((s) => s === scheme);
  return own === undefined ? SIGNED_SCHEMES : [own, ...SIGNED_SCHEMES.filter((s) => s !== own)];
}
