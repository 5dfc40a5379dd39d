import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATOR, assertCleanFailure, cli, getJson, show, startServe, tempDir } from './harness.js';

/** What `serve` says at start: a busy port, and the demo's requests once the token is only in its file. */

test('serve on a port another process holds exits 2 naming --port and ASSETBOOK_PORT, without a stack trace', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    for (const [args, env] of [
      [['serve', '--port', String(port), '--db', ':memory:'], {}],
      [['serve', '--db', ':memory:'], { ASSETBOOK_PORT: String(port) }],
    ] as const) {
      const r = await cli(args, env);
      assert.equal(r.code, 2, show(r));
      assertCleanFailure(r);
      assert.ok(r.stderr.includes(`port ${port} is already in use`), show(r));
      assert.match(r.stderr, /--port <n> or ASSETBOOK_PORT/, show(r));
    }
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
});

test('serve --demo restarted prints operator requests that read the token file, and what the shell makes of them authenticates', async () => {
  const dir = tempDir();
  const db = join(dir, 's.db');
  const first = await startServe(['--demo', '--db', db, '--port', '0']);
  await first.waitForStdout((text) => text.includes('Try:'));
  const printed = first.stdout();
  assert.equal((await first.stop()).code, 0);

  const second = await startServe(['--demo', '--db', db, '--port', '0']);
  try {
    await second.waitForStdout((text) => text.includes('Try:'));
    // Each credential with what a client names the account by (the venue's clientIds), then its secrets; the same after a restart.
    for (const line of [
      '  carol (bitget broker=true)',
      '    bitget   main: uid=6100000001 apiKey=bg_demo_alice secretKey=demo-alice-bitget-secret passphrase=demo-alice-pass',
      '    bitget   sub-account grid-bot: uid=6100000002 apiKey=bg_demo_alice_grid secretKey=demo-alice-grid-secret passphrase=demo-alice-grid-pass',
      '    bullish  main: tradingAccountIds=111000000000001,111000000000002,111000000000003,111000000000004 publicKey=HMAC-demo-alice secret=demo-alice-bullish-secret',
      '    loopring main: accountId=10010 address=0x1111111111111111111111111111111111111111 apiKey=demo-alice-loopring-api-key',
      'bitget, as alice (clients and every endpoint: docs/venues/bitget.md):',
    ]) {
      assert.ok(printed.includes(`\n${line}\n`), `the first start prints ${JSON.stringify(line)}\n${printed}`);
      assert.ok(second.stdout().includes(`\n${line}\n`), `the restart prints ${JSON.stringify(line)}\n${second.stdout()}`);
    }
    assert.ok(!second.stdout().includes('<operator token>'), second.stdout());
    const expression = /-H "authorization: Bearer (\$\(cat [^)]+\))"/.exec(second.stdout())?.[1];
    assert.equal(expression, `$(cat ${join(dir, 'operator-token')})`, second.stdout());
    const token = execFileSync('sh', ['-c', `printf %s "${expression}"`], { encoding: 'utf8' });
    assert.equal(token, readFileSync(join(dir, 'operator-token'), 'utf8').trim());
    const users = await getJson(`${second.url}${OPERATOR}/users`, token);
    assert.equal(users.status, 200, JSON.stringify(users.body));
    const consoleUrl = /^console: (http:\/\/\S+) /m.exec(second.stdout())?.[1];
    assert.equal(consoleUrl, `${second.url}/_assetbook/console`, 'the console address is printed');
    assert.equal((await fetch(consoleUrl)).status, 200, 'and serves the page');
  } finally {
    assert.equal((await second.stop()).code, 0);
  }
});
