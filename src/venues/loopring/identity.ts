import { Type } from '@sinclair/typebox';
import { derivedAddress } from '../../ledger/catalog.js';
import { LedgerError } from '../../ledger/errors.js';
import type { Account, Asset } from '../../ledger/types.js';
import type { VenueIdentity } from '../../ledger/venue-facts.js';
import { factOf, highestAssetFact, integerFact, jsonFact, textFact } from '../shared/facts.js';

/**
 * What Loopring knows assets and accounts by: a token id, the token's layer-1 address and
 * decimals; each account's layer-2 account id and owner address (both unique), and its layer-2
 * EdDSA public key once registered (the one fact that may change).
 */
export const LOOPRING = 'loopring' as const;

const ETH_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const FIELD_ELEMENT = /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/;
const INT32_MAX = 2 ** 31 - 1;

export interface LoopringPublicKey {
  readonly x: string;
  readonly y: string;
}

const FieldElement = Type.String({ pattern: FIELD_ELEMENT.source, description: 'A field element: 0x-hex or decimal', 'x-invalid': 'must be a field element: 0x and 1 to 64 hex digits, or 1 to 78 decimal digits' });

function checkPublicKey(value: unknown, path: string): LoopringPublicKey {
  const key = value as Partial<Record<string, unknown>> | null;
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    throw new LedgerError('INVALID_ARGUMENT', `${path} must be an object with x and y`, path);
  }
  const unknown = Object.keys(key).find((k) => k !== 'x' && k !== 'y');
  if (unknown !== undefined) throw new LedgerError('INVALID_ARGUMENT', `${path}/${unknown} is not a field of a public key; it takes x, y`, `${path}/${unknown}`);
  for (const part of ['x', 'y'] as const) {
    const text = key[part];
    if (typeof text !== 'string' || !FIELD_ELEMENT.test(text)) {
      throw new LedgerError('INVALID_ARGUMENT', `${path}/${part} must be a field element (0x-hex or decimal)`, `${path}/${part}`);
    }
  }
  return { x: key.x as string, y: key.y as string };
}

export const loopringIdentity: VenueIdentity = {
  venue: LOOPRING,
  asset: [
    integerFact({
      name: 'tokenId',
      unique: true,
      min: 0,
      max: INT32_MAX,
      description: 'The Loopring token id (default: 0 for the first asset, else one more than the highest taken)',
      generate: (ctx) => String(1 + highestAssetFact(ctx, LOOPRING, 'tokenId', -1) + ctx.attempt),
    }),
    textFact({
      name: 'address',
      unique: false,
      pattern: ETH_ADDRESS,
      maxLength: 42,
      lowerCase: true,
      what: 'a 0x-prefixed 20-byte hex address',
      description: "The token's layer-1 address (default: one derived from the symbol)",
      generate: (ctx) => derivedAddress(`token:${ctx.asset!.symbol}`),
    }),
    integerFact({ name: 'decimals', unique: false, min: 0, max: 36, description: 'Decimals of the token (default: the scale)', generate: (ctx) => String(ctx.asset!.scale) }),
  ],
  user: [],
  account: [
    integerFact({
      name: 'accountId',
      unique: true,
      min: 1,
      max: INT32_MAX,
      description: 'The layer-2 account id (default: 10000 + account id, stepping past taken ones)',
      generate: (ctx) => String(10_000 + ctx.id + ctx.attempt),
    }),
    textFact({
      name: 'address',
      unique: true,
      pattern: ETH_ADDRESS,
      maxLength: 42,
      lowerCase: true,
      what: 'a 0x-prefixed 20-byte hex address',
      description: "The account's owner address (default: one derived from the account id)",
      generate: (ctx) => derivedAddress(ctx.attempt === 0 ? `account:${ctx.id}` : `account:${ctx.id}:${ctx.attempt}`),
    }),
    jsonFact({
      name: 'publicKey',
      mutable: true,
      schema: Type.Object({ x: FieldElement, y: FieldElement }, { additionalProperties: false }),
      description: "The account's layer-2 (EdDSA) public key, as the SDK's key pair gives it; absent until registered",
      check: checkPublicKey,
    }),
  ],
};

export const tokenIdOf = (asset: Asset): number => Number(factOf(asset, LOOPRING, 'tokenId') ?? -1);
export const tokenAddressOf = (asset: Asset): string => factOf(asset, LOOPRING, 'address') ?? '';
export const decimalsOf = (asset: Asset): number => Number(factOf(asset, LOOPRING, 'decimals') ?? asset.scale);
export const accountIdOf = (account: Account): number => Number(factOf(account, LOOPRING, 'accountId') ?? 0);
export const ownerOf = (account: Account): string => factOf(account, LOOPRING, 'address') ?? '';
export function layer2KeyOf(account: Account): LoopringPublicKey | null {
  const text = factOf(account, LOOPRING, 'publicKey');
  return text === undefined ? null : (JSON.parse(text) as LoopringPublicKey);
}
