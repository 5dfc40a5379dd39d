import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleanFailure, cli, demoDb, show, startCli, startServe, tempDir } from './harness.js';

/**
 * Starting over and seeing what happened, from the CLI: `reset` (behind --yes), `journal`
 * (newest, paged, followed), and a scenario loaded twice saying how to start fresh.
 * examples/demo.json writes 38 journal entries; the last is carol's ETH deposit.
 */

const LAST_DEMO_ENTRY = /^#38 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z deposit scenario\/carol\/main\/ETH\/deposit-available account=8 asset=ETH amount=0\.75$/m;
const entryLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('#'));

test('reset without --yes refuses (exit 2), says what it would empty, and empties nothing', async () => {
  const db = await demoDb(tempDir());
  const r = await cli(['reset', '--db', db]);
  assert.equal(r.code, 2, show(r));
  assertCleanFailure(r);
  assert.ok(r.stderr.includes(db), show(r));
  assert.match(r.stderr, /3 users, 8 accounts, journal up to #38/, show(r));
  assert.match(r.stderr, /--yes/, show(r));
  const journal = await cli(['journal', '--limit', '1', '--db', db]);
  assert.match(journal.stdout, LAST_DEMO_ENTRY, `the journal is untouched\n${show(journal)}`);
});

test('reset --yes empties the ledger, verify then passes on it, and the same scenario loads again', async () => {
  const db = await demoDb(tempDir());
  const r = await cli(['reset', '--yes', '--db', db]);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /emptied \(3 users, 8 accounts, journal up to #38\)/);

  const journal = await cli(['journal', '--db', db]);
  assert.equal(journal.code, 0, show(journal));
  assert.deepEqual(entryLines(journal.stdout), [], 'no journal entries are left');
  const verified = await cli(['verify', '--db', db]);
  assert.match(verified.stdout, /^ok: 0 entries/m, show(verified));

  const again = await cli(['scenario', 'load', 'examples/demo.json', '--db', db]);
  assert.equal(again.code, 0, show(again));
  const balances = await cli(['balances', '--user', 'alice', '--db', db]);
  assert.match(balances.stdout, /^1\s+main\s+BTC\s+1\.25\s/m, `alice's demo balance is back\n${show(balances)}`);
});

test('scenario load of a scenario already loaded names what clashes and the reset command for this --db', async () => {
  const db = await demoDb(tempDir());
  const r = await cli(['scenario', 'load', 'examples/demo.json', '--db', db]);
  assert.equal(r.code, 1, show(r));
  assertCleanFailure(r);
  assert.match(r.stderr, /user alice/, show(r));
  assert.ok(r.stderr.includes(`assetbook reset --yes --db ${db}`), show(r));
});

test('serve --scenario on a database that holds it already says it was not loaded again, and how to start over', async () => {
  const db = await demoDb(tempDir());
  const server = await startServe(['--scenario', 'examples/demo.json', '--db', db, '--port', '0']);
  try {
    await server.waitForStdout((text) => text.includes('not loaded again'));
    assert.ok(server.stdout().includes(`examples/demo.json: its users are in the database already, so it was not loaded again; to start over: assetbook reset --yes --db ${db}`), server.stdout());
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});

test('journal prints the newest entries one readable line each, --limit how many, --after from an id with a hint for more', async () => {
  const db = await demoDb(tempDir());
  const newest = await cli(['journal', '--db', db]);
  assert.equal(newest.code, 0, show(newest));
  const lines = entryLines(newest.stdout);
  assert.equal(lines.length, 20, `20 by default\n${newest.stdout}`);
  assert.match(lines[0] ?? '', /^#19 /);
  assert.match(newest.stdout, LAST_DEMO_ENTRY);

  const three = await cli(['journal', '--limit', '3', '--db', db]);
  assert.deepEqual(entryLines(three.stdout).map((l) => l.split(' ')[0]), ['#36', '#37', '#38']);

  const paged = await cli(['journal', '--after', '5', '--limit', '2', '--db', db]);
  assert.equal(paged.code, 0, show(paged));
  assert.deepEqual(entryLines(paged.stdout).map((l) => l.split(' ')[0]), ['#6', '#7']);
  assert.match(paged.stdout, /^#6 \S+ adjust scenario\/alice\/main\/BTC\/borrowed account=1 asset=BTC bucket=borrowed amount=0\.05 reason="scenario opening balance"$/m);
  assert.match(paged.stderr, /more: assetbook journal --after 7/);

  const bad = await cli(['journal', '--limit', '0', '--db', db]);
  assert.equal(bad.code, 2, show(bad));
  assertCleanFailure(bad);
});

test('journal --follow prints an entry another process writes, follows across a reset, and exits 0 on Ctrl-C', async () => {
  const db = await demoDb(tempDir());
  const follower = startCli(['journal', '--follow', '--limit', '1', '--interval', '20', '--db', db]);
  // Generous bounds (they only end a failing test): several CLI processes start in turn here.
  await follower.waitForStdout((text) => LAST_DEMO_ENTRY.test(text), 60_000);

  const op = await cli(['op', '{"key":"follow-1","type":"deposit","account":1,"asset":"BTC","amount":"0.5"}', '--db', db]);
  assert.equal(op.code, 0, show(op));
  await follower.waitForStdout((text) => /^#39 \S+ deposit follow-1 account=1 asset=BTC amount=0\.5$/m.test(text), 60_000);

  // After a reset the ids start again at 1: the follower must not wait for an id above 39.
  assert.equal((await cli(['reset', '--yes', '--db', db])).code, 0);
  assert.equal((await cli(['scenario', 'load', 'examples/demo.json', '--db', db])).code, 0);
  await follower.waitForStdout((text) => /the journal was emptied/.test(text) && /^#1 \S+ deposit scenario\/alice\/main\/BTC\/deposit-available /m.test(text), 60_000);

  const stopped = await follower.stop('SIGINT');
  assert.equal(stopped.code, 0, `exit after Ctrl-C: ${JSON.stringify(stopped)}\nstderr: ${follower.stderr()}`);
});

test('journal --after N --follow prints each entry once: those after N, then the new ones', async () => {
  const db = await demoDb(tempDir());
  const follower = startCli(['journal', '--after', '36', '--follow', '--interval', '20', '--db', db]);
  await follower.waitForStdout((text) => LAST_DEMO_ENTRY.test(text), 60_000);
  const op = await cli(['op', '{"key":"after-1","type":"deposit","account":1,"asset":"BTC","amount":"1"}', '--db', db]);
  assert.equal(op.code, 0, show(op));
  await follower.waitForStdout((text) => /^#39 \S+ deposit after-1 /m.test(text), 60_000);
  assert.equal((await follower.stop('SIGINT')).code, 0);
  assert.deepEqual(entryLines(follower.stdout()).map((l) => l.split(' ')[0]), ['#37', '#38', '#39']);
});
