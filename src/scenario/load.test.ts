import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Keyring } from '../credentials/keyring.js';
import { parseAmount } from '../ledger/amount.js';
import { LedgerError, type LedgerErrorCode } from '../ledger/errors.js';
import { Ledger } from '../ledger/ledger.js';
import { BUCKETS } from '../ledger/types.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { VENUES } from '../venues/index.js';
import { demoScenario } from './demo.js';
import { scenarioJsonSchemaText } from './json-schema.js';
import { checkScenario, loadScenario } from './load.js';

/* ------------------------------------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------------------------------- */

const EXAMPLES = new URL('../../examples/', import.meta.url);
const SCHEMA_FILE = new URL('../../schemas/scenario.schema.json', import.meta.url);

interface DemoAccount {
  label?: string;
  balances?: Record<string, Record<string, string>>;
}
interface DemoUser {
  name: string;
  main?: DemoAccount;
  subAccounts?: DemoAccount[];
  credentials?: Record<string, unknown[]>;
}
interface DemoFile {
  assets: { symbol: string; scale: number }[];
  users: DemoUser[];
}

/** examples/demo.json as written: no venue's credentials. */
const demoFile = (): DemoFile => JSON.parse(readFileSync(new URL('demo.json', EXAMPLES), 'utf8')) as DemoFile;

/** The demo scenario (the file and each venue's demo credentials), a fresh copy each time, so a test may edit it freely. */
const demo = (): DemoFile => demoScenario(VENUES, demoFile()) as DemoFile;

/** The venues whose demo gives this user credentials. */
const demoVenuesOf = (name: string) => VENUES.filter((v) => (v.demo.credentials[name] ?? []).length > 0).map((v) => v.id);

function fresh() {
  const store = SqliteStore.open({ path: ':memory:' });
  const ledger = new Ledger(store, Date.now, { venues: VENUES.map((v) => v.identity) });
  const keyring = new Keyring(Buffer.alloc(32, 1));
  return { store, ledger, keyring };
}

/** Every place a load could have written to is empty. */
async function assertNothingWritten(world: ReturnType<typeof fresh>): Promise<void> {
  const { store } = world;
  assert.deepEqual(await store.listAssets(), [], 'no assets');
  assert.deepEqual(await store.listUsers(), [], 'no users');
  assert.deepEqual(await store.listAccounts(), [], 'no accounts');
  assert.deepEqual(await store.listCredentials(), [], 'no credentials');
  assert.deepEqual((await store.listJournal(0, 10)).entries, [], 'no operations');
  const balances = [];
  for await (const b of store.scanBalances()) balances.push(b);
  assert.deepEqual(balances, [], 'no balance rows');
}

/** Loads `value`, expects a LedgerError, checks nothing landed, and returns the error. */
async function refused(value: unknown, code: LedgerErrorCode): Promise<LedgerError> {
  const world = fresh();
  let caught: unknown;
  try {
    await loadScenario(world.ledger, world.keyring, VENUES, value);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof LedgerError, `refused with a LedgerError (got ${String(caught)})`);
  assert.equal(caught.code, code, caught.message);
  await assertNothingWritten(world);
  await world.store.close();
  return caught;
}

/* ------------------------------------------------------------------------------------------------
 * The demo scenario
 * --------------------------------------------------------------------------------------------- */

test("the demo (examples/demo.json with each venue's demo credentials) loads, verifies, and holds users, sub-accounts, assets and credentials", async () => {
  const world = fresh();
  const { store, ledger, keyring } = world;
  const result = await loadScenario(ledger, keyring, VENUES, demo());

  const report = await ledger.verify();
  assert.equal(report.ok, true, JSON.stringify(report.mismatches));
  assert.equal(report.mismatches.length, 0);

  const users = await store.listUsers();
  assert.ok(users.length >= 3, `at least 3 users (got ${users.length})`);
  assert.equal(result.users.length, users.length);

  // Two users (at least) run two or more sub-accounts that actually hold something.
  let usersWithFundedSubs = 0;
  for (const user of users) {
    const subs = (await store.listAccounts({ userId: user.id })).filter((a) => a.kind === 'sub');
    let funded = 0;
    for (const sub of subs) if ((await ledger.balances(sub.id)).some((b) => b.amount !== 0n)) funded += 1;
    if (funded >= 2) usersWithFundedSubs += 1;
  }
  assert.ok(usersWithFundedSubs >= 2, `two users with >= 2 funded sub-accounts (got ${usersWithFundedSubs})`);

  const symbols = (await store.listAssets()).map((a) => a.symbol);
  for (const symbol of ['BTC', 'ETH', 'USDT', 'USDC', 'SOL']) assert.ok(symbols.includes(symbol), `asset ${symbol} declared`);

  for (const user of users) {
    const expected = demoVenuesOf(user.name);
    assert.deepEqual(expected, VENUES.map((v) => v.id), `every venue's demo gives ${user.name} a credential`);
    const venues = new Set((await store.listCredentials(user.id)).map((c) => c.venue));
    assert.deepEqual(venues, new Set(expected), `${user.name}'s stored credentials`);
    const loaded = result.users.find((u) => u.user.id === user.id);
    assert.ok(loaded, `${user.name} is in the load result`);
    assert.deepEqual(new Set(loaded.credentials.map((c) => c.venue)), new Set(expected));
  }
  await store.close();
});

test('demo opening balances equal the file for every account, asset and bucket (unmentioned ones are zero)', async () => {
  const world = fresh();
  const { store, ledger, keyring } = world;
  const file = demo();
  await loadScenario(ledger, keyring, VENUES, file);
  const scales = new Map(file.assets.map((a) => [a.symbol, a.scale]));

  let compared = 0;
  for (const spec of file.users) {
    const user = await store.getUserByName(spec.name);
    assert.ok(user, `user ${spec.name} exists`);
    const accounts = await store.listAccounts({ userId: user.id });
    const pairs: [string, DemoAccount | undefined][] = [['main', spec.main], ...(spec.subAccounts ?? []).map((s): [string, DemoAccount] => [s.label ?? '?', s])];
    assert.equal(accounts.length, pairs.length, `${spec.name} has main plus every sub-account`);
    for (const [label, accountSpec] of pairs) {
      const account = label === 'main' ? accounts.find((a) => a.kind === 'main') : accounts.find((a) => a.kind === 'sub' && a.label === label);
      assert.ok(account, `${spec.name}/${label} exists`);
      const actual = new Map<string, bigint>();
      for (const b of await ledger.balances(account.id)) {
        assert.ok(scales.has(b.asset), `${spec.name}/${label} holds only declared assets (found ${b.asset})`);
        actual.set(`${b.asset}/${b.bucket}`, b.amount);
      }
      const written = accountSpec?.balances ?? {};
      for (const [symbol, scale] of scales) {
        for (const bucket of BUCKETS) {
          const text = written[symbol]?.[bucket];
          const expected = text === undefined ? 0n : parseAmount(text, scale);
          assert.equal(actual.get(`${symbol}/${bucket}`) ?? 0n, expected, `${spec.name}/${label} ${symbol} ${bucket}`);
          if (text !== undefined) compared += 1;
        }
      }
    }
  }
  assert.ok(compared > 20, `the walk compared the file's amounts (${compared})`);
  await store.close();
});

test('the opening pending deposit is confirmed by its documented key and moves to available', async () => {
  const world = fresh();
  const { store, ledger, keyring } = world;
  const file = demo();
  await loadScenario(ledger, keyring, VENUES, file);

  // Find the first opening pending deposit the file declares on a main account.
  let found: { user: string; asset: string; amount: string } | undefined;
  for (const u of file.users) {
    for (const [asset, buckets] of Object.entries(u.main?.balances ?? {})) {
      if (!found && buckets.pendingDeposit !== undefined) found = { user: u.name, asset, amount: buckets.pendingDeposit };
    }
  }
  assert.ok(found, 'the demo file has an opening pending deposit');
  const scale = file.assets.find((a) => a.symbol === found.asset)?.scale;
  assert.ok(scale !== undefined);
  const user = await store.getUserByName(found.user);
  assert.ok(user);
  const main = (await store.listAccounts({ userId: user.id })).find((a) => a.kind === 'main');
  assert.ok(main);

  const bucket = async (name: string) => (await ledger.balances(main.id)).find((b) => b.asset === found.asset && b.bucket === name)?.amount ?? 0n;
  const pending = parseAmount(found.amount, scale);
  const availableBefore = await bucket('available');
  assert.equal(await bucket('pendingDeposit'), pending);

  const key = `scenario/${found.user}/main/${found.asset}/pendingDeposit`;
  const result = await ledger.apply({ key: 'confirm-opening-deposit', type: 'deposit.confirm', pending: key });
  assert.equal(result.replayed, false);
  assert.equal(await bucket('pendingDeposit'), 0n);
  assert.equal(await bucket('available'), availableBefore + pending);
  assert.equal((await ledger.verify()).ok, true);
  await store.close();
});

/* ------------------------------------------------------------------------------------------------
 * Bad files: refused with a path, nothing written
 * --------------------------------------------------------------------------------------------- */

test('an unknown top-level field is refused and nothing is written', async () => {
  const file = { ...demo(), extra: true };
  const error = await refused(file, 'INVALID_ARGUMENT');
  assert.match(error.message, /extra/, 'the message names the unknown field');
  assert.equal(error.path, 'extra');
});

test('an amount as a JSON number deep inside is refused INVALID_AMOUNT with its exact path, as the operator API would', async () => {
  const file = demo() as unknown as { users: { main: { balances: { BTC: Record<string, unknown> } } }[] };
  const alice = file.users[0];
  assert.ok(alice);
  alice.main.balances.BTC.available = 1.25;
  const error = await refused(file, 'INVALID_AMOUNT');
  assert.equal(error.path, 'users/0/main/balances/BTC/available');
  assert.match(error.message, /decimal string .* got the JSON number 1\.25/);
});

test('a wrong type deep inside is refused INVALID_ARGUMENT with its exact path', async () => {
  const file = demo() as unknown as { users: { main: { label: unknown } }[] };
  const alice = file.users[0];
  assert.ok(alice);
  alice.main.label = 7;
  const error = await refused(file, 'INVALID_ARGUMENT');
  assert.equal(error.path, 'users/0/main/label');
  assert.match(error.message, /must be a string; got the JSON number 7/);
});

test('an over-precise amount is refused with INVALID_AMOUNT at its bucket', async () => {
  const file = demo();
  const btc = file.users[0]?.main?.balances?.BTC;
  assert.ok(btc);
  btc.available = '1.123456789'; // BTC has 8 places
  const error = await refused(file, 'INVALID_AMOUNT');
  assert.ok(error.path?.endsWith('/BTC/available'), `path ${error.path}`);
  assert.equal(error.path, 'users/0/main/balances/BTC/available');
});

test('a balance in an asset the file does not declare is refused with ASSET_NOT_FOUND', async () => {
  const file = demo();
  const balances = file.users[0]?.main?.balances;
  assert.ok(balances);
  balances.NOPE = { available: '1' };
  const error = await refused(file, 'ASSET_NOT_FOUND');
  assert.ok(error.path?.startsWith('users/0/main/balances/NOPE'), `path ${error.path}`);
});

test('duplicate user names are refused', async () => {
  const file = demo();
  const bob = file.users[1];
  assert.ok(bob);
  bob.name = 'alice';
  const error = await refused(file, 'USER_EXISTS');
  assert.equal(error.path, 'users/1/name');
});

test('credentials naming a sub-account label that does not exist are refused with their path', async () => {
  const file = demo();
  const venue = VENUES.find((v) => v.credentials.holder === 'account');
  assert.ok(venue, 'a venue whose accounts hold their own credentials');
  const entries = file.users[0]?.credentials?.[venue.id];
  assert.ok(entries);
  entries[0] = { ...(entries[0] as object), account: 'no-such-label' };
  const error = await refused(file, 'ACCOUNT_NOT_FOUND');
  assert.equal(error.path, `users/0/credentials/${venue.id}/0/account`);
  assert.doesNotMatch(error.message, /account: account:/);
});

test('an error in the last user after valid users leaves the store empty (atomic)', async () => {
  const file = demo();
  const last = file.users.length - 1;
  assert.ok(last >= 2, 'several users come before the broken one');
  const lastUser = file.users[last];
  assert.ok(lastUser?.main);
  lastUser.main.balances = { ...(lastUser.main.balances ?? {}), BTC: { available: '0.000000001' } };
  const error = await refused(file, 'INVALID_AMOUNT');
  assert.equal(error.path, `users/${last}/main/balances/BTC/available`);
});

/* ------------------------------------------------------------------------------------------------
 * Schema and examples
 * --------------------------------------------------------------------------------------------- */

test('schemas/scenario.schema.json is current (equals scenarioJsonSchemaText(VENUES): npm run schema writes it)', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), scenarioJsonSchemaText(VENUES));
});

test("examples/demo.json names no venue's credentials: each venue's demo brings them", () => {
  for (const user of demoFile().users) assert.equal(user.credentials, undefined, `${user.name} has no credentials in the file`);
});

test('every examples/*.json validates with checkScenario', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
  assert.ok(files.includes('demo.json'));
  for (const name of files) {
    const value = JSON.parse(readFileSync(new URL(name, EXAMPLES), 'utf8')) as unknown;
    assert.doesNotThrow(() => checkScenario(VENUES, value), `examples/${name} validates`);
  }
});
