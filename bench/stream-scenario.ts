/**
 * The stream benchmark's accounts: a scenario of users of 100 accounts each (the main one and 99
 * sub-accounts), every account with a Bitget API key of its own whose secrets the benchmark knows,
 * so that each idle connection logs in as a different account, as many bots would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BitgetKey } from './stream-client.js';

const ACCOUNTS_PER_USER = 100;

/** The key of the `index`-th account of the scenario (users in order, main account first). */
export function keyOf(index: number): BitgetKey {
  const id = String(index).padStart(6, '0');
  return { apiKey: `bench-stream-key-${id}`, secretKey: `bench-stream-secret-${id}`, passphrase: `bench-pass-${id}` };
}

/** Writes a scenario of `accounts` accounts, each with 1,000,000 USDT and its own Bitget key, and returns its path. */
export function writeStreamScenario(dir: string, accounts: number): string {
  const users = [];
  const balances = { USDT: { available: '1000000' } };
  for (let u = 0; u * ACCOUNTS_PER_USER < accounts; u++) {
    const count = Math.min(ACCOUNTS_PER_USER, accounts - u * ACCOUNTS_PER_USER);
    const labels = Array.from({ length: count - 1 }, (_x, i) => `s${String(i + 1).padStart(2, '0')}`);
    const bitget = ['main', ...labels].map((account, i) => ({ account, ...keyOf(u * ACCOUNTS_PER_USER + i) }));
    users.push({
      name: `stream-${String(u).padStart(4, '0')}`,
      main: { balances },
      subAccounts: labels.map((label) => ({ label, balances })),
      credentials: { bitget },
    });
  }
  const file = join(dir, 'stream-scenario.json');
  writeFileSync(file, JSON.stringify({ name: 'bench streams', assets: [], users }));
  return file;
}
