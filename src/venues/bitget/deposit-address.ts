import { createHash } from 'node:crypto';

/**
 * Deposit addresses: made up, but each one stable and only its own account's. The bytes of an
 * address are a keyed hash (the keyring's, `Keyring.hash`) of the account's uid, the coin and the
 * chain, so the same request always gets the same address, two accounts (or coins, or chains)
 * never share one, and nobody without the server's secret key can work out another account's.
 * Each is written in its chain's own form, so that a client's address checks pass.
 */

/** How a chain writes its addresses. */
export type AddressFamily = 'evm' | 'tron' | 'bitcoin' | 'dogecoin' | 'solana' | 'xrp';

/** What the keyed hash is taken over: one line per account, coin and chain (versioned, so a change of form is a new line). */
export function addressSeed(uid: string, coin: string, chain: string): string {
  return `bitget/deposit-address/v1\n${uid}\n${coin}\n${chain.toUpperCase()}`;
}

const BITCOIN_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const RIPPLE_ALPHABET = 'rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz';

/** Base58 of `bytes` in `alphabet`, a leading zero byte as the alphabet's first letter. */
export function base58(bytes: Uint8Array, alphabet = BITCOIN_ALPHABET): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  while (n > 0n) {
    out = alphabet[Number(n % 58n)]! + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = alphabet[0]! + out;
  }
  return out;
}

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** Base58Check: a version byte, the payload, and the first four bytes of its double SHA-256. */
export function base58check(version: number, payload: Uint8Array, alphabet = BITCOIN_ALPHABET): string {
  const body = Buffer.concat([Buffer.from([version]), payload]);
  return base58(Buffer.concat([body, sha256(sha256(body)).subarray(0, 4)]), alphabet);
}

/**
 * An address of `family` from 32 hashed bytes: EVM `0x` + 20 bytes in hex (lower case, valid
 * without a checksum), Tron `T…` (Base58Check, version 0x41), Bitcoin `1…` (P2PKH, version 0),
 * Dogecoin `D…` (version 0x1e), Solana 32 bytes in Base58, XRP `r…` (Base58Check in XRP's alphabet).
 */
export function formatAddress(family: AddressFamily, hashed: Buffer): string {
  const twenty = hashed.subarray(0, 20);
  switch (family) {
    case 'evm':
      return `0x${twenty.toString('hex')}`;
    case 'tron':
      return base58check(0x41, twenty);
    case 'bitcoin':
      return base58check(0x00, twenty);
    case 'dogecoin':
      return base58check(0x1e, twenty);
    case 'solana':
      return base58(hashed.subarray(0, 32));
    case 'xrp':
      return base58check(0x00, twenty, RIPPLE_ALPHABET);
  }
}

/** A destination tag from the hash's last four bytes: 1 to 4,294,967,295, as XRP's are. */
export function formatTag(hashed: Buffer): string {
  return String(hashed.readUInt32BE(28) || 1);
}
