import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../ledger/ledger.js';
import { LedgerError, type LedgerErrorCode } from '../ledger/errors.js';
import type { OperationRequest, Reservation } from '../ledger/operations.js';
import type { LedgerStore } from './store.js';
import { seedStore } from './seed.case.js';

/** A request the types would refuse, as a JavaScript caller may send it: the ledger checks it itself. */
const untyped = (fields: Record<string, unknown>): OperationRequest => fields as unknown as OperationRequest;

/**
 * Reservations by id, on every engine (called by `runStoreSuite`): an order's hold posted in parts
 * into trade legs and voided for the rest, and every refusal writing nothing.
 */
export function runReservationSuite(engine: string, openEmpty: () => Promise<LedgerStore>, options: { skip?: string | false } = {}): void {
  const withWorld = (name: string, fn: (w: Awaited<ReturnType<typeof seed>>) => Promise<void>) =>
    test(`[${engine}] ${name}`, { skip: options.skip ?? false }, async () => {
      const store = await openEmpty();
      try {
        await fn(await seed(new Ledger(store, () => 1_700_000_000_000)));
      } finally {
        await store.close();
      }
    });

  /** alice holds 100 USDT, bob 1 BTC. */
  async function seed(ledger: Ledger) {
    const { alice, bob } = await seedStore(ledger.store, { BTC: 8, USDT: 6 }, ['alice', 'bob']) as { alice: number; bob: number };
    await ledger.apply({ key: 'fund-a', type: 'deposit', account: alice, asset: 'USDT', amount: '100' });
    await ledger.apply({ key: 'fund-b', type: 'deposit', account: bob, asset: 'BTC', amount: '1' });
    const buckets = async (account: number, asset: string) => {
      const out: Record<string, string> = {};
      for (const b of await ledger.store.readBalances(account)) if (b.asset === asset && b.amount !== 0n) out[b.bucket] = b.amount.toString();
      return out;
    };
    /** alice's USDT from reservation `id` for bob's BTC. */
    const fill = (key: string, id: string, usdt: string, btc: string): OperationRequest => ({
      key,
      type: 'trade',
      legs: [
        { from: alice, to: bob, asset: 'USDT', amount: usdt, reservation: id },
        { from: bob, to: alice, asset: 'BTC', amount: btc },
      ],
    });
    const state = async () => {
      const rows: Reservation[] = [];
      for await (const r of ledger.store.scanReservations()) rows.push(r);
      const balances: string[] = [];
      for await (const b of ledger.store.scanBalances()) balances.push(`${b.account}/${b.asset}/${b.bucket}=${b.amount}`);
      return { rows, balances, head: await ledger.store.journalHead() };
    };
    const verified = async () => assert.deepEqual((await ledger.verify()).mismatches, []);
    return { ledger, alice, bob, buckets, fill, state, verified };
  }

  const refusal = (expected: LedgerErrorCode) => (error: unknown) => {
    assert.ok(error instanceof LedgerError, String(error));
    assert.equal(error.code, expected, error.message);
    return true;
  };

  withWorld('an order reserves 10, two trades fill 4 and 3 from it, a void releases the last 3', async ({ ledger, alice, bob, buckets, fill, verified }) => {
    await ledger.apply({ key: 'h', type: 'hold', account: alice, asset: 'USDT', amount: '10', reservation: 'order-1' });
    assert.deepEqual(await buckets(alice, 'USDT'), { available: '90000000', held: '10000000' });
    assert.deepEqual(await ledger.store.getReservation('order-1'), {
      id: 'order-1', kind: 'order', account: alice, asset: 'USDT', bucket: 'held', amount: 10_000_000n, fee: 0n, posted: 0n, voided: 0n, state: 'open',
    });
    await ledger.apply(fill('t1', 'order-1', '4', '0.0001'));
    const t2 = await ledger.apply(fill('t2', 'order-1', '3', '0.000075'));
    assert.deepEqual((t2.entry.request.legs as Record<string, unknown>[])[0], { from: alice, to: bob, asset: 'USDT', amount: '3', fromBucket: 'held', reservation: 'order-1' });
    assert.deepEqual(await buckets(alice, 'USDT'), { available: '90000000', held: '3000000' });
    assert.deepEqual(await buckets(bob, 'USDT'), { available: '7000000' });
    assert.equal((await ledger.store.getReservation('order-1'))?.posted, 7_000_000n);
    await verified();
    const voided = await ledger.apply({ key: 'v', type: 'reservation.void', reservation: 'order-1' });
    assert.deepEqual(voided.entry.postings.map((p) => `${p.account}/${p.bucket}/${p.amount}`), [`${alice}/held/-3000000`, `${alice}/available/3000000`]);
    assert.deepEqual(await buckets(alice, 'USDT'), { available: '93000000' });
    const closed = await ledger.store.getReservation('order-1');
    assert.deepEqual([closed?.posted, closed?.voided, closed?.state], [7_000_000n, 3_000_000n, 'closed']);
    await verified();
  });

  withWorld('posting more than a reservation has left is refused and writes nothing', async ({ ledger, alice, bob, fill, state }) => {
    await ledger.apply({ key: 'h', type: 'hold', account: alice, asset: 'USDT', amount: '10', reservation: 'order-1' });
    await ledger.apply({ key: 'h2', type: 'hold', account: alice, asset: 'USDT', amount: '50' });
    await ledger.apply(fill('t1', 'order-1', '4', '0.0001'));
    const before = await state();
    // held has 56, but only 6 of it belongs to order-1.
    await assert.rejects(ledger.apply(fill('t2', 'order-1', '7', '0.0001')), refusal('INSUFFICIENT_FUNDS'));
    const twoLegs: OperationRequest = {
      key: 't3',
      type: 'trade',
      legs: [
        { from: alice, to: bob, asset: 'USDT', amount: '4', reservation: 'order-1' },
        { from: alice, to: bob, asset: 'USDT', amount: '4', reservation: 'order-1' },
        { from: bob, to: alice, asset: 'BTC', amount: '0.0001' },
      ],
    };
    await assert.rejects(ledger.apply(twoLegs), refusal('INSUFFICIENT_FUNDS'), 'two legs of one trade count together');
    await assert.rejects(ledger.apply({ key: 'p', type: 'reservation.post', reservation: 'order-1', to: bob, amount: '6.000001' }), refusal('INSUFFICIENT_FUNDS'));
    assert.deepEqual(await state(), before);
    assert.equal(await ledger.store.getOperation('t2'), undefined, 'not even the key is kept');
    await ledger.apply(fill('t2', 'order-1', '6', '0.0001'));
    assert.equal((await ledger.store.getReservation('order-1'))?.state, 'posted', 'filled exactly: posted, nothing voided');
  });

  withWorld('a closed reservation refuses further posts and voids', async ({ ledger, alice, bob, fill, state }) => {
    await ledger.apply({ key: 'h', type: 'hold', account: alice, asset: 'USDT', amount: '10', reservation: 'order-1' });
    await ledger.apply({ key: 'h2', type: 'hold', account: alice, asset: 'USDT', amount: '5' });
    await ledger.apply({ key: 'v', type: 'reservation.void', reservation: 'order-1' });
    assert.equal((await ledger.store.getReservation('order-1'))?.state, 'voided');
    const before = await state();
    await assert.rejects(ledger.apply(fill('t', 'order-1', '1', '0.0001')), refusal('PENDING_CLOSED'));
    await assert.rejects(ledger.apply({ key: 'p', type: 'reservation.post', reservation: 'order-1', to: bob, amount: '1' }), refusal('PENDING_CLOSED'));
    await assert.rejects(ledger.apply({ key: 'v2', type: 'reservation.void', reservation: 'order-1' }), refusal('PENDING_CLOSED'));
    await assert.rejects(ledger.apply({ key: 'v3', type: 'reservation.void', reservation: 'order-2' }), refusal('PENDING_NOT_FOUND'));
    assert.deepEqual(await state(), before);
  });

  withWorld('a replayed hold, post and void apply once; the same key with other content is refused', async ({ ledger, alice, bob, buckets, fill }) => {
    const hold: OperationRequest = { key: 'h', type: 'hold', account: alice, asset: 'USDT', amount: '10', reservation: 'order-1', kind: 'order' };
    const post: OperationRequest = { key: 'p', type: 'reservation.post', reservation: 'order-1', to: bob, amount: '2' };
    const trade = fill('t', 'order-1', '3', '0.0001');
    const voiding: OperationRequest = { key: 'v', type: 'reservation.void', reservation: 'order-1' };
    for (const op of [hold, post, trade, voiding]) {
      const first = await ledger.apply(op);
      const again = await ledger.apply(op);
      assert.equal(again.replayed, true, op.key);
      assert.deepEqual(again.entry, first.entry, op.key);
    }
    assert.deepEqual(await buckets(alice, 'USDT'), { available: '95000000' });
    const r = await ledger.store.getReservation('order-1');
    assert.deepEqual([r?.posted, r?.voided, r?.state], [5_000_000n, 5_000_000n, 'closed']);
    await assert.rejects(ledger.apply({ ...post, amount: '1' }), refusal('IDEMPOTENCY_CONFLICT'));
    await assert.rejects(ledger.apply({ ...hold, key: 'h-other' }), refusal('INVALID_ARGUMENT'), 'a reservation id is taken once');
  });

  withWorld('funds a reservation owns stay out of reach of anonymous releases, held legs and adjustments', async ({ ledger, alice, bob, buckets, state, verified }) => {
    await ledger.apply({ key: 'h', type: 'hold', account: alice, asset: 'USDT', amount: '10', reservation: 'order-1' });
    await ledger.apply({ key: 'h2', type: 'hold', account: alice, asset: 'USDT', amount: '2' });
    const before = await state();
    await assert.rejects(ledger.apply({ key: 'r', type: 'release', account: alice, asset: 'USDT', amount: '3' }), refusal('INSUFFICIENT_FUNDS'));
    const heldLeg: OperationRequest = {
      key: 't',
      type: 'trade',
      legs: [
        { from: alice, to: bob, asset: 'USDT', amount: '3', fromBucket: 'held' },
        { from: bob, to: alice, asset: 'BTC', amount: '0.0001' },
      ],
    };
    await assert.rejects(ledger.apply(heldLeg), refusal('INSUFFICIENT_FUNDS'));
    await assert.rejects(ledger.apply({ key: 'a', type: 'adjust', account: alice, asset: 'USDT', bucket: 'held', amount: '-3', reason: 'test' }), refusal('INSUFFICIENT_FUNDS'));
    assert.deepEqual(await state(), before);
    await ledger.apply({ key: 'r', type: 'release', account: alice, asset: 'USDT', amount: '2' });
    assert.deepEqual(await buckets(alice, 'USDT'), { available: '90000000', held: '10000000' });
    await verified();
  });

  withWorld('a leg or post must match its reservation: account, asset, bucket, kind', async ({ ledger, alice, bob, fill }) => {
    await ledger.apply({ key: 'h', type: 'hold', account: alice, asset: 'USDT', amount: '10', reservation: 'order-1' });
    await ledger.apply({ key: 'dp', type: 'deposit.pending', account: alice, asset: 'USDT', amount: '5' });
    const wrongAsset: OperationRequest = {
      key: 't1',
      type: 'trade',
      legs: [
        { from: bob, to: alice, asset: 'BTC', amount: '0.1', reservation: 'order-1' },
        { from: alice, to: bob, asset: 'USDT', amount: '1' },
      ],
    };
    await assert.rejects(ledger.apply(wrongAsset), refusal('INVALID_ARGUMENT'));
    const fromAvailable: OperationRequest = {
      key: 't2',
      type: 'trade',
      legs: [
        { from: alice, to: bob, asset: 'USDT', amount: '1', reservation: 'order-1', fromBucket: 'available' },
        { from: bob, to: alice, asset: 'BTC', amount: '0.0001' },
      ],
    };
    await assert.rejects(ledger.apply(fromAvailable), refusal('INVALID_ARGUMENT'));
    await assert.rejects(ledger.apply(fill('t3', 'dp', '1', '0.0001')), refusal('INVALID_ARGUMENT'), 'a deposit reservation is not an order');
    await assert.rejects(ledger.apply({ key: 'p1', type: 'reservation.post', reservation: 'dp', to: bob, amount: '1' }), refusal('INVALID_ARGUMENT'));
    await assert.rejects(ledger.apply({ key: 'p2', type: 'reservation.post', reservation: 'order-1', to: alice, amount: '1' }), refusal('INVALID_ARGUMENT'));
    await assert.rejects(ledger.apply(untyped({ key: 'h3', type: 'hold', account: alice, asset: 'USDT', amount: '1', reservation: 'x', kind: 'deposit' })), refusal('INVALID_ARGUMENT'));
    await assert.rejects(ledger.apply({ key: 'h4', type: 'hold', account: alice, asset: 'USDT', amount: '1', kind: 'order' }), refusal('INVALID_ARGUMENT'));
    await assert.rejects(ledger.apply({ key: 'h5', type: 'hold', account: alice, asset: 'USDT', amount: '1', reservation: 'dp' }), refusal('INVALID_ARGUMENT'), 'the id of a pending is taken');
    await assert.rejects(ledger.apply({ key: 'order-1', type: 'deposit.pending', account: alice, asset: 'USDT', amount: '1' }), refusal('INVALID_ARGUMENT'), 'a pending cannot take an order id');
  });

  withWorld('pending deposits and withdrawals are reservations: void cancels them, and they close once', async ({ ledger, alice, buckets, verified }) => {
    await ledger.apply({ key: 'dp', type: 'deposit.pending', account: alice, asset: 'USDT', amount: '5' });
    await ledger.apply({ key: 'wr', type: 'withdrawal.request', account: alice, asset: 'USDT', amount: '20', fee: '1' });
    assert.deepEqual(await ledger.store.getReservation('wr'), {
      id: 'wr', kind: 'withdrawal', account: alice, asset: 'USDT', bucket: 'pendingWithdrawal', amount: 21_000_000n, fee: 1_000_000n, posted: 0n, voided: 0n, state: 'open',
    });
    await ledger.apply({ key: 'vd', type: 'reservation.void', reservation: 'dp' });
    await ledger.apply({ key: 'vw', type: 'reservation.void', reservation: 'wr' });
    assert.deepEqual(await buckets(alice, 'USDT'), { available: '100000000' });
    await assert.rejects(ledger.apply({ key: 'c', type: 'deposit.confirm', pending: 'dp' }), refusal('PENDING_CLOSED'));
    await assert.rejects(ledger.apply({ key: 'wc', type: 'withdrawal.complete', pending: 'wr' }), refusal('PENDING_CLOSED'));
    await ledger.apply({ key: 'wr2', type: 'withdrawal.request', account: alice, asset: 'USDT', amount: '20', fee: '1' });
    await ledger.apply({ key: 'wc2', type: 'withdrawal.complete', pending: 'wr2' });
    const done = await ledger.store.getReservation('wr2');
    assert.deepEqual([done?.posted, done?.voided, done?.state], [21_000_000n, 0n, 'posted']);
    await verified();
  });
}
