/**
 * For group-commit.test.ts: a process that writes through group commit on a SQLite file at full
 * durability, and prints each key once it is acknowledged, until it is killed. Not a test itself.
 */
import { Ledger } from './ledger.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

const path = process.argv[2];
if (!path) throw new Error('usage: group-commit.crash-writer.ts <sqlite file>');
const store = SqliteStore.open({ path, durability: 'full' });
const ledger = new Ledger(store, Date.now, { groupCommit: {} });
const main = await ledger.session(async (s) => {
  await s.createAsset({ symbol: 'BTC', scale: 8 });
  return (await s.createUser({ name: 'alice' })).main;
});
process.stdout.write('ready\n');
// 16 writers at once, so that groups form; each key is printed only after its apply resolved.
let next = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (;;) {
      const key = `k${next++}`;
      await ledger.apply({ key, type: 'deposit', account: main.id, asset: 'BTC', amount: '0.00000001' });
      process.stdout.write(`${key}\n`);
    }
  }),
);
