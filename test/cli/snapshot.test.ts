import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATOR, assertCleanFailure, cli, demoDb, show, startServe, tempDir } from './harness.js';

/**
 * `assetbook snapshot save|restore FILE`, on the store (`--db`) and through a running server
 * (`--url`, the operator API): the file holds the ledger as it was, restoring it puts every
 * balance and key back, and a file refused leaves the ledger as it is.
 */

const aliceBtc = async (db: string) => {
  const r = await cli(['balances', '--user', 'alice', '--db', db]);
  assert.equal(r.code, 0, show(r));
  return /^1\s+main\s+BTC\s+(\S+)\s/m.exec(r.stdout)?.[1];
};

test('snapshot save then restore on --db: a deposit made in between is gone, verify passes, and the file is private', async () => {
  const dir = tempDir();
  const db = await demoDb(dir);
  const file = join(dir, 'snap.json');
  const saved = await cli(['snapshot', 'save', file, '--db', db]);
  assert.equal(saved.code, 0, show(saved));
  assert.match(saved.stdout, /saved .* to .*snap\.json: 3 users, 8 accounts, journal up to #38/, show(saved));
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the file holds sealed secrets and keyed hashes: only its owner reads it');
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { format: string }).format, 'assetbook-snapshot');

  assert.equal((await cli(['op', '--db', db, '--key', 'later', '--type', 'deposit', '--account', '1', '--asset', 'BTC', '--amount', '1'])).code, 0);
  assert.equal(await aliceBtc(db), '2.25');
  const restored = await cli(['snapshot', 'restore', file, '--db', db]);
  assert.equal(restored.code, 0, show(restored));
  assert.match(restored.stdout, /restored .*snap\.json into .*: 3 users, 8 accounts, journal up to #38/, show(restored));
  assert.equal(await aliceBtc(db), '1.25');
  assert.match((await cli(['verify', '--db', db])).stdout, /^ok: 38 entries/m);
});

test('snapshot restore of a damaged file fails in one line and changes nothing', async () => {
  const dir = tempDir();
  const db = await demoDb(dir);
  const file = join(dir, 'snap.json');
  assert.equal((await cli(['snapshot', 'save', file, '--db', db])).code, 0);
  const text = readFileSync(file, 'utf8');
  assert.equal((await cli(['op', '--db', db, '--key', 'later', '--type', 'deposit', '--account', '1', '--asset', 'BTC', '--amount', '1'])).code, 0);

  writeFileSync(file, text.slice(0, 500));
  const truncated = await cli(['snapshot', 'restore', file, '--db', db]);
  assert.equal(truncated.code, 1, show(truncated));
  assertCleanFailure(truncated);
  assert.match(truncated.stderr, /not JSON \(truncated or damaged\?\)/, show(truncated));

  writeFileSync(file, text.replace('"name":"alice"', '"name":"mallory"'));
  const edited = await cli(['snapshot', 'restore', file, '--db', db]);
  assert.equal(edited.code, 1, show(edited));
  assertCleanFailure(edited);
  assert.match(edited.stderr, /refused \(INVALID_ARGUMENT\): the snapshot was changed or damaged/, show(edited));
  assert.equal(await aliceBtc(db), '2.25', 'the ledger is as before either attempt');
});

test('snapshot save and restore --url go through a running server, which serves the restored balances at once', async () => {
  const dir = tempDir();
  const token = 'snapshot-cli-operator-token';
  const server = await startServe(['--demo', '--db', join(dir, 'served.db'), '--port', '0', '--operator-token', token]);
  try {
    const file = join(dir, 'snap.json');
    const saved = await cli(['snapshot', 'save', file, '--url', server.url], { ASSETBOOK_OPERATOR_TOKEN: token });
    assert.equal(saved.code, 0, show(saved));
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const deposit = await fetch(`${server.url}${OPERATOR}/operations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ key: 'later', type: 'deposit', account: 1, asset: 'BTC', amount: '1' }),
    });
    assert.equal(deposit.status, 201);
    const btc = async () => {
      const body = (await (await fetch(`${server.url}${OPERATOR}/accounts/1/balances`, { headers })).json()) as { assets: { asset: string; available: string }[] };
      return body.assets.find((a) => a.asset === 'BTC')?.available;
    };
    assert.equal(await btc(), '2.25');
    const restored = await cli(['snapshot', 'restore', file, '--url', server.url, '--operator-token', token]);
    assert.equal(restored.code, 0, show(restored));
    assert.equal(await btc(), '1.25');

    const wrongToken = await cli(['snapshot', 'save', file, '--url', server.url, '--operator-token', 'wrong']);
    assert.equal(wrongToken.code, 1, show(wrongToken));
    assertCleanFailure(wrongToken);
    assert.match(wrongToken.stderr, /refused \(UNAUTHENTICATED\)/, show(wrongToken));
  } finally {
    assert.equal((await server.stop()).code, 0);
  }
});
