import assert from 'node:assert/strict';
import { venueSettingNames } from '../../src/server/venue-port.js';
import type { HttpHarness, HttpRequest, HttpResponse } from './http-harness.js';
import { ASSETS } from './bullish-client.js';

/**
 * What the Bullish HTTP tests share (test/venues/bullish.{session,accounts,public}.test.ts): the
 * demo's trading account ids, the wire shapes, the answer check, and a snapshot of everything a
 * Bullish request could write, to prove that a refused one wrote nothing.
 */

export const ALICE_MAIN = '111000000000001';
export const ALICE_GRID = '111000000000002';
export const ALICE_EMPTY = '111000000000004';
export const BOB_MAIN = '111000000000011';
export const NOBODY = '111999999999999';

export interface ErrorBody {
  message: string;
  errorCode: number;
  errorCodeName: string;
  raw: null;
}

export interface AssetAccount {
  tradingAccountId: string;
  assetId: string;
  assetSymbol: string;
  availableQuantity: string;
  borrowedQuantity: string;
  lockedQuantity: string;
  loanedQuantity: string;
  updatedAtDatetime: string;
  updatedAtTimestamp: string;
}

export const get = (path: string, token: string | null, headers: Record<string, string> = {}): HttpRequest => ({ method: 'GET', path, token, headers });
export const assets = (tradingAccountId: string, extra = '') => `${ASSETS}?tradingAccountId=${tradingAccountId}${extra}`;

/** Asserts status and, for refusals, Bullish's error body with that code. */
export function expectAnswer(response: HttpResponse, status: number, errorCode?: number, what = ''): void {
  assert.equal(response.status, status, `${what}: status (body ${response.text})`);
  if (errorCode === undefined) return;
  const body = response.body as ErrorBody;
  assert.equal(body.errorCode, errorCode, `${what}: errorCode (body ${response.text})`);
  assert.equal(typeof body.errorCodeName, 'string', what);
  assert.equal(typeof body.message, 'string', what);
  assert.equal(body.raw, null, what);
  assert.doesNotMatch(response.text, /at .*\.(ts|js):\d+/, `${what}: no stack trace`);
}

/** A JWT with these header and payload parts and this signature part, base64url-encoded. */
export function rawJwt(header: object, payload: object, signature: string): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(payload)}.${signature}`;
}

/**
 * Everything a Bullish request can write to the store: journal entries (by key), credentials, the
 * token signing key, and each user's logout record (the session ids it revokes, and its cut-off).
 */
export interface StoreWrites {
  readonly journal: readonly string[];
  readonly credentials: string;
  readonly signingKey: string | undefined;
  readonly revocations: Readonly<Record<string, { readonly notBeforeS: number; readonly sessions: readonly string[] } | null>>;
}

export async function snapshotWrites(h: HttpHarness): Promise<StoreWrites> {
  const { store } = h.runtime;
  const names = venueSettingNames('bullish');
  const revocations: Record<string, { notBeforeS: number; sessions: string[] } | null> = {};
  for (const user of await store.listUsers()) {
    const text = await store.getSetting(names.revocations(user.id));
    const parsed = text === undefined ? null : (JSON.parse(text) as { notBeforeS: number; revoked: Record<string, number> });
    revocations[user.name] = parsed && { notBeforeS: parsed.notBeforeS, sessions: Object.keys(parsed.revoked).sort() };
  }
  return {
    journal: (await store.listJournal(0, 10_000)).entries.map((e) => e.key),
    credentials: JSON.stringify(await store.listCredentials()),
    signingKey: await store.getSetting(names.signingKey),
    revocations,
  };
}
