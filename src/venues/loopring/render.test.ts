import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BUCKETS, type Account, type Asset, type Bucket } from '../../ledger/types.js';
import { EXCHANGE_ADDRESS, renderAccount, renderBalanceRow, isEmptyRow, toTokenUnits, renderToken } from './render.js';

const ETH: Asset = {
  symbol: 'ETH',
  name: 'Ether',
  scale: 18,
  venues: { bullish: { assetId: '2', precision: '8' }, loopring: { tokenId: '0', address: `0x${'0'.repeat(40)}`, decimals: '18' } },
};

/** ETH with some of its Loopring facts replaced. */
const withLoopring = (facts: Record<string, string>): Asset => ({ ...ETH, venues: { ...ETH.venues, loopring: { ...ETH.venues.loopring, ...facts } } });

function amounts(values: Partial<Record<Bucket, bigint>>): Record<Bucket, bigint> {
  return Object.fromEntries(BUCKETS.map((b) => [b, values[b] ?? 0n])) as Record<Bucket, bigint>;
}

test('each bucket lands where docs/venues/loopring.md says: total = available + locked, locked = held + locked + restricted + loaned + pending withdrawal', () => {
  const cases: [Bucket, { total: string; locked: string; withdraw: string; deposit: string }][] = [
    ['available', { total: '1', locked: '0', withdraw: '0', deposit: '0' }],
    ['held', { total: '1', locked: '1', withdraw: '0', deposit: '0' }],
    ['locked', { total: '1', locked: '1', withdraw: '0', deposit: '0' }],
    ['restricted', { total: '1', locked: '1', withdraw: '0', deposit: '0' }],
    ['loaned', { total: '1', locked: '1', withdraw: '0', deposit: '0' }],
    ['pendingWithdrawal', { total: '1', locked: '1', withdraw: '1', deposit: '0' }],
    ['pendingDeposit', { total: '0', locked: '0', withdraw: '0', deposit: '1' }],
    ['borrowed', { total: '0', locked: '0', withdraw: '0', deposit: '0' }],
  ];
  for (const [bucket, expected] of cases) {
    const row = renderBalanceRow(10010, ETH, amounts({ [bucket]: 1n }));
    assert.deepEqual(
      { total: row.total, locked: row.locked, withdraw: row.pending.withdraw, deposit: row.pending.deposit },
      expected,
      bucket,
    );
  }
});

test('a row carries the account and token ids as numbers and exact base-unit strings past 2^64', () => {
  const huge = 123456789012123456789012345678n;
  assert.deepEqual(renderBalanceRow(10010, ETH, amounts({ available: huge, held: 2n, pendingDeposit: 5n })), {
    accountId: 10010,
    tokenId: 0,
    total: (huge + 2n).toString(),
    locked: '2',
    pending: { withdraw: '0', deposit: '5' },
  });
});

test('a token not held is a zero row, and a row of zeros counts as empty (pending amounts make it not empty)', () => {
  const zero = renderBalanceRow(1, ETH, undefined);
  assert.deepEqual(zero, { accountId: 1, tokenId: 0, total: '0', locked: '0', pending: { withdraw: '0', deposit: '0' } });
  assert.equal(isEmptyRow(zero), true);
  assert.equal(isEmptyRow(renderBalanceRow(1, ETH, amounts({ borrowed: 9n }))), true, 'a debt alone shows nothing');
  assert.equal(isEmptyRow(renderBalanceRow(1, ETH, amounts({ pendingDeposit: 1n }))), false);
});

test("amounts move from the ledger's scale to the token's decimals, cutting toward zero", () => {
  assert.equal(toTokenUnits(15n, 1, 1), 15n);
  assert.equal(toTokenUnits(15n, 1, 3), 1500n);
  assert.equal(toTokenUnits(1599n, 3, 1), 15n);
  const sixDecimals = withLoopring({ decimals: '6' });
  assert.equal(renderBalanceRow(1, sixDecimals, amounts({ available: 1_999_999_999_999n })).total, '1');
});

test('a token has every field the SDK reads, with symbol and address as strings', () => {
  const info = renderToken(ETH);
  assert.equal(info.type, 'ETH');
  assert.equal(renderToken(withLoopring({ address: `0x${'a'.repeat(40)}` })).type, 'ERC20');
  assert.deepEqual(
    { tokenId: info.tokenId, symbol: info.symbol, name: info.name, address: info.address, decimals: info.decimals, precision: info.precision },
    { tokenId: 0, symbol: 'ETH', name: 'Ether', address: `0x${'0'.repeat(40)}`, decimals: 18, precision: 8 },
  );
  assert.equal(info.orderAmounts.minimum, '10000000000', 'one unit of the display precision');
  assert.equal(renderToken(withLoopring({ decimals: '0' })).orderAmounts.minimum, '1');
});

test('an account shows its layer-2 key as 0x and 64 hex digits, or empty fields without one', () => {
  const base: Account = {
    id: 1, userId: 1, kind: 'main', label: 'main', venues: { loopring: { accountId: '10010', address: `0x${'1'.repeat(40)}` } }, createdAtMs: 0,
  };
  assert.deepEqual(renderAccount(base), {
    accountId: 10010, owner: `0x${'1'.repeat(40)}`, frozen: false, publicKey: { x: '', y: '' }, tags: '', nonce: 0, keyNonce: 0, keySeed: '',
  });
  const keyed = renderAccount({ ...base, venues: { loopring: { ...base.venues.loopring, publicKey: JSON.stringify({ x: '0xAB', y: '255' }) } } });
  assert.deepEqual(keyed.publicKey, { x: `0x${'0'.repeat(62)}ab`, y: `0x${'0'.repeat(62)}ff` });
  assert.equal(keyed.nonce, 1);
  assert.equal(keyed.keySeed, `Sign this message to access Loopring Exchange: ${EXCHANGE_ADDRESS} with key nonce: 0`);
  // Pinned: a wallet's signature of the seed derives the layer-2 key, and the doc prints the address.
  assert.equal(EXCHANGE_ADDRESS, '0xb3ab60a478c51daba14b63147b33a3b29b5afda4');
  assert.ok(readFileSync(new URL('../../../docs/venues/loopring.md', import.meta.url), 'utf8').includes(EXCHANGE_ADDRESS), 'the doc names this address');
});
