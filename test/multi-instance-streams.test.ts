import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Balances } from 'ccxt';
import { ccxtProBullish } from './support/bullish-client.js';
import { postgresSchemas } from './support/postgres-schemas.js';
import { children, expectStatus, send, startInstance, stop, type Instance } from './support/serve-process.js';
import { skipWithoutPostgres } from './support/services.js';
import { bullishDemo } from '../src/venues/bullish/demo.js';

/**
 * Live balance streams across instances: two real `assetbook serve --demo` processes on one
 * PostgreSQL schema, each client watching through instance A while every change is written
 * through instance B's operator API. What carries the change is the ledger's event feed
 * (PostgreSQL LISTEN/NOTIFY); no Redis is given to either instance.
 */

const skip = skipWithoutPostgres;
const schemas = postgresSchemas('ab_streams');
const SECRET_KEY = randomBytes(32).toString('hex');
const OPERATOR_TOKEN = `streams-${randomBytes(16).toString('hex')}`;
/** Bounds the whole file, far beyond what two processes need to start on a saturated machine: a hang fails instead of stalling CI. */
const FILE_TIMEOUT_MS = 600_000;

interface UserBody {
  name: string;
  accounts: { id: number; kind: string; venues: { bullish: { tradingAccountId: string } } }[];
}

describe('streams across two instances on PostgreSQL: watch through A, write through B', { skip, timeout: FILE_TIMEOUT_MS }, () => {
  let a: Instance;
  let b: Instance;
  const mainOf = new Map<string, UserBody['accounts'][number]>();

  before(async () => {
    const args = (db: string) => ['serve', '--demo', '--db', db, '--secret-key', SECRET_KEY, '--operator-token', OPERATOR_TOKEN, '--port', '0', '--rate-limits', 'off', '--log-level', 'warn'];
    const db = schemas.fresh();
    a = await startInstance('A', args(db)); // loads the demo
    b = await startInstance('B', args(db)); // finds it loaded
    const users = await send<UserBody[]>(b, { method: 'GET', path: '/_assetbook/v1/users', token: OPERATOR_TOKEN });
    expectStatus(users, 200, 'users on B');
    for (const user of users.body) mainOf.set(user.name, user.accounts.find((x) => x.kind === 'main')!);
  });
  after(async () => {
    await Promise.all(children.map(stop));
  });

  /** An operation through B's operator API. */
  async function onB(operation: Record<string, unknown>): Promise<void> {
    expectStatus(await send(b, { method: 'POST', path: '/_assetbook/v1/operations', token: OPERATOR_TOKEN, body: operation }), 201, `${String(operation.type)} on B`);
  }

  test('ccxt pro bullish watching through A sees a deposit, a hold, a trade and a withdrawal committed through B', async () => {
    const bob = mainOf.get('bob')!.id;
    const carol = mainOf.get('carol')!.id;
    const ex = ccxtProBullish(a.url, bullishDemo.credentials.bob![0] as { publicKey: string; secret: string });
    try {
      await ex.loadHttpProxyAgent();
      const params = { tradingAccountId: mainOf.get('bob')!.venues.bullish.tradingAccountId };
      const current = () => (ex.balance as Record<string, Balances>)[params.tradingAccountId]!;
      /** Starts a watch, runs the write on B, then watches until `done`: no push can slip between a check and the next watch. */
      const after = async (write: () => Promise<void>, done: (balance: Balances) => boolean) => {
        const first = ex.watchBalance(params);
        await write();
        await first;
        while (!done(current())) await ex.watchBalance(params);
        return current();
      };
      await ex.watchBalance(params); // the snapshot
      await after(() => onB({ type: 'deposit', key: 'x/bob/usdt', account: bob, asset: 'USDT', amount: '1000' }), (x) => x.USDT?.total === 1000);
      await after(() => onB({ type: 'hold', key: 'x/bob/hold', account: bob, asset: 'USDT', amount: '400' }), (x) => x.USDT?.used === 400);
      const trade = {
        type: 'trade',
        key: 'x/bob/trade',
        legs: [
          { from: bob, to: carol, asset: 'USDT', amount: '350', fromBucket: 'held' },
          { from: carol, to: bob, asset: 'ETH', amount: '0.1' },
        ],
      };
      await after(() => onB(trade), (x) => x.USDT?.used === 50 && x.ETH?.total === 0.1);
      const balance = await after(() => onB({ type: 'withdrawal.request', key: 'x/bob/wd', account: bob, asset: 'BTC', amount: '0.2' }), (x) => x.BTC?.used === 0.2);
      assert.deepEqual([balance.USDT?.total, balance.USDT?.used, balance.ETH?.total, balance.BTC?.used], [600, 50, 0.1, 0.2]);
    } finally {
      await ex.close();
    }
  });
});
