/**
 * The write benchmark's workloads: which operations assetbook (and the raw baselines, the very
 * same list) apply, in turn, each with a fresh idempotency key.
 *
 * - hot: deposits into every demo account (USDT, BTC, ETH) alternating with small USDT transfers
 *   between demo accounts: a few books, touched by every writer;
 * - spread: deposits and transfers of USDT among 10,000 accounts created for the run (a scenario
 *   file loaded after the demo, as `assetbook scenario load` would), so two operations rarely
 *   touch the same user book. Deposits still all come from the per-asset system book.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATOR_PREFIX, getJson, type RunningServer } from './lib.js';

export const WORKLOADS = ['hot', 'spread'] as const;
export type Workload = (typeof WORKLOADS)[number];
export type Operation = Record<string, unknown>;

/** Accounts per user of the spread scenario: a main account and 99 sub-accounts. */
const ACCOUNTS_PER_USER = 100;
const SPREAD_OPENING_USDT = '1000000';

/**
 * Writes a scenario of `accounts` accounts (users of 100 accounts each, the main one and 99
 * sub-accounts), each opening with 1,000,000 USDT available, and returns its path. The assets
 * are the demo's (loaded first), so the scenario declares none.
 */
export function writeSpreadScenario(dir: string, accounts: number): string {
  const users = [];
  for (let u = 0; u * ACCOUNTS_PER_USER < accounts; u++) {
    const count = Math.min(ACCOUNTS_PER_USER, accounts - u * ACCOUNTS_PER_USER);
    const balances = { USDT: { available: SPREAD_OPENING_USDT } };
    users.push({
      name: `spread-${String(u).padStart(4, '0')}`,
      main: { balances },
      subAccounts: Array.from({ length: count - 1 }, (_x, i) => ({ label: `s${String(i + 1).padStart(2, '0')}`, balances })),
    });
  }
  const file = join(dir, 'spread-scenario.json');
  writeFileSync(file, JSON.stringify({ name: 'bench spread', assets: [], users }));
  return file;
}

/**
 * Deposits to and transfers between the spread accounts, spread by strides that are prime to any
 * account count used (so every account is reached), a deposit and a transfer in turn.
 */
export function spreadPattern(accounts: readonly number[]): Operation[] {
  const n = accounts.length;
  if (n < 2) throw new Error('the spread workload needs at least two accounts');
  const pattern: Operation[] = [];
  for (let i = 0; i < n; i++) {
    pattern.push({ type: 'deposit', account: accounts[(i * 7919) % n], asset: 'USDT', amount: '0.01' });
    const from = (i * 104729 + 13) % n;
    let to = (i * 15485863 + 4711) % n;
    if (to === from) to = (to + 1) % n;
    pattern.push({ type: 'transfer', from: accounts[from], to: accounts[to], asset: 'USDT', amount: '0.000001' });
  }
  return pattern;
}

/** Deposits into every demo account and small USDT transfers out of the demo accounts that hold USDT. */
export async function hotPattern(server: RunningServer, auth: Record<string, string>): Promise<Operation[]> {
  const users = await getJson(`${server.url}${OPERATOR_PREFIX}/users`, auth);
  if (users.status !== 200) throw new Error(`GET /users answered ${users.status}`);
  const accounts = (users.json as { name: string; accounts: { id: number }[] }[])
    .filter((u) => !u.name.startsWith('spread-'))
    .flatMap((u) => u.accounts.map((a) => a.id));
  if (accounts.length < 2) throw new Error('the demo scenario should give at least two accounts');
  const sources: number[] = [];
  for (const id of accounts) {
    const balances = await getJson(`${server.url}${OPERATOR_PREFIX}/accounts/${id}/balances`, auth);
    if (balances.status !== 200) throw new Error(`GET balances of ${id} answered ${balances.status}`);
    const usdt = (balances.json as { assets: { asset: string; available: string }[] }).assets.find((a) => a.asset === 'USDT');
    // 100 USDT pays for 10^8 transfers of 0.000001: no run comes near it, so no transfer can be refused.
    if (usdt && Number(usdt.available) >= 100) sources.push(id);
  }
  if (sources.length === 0) throw new Error('no demo account holds USDT to transfer');
  const deposits: Operation[] = [];
  for (const account of accounts) {
    deposits.push({ type: 'deposit', account, asset: 'USDT', amount: '0.01' });
    deposits.push({ type: 'deposit', account, asset: 'BTC', amount: '0.0001' });
    deposits.push({ type: 'deposit', account, asset: 'ETH', amount: '0.001' });
  }
  const transfers: Operation[] = [];
  for (const [i, from] of sources.entries()) {
    for (const step of [1, 2, 3]) {
      const to = accounts[(accounts.indexOf(from) + step * (i + 1)) % accounts.length];
      if (to !== undefined && to !== from) transfers.push({ type: 'transfer', from, to, asset: 'USDT', amount: '0.000001' });
    }
  }
  const pattern: Operation[] = [];
  for (let i = 0; i < deposits.length; i++) {
    const deposit = deposits[i];
    const transfer = transfers[i % transfers.length];
    if (deposit) pattern.push(deposit);
    if (transfer) pattern.push(transfer);
  }
  console.log(`  operations: ${pattern.length / 2} deposits (accounts ${accounts.join(', ')}) alternating with USDT transfers (from accounts ${sources.join(', ')})`);
  return pattern;
}

/** Each asset's scale (decimal places), from the server: the raw baselines work in base units. */
export async function assetScales(server: RunningServer, auth: Record<string, string>): Promise<Map<string, number>> {
  const assets = await getJson(`${server.url}${OPERATOR_PREFIX}/assets`, auth);
  if (assets.status !== 200) throw new Error(`GET /assets answered ${assets.status}`);
  return new Map((assets.json as { symbol: string; scale: number }[]).map((a) => [a.symbol, a.scale]));
}
