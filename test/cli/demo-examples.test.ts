import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { describeDemo } from '../../src/cli/demo.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';

const run = promisify(execFile);

/**
 * `serve --demo` prints, for each venue, requests a newcomer can paste into a shell. They are
 * built by each venue's demo part from the demo credentials; here each block is run by bash
 * (curl and openssl, as a newcomer would) against a server holding the demo, and must get the
 * venue's success answer with alice's balances.
 */
let h: HttpHarness;
before(async () => {
  h = await HttpHarness.start('demo-examples-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
});
after(async () => h.close());

/** The printout's block of lines under "<venue>, as alice (...):", without their indent. */
function blockOf(printout: string, venue: string): string[] {
  const lines = printout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${venue}, as alice`));
  assert.ok(start >= 0, `a block for ${venue} in\n${printout}`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    block.push(line.slice(2));
  }
  return block;
}

for (const venue of ['bitget', 'bullish', 'loopring'] as const) {
  test(`the ${venue} requests serve --demo prints run as printed and answer alice's balances`, async () => {
    const printout = describeDemo(h.baseUrl, h.runtime.venues, h.loaded!.users, 'TOKEN', false);
    const block = blockOf(printout, venue);
    assert.ok(block.length > 0, `${venue} prints at least one request`);
    const { stdout } = await run('bash', ['-c', `set -e\n${block.join('\n')}`]);
    const body = JSON.parse(stdout) as unknown;
    // Each venue's success shape: Bitget's envelope, Bullish's array of asset accounts, Loopring's array of balance rows.
    const rows = venue === 'bitget' ? (body as { code: string; data: unknown[] }).data : (body as unknown[]);
    if (venue === 'bitget') assert.equal((body as { code: string }).code, '00000', stdout);
    assert.ok(Array.isArray(rows) && rows.length > 0, `${venue} lists alice's holdings: ${stdout}`);
  });
}
