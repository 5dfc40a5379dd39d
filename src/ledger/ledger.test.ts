import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { bucketsOf, freshKey, makeWorld, type World } from '../../test/support/fixtures.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { LedgerError, type LedgerErrorCode } from './errors.js';
import { BATCH_SIZE_MAX, Ledger } from './ledger.js';
import { OPERATION_TYPES, pendingView, type OperationRequest } from './operations.js';
import { SYSTEM_ACCOUNT, type JournalEntry } from './types.js';

/* ------------------------------------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------------------------------- */

/** Every operation type some test below applied successfully; the last test checks it is all of them. */
const covered = new Set<string>();

async function applyOk(ledger: Ledger, request: OperationRequest) {
  const result = await ledger.apply(request);
  assert.equal(result.replayed, false, `${request.type} ${request.key} was applied fresh`);
  assert.equal(result.entry.key, request.key);
  assert.equal(result.entry.type, request.type);
  covered.add(request.type);
  return result;
}

/** The system books (account 0) of one asset, zero books left out, as decimal base-unit strings. */
async function systemBooks(ledger: Ledger, asset: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const b of await ledger.store.readBalances(SYSTEM_ACCOUNT)) {
    if (b.asset === asset && b.amount !== 0n) out[b.bucket] = b.amount.toString();
  }
  return out;
}

async function assertVerified(ledger: Ledger): Promise<void> {
  const report = await ledger.verify();
  assert.deepEqual(report.mismatches, []);
  assert.equal(report.ok, true);
}

/** Everything a refused operation must leave alone: every balance row and the whole journal. */
async function snapshot(ledger: Ledger) {
  const balances: string[] = [];
  for await (const row of ledger.store.scanBalances()) {
    balances.push(`${row.account}/${row.asset}/${row.bucket}=${row.amount}@${row.atMs}`);
  }
  const journal = await ledger.journal(0, 500);
  return { balances, journal: journal.entries.map((e) => `${e.id}:${e.key}`), more: journal.next };
}

function isRefusal(code: LedgerErrorCode, path?: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof LedgerError, `expected a LedgerError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (path !== undefined) assert.equal(error.path, path);
    return true;
  };
}

/**
 * Applies `request`, expects the refusal `code` (at `path` when given), and checks that nothing
 * was written: balances and journal as before, the key unused, the books still verify.
 */
async function expectRefused(ledger: Ledger, request: OperationRequest, code: LedgerErrorCode, path?: string): Promise<void> {
  const before = await snapshot(ledger);
  await assert.rejects(ledger.apply(request), isRefusal(code, path));
  assert.deepEqual(await snapshot(ledger), before, 'a refused operation writes nothing');
  if (typeof request.key === 'string' && request.key.length > 0) {
    assert.equal(await ledger.store.getOperation(request.key), undefined, 'a refused operation does not take its key');
  }
  await assertVerified(ledger);
}

/** The fields a `JournalEntry` declares, and only those. */
const entryFields = (e: JournalEntry) => ({ id: e.id, key: e.key, type: e.type, atMs: e.atMs, request: e.request, postings: e.postings });

/** A request whose fields the type system would not allow: what a careless client may send. */
const raw = (fields: Record<string, unknown>): OperationRequest => fields as unknown as OperationRequest;

const deposit = (account: number, asset: string, amount: string): OperationRequest => ({
  type: 'deposit',
  key: freshKey('dep'),
  account,
  asset,
  amount,
});

/** A world where alice has 10 BTC and 1000 USDT available and bob 5 BTC and 50000 USDT. */
async function fundedWorld(): Promise<World> {
  const w = await makeWorld();
  await applyOk(w.ledger, deposit(w.alice.id, 'BTC', '10'));
  await applyOk(w.ledger, deposit(w.alice.id, 'USDT', '1000'));
  await applyOk(w.ledger, deposit(w.bob.id, 'BTC', '5'));
  await applyOk(w.ledger, deposit(w.bob.id, 'USDT', '50000'));
  return w;
}

/** The operations that settle a pending, and the kind of pending each settles. */
const SETTLES = [
  ['deposit.confirm', 'deposit'],
  ['deposit.cancel', 'deposit'],
  ['withdrawal.complete', 'withdrawal'],
  ['withdrawal.cancel', 'withdrawal'],
] as const;

const tempDir = mkdtempSync(join(tmpdir(), 'assetbook-ledger-test-'));
after(() => rmSync(tempDir, { recursive: true, force: true }));

/* ------------------------------------------------------------------------------------------------
 * Every operation type and the books it moves
 * --------------------------------------------------------------------------------------------- */

test('a deposit credits available and debits the world book, with the amount normalized', async () => {
  const { ledger, alice } = await makeWorld();
  const { entry } = await applyOk(ledger, { type: 'deposit', key: 'd1', account: alice.id, asset: 'BTC', amount: '1.50000000' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '150000000' });
  assert.deepEqual(await systemBooks(ledger, 'BTC'), { world: '-150000000' });
  assert.deepEqual(entry.request, { account: alice.id, asset: 'BTC', amount: '1.5' });
  assert.deepEqual(
    entry.postings.map((p) => [p.account, p.bucket, p.asset, p.amount]),
    [
      [SYSTEM_ACCOUNT, 'world', 'BTC', -150000000n],
      [alice.id, 'available', 'BTC', 150000000n],
    ],
  );
  const stored = (await ledger.store.getOperation('d1'))?.entry;
  assert.ok(stored);
  assert.deepEqual(entryFields(stored), entryFields(entry), 'the stored entry is the returned one');
  await assertVerified(ledger);
});

test('a pending deposit shows in pendingDeposit and moves to available on confirm', async () => {
  const { ledger, alice } = await makeWorld();
  await applyOk(ledger, { type: 'deposit.pending', key: 'dp1', account: alice.id, asset: 'ETH', amount: '2' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'ETH'), { pendingDeposit: '2000000000000000000' });
  assert.deepEqual(await systemBooks(ledger, 'ETH'), { world: '-2000000000000000000' });
  const pending = pendingView(await ledger.store.getReservation('dp1'));
  assert.equal(pending?.state, 'open');
  assert.equal(pending?.kind, 'deposit');
  assert.equal(pending?.amount, 2_000_000_000_000_000_000n);
  await applyOk(ledger, { type: 'deposit.confirm', key: 'dc1', pending: 'dp1' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'ETH'), { available: '2000000000000000000' });
  assert.deepEqual(await systemBooks(ledger, 'ETH'), { world: '-2000000000000000000' });
  assert.equal((pendingView(await ledger.store.getReservation('dp1')))?.state, 'confirmed');
  await assertVerified(ledger);
});

test('a cancelled pending deposit leaves pendingDeposit and goes back to the world book', async () => {
  const { ledger, alice } = await makeWorld();
  await applyOk(ledger, { type: 'deposit.pending', key: 'dp1', account: alice.id, asset: 'USDT', amount: '7.25' });
  await applyOk(ledger, { type: 'deposit.cancel', key: 'dx1', pending: 'dp1' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), {});
  assert.deepEqual(await systemBooks(ledger, 'USDT'), {});
  assert.equal((pendingView(await ledger.store.getReservation('dp1')))?.state, 'cancelled');
  await assertVerified(ledger);
});

test('a withdrawal request without fee moves the amount to pendingWithdrawal; complete sends it to the world book', async () => {
  const { ledger, alice } = await fundedWorld();
  const { entry } = await applyOk(ledger, { type: 'withdrawal.request', key: 'w1', account: alice.id, asset: 'BTC', amount: '3' });
  assert.deepEqual(entry.request, { account: alice.id, asset: 'BTC', amount: '3', fee: '0' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '700000000', pendingWithdrawal: '300000000' });
  const pending = pendingView(await ledger.store.getReservation('w1'));
  assert.equal(pending?.kind, 'withdrawal');
  assert.equal(pending?.fee, 0n);
  const done = await applyOk(ledger, { type: 'withdrawal.complete', key: 'wc1', pending: 'w1' });
  assert.equal(done.entry.postings.length, 2, 'no zero fee posting');
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '700000000' });
  // world was -15 BTC after funding; 3 BTC went back out.
  assert.deepEqual(await systemBooks(ledger, 'BTC'), { world: '-1200000000' });
  assert.equal((pendingView(await ledger.store.getReservation('w1')))?.state, 'completed');
  await assertVerified(ledger);
});

test('a withdrawal request with a fee reserves amount plus fee; complete sends the amount to the world and the fee to the fees book', async () => {
  const { ledger, alice } = await fundedWorld();
  const { entry } = await applyOk(ledger, {
    type: 'withdrawal.request',
    key: 'w1',
    account: alice.id,
    asset: 'USDT',
    amount: '100',
    fee: '1.5',
  });
  assert.deepEqual(entry.request, { account: alice.id, asset: 'USDT', amount: '100', fee: '1.5' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), { available: '898500000', pendingWithdrawal: '101500000' });
  await applyOk(ledger, { type: 'withdrawal.complete', key: 'wc1', pending: 'w1' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), { available: '898500000' });
  // world was -51000 USDT after funding; 100 went out, 1.5 stayed as a fee.
  assert.deepEqual(await systemBooks(ledger, 'USDT'), { world: '-50900000000', fees: '1500000' });
  await assertVerified(ledger);
});

test('a fee of "0", in any spelling, on a withdrawal request means no fee', async () => {
  const { ledger, alice } = await fundedWorld();
  await applyOk(ledger, { type: 'withdrawal.request', key: 'w0', account: alice.id, asset: 'BTC', amount: '0.5', fee: '0' });
  await applyOk(ledger, { type: 'withdrawal.request', key: 'w00', account: alice.id, asset: 'BTC', amount: '0.5', fee: '0.00000000' });
  assert.equal((pendingView(await ledger.store.getReservation('w0')))?.fee, 0n);
  assert.equal((pendingView(await ledger.store.getReservation('w00')))?.fee, 0n);
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '900000000', pendingWithdrawal: '100000000' });
  await assertVerified(ledger);
});

test('a cancelled withdrawal returns amount and fee to available and touches no system book', async () => {
  const { ledger, alice } = await fundedWorld();
  const systemBefore = await systemBooks(ledger, 'USDT');
  await applyOk(ledger, { type: 'withdrawal.request', key: 'w1', account: alice.id, asset: 'USDT', amount: '10', fee: '0.5' });
  await applyOk(ledger, { type: 'withdrawal.cancel', key: 'wx1', pending: 'w1' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), { available: '1000000000' });
  assert.deepEqual(await systemBooks(ledger, 'USDT'), systemBefore);
  assert.equal((pendingView(await ledger.store.getReservation('w1')))?.state, 'cancelled');
  await assertVerified(ledger);
});

for (const [to, from, bucket] of [
  ['hold', 'release', 'held'],
  ['lock', 'unlock', 'locked'],
  ['restrict', 'unrestrict', 'restricted'],
  ['lend', 'recall', 'loaned'],
] as const) {
  test(`${to} moves available to ${bucket} and ${from} moves it back, touching no system book`, async () => {
    const { ledger, alice } = await fundedWorld();
    const systemBefore = await systemBooks(ledger, 'BTC');
    await applyOk(ledger, { type: to, key: freshKey(to), account: alice.id, asset: 'BTC', amount: '4' });
    assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '600000000', [bucket]: '400000000' });
    await applyOk(ledger, { type: from, key: freshKey(from), account: alice.id, asset: 'BTC', amount: '1.25' });
    assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '725000000', [bucket]: '275000000' });
    await applyOk(ledger, { type: from, key: freshKey(from), account: alice.id, asset: 'BTC', amount: '2.75' });
    assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '1000000000' });
    assert.deepEqual(await systemBooks(ledger, 'BTC'), systemBefore);
    await assertVerified(ledger);
  });
}

test('borrow credits available and borrowed against the pool and debt books; repay reverses it', async () => {
  const { ledger, bob } = await makeWorld();
  await applyOk(ledger, { type: 'borrow', key: 'b1', account: bob.id, asset: 'ETH', amount: '3' });
  const three = '3000000000000000000';
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'ETH'), { available: three, borrowed: three });
  assert.deepEqual(await systemBooks(ledger, 'ETH'), { pool: `-${three}`, debt: `-${three}` });
  await applyOk(ledger, { type: 'repay', key: 'r1', account: bob.id, asset: 'ETH', amount: '1' });
  const two = '2000000000000000000';
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'ETH'), { available: two, borrowed: two });
  assert.deepEqual(await systemBooks(ledger, 'ETH'), { pool: `-${two}`, debt: `-${two}` });
  await applyOk(ledger, { type: 'repay', key: 'r2', account: bob.id, asset: 'ETH', amount: '2' });
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'ETH'), {});
  assert.deepEqual(await systemBooks(ledger, 'ETH'), {});
  await assertVerified(ledger);
});

test('transfer moves available from one account to another, a sub-account included', async () => {
  const { ledger, alice, aliceSub, bob } = await fundedWorld();
  const systemBefore = await systemBooks(ledger, 'BTC');
  const { entry } = await applyOk(ledger, { type: 'transfer', key: 't1', from: alice.id, to: aliceSub.id, asset: 'BTC', amount: '2.5' });
  assert.deepEqual(entry.request, { from: alice.id, to: aliceSub.id, asset: 'BTC', amount: '2.5' });
  await applyOk(ledger, { type: 'transfer', key: 't2', from: aliceSub.id, to: bob.id, asset: 'BTC', amount: '0.5' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '750000000' });
  assert.deepEqual(await bucketsOf(ledger, aliceSub.id, 'BTC'), { available: '200000000' });
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'BTC'), { available: '550000000' });
  assert.deepEqual(await systemBooks(ledger, 'BTC'), systemBefore);
  await assertVerified(ledger);
});

test('a trade settles a leg from held and a leg from available at once, fees paid from the asset each side receives', async () => {
  const { ledger, alice, bob } = await makeWorld();
  await applyOk(ledger, deposit(alice.id, 'BTC', '2'));
  await applyOk(ledger, deposit(bob.id, 'USDT', '50000'));
  await applyOk(ledger, { type: 'hold', key: 'h1', account: alice.id, asset: 'BTC', amount: '1' });
  // Alice holds no USDT and bob no BTC before the trade: each fee can only come out of what the trade brings.
  const { entry } = await applyOk(ledger, {
    type: 'trade',
    key: 'tr1',
    legs: [
      { from: alice.id, to: bob.id, asset: 'BTC', amount: '1', fromBucket: 'held' },
      { from: bob.id, to: alice.id, asset: 'USDT', amount: '30000' },
    ],
    fees: [
      { account: alice.id, asset: 'USDT', amount: '30' },
      { account: bob.id, asset: 'BTC', amount: '0.001' },
    ],
  });
  assert.deepEqual(entry.request, {
    legs: [
      { from: alice.id, to: bob.id, asset: 'BTC', amount: '1', fromBucket: 'held' },
      { from: bob.id, to: alice.id, asset: 'USDT', amount: '30000', fromBucket: 'available' },
    ],
    fees: [
      { account: alice.id, asset: 'USDT', amount: '30' },
      { account: bob.id, asset: 'BTC', amount: '0.001' },
    ],
  });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '100000000' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), { available: '29970000000' });
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'BTC'), { available: '99900000' });
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'USDT'), { available: '20000000000' });
  assert.deepEqual(await systemBooks(ledger, 'BTC'), { world: '-200000000', fees: '100000' });
  assert.deepEqual(await systemBooks(ledger, 'USDT'), { world: '-50000000000', fees: '30000000' });
  await assertVerified(ledger);
});

test('a trade with both legs from available (the default) and no fees swaps the two amounts', async () => {
  const { ledger, alice, aliceSub, bob } = await fundedWorld();
  await applyOk(ledger, { type: 'transfer', key: freshKey('t'), from: alice.id, to: aliceSub.id, asset: 'BTC', amount: '1' });
  await applyOk(ledger, {
    type: 'trade',
    key: 'tr2',
    legs: [
      { from: aliceSub.id, to: bob.id, asset: 'BTC', amount: '0.4', fromBucket: 'available' },
      { from: bob.id, to: aliceSub.id, asset: 'USDT', amount: '12000' },
    ],
  });
  assert.deepEqual(await bucketsOf(ledger, aliceSub.id, 'BTC'), { available: '60000000' });
  assert.deepEqual(await bucketsOf(ledger, aliceSub.id, 'USDT'), { available: '12000000000' });
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'BTC'), { available: '540000000' });
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'USDT'), { available: '38000000000' });
  assert.deepEqual(await systemBooks(ledger, 'BTC'), { world: '-1500000000' });
  assert.deepEqual(await systemBooks(ledger, 'USDT'), { world: '-51000000000' });
  await assertVerified(ledger);
});

test('adjust with a reason adds a positive amount to any bucket against the adjustments book', async () => {
  const { ledger, alice } = await makeWorld();
  const { entry } = await applyOk(ledger, {
    type: 'adjust',
    key: 'a1',
    account: alice.id,
    asset: 'BTC',
    bucket: 'locked',
    amount: '0.5',
    reason: 'migrated from the old system',
  });
  assert.deepEqual(entry.request, {
    account: alice.id,
    asset: 'BTC',
    bucket: 'locked',
    amount: '0.5',
    reason: 'migrated from the old system',
  });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { locked: '50000000' });
  assert.deepEqual(await systemBooks(ledger, 'BTC'), { adjustments: '-50000000' });
  await assertVerified(ledger);
});

test('adjust with a negative amount takes from the bucket and credits the adjustments book', async () => {
  const { ledger, alice } = await fundedWorld();
  const { entry } = await applyOk(ledger, {
    type: 'adjust',
    key: 'a2',
    account: alice.id,
    asset: 'USDT',
    bucket: 'available',
    amount: '-0.000001',
    reason: 'rounding correction',
  });
  assert.equal(entry.request.amount, '-0.000001');
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), { available: '999999999' });
  assert.deepEqual(await systemBooks(ledger, 'USDT'), { world: '-51000000000', adjustments: '1' });
  await assertVerified(ledger);
});

/* ------------------------------------------------------------------------------------------------
 * Refusals of malformed requests
 * --------------------------------------------------------------------------------------------- */

test('an unknown operation type is refused with INVALID_ARGUMENT at type', async () => {
  const { ledger, alice } = await fundedWorld();
  for (const type of ['mint', 'Deposit', 'deposit.', '', 'withdrawal']) {
    await expectRefused(ledger, raw({ type, key: freshKey('type'), account: alice.id, asset: 'BTC', amount: '1' }), 'INVALID_ARGUMENT', 'type');
  }
  await expectRefused(ledger, raw({ key: freshKey('type'), account: alice.id, asset: 'BTC', amount: '1' }), 'INVALID_ARGUMENT', 'type');
});

test('ledger.apply checks an untyped request against the operation schema itself: the operator API\'s code, path and message', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  const answer = async (request: unknown) => {
    const error = await ledger.apply(request as OperationRequest).then(() => assert.fail('applied'), (e: unknown) => e as LedgerError);
    return { code: error.code, path: error.path, message: error.message };
  };
  assert.deepEqual(await answer({ type: 'deposit', key: freshKey('shape'), account: alice.id, asset: 'BTC', amount: '1', reservation: 'r1' }), {
    code: 'INVALID_ARGUMENT',
    path: 'reservation',
    message: 'reservation is not a field of a deposit operation; it takes key, type, account, asset, amount, fee, chain, address, tag, txHash',
  });
  assert.deepEqual(await answer({ type: 'deposit', key: freshKey('shape'), account: alice.id, asset: 'BTC', amount: 0.1 }), {
    code: 'INVALID_AMOUNT',
    path: 'amount',
    message: 'amount must be a decimal string in the asset\'s unit like "1.25" (a JSON string, no exponent, at most 60 digits) without a sign; got the JSON number 0.1',
  });
  assert.deepEqual(await answer({ type: 'reservation.post', key: freshKey('shape'), reservation: 'r1', amount: '1' }), {
    code: 'INVALID_ARGUMENT',
    path: 'to',
    message: 'to is required in a reservation.post operation: it must be an id: a positive integer',
  });
  assert.deepEqual(await answer(null), { code: 'INVALID_ARGUMENT', path: undefined, message: 'an operation must be a JSON object' });
  // Before the key is looked up: a stored key sent with a field no type takes is a malformed request, not a conflict.
  await applyOk(ledger, { type: 'transfer', key: 'shape-pay', from: alice.id, to: bob.id, asset: 'BTC', amount: '1' });
  const memo = await answer({ type: 'transfer', key: 'shape-pay', from: alice.id, to: bob.id, asset: 'BTC', amount: '1', memo: 'x' });
  assert.deepEqual([memo.code, memo.path], ['INVALID_ARGUMENT', 'memo']);
});

test('a missing, empty, spaced, over-long or non-string key is refused with INVALID_ARGUMENT at key', async () => {
  const { ledger, alice } = await fundedWorld();
  const base = { type: 'deposit' as const, account: alice.id, asset: 'BTC', amount: '1' };
  for (const key of ['', ' ', 'a b', ' lead', 'trail ', 'tab\there', 'é', 'x'.repeat(129)]) {
    await expectRefused(ledger, { ...base, key }, 'INVALID_ARGUMENT', 'key');
  }
  for (const key of [undefined, null, 42, ['k'], { k: 1 }]) {
    await expectRefused(ledger, raw({ ...base, key }), 'INVALID_ARGUMENT', 'key');
  }
});

test('a key of exactly 128 printable characters is accepted', async () => {
  const { ledger, alice } = await makeWorld();
  const key = `${'k'.repeat(120)}!~:/_-.#`;
  assert.equal(key.length, 128);
  await applyOk(ledger, { type: 'deposit', key, account: alice.id, asset: 'BTC', amount: '1' });
  assert.ok(await ledger.store.getOperation(key));
  await assertVerified(ledger);
});

test('an unknown account (999) is refused with ACCOUNT_NOT_FOUND', async () => {
  const { ledger, alice } = await fundedWorld();
  for (const account of [999, Number.MAX_SAFE_INTEGER]) {
    await expectRefused(ledger, { type: 'deposit', key: freshKey('acct'), account, asset: 'BTC', amount: '1' }, 'ACCOUNT_NOT_FOUND', 'account');
  }
  await expectRefused(ledger, { type: 'transfer', key: freshKey('acct'), from: alice.id, to: 999, asset: 'BTC', amount: '1' }, 'ACCOUNT_NOT_FOUND', 'to');
});

test('an account that is not an id (0, -1, 1.5, "1", null) is refused with INVALID_ARGUMENT at its field, as the operator API refuses it', async () => {
  const { ledger, alice } = await fundedWorld();
  for (const account of [0, -1, 1.5, String(alice.id), null, Number.NaN, 2 ** 53]) {
    await expectRefused(ledger, raw({ type: 'deposit', key: freshKey('acct'), account, asset: 'BTC', amount: '1' }), 'INVALID_ARGUMENT', 'account');
  }
  await expectRefused(ledger, { type: 'transfer', key: freshKey('acct'), from: 0, to: alice.id, asset: 'BTC', amount: '1' }, 'INVALID_ARGUMENT', 'from');
});

test('an unknown asset is refused with ASSET_NOT_FOUND; a value that is no symbol, with INVALID_ARGUMENT', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  for (const asset of ['DOGE', 'btc']) {
    await expectRefused(ledger, { type: 'deposit', key: freshKey('asset'), account: alice.id, asset, amount: '1' }, 'ASSET_NOT_FOUND', 'asset');
  }
  for (const asset of ['', 'B'.repeat(21), null, 42]) {
    await expectRefused(ledger, raw({ type: 'deposit', key: freshKey('asset'), account: alice.id, asset, amount: '1' }), 'INVALID_ARGUMENT', 'asset');
  }
  await expectRefused(
    ledger,
    { type: 'trade', key: freshKey('asset'), legs: [{ from: alice.id, to: bob.id, asset: 'BTC', amount: '1' }, { from: bob.id, to: alice.id, asset: 'XRP', amount: '1' }] },
    'ASSET_NOT_FOUND',
    'legs/1/asset',
  );
});

test('a missing account, asset or pending is refused with INVALID_ARGUMENT: it is required', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  await expectRefused(ledger, raw({ type: 'deposit', key: freshKey('miss'), asset: 'BTC', amount: '1' }), 'INVALID_ARGUMENT', 'account');
  await expectRefused(ledger, raw({ type: 'hold', key: freshKey('miss'), account: alice.id, amount: '1' }), 'INVALID_ARGUMENT', 'asset');
  await expectRefused(ledger, raw({ type: 'transfer', key: freshKey('miss'), from: alice.id, asset: 'BTC', amount: '1' }), 'INVALID_ARGUMENT', 'to');
  await expectRefused(
    ledger,
    raw({ type: 'trade', key: freshKey('miss'), legs: [{ from: alice.id, to: bob.id, amount: '1' }, { from: bob.id, to: alice.id, asset: 'USDT', amount: '1' }] }),
    'INVALID_ARGUMENT',
    'legs/0/asset',
  );
  for (const [type] of SETTLES) {
    await expectRefused(ledger, raw({ type, key: freshKey('miss') }), 'INVALID_ARGUMENT', 'pending');
  }
  await expectRefused(ledger, raw({ type: 'deposit', key: freshKey('miss'), account: alice.id, asset: 'BTC' }), 'INVALID_AMOUNT', 'amount');
});

test('an amount more precise than the asset scale is refused with INVALID_AMOUNT', async () => {
  const { ledger, alice } = await fundedWorld();
  for (const [asset, amount] of [
    ['BTC', '0.000000001'],
    ['BTC', '1.123456789'],
    ['USDT', '0.0000001'],
    ['ETH', '0.0000000000000000001'],
  ] as const) {
    await expectRefused(ledger, { type: 'deposit', key: freshKey('precise'), account: alice.id, asset, amount }, 'INVALID_AMOUNT', 'amount');
  }
  await expectRefused(
    ledger,
    { type: 'withdrawal.request', key: freshKey('precise'), account: alice.id, asset: 'USDT', amount: '1', fee: '0.0000001' },
    'INVALID_AMOUNT',
    'fee',
  );
});

test('a negative amount is refused with INVALID_AMOUNT (only adjust takes a sign)', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  for (const type of ['deposit', 'withdrawal.request', 'hold', 'borrow', 'repay', 'lend'] as const) {
    await expectRefused(ledger, { type, key: freshKey('neg'), account: alice.id, asset: 'BTC', amount: '-1' }, 'INVALID_AMOUNT', 'amount');
  }
  await expectRefused(ledger, { type: 'transfer', key: freshKey('neg'), from: alice.id, to: bob.id, asset: 'BTC', amount: '-1' }, 'INVALID_AMOUNT', 'amount');
  await expectRefused(
    ledger,
    { type: 'withdrawal.request', key: freshKey('neg'), account: alice.id, asset: 'BTC', amount: '1', fee: '-0.1' },
    'INVALID_AMOUNT',
    'fee',
  );
});

test('a zero amount is refused with INVALID_AMOUNT, adjust included', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  for (const amount of ['0', '0.0', '0.00000000']) {
    await expectRefused(ledger, { type: 'deposit', key: freshKey('zero'), account: alice.id, asset: 'BTC', amount }, 'INVALID_AMOUNT', 'amount');
  }
  await expectRefused(ledger, { type: 'transfer', key: freshKey('zero'), from: alice.id, to: bob.id, asset: 'BTC', amount: '0' }, 'INVALID_AMOUNT', 'amount');
  for (const amount of ['0', '-0']) {
    await expectRefused(
      ledger,
      { type: 'adjust', key: freshKey('zero'), account: alice.id, asset: 'BTC', bucket: 'available', amount, reason: 'r' },
      'INVALID_AMOUNT',
      'amount',
    );
  }
});

test('an amount sent as a number (or anything but a decimal string) is refused with INVALID_AMOUNT', async () => {
  const { ledger, alice } = await fundedWorld();
  for (const amount of [1, 0.5, 100000000, undefined, null, true, ['1'], '1e3', ' 1', '+1', '01', '.5', '1.']) {
    await expectRefused(ledger, raw({ type: 'deposit', key: freshKey('num'), account: alice.id, asset: 'BTC', amount }), 'INVALID_AMOUNT', 'amount');
  }
});

test('an amount of more than 60 digits is refused with INVALID_AMOUNT', async () => {
  const { ledger, alice } = await fundedWorld();
  for (const amount of ['1'.repeat(61), `1${'0'.repeat(60)}`, `${'9'.repeat(55)}.${'1'.repeat(6)}`]) {
    await expectRefused(ledger, { type: 'deposit', key: freshKey('huge'), account: alice.id, asset: 'USDT', amount }, 'INVALID_AMOUNT', 'amount');
  }
});

/* ------------------------------------------------------------------------------------------------
 * Overdrafts: every bucket that can be drawn
 * --------------------------------------------------------------------------------------------- */

test('drawing more than available (withdrawal, hold, lock, restrict, lend, transfer) is refused with INSUFFICIENT_FUNDS', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  for (const type of ['withdrawal.request', 'hold', 'lock', 'restrict', 'lend'] as const) {
    await expectRefused(ledger, { type, key: freshKey('over'), account: alice.id, asset: 'BTC', amount: '10.00000001' }, 'INSUFFICIENT_FUNDS');
  }
  await expectRefused(ledger, { type: 'transfer', key: freshKey('over'), from: alice.id, to: bob.id, asset: 'BTC', amount: '10.00000001' }, 'INSUFFICIENT_FUNDS');
  await expectRefused(ledger, { type: 'withdrawal.request', key: freshKey('over'), account: alice.id, asset: 'ETH', amount: '0.000000000000000001' }, 'INSUFFICIENT_FUNDS');
  // Exactly everything is fine.
  await applyOk(ledger, { type: 'transfer', key: freshKey('all'), from: alice.id, to: bob.id, asset: 'BTC', amount: '10' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), {});
  await assertVerified(ledger);
});

test('a withdrawal whose amount fits but whose amount plus fee does not is refused with INSUFFICIENT_FUNDS', async () => {
  const { ledger, alice } = await fundedWorld();
  await expectRefused(
    ledger,
    { type: 'withdrawal.request', key: freshKey('fee'), account: alice.id, asset: 'BTC', amount: '10', fee: '0.00000001' },
    'INSUFFICIENT_FUNDS',
  );
});

for (const [draw, fill, bucket] of [
  ['release', 'hold', 'held'],
  ['unlock', 'lock', 'locked'],
  ['unrestrict', 'restrict', 'restricted'],
  ['recall', 'lend', 'loaned'],
] as const) {
  test(`${draw} of more than is ${bucket} is refused with INSUFFICIENT_FUNDS`, async () => {
    const { ledger, alice } = await fundedWorld();
    await expectRefused(ledger, { type: draw, key: freshKey(draw), account: alice.id, asset: 'BTC', amount: '0.00000001' }, 'INSUFFICIENT_FUNDS');
    await applyOk(ledger, { type: fill, key: freshKey(fill), account: alice.id, asset: 'BTC', amount: '2' });
    await expectRefused(ledger, { type: draw, key: freshKey(draw), account: alice.id, asset: 'BTC', amount: '2.00000001' }, 'INSUFFICIENT_FUNDS');
    assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '800000000', [bucket]: '200000000' });
    await assertVerified(ledger);
  });
}

test('repaying more than is borrowed is refused with INSUFFICIENT_FUNDS even with enough available', async () => {
  const { ledger, alice } = await fundedWorld();
  await expectRefused(ledger, { type: 'repay', key: freshKey('repay'), account: alice.id, asset: 'BTC', amount: '1' }, 'INSUFFICIENT_FUNDS');
  await applyOk(ledger, { type: 'borrow', key: freshKey('borrow'), account: alice.id, asset: 'BTC', amount: '1' });
  await expectRefused(ledger, { type: 'repay', key: freshKey('repay'), account: alice.id, asset: 'BTC', amount: '1.00000001' }, 'INSUFFICIENT_FUNDS');
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '1100000000', borrowed: '100000000' });
  await assertVerified(ledger);
});

test('repaying with too little available is refused with INSUFFICIENT_FUNDS', async () => {
  const { ledger, alice, bob } = await makeWorld();
  await applyOk(ledger, { type: 'borrow', key: freshKey('borrow'), account: alice.id, asset: 'USDT', amount: '100' });
  await applyOk(ledger, { type: 'transfer', key: freshKey('t'), from: alice.id, to: bob.id, asset: 'USDT', amount: '60' });
  await expectRefused(ledger, { type: 'repay', key: freshKey('repay'), account: alice.id, asset: 'USDT', amount: '50' }, 'INSUFFICIENT_FUNDS');
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), { available: '40000000', borrowed: '100000000' });
});

/* ------------------------------------------------------------------------------------------------
 * Transfers and trades that do not make sense
 * --------------------------------------------------------------------------------------------- */

test('a transfer to the same account is refused with INVALID_ARGUMENT at to', async () => {
  const { ledger, alice } = await fundedWorld();
  await expectRefused(ledger, { type: 'transfer', key: freshKey('self'), from: alice.id, to: alice.id, asset: 'BTC', amount: '1' }, 'INVALID_ARGUMENT', 'to');
});

test('a trade within one account is refused with INVALID_ARGUMENT', async () => {
  const { ledger, alice } = await fundedWorld();
  await expectRefused(
    ledger,
    {
      type: 'trade',
      key: freshKey('one'),
      legs: [
        { from: alice.id, to: alice.id, asset: 'BTC', amount: '1' },
        { from: alice.id, to: alice.id, asset: 'USDT', amount: '100' },
      ],
    },
    'INVALID_ARGUMENT',
    'legs/0/to',
  );
});

test('a trade joining three accounts is refused with INVALID_ARGUMENT at legs', async () => {
  const { ledger, alice, aliceSub, bob } = await fundedWorld();
  await applyOk(ledger, { type: 'transfer', key: freshKey('t'), from: alice.id, to: aliceSub.id, asset: 'USDT', amount: '10' });
  await expectRefused(
    ledger,
    {
      type: 'trade',
      key: freshKey('three'),
      legs: [
        { from: alice.id, to: bob.id, asset: 'BTC', amount: '1' },
        { from: bob.id, to: aliceSub.id, asset: 'USDT', amount: '1' },
        { from: aliceSub.id, to: alice.id, asset: 'USDT', amount: '1' },
      ],
    },
    'INVALID_ARGUMENT',
    'legs',
  );
});

test('a one-sided trade (only one account gives) is refused with INVALID_ARGUMENT at legs', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  await expectRefused(
    ledger,
    {
      type: 'trade',
      key: freshKey('gift'),
      legs: [
        { from: alice.id, to: bob.id, asset: 'BTC', amount: '1' },
        { from: alice.id, to: bob.id, asset: 'USDT', amount: '1' },
      ],
    },
    'INVALID_ARGUMENT',
    'legs',
  );
});

test('a trade with fewer than two legs, or legs that are not objects, is refused with INVALID_ARGUMENT', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  for (const legs of [undefined, [], [{ from: alice.id, to: bob.id, asset: 'BTC', amount: '1' }], 'legs', Array.from({ length: 17 }, () => ({}))]) {
    await expectRefused(ledger, raw({ type: 'trade', key: freshKey('legs'), legs }), 'INVALID_ARGUMENT', 'legs');
  }
  await expectRefused(
    ledger,
    raw({ type: 'trade', key: freshKey('legs'), legs: [{ from: alice.id, to: bob.id, asset: 'BTC', amount: '1' }, 'leg'] }),
    'INVALID_ARGUMENT',
    'legs/1',
  );
});

test('a trade leg from a bucket other than available or held is refused with INVALID_ARGUMENT at its fromBucket', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  await applyOk(ledger, { type: 'lock', key: freshKey('lock'), account: alice.id, asset: 'BTC', amount: '1' });
  for (const fromBucket of ['locked', 'restricted', 'loaned', 'borrowed', 'pendingDeposit', 'world', 'fees', 'Held', '', 1]) {
    await expectRefused(
      ledger,
      raw({
        type: 'trade',
        key: freshKey('bucket'),
        legs: [
          { from: alice.id, to: bob.id, asset: 'BTC', amount: '1', fromBucket },
          { from: bob.id, to: alice.id, asset: 'USDT', amount: '1' },
        ],
      }),
      'INVALID_ARGUMENT',
      'legs/0/fromBucket',
    );
  }
});

test('a trade fee paid by an account outside the trade is refused with INVALID_ARGUMENT at the fee account', async () => {
  const { ledger, alice, aliceSub, bob } = await fundedWorld();
  await applyOk(ledger, { type: 'transfer', key: freshKey('t'), from: alice.id, to: aliceSub.id, asset: 'USDT', amount: '10' });
  await expectRefused(
    ledger,
    {
      type: 'trade',
      key: freshKey('fee'),
      legs: [
        { from: alice.id, to: bob.id, asset: 'BTC', amount: '1' },
        { from: bob.id, to: alice.id, asset: 'USDT', amount: '1' },
      ],
      fees: [
        { account: alice.id, asset: 'USDT', amount: '0.1' },
        { account: aliceSub.id, asset: 'USDT', amount: '0.1' },
      ],
    },
    'INVALID_ARGUMENT',
    'fees/1/account',
  );
});

test('a trade fee that overdraws, even counting what the trade brings, is refused with INSUFFICIENT_FUNDS', async () => {
  const { ledger, alice, bob } = await makeWorld();
  await applyOk(ledger, deposit(alice.id, 'BTC', '1'));
  await applyOk(ledger, deposit(bob.id, 'USDT', '30000'));
  const trade = (fee: string, feeAsset = 'USDT'): OperationRequest => ({
    type: 'trade',
    key: freshKey('feeover'),
    legs: [
      { from: alice.id, to: bob.id, asset: 'BTC', amount: '1' },
      { from: bob.id, to: alice.id, asset: 'USDT', amount: '30000' },
    ],
    fees: [{ account: alice.id, asset: feeAsset, amount: fee }],
  });
  await expectRefused(ledger, trade('30000.000001'), 'INSUFFICIENT_FUNDS');
  await expectRefused(ledger, trade('0.000000000000000001', 'ETH'), 'INSUFFICIENT_FUNDS');
  // The whole received amount as a fee is exactly fundable.
  await applyOk(ledger, trade('30000'));
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), {});
  assert.deepEqual(await systemBooks(ledger, 'USDT'), { world: '-30000000000', fees: '30000000000' });
  await assertVerified(ledger);
});

test('a trade leg that overdraws its source bucket is refused with INSUFFICIENT_FUNDS, held and available alike', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  await applyOk(ledger, { type: 'hold', key: freshKey('h'), account: alice.id, asset: 'BTC', amount: '1' });
  for (const [fromBucket, amount] of [
    ['held', '1.00000001'],
    ['available', '9.00000001'],
  ] as const) {
    await expectRefused(
      ledger,
      {
        type: 'trade',
        key: freshKey('legover'),
        legs: [
          { from: alice.id, to: bob.id, asset: 'BTC', amount, fromBucket },
          { from: bob.id, to: alice.id, asset: 'USDT', amount: '1' },
        ],
      },
      'INSUFFICIENT_FUNDS',
    );
  }
});

/* ------------------------------------------------------------------------------------------------
 * Adjustments that do not make sense
 * --------------------------------------------------------------------------------------------- */

test('an adjust without a real reason is refused with INVALID_ARGUMENT at reason', async () => {
  const { ledger, alice } = await fundedWorld();
  for (const reason of [undefined, '', '   ', '\n\t', 42, 'r'.repeat(501)]) {
    await expectRefused(
      ledger,
      raw({ type: 'adjust', key: freshKey('reason'), account: alice.id, asset: 'BTC', bucket: 'available', amount: '1', reason }),
      'INVALID_ARGUMENT',
      'reason',
    );
  }
});

test('an adjust of an unknown bucket (a system book included) is refused with INVALID_ARGUMENT at bucket', async () => {
  const { ledger, alice } = await fundedWorld();
  for (const bucket of [undefined, '', 'frozen', 'Available', 'world', 'fees', 'adjustments', 7]) {
    await expectRefused(
      ledger,
      raw({ type: 'adjust', key: freshKey('bucket'), account: alice.id, asset: 'BTC', bucket, amount: '1', reason: 'r' }),
      'INVALID_ARGUMENT',
      'bucket',
    );
  }
});

test('a negative adjust beyond the bucket balance is refused with INSUFFICIENT_FUNDS', async () => {
  const { ledger, alice } = await fundedWorld();
  await expectRefused(
    ledger,
    { type: 'adjust', key: freshKey('adj'), account: alice.id, asset: 'BTC', bucket: 'available', amount: '-10.00000001', reason: 'r' },
    'INSUFFICIENT_FUNDS',
  );
  await expectRefused(
    ledger,
    { type: 'adjust', key: freshKey('adj'), account: alice.id, asset: 'BTC', bucket: 'pendingWithdrawal', amount: '-0.00000001', reason: 'r' },
    'INSUFFICIENT_FUNDS',
  );
});

/* ------------------------------------------------------------------------------------------------
 * Pendings that cannot be settled
 * --------------------------------------------------------------------------------------------- */

test('confirming, cancelling or completing a pending that was never opened is refused with PENDING_NOT_FOUND', async () => {
  const { ledger, alice } = await fundedWorld();
  await applyOk(ledger, { type: 'deposit', key: 'plain-deposit', account: alice.id, asset: 'BTC', amount: '1' });
  for (const [type] of SETTLES) {
    for (const pending of ['nope', 'plain-deposit']) {
      await expectRefused(ledger, raw({ type, key: freshKey('settle'), pending }), 'PENDING_NOT_FOUND', 'pending');
    }
    // No key could have opened these: the shape is refused before any lookup, as the operator API refuses it.
    for (const pending of ['', 'has space', 42, null]) {
      await expectRefused(ledger, raw({ type, key: freshKey('settle'), pending }), 'INVALID_ARGUMENT', 'pending');
    }
  }
});

test('a withdrawal key cannot settle a deposit pending, nor a deposit key a withdrawal: PENDING_NOT_FOUND', async () => {
  const { ledger, alice } = await fundedWorld();
  await applyOk(ledger, { type: 'deposit.pending', key: 'dp', account: alice.id, asset: 'BTC', amount: '1' });
  await applyOk(ledger, { type: 'withdrawal.request', key: 'wr', account: alice.id, asset: 'BTC', amount: '1' });
  for (const [type, kind] of SETTLES) {
    const wrongKey = kind === 'deposit' ? 'wr' : 'dp';
    await expectRefused(ledger, { type, key: freshKey('cross'), pending: wrongKey }, 'PENDING_NOT_FOUND', 'pending');
  }
  assert.equal((pendingView(await ledger.store.getReservation('dp')))?.state, 'open');
  assert.equal((pendingView(await ledger.store.getReservation('wr')))?.state, 'open');
});

test('settling an already settled pending is refused with PENDING_CLOSED, its state unchanged', async () => {
  const { ledger, alice } = await fundedWorld();
  const settled = [
    ['dp-confirmed', 'deposit.pending', 'deposit.confirm', 'confirmed'],
    ['dp-cancelled', 'deposit.pending', 'deposit.cancel', 'cancelled'],
    ['wr-completed', 'withdrawal.request', 'withdrawal.complete', 'completed'],
    ['wr-cancelled', 'withdrawal.request', 'withdrawal.cancel', 'cancelled'],
  ] as const;
  for (const [key, open, close] of settled) {
    await applyOk(ledger, { type: open, key, account: alice.id, asset: 'BTC', amount: '1' });
    await applyOk(ledger, { type: close, key: freshKey('close'), pending: key });
  }
  for (const [key, , , state] of settled) {
    const kind = key.startsWith('dp') ? 'deposit' : 'withdrawal';
    for (const [type, settleKind] of SETTLES) {
      if (settleKind !== kind) continue;
      await expectRefused(ledger, { type, key: freshKey('again'), pending: key }, 'PENDING_CLOSED', 'pending');
    }
    assert.equal((pendingView(await ledger.store.getReservation(key)))?.state, state);
  }
});

/* ------------------------------------------------------------------------------------------------
 * Idempotency
 * --------------------------------------------------------------------------------------------- */

test('the same key with the same content replays: replayed true, the same entry, balances applied once', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  const request = { type: 'transfer' as const, key: 'pay-1', from: alice.id, to: bob.id, asset: 'BTC', amount: '1' };
  const first = await applyOk(ledger, request);
  const after1 = await snapshot(ledger);
  const second = await ledger.apply({ ...request });
  assert.equal(second.replayed, true);
  assert.equal(second.entry.id, first.entry.id);
  assert.deepEqual(entryFields(second.entry), entryFields(first.entry));
  assert.deepEqual(second.entry, first.entry, 'a fresh result and its replay have the same shape');
  // Field order does not make it different content.
  const reordered = await ledger.apply({ amount: '1', asset: 'BTC', to: bob.id, from: alice.id, key: 'pay-1', type: 'transfer' });
  assert.equal(reordered.replayed, true);
  assert.equal(reordered.entry.id, first.entry.id);
  assert.deepEqual(await snapshot(ledger), after1, 'a replay writes nothing');
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '900000000' });
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'BTC'), { available: '600000000' });
  await assertVerified(ledger);
});

test('a replay returns the original entry even when the operation could not run again', async () => {
  const { ledger, alice } = await fundedWorld();
  await applyOk(ledger, { type: 'deposit.pending', key: 'dp', account: alice.id, asset: 'BTC', amount: '1' });
  const confirm = await applyOk(ledger, { type: 'deposit.confirm', key: 'dc', pending: 'dp' });
  const withdraw = await applyOk(ledger, { type: 'withdrawal.request', key: 'wall', account: alice.id, asset: 'BTC', amount: '11' });
  const before = await snapshot(ledger);
  const again = await ledger.apply({ type: 'deposit.confirm', key: 'dc', pending: 'dp' });
  assert.equal(again.replayed, true);
  assert.equal(again.entry.id, confirm.entry.id);
  const againWithdraw = await ledger.apply({ type: 'withdrawal.request', key: 'wall', account: alice.id, asset: 'BTC', amount: '11' });
  assert.equal(againWithdraw.replayed, true);
  assert.equal(againWithdraw.entry.id, withdraw.entry.id);
  assert.deepEqual(await snapshot(ledger), before);
  await assertVerified(ledger);
});

test('the same key with different content is refused with IDEMPOTENCY_CONFLICT and nothing is written', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  const original = await applyOk(ledger, { type: 'transfer', key: 'pay-2', from: alice.id, to: bob.id, asset: 'BTC', amount: '1' });
  const before = await snapshot(ledger);
  const differents: OperationRequest[] = [
    { type: 'transfer', key: 'pay-2', from: alice.id, to: bob.id, asset: 'BTC', amount: '2' },
    { type: 'transfer', key: 'pay-2', from: bob.id, to: alice.id, asset: 'BTC', amount: '1' },
    { type: 'deposit', key: 'pay-2', account: alice.id, asset: 'BTC', amount: '1' },
  ];
  for (const different of differents) {
    await assert.rejects(ledger.apply(different), isRefusal('IDEMPOTENCY_CONFLICT', 'key'));
    assert.deepEqual(await snapshot(ledger), before);
    const stored = (await ledger.store.getOperation('pay-2'))?.entry;
    assert.ok(stored);
    assert.deepEqual(entryFields(stored), entryFields(original.entry), 'the key still names the original');
  }
  await assertVerified(ledger);
});

test('a refused operation does not take its key: the same request succeeds later once it can', async () => {
  const { ledger, alice } = await makeWorld();
  const request = { type: 'withdrawal.request' as const, key: 'w-later', account: alice.id, asset: 'BTC', amount: '1' };
  await expectRefused(ledger, request, 'INSUFFICIENT_FUNDS');
  await applyOk(ledger, deposit(alice.id, 'BTC', '1'));
  const later = await applyOk(ledger, request);
  assert.equal(later.replayed, false);
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { pendingWithdrawal: '100000000' });
  // And a key refused for bad input can be used for a different, valid request.
  await expectRefused(ledger, { type: 'deposit', key: 'typo', account: alice.id, asset: 'BTC', amount: '1,5' }, 'INVALID_AMOUNT', 'amount');
  await applyOk(ledger, { type: 'deposit', key: 'typo', account: alice.id, asset: 'BTC', amount: '1.5' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '150000000', pendingWithdrawal: '100000000' });
  await assertVerified(ledger);
});

test('concurrent applies are serialized: of twenty 0.1 BTC transfers from 1 BTC exactly ten land', async () => {
  const { ledger, alice, bob } = await makeWorld();
  await applyOk(ledger, deposit(alice.id, 'BTC', '1'));
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      ledger.apply({ type: 'transfer', key: `race-${i}`, from: alice.id, to: bob.id, asset: 'BTC', amount: '0.1' }),
    ),
  );
  const refused = results.filter((r) => r.status === 'rejected');
  assert.equal(results.length - refused.length, 10);
  for (const r of refused) isRefusal('INSUFFICIENT_FUNDS')(r.reason);
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), {});
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'BTC'), { available: '100000000' });
  await assertVerified(ledger);
});

test('concurrent applies of one key apply it once: one fresh result, the rest replays of the same entry', async () => {
  const { ledger, bob } = await makeWorld();
  const results = await Promise.all(
    Array.from({ length: 5 }, () => ledger.apply({ type: 'deposit', key: 'same', account: bob.id, asset: 'ETH', amount: '1' })),
  );
  assert.equal(results.filter((r) => !r.replayed).length, 1);
  assert.equal(new Set(results.map((r) => r.entry.id)).size, 1);
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'ETH'), { available: '1000000000000000000' });
  await assertVerified(ledger);
});

/* ------------------------------------------------------------------------------------------------
 * Batches
 * --------------------------------------------------------------------------------------------- */

test('applyBatch applies every operation in order, later ones seeing earlier ones', async () => {
  const { ledger, alice, bob } = await makeWorld();
  const results = await ledger.applyBatch([
    { type: 'deposit', key: 'b1', account: alice.id, asset: 'BTC', amount: '1' },
    { type: 'transfer', key: 'b2', from: alice.id, to: bob.id, asset: 'BTC', amount: '0.4' },
    { type: 'hold', key: 'b3', account: bob.id, asset: 'BTC', amount: '0.4' },
  ]);
  assert.deepEqual(
    results.map((r) => [r.entry.key, r.replayed]),
    [
      ['b1', false],
      ['b2', false],
      ['b3', false],
    ],
  );
  assert.ok(results[0] && results[1] && results[2] && results[0].entry.id < results[1].entry.id && results[1].entry.id < results[2].entry.id);
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '60000000' });
  assert.deepEqual(await bucketsOf(ledger, bob.id, 'BTC'), { held: '40000000' });
  // A batch repeated whole is replayed whole.
  const again = await ledger.applyBatch([
    { type: 'deposit', key: 'b1', account: alice.id, asset: 'BTC', amount: '1' },
    { type: 'transfer', key: 'b2', from: alice.id, to: bob.id, asset: 'BTC', amount: '0.4' },
    { type: 'hold', key: 'b3', account: bob.id, asset: 'BTC', amount: '0.4' },
  ]);
  assert.deepEqual(again.map((r) => r.replayed), [true, true, true]);
  assert.deepEqual(again.map((r) => r.entry.id), results.map((r) => r.entry.id));
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'BTC'), { available: '60000000' });
  await assertVerified(ledger);
});

test('applyBatch is all-or-nothing: when the third operation overdraws, nothing of the first two lands', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  const before = await snapshot(ledger);
  await assert.rejects(
    ledger.applyBatch([
      { type: 'deposit', key: 'x1', account: alice.id, asset: 'ETH', amount: '1' },
      { type: 'deposit.pending', key: 'x2', account: bob.id, asset: 'ETH', amount: '1' },
      { type: 'transfer', key: 'x3', from: alice.id, to: bob.id, asset: 'ETH', amount: '1.000000000000000001' },
      { type: 'deposit', key: 'x4', account: bob.id, asset: 'ETH', amount: '1' },
    ]),
    isRefusal('INSUFFICIENT_FUNDS'),
  );
  assert.deepEqual(await snapshot(ledger), before);
  for (const key of ['x1', 'x2', 'x3', 'x4']) assert.equal(await ledger.store.getOperation(key), undefined);
  assert.equal(pendingView(await ledger.store.getReservation('x2')), undefined, 'the pending the batch opened is gone too');
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'ETH'), {});
  assert.deepEqual(await systemBooks(ledger, 'ETH'), {});
  await assertVerified(ledger);
});

test('a batch refusal names the failing operation: message and path are prefixed with operations/<i>', async () => {
  const { ledger, alice } = await fundedWorld();
  const before = await snapshot(ledger);
  await assert.rejects(
    ledger.applyBatch([
      { type: 'hold', key: freshKey('bp'), account: alice.id, asset: 'BTC', amount: '1' },
      { type: 'deposit', key: freshKey('bp'), account: alice.id, asset: 'BTC', amount: '1.000000001' },
    ]),
    (error: unknown) => {
      isRefusal('INVALID_AMOUNT', 'operations/1/amount')(error);
      assert.match((error as LedgerError).message, /^operations\/1: /);
      return true;
    },
  );
  await assert.rejects(
    ledger.applyBatch([
      { type: 'deposit', key: freshKey('bp'), account: alice.id, asset: 'BTC', amount: '1' },
      { type: 'deposit', key: freshKey('bp'), account: alice.id, asset: 'BTC', amount: '1' },
      { type: 'release', key: freshKey('bp'), account: alice.id, asset: 'BTC', amount: '1' },
    ]),
    (error: unknown) => {
      isRefusal('INSUFFICIENT_FUNDS')(error);
      assert.match((error as LedgerError).message, /^operations\/2: /);
      assert.equal((error as LedgerError).path, 'operations/2');
      return true;
    },
  );
  assert.deepEqual(await snapshot(ledger), before);
  await assertVerified(ledger);
});

test('an empty batch and a batch of more than 1000 operations are refused with INVALID_ARGUMENT at operations', async () => {
  const { ledger, alice } = await makeWorld();
  const before = await snapshot(ledger);
  await assert.rejects(ledger.applyBatch([]), isRefusal('INVALID_ARGUMENT', 'operations'));
  const tooMany = Array.from({ length: BATCH_SIZE_MAX + 1 }, (_, i) => ({
    type: 'deposit' as const,
    key: `big-${i}`,
    account: alice.id,
    asset: 'USDT',
    amount: '1',
  }));
  await assert.rejects(ledger.applyBatch(tooMany), isRefusal('INVALID_ARGUMENT', 'operations'));
  assert.deepEqual(await snapshot(ledger), before);
  assert.equal(await ledger.store.getOperation('big-0'), undefined);
  // Exactly the maximum is a batch.
  const results = await ledger.applyBatch(tooMany.slice(0, BATCH_SIZE_MAX));
  assert.equal(results.length, BATCH_SIZE_MAX);
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), { available: String(BATCH_SIZE_MAX * 1_000_000) });
  await assertVerified(ledger);
});

/* ------------------------------------------------------------------------------------------------
 * verify
 * --------------------------------------------------------------------------------------------- */

test('verify reports a balance row tampered with in SQLite as balance-differs-from-journal', async () => {
  const path = join(tempDir, 'tamper.db');
  const first = SqliteStore.open({ path });
  const { ledger, alice } = await makeWorld(first);
  await applyOk(ledger, { type: 'deposit', key: 'd', account: alice.id, asset: 'BTC', amount: '1' });
  await assertVerified(ledger);
  await first.close();

  const db = new Database(path);
  const changed = db
    .prepare("UPDATE balances SET amount = '1' WHERE account_id = ? AND asset = 'BTC' AND bucket = 'available'")
    .run(alice.id).changes;
  db.close();
  assert.equal(changed, 1);

  const reopened = SqliteStore.open({ path });
  try {
    const report = await new Ledger(reopened).verify();
    assert.equal(report.ok, false);
    assert.deepEqual(report.mismatches, [
      { kind: 'balance-differs-from-journal', detail: `account ${alice.id} BTC available: stored 1, journal 100000000` },
    ]);
    assert.equal(report.entries, 1);
  } finally {
    await reopened.close();
  }
});

test('verify reports a reservation tampered with in SQLite: amounts that do not add up, and more reserved than the bucket holds', async () => {
  const path = join(tempDir, 'tamper-reservation.db');
  const first = SqliteStore.open({ path });
  const { ledger, alice } = await makeWorld(first);
  await applyOk(ledger, { type: 'deposit', key: 'd', account: alice.id, asset: 'BTC', amount: '1' });
  await applyOk(ledger, { type: 'hold', key: 'h', account: alice.id, asset: 'BTC', amount: '0.5', reservation: 'order-1' });
  await applyOk(ledger, { type: 'hold', key: 'h2', account: alice.id, asset: 'BTC', amount: '0.1', reservation: 'order-2' });
  await assertVerified(ledger);
  await first.close();

  const db = new Database(path);
  db.prepare("UPDATE reservations SET posted = '60000000' WHERE id = 'order-1'").run();
  db.prepare("UPDATE reservations SET amount = '90000000' WHERE id = 'order-2'").run();
  db.close();

  const reopened = SqliteStore.open({ path });
  try {
    const report = await new Ledger(reopened).verify();
    assert.equal(report.ok, false);
    assert.deepEqual(report.mismatches, [
      { kind: 'reservation-inconsistent', detail: 'reservation order-1: posted 60000000 and voided 0 exceed the 50000000 reserved' },
      { kind: 'reservations-exceed-balance', detail: `account ${alice.id} BTC held: open reservations 90000000, balance 60000000` },
    ]);
  } finally {
    await reopened.close();
  }
});

test('an order reservation is posted to another account and voided for the rest', async () => {
  const { ledger, alice, bob } = await fundedWorld();
  await applyOk(ledger, { type: 'hold', key: 'h', account: alice.id, asset: 'USDT', amount: '10', reservation: 'o1', kind: 'other' });
  await applyOk(ledger, { type: 'reservation.post', key: 'p', reservation: 'o1', to: bob.id, amount: '4' });
  await applyOk(ledger, { type: 'reservation.void', key: 'v', reservation: 'o1' });
  assert.deepEqual(await bucketsOf(ledger, alice.id, 'USDT'), { available: '996000000' });
  const r = await ledger.store.getReservation('o1');
  assert.deepEqual([r?.kind, r?.posted, r?.voided, r?.state], ['other', 4_000_000n, 6_000_000n, 'closed']);
  await assertVerified(ledger);
});

test('ledger.balances refuses an account that does not exist, the system account included', async () => {
  const { ledger } = await makeWorld();
  for (const account of [SYSTEM_ACCOUNT, -1, 1.5, 999]) {
    await assert.rejects(ledger.balances(account), isRefusal('ACCOUNT_NOT_FOUND', 'account'));
  }
});

test('every operation type was applied successfully by some test in this file', () => {
  assert.deepEqual([...covered].sort(), [...OPERATION_TYPES].sort());
});
