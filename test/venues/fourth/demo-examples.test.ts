import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { describeDemo } from '../../../src/cli/demo.js';
import type { HttpHarness } from '../../support/http-harness.js';
import { startWithFourth } from './support.js';

const run = promisify(execFile);

/**
 * The demo printout (`describeDemo`, what `serve --demo` prints) takes the fourth venue's block from
 * its demo part like any venue's: alice's request, run by bash with curl as printed, answers her
 * balances in the venue's success shape.
 */
let h: HttpHarness;
before(async () => {
  h = await startWithFourth();
});
after(async () => h.close());

test("the fourth venue's printed demo request runs as printed and answers alice's balances", async () => {
  const printout = describeDemo(h.baseUrl, h.runtime.venues, h.loaded!.users, 'TOKEN', false);
  const lines = printout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('fourth, as alice'));
  assert.ok(start >= 0, `a block for the fourth venue in\n${printout}`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    block.push(line.slice(2));
  }
  assert.equal(block.length, 1, block.join('\n'));
  const { stdout } = await run('bash', ['-c', `set -e\n${block.join('\n')}`]);
  const body = JSON.parse(stdout) as { code: number; data: { accountNo: string; balances: { ticker: string }[] } };
  assert.equal(body.code, 0, stdout);
  assert.equal(body.data.accountNo, h.account('alice').venues.fourth?.accountNo);
  assert.deepEqual(body.data.balances.map((b) => b.ticker), ['BTC', 'ETH', 'SOL', 'USDC', 'USDT']);
});
