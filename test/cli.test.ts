import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { TEST_POSTGRES_URL, skipWithoutPostgres } from './support/services.js';
import { OPERATOR, ROOT, assertCleanFailure, assertStrings, cli, demoDb, getJson, isRecord, show, startServe, tempDir } from './cli/harness.js';

/**
 * The real CLI, run as a child process exactly as a user would (test/cli/harness.ts); the newer
 * behaviours (database paths, reset and journal, start-up failures) have files in test/cli/.
 */

/* ------------------------------------------------------------------------------------------------
 * Help
 * --------------------------------------------------------------------------------------------- */

test('--help exits 0 and lists every command', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0, show(r));
  for (const command of ['serve', 'scenario', 'verify', 'op', 'balances', 'journal', 'reset', 'migrate']) {
    assert.match(r.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), `--help lists ${command}\n${r.stdout}`);
  }
});

test('serve --help shows its flags', async () => {
  const r = await cli(['serve', '--help']);
  assert.equal(r.code, 0, show(r));
  for (const flag of ['--demo', '--credentials-file', '--rate-limits', '--db', '--port', '--host', '--scenario']) {
    assert.ok(r.stdout.includes(flag), `serve --help shows ${flag}\n${r.stdout}`);
  }
});

/* ------------------------------------------------------------------------------------------------
 * scenario load
 * --------------------------------------------------------------------------------------------- */

test('scenario load --demo writes a credentials file with every user\'s venue keys (each venue\'s demo credentials)', async () => {
  const dir = tempDir();
  const credentials = join(dir, 'c.json');
  const r = await cli(['scenario', 'load', '--demo', '--db', join(dir, 'a.db'), '--credentials-file', credentials]);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /loaded the demo scenario/);

  const file = JSON.parse(readFileSync(credentials, 'utf8')) as unknown;
  assert.ok(isRecord(file));
  assert.ok(isRecord(file.operator), 'operator is an object');
  assert.ok('token' in file.operator, 'operator.token is present');
  assert.ok(Array.isArray(file.users), 'users is an array');

  const demo = JSON.parse(readFileSync(join(ROOT, 'examples/demo.json'), 'utf8')) as { users: { name: string }[] };
  assert.deepEqual(
    file.users.map((u: unknown) => (isRecord(u) ? u.name : undefined)),
    demo.users.map((u) => u.name),
  );
  for (const [i, user] of (file.users as unknown[]).entries()) {
    assert.ok(isRecord(user));
    const where = `users[${i}] (${String(user.name)})`;
    assertStrings(user.bitget, ['uid', 'apiKey', 'secretKey', 'passphrase'], `${where}.bitget`);
    assertStrings(user.bullish, ['publicKey', 'secret'], `${where}.bullish`);
    assert.ok(isRecord(user.bullish));
    const ids = user.bullish.tradingAccountIds;
    assert.ok(Array.isArray(ids) && ids.length > 0, `${where}.bullish.tradingAccountIds is a non-empty array`);
    for (const id of ids) assert.equal(typeof id, 'string');
    assertStrings(user.loopring, ['address', 'apiKey'], `${where}.loopring`);
    assert.ok(isRecord(user.loopring));
    assert.equal(typeof user.loopring.accountId, 'number', `${where}.loopring.accountId is a number`);
  }
  const alice = file.users[0] as Record<string, Record<string, unknown>>;
  assert.equal(alice.bitget?.apiKey, 'bg_demo_alice');
  assert.equal(alice.bullish?.publicKey, 'HMAC-demo-alice');
  assert.equal(alice.loopring?.apiKey, 'demo-alice-loopring-api-key');
});

test('scenario load of examples/demo.json itself loads no credentials: the file names no venue\'s keys', async () => {
  const dir = tempDir();
  const credentials = join(dir, 'c.json');
  const r = await cli(['scenario', 'load', 'examples/demo.json', '--db', join(dir, 'a.db'), '--credentials-file', credentials]);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /loaded examples\/demo\.json/);
  const file = JSON.parse(readFileSync(credentials, 'utf8')) as { users: Record<string, unknown>[] };
  for (const user of file.users) assert.deepEqual(Object.keys(user).sort(), ['name', 'subAccounts'], JSON.stringify(user));
});

test('scenario load takes a file or --demo, exactly one: neither or both is a usage error (exit 2)', async () => {
  const dir = tempDir();
  for (const args of [['scenario', 'load'], ['scenario', 'load', 'examples/demo.json', '--demo']]) {
    const r = await cli([...args, '--db', join(dir, 'a.db')]);
    assert.equal(r.code, 2, show(r));
    assertCleanFailure(r);
    assert.match(r.stderr, /give a scenario file, or --demo/);
    assert.ok(!existsSync(join(dir, 'a.db')), 'nothing was opened or written');
  }
});

test('scenario load of a missing file exits non-zero with one clear line', async () => {
  const dir = tempDir();
  const r = await cli(['scenario', 'load', join(dir, 'no-such-file.json'), '--db', join(dir, 'a.db')]);
  assert.notEqual(r.code, 0, show(r));
  assertCleanFailure(r);
  assert.match(r.stderr, /no-such-file\.json/);
});

test('scenario load of a non-JSON file exits non-zero with one clear line', async () => {
  const dir = tempDir();
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, 'this is not json at all, not even close');
  const r = await cli(['scenario', 'load', bad, '--db', join(dir, 'a.db')]);
  assert.notEqual(r.code, 0, show(r));
  assertCleanFailure(r);
  assert.match(r.stderr, /bad\.json is not valid JSON/);
  assert.ok(!existsSync(join(dir, 'a.db')), 'nothing was opened or written');
});

test(
  'scenario load of a multi-line file with a syntax error still reports one line',
  async () => {
    const dir = tempDir();
    const bad = join(dir, 'trailing-comma.json');
    writeFileSync(bad, '{\n  "assets": [],\n  "users": [,\n  ]\n}\n');
    const r = await cli(['scenario', 'load', bad, '--db', join(dir, 'a.db')]);
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /not valid JSON/);
    assertCleanFailure(r);
  },
);

/* ------------------------------------------------------------------------------------------------
 * verify
 * --------------------------------------------------------------------------------------------- */

test('verify prints ok, and after a balances row is tampered with exits 1 with MISMATCH', async () => {
  const dir = tempDir();
  const db = await demoDb(dir);
  const ok = await cli(['verify', '--db', db]);
  assert.equal(ok.code, 0, show(ok));
  assert.match(ok.stdout, /\bok\b/);
  assert.ok(!ok.stdout.includes('MISMATCH'), show(ok));

  const sqlite = new Database(db);
  try {
    const changed = sqlite
      .prepare(
        `UPDATE balances SET amount = '5'
         WHERE (account_id, asset, bucket) IN (SELECT account_id, asset, bucket FROM balances WHERE account_id = 1 AND amount <> '5' LIMIT 1)`,
      )
      .run();
    assert.equal(changed.changes, 1, 'one balances row tampered with');
  } finally {
    sqlite.close();
  }

  const bad = await cli(['verify', '--db', db]);
  assert.equal(bad.code, 1, show(bad));
  assert.match(bad.stdout, /MISMATCH/);
  assert.ok(!/^ok\b/m.test(bad.stdout), show(bad));
});

/* ------------------------------------------------------------------------------------------------
 * op
 * --------------------------------------------------------------------------------------------- */

test('op applies JSON, replays it, accepts flags, refuses overdrafts and malformed JSON cleanly', async () => {
  const dir = tempDir();
  const db = await demoDb(dir);
  const json = '{"key":"k1","type":"deposit","account":1,"asset":"BTC","amount":"0.5"}';

  const first = await cli(['op', json, '--db', db]);
  assert.equal(first.code, 0, show(first));
  assert.match(first.stdout, /^applied\b/m);

  const again = await cli(['op', json, '--db', db]);
  assert.equal(again.code, 0, show(again));
  assert.match(again.stdout, /^replayed\b/m);

  const flags = await cli(['op', '--key', 'k2', '--type', 'hold', '--account', '1', '--asset', 'BTC', '--amount', '0.1', '--db', db]);
  assert.equal(flags.code, 0, show(flags));
  assert.match(flags.stdout, /^applied\b.*\bhold\b.*\(k2\)/m);

  // The demo gives alice 1.25 BTC available; +0.5 -0.1 leaves 1.65: holding 1000 overdraws.
  const overdraft = await cli(['op', '--key', 'k3', '--type', 'hold', '--account', '1', '--asset', 'BTC', '--amount', '1000', '--db', db]);
  assert.equal(overdraft.code, 1, show(overdraft));
  assert.match(overdraft.stderr, /INSUFFICIENT_FUNDS/);
  assert.ok(!overdraft.stderr.includes('    at '), `no stack trace\n${show(overdraft)}`);
  assertCleanFailure(overdraft);

  const malformed = await cli(['op', '{"key":"k4",', '--db', db]);
  assert.equal(malformed.code, 2, show(malformed));
  assertCleanFailure(malformed);

  // What landed: the deposit and the hold, and nothing from the refusals.
  const table = await cli(['balances', '--db', db, '--account', '1']);
  assert.equal(table.code, 0, show(table));
  const btc = table.stdout.split('\n').find((line) => line.split(/\s+/)[2] === 'BTC');
  assert.ok(btc, table.stdout);
  const cells = btc.trim().split(/\s+/);
  assert.equal(cells[3], '1.65', `available\n${table.stdout}`);
  assert.equal(cells[4], '0.2', `held\n${table.stdout}`);
});

/* ------------------------------------------------------------------------------------------------
 * balances, migrate
 * --------------------------------------------------------------------------------------------- */

test('balances --user prints a table with available and held, and a BTC row', async () => {
  const dir = tempDir();
  const db = await demoDb(dir);
  const r = await cli(['balances', '--db', db, '--user', 'alice']);
  assert.equal(r.code, 0, show(r));
  const lines = r.stdout.trimEnd().split('\n');
  const header = (lines[0] ?? '').trim().split(/\s+/);
  assert.ok(header.includes('available'), `header ${lines[0]}`);
  assert.ok(header.includes('held'), `header ${lines[0]}`);
  const available = header.indexOf('available');
  const held = header.indexOf('held');
  const mainBtc = lines.slice(1).map((l) => l.trim().split(/\s+/)).find((cells) => cells[1] === 'main' && cells[2] === 'BTC');
  assert.ok(mainBtc, r.stdout);
  assert.equal(mainBtc[available], '1.25');
  assert.equal(mainBtc[held], '0.1');
});

test('migrate --db exits 0', async () => {
  const dir = tempDir();
  const db = join(dir, 'm.db');
  const r = await cli(['migrate', '--db', db]);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /migrated/);
  assert.ok(existsSync(db), 'the database file exists');
});

/* ------------------------------------------------------------------------------------------------
 * serve: bad configuration
 * --------------------------------------------------------------------------------------------- */

test('serve --port 99999 exits 2 with a message about the port', async () => {
  const r = await cli(['serve', '--port', '99999', '--db', ':memory:']);
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /port/);
  assertCleanFailure(r);
});

test('serve --rate-limits maybe exits 2', async () => {
  const r = await cli(['serve', '--rate-limits', 'maybe', '--db', ':memory:', '--port', '0']);
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /rate-limits/);
  assertCleanFailure(r);
});

test('serve --rate-limit with a rule no venue has exits 2 naming it', async () => {
  const r = await cli(['serve', '--rate-limit', 'bitget.acount=5/1s', '--db', ':memory:', '--port', '0']);
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /bitget\.acount/);
  assertCleanFailure(r);
});

/* ------------------------------------------------------------------------------------------------
 * serve: running
 * --------------------------------------------------------------------------------------------- */

test('serve --demo answers, authenticates with the written token, prints demo credentials, and restarts cleanly', async () => {
  const dir = tempDir();
  const db = join(dir, 's.db');
  const credentialsPath = join(dir, 'creds.json');
  const tokenFile = join(dir, 'operator-token');

  // First start.
  const first = await startServe(['--demo', '--db', db, '--port', '0', '--credentials-file', credentialsPath]);
  let userCount: number;
  let token: string;
  try {
    const health = await getJson(`${first.url}/healthz`);
    assert.equal(health.status, 200);

    const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8')) as { operator?: { token?: unknown } };
    assert.equal(typeof credentials.operator?.token, 'string', 'the credentials file holds the generated operator token');
    token = credentials.operator?.token as string;

    const balances = await getJson(`${first.url}${OPERATOR}/accounts/1/balances`, token);
    assert.equal(balances.status, 200, JSON.stringify(balances.body));
    assert.ok(isRecord(balances.body) && Array.isArray(balances.body.assets));
    assert.ok(
      balances.body.assets.some((a: unknown) => isRecord(a) && a.asset === 'BTC'),
      `BTC listed: ${JSON.stringify(balances.body)}`,
    );
    const unauthenticated = await getJson(`${first.url}${OPERATOR}/accounts/1/balances`);
    assert.equal(unauthenticated.status, 401);

    await first.waitForStdout((text) => ['bg_demo_alice', 'HMAC-demo-alice', 'demo-alice-loopring-api-key'].every((s) => text.includes(s)), 10_000);

    const users = await getJson(`${first.url}${OPERATOR}/users`, token);
    assert.equal(users.status, 200);
    assert.ok(Array.isArray(users.body));
    userCount = users.body.length;
    assert.ok(userCount >= 3, `demo users present (${userCount})`);

    assert.ok(existsSync(tokenFile), 'the generated token is written beside the database');
    assert.equal(readFileSync(tokenFile, 'utf8').trim(), token);
  } finally {
    const stopped = await first.stop();
    assert.equal(stopped.code, 0, `exit after SIGTERM: ${JSON.stringify(stopped)}\nstderr: ${first.stderr()}`);
  }

  // Restart on the same database: the demo is not loaded twice, the token file still works.
  const second = await startServe(['--demo', '--db', db, '--port', '0']);
  try {
    const health = await getJson(`${second.url}/healthz`);
    assert.equal(health.status, 200);
    const fileToken = readFileSync(tokenFile, 'utf8').trim();
    const users = await getJson(`${second.url}${OPERATOR}/users`, fileToken);
    assert.equal(users.status, 200, JSON.stringify(users.body));
    assert.ok(Array.isArray(users.body));
    assert.equal(users.body.length, userCount, 'no duplicated users after a restart');
    const names = users.body.map((u: unknown) => (isRecord(u) ? u.name : undefined));
    assert.equal(new Set(names).size, names.length, `user names are unique: ${names.join(', ')}`);
    const balances = await getJson(`${second.url}${OPERATOR}/accounts/1/balances`, fileToken);
    assert.equal(balances.status, 200);
    await second.waitForStdout((text) => text.includes('bg_demo_alice'), 10_000);
    assert.ok(!second.stdout().includes('generated, shown once'), `no new token on restart\n${second.stdout()}`);
  } finally {
    const stopped = await second.stop();
    assert.equal(stopped.code, 0, `exit after SIGTERM: ${JSON.stringify(stopped)}\nstderr: ${second.stderr()}`);
  }
});

test('serve --demo is configured by ASSETBOOK_PORT and ASSETBOOK_DB alone', async () => {
  const server = await startServe(['--demo'], { ASSETBOOK_PORT: '0', ASSETBOOK_DB: ':memory:' });
  try {
    assert.doesNotMatch(server.url, /:8080\b/, `a free port, not the default: ${server.url}`);
    const health = await getJson(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    // Printed after the listening line, in a write of its own.
    await server.waitForStdout((text) => text.includes('operator token'));
    const token = /operator token \(generated, shown once\): (\S+)/.exec(server.stdout())?.[1];
    assert.ok(token, `the generated token is printed\n${server.stdout()}`);
    const users = await getJson(`${server.url}${OPERATOR}/users`, token);
    assert.equal(users.status, 200, JSON.stringify(users.body));
    assert.ok(Array.isArray(users.body) && users.body.length >= 3, 'the demo is loaded into the in-memory store');
    assert.ok(!existsSync(join(ROOT, ':memory:')), 'no file named :memory: was created');
  } finally {
    const stopped = await server.stop();
    assert.equal(stopped.code, 0, `exit after SIGTERM: ${JSON.stringify(stopped)}`);
  }
});

test(
  'serve restarted with --credentials-file still says how to authenticate as operator',
  async () => {
    const dir = tempDir();
    const db = join(dir, 's.db');
    const first = await startServe(['--demo', '--db', db, '--port', '0']);
    assert.equal((await first.stop()).code, 0);

    const credentialsPath = join(dir, 'creds-after-restart.json');
    const second = await startServe(['--demo', '--db', db, '--port', '0', '--credentials-file', credentialsPath]);
    try {
      const file = JSON.parse(readFileSync(credentialsPath, 'utf8')) as { operator?: { token?: unknown; tokenFile?: unknown } };
      const operator = file.operator ?? {};
      const token =
        typeof operator.token === 'string'
          ? operator.token
          : typeof operator.tokenFile === 'string'
            ? readFileSync(operator.tokenFile, 'utf8').trim()
            : undefined;
      assert.ok(token !== undefined, `operator.token or operator.tokenFile is given: ${JSON.stringify(file.operator)}`);
      const users = await getJson(`${second.url}${OPERATOR}/users`, token);
      assert.equal(users.status, 200);
    } finally {
      assert.equal((await second.stop()).code, 0);
    }
  },
);

test('on PostgreSQL, migrate, scenario load and verify work from the command line, and a missing secret key is a clear refusal', { skip: skipWithoutPostgres }, async () => {
  const url = new URL(TEST_POSTGRES_URL ?? 'postgres://unset');
  const schema = `ab_cli_${randomBytes(5).toString('hex')}`;
  url.searchParams.set('search_path', schema);
  const db = url.toString();
  const key = ['--secret-key', 'c'.repeat(64)];
  try {
    const migrated = await cli(['migrate', '--db', db, ...key]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /postgres store is at the newest schema/);
    const loaded = await cli(['scenario', 'load', 'examples/demo.json', '--db', db, ...key]);
    assert.equal(loaded.code, 0, loaded.stderr);
    const verified = await cli(['verify', '--db', db, ...key]);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /^ok: \d+ entries/m);
    const keyless = await cli(['verify', '--db', db]);
    assertCleanFailure(keyless);
    assert.match(keyless.stderr, /needs --secret-key/);
  } finally {
    const sql = postgres(TEST_POSTGRES_URL ?? '', { onnotice: () => {} });
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
    await sql.end();
  }
});
