// Takes the screenshots of the operator console that docs/console.md shows (docs/console/*.png):
// a real server on 127.0.0.1 with the demo loaded and a few operations applied, driven in
// Debian's Chromium through playwright-core. Run with `npm run docs:console` after changing the
// console, and commit the pictures.
import { mkdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { buildConsole } from './build-console.mjs';
import { buildApp } from '../src/server/app.js';
import { resolveConfig, type ConfigFlags } from '../src/server/config.js';
import { CONSOLE_DIR } from '../src/server/console.js';
import { openRuntime } from '../src/server/runtime.js';
import { demoScenario } from '../src/scenario/demo.js';
import { loadScenario } from '../src/scenario/load.js';
import { bitgetSignature } from '../test/support/bitget-signer.js';
import { launchChromium } from '../test/support/browser.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs', 'console');
const TOKEN = 'screenshot-operator-token';

await buildConsole(CONSOLE_DIR);
const runtime = await openRuntime(resolveConfig({ db: ':memory:', operatorToken: TOKEN } as ConfigFlags, {}), {});
const loaded = await loadScenario(runtime.ledger, runtime.keyring, runtime.venues, demoScenario(runtime.venues, JSON.parse(readFileSync(join(ROOT, 'examples', 'demo.json'), 'utf8'))));
const app = await buildApp(runtime, { logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const accountOf = (user: string, label = 'main') => loaded.users.find((u) => u.user.name === user)!.accounts.find((a) => (label === 'main' ? a.kind === 'main' : a.label === label))!.id;

async function operate(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${base}/_assetbook/v1/operations`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`operation refused: ${await response.text()}`);
}

/** A Bitget key issued for `account`, to sign a balance read with. */
async function issueBitgetKey(account: number): Promise<Record<string, string>> {
  const response = await fetch(`${base}/_assetbook/v1/credentials`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ venue: 'bitget', accountId: account, label: 'faults picture' }) });
  if (!response.ok) throw new Error(`credential refused: ${await response.text()}`);
  return ((await response.json()) as { secrets: Record<string, string> }).secrets;
}

/** A signed Bitget balance read (the rule under the picture fails it). */
async function bitgetRead(secrets: Record<string, string>): Promise<number> {
  const path = '/api/v2/spot/account/assets';
  const timestamp = String(Date.now());
  const signature = bitgetSignature(secrets.secretKey!, `${timestamp}GET${path}`);
  const headers = { 'ACCESS-KEY': secrets.apiKey!, 'ACCESS-SIGN': signature, 'ACCESS-TIMESTAMP': timestamp, 'ACCESS-PASSPHRASE': secrets.passphrase!, locale: 'en-US' };
  return (await fetch(`${base}${path}`, { headers })).status;
}

const alice = accountOf('alice');
const bob = accountOf('bob');
mkdirSync(OUT, { recursive: true });
const browser = await launchChromium();
try {
  const page: Page = await browser.newPage({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1 });
  const shot = (name: string, fullPage = true) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage });

  await page.goto(`${base}/_assetbook/console`);
  await page.locator('#operator-token').waitFor();
  await shot('sign-in');
  await page.fill('#operator-token', TOKEN);
  await page.click('button[type=submit]');
  await page.locator('.live-badge[data-state="live"]').waitFor();

  await operate({ key: 'docs/deposit', type: 'deposit', account: bob, asset: 'USDT', amount: '2500' });
  await operate({ key: 'docs/hold', type: 'hold', account: bob, asset: 'USDT', amount: '600', reservation: 'docs-order' });
  await operate({ key: 'docs/trade', type: 'trade', legs: [{ from: bob, to: alice, asset: 'USDT', amount: '600', reservation: 'docs-order' }, { from: alice, to: bob, asset: 'BTC', amount: '0.01' }] });
  await operate({ key: 'docs/withdrawal', type: 'withdrawal.request', account: alice, asset: 'ETH', amount: '1.5', fee: '0.001', chain: 'ERC20', address: '0x2222222222222222222222222222222222222222' });

  await page.goto(`${base}/_assetbook/console#/users/1`);
  await page.locator('table[data-list="accounts"] tbody tr').first().waitFor();
  await shot('users');

  await page.goto(`${base}/_assetbook/console#/accounts`);
  await page.fill('form.search input[type=search]', 'alice');
  await page.press('form.search input[type=search]', 'Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('table[data-list="accounts"] tbody tr td:nth-child(2)')].every((td) => td.textContent === 'alice'));
  await shot('accounts');

  await page.goto(`${base}/_assetbook/console#/account/${alice}`);
  await page.locator('table[data-table="venues"]').waitFor();
  await shot('account');

  await page.goto(`${base}/_assetbook/console#/journal`);
  await page.locator('tr[data-key="docs/withdrawal"]').waitFor();
  await shot('journal', false);

  await page.goto(`${base}/_assetbook/console#/operations/deposit/${alice}`);
  const form = page.locator('form[data-form="deposit"]');
  await form.locator('input[name="asset"]').fill('USDT');
  await form.locator('input[name="amount"]').fill('12.345.6');
  await form.locator('button[type=submit]').click();
  await form.locator('[data-field="amount"] .field-error').waitFor();
  await shot('operations');

  await page.goto(`${base}/_assetbook/console#/credentials/1/${alice}`);
  const issue = page.locator('form[data-form="credential"]');
  await issue.locator('select[name="venue"]').waitFor();
  await issue.locator('input[name="label"]').fill('trading bot');
  await issue.locator('button[type=submit]').click();
  await page.locator('.shown-once').waitFor();
  await page.locator('table[data-list="credentials"] td', { hasText: 'trading bot' }).waitFor();
  await shot('credential');

  // Faults: two rules, one of which has failed a signed Bitget balance read twice.
  const faults = (method: string, body?: unknown) =>
    fetch(`${base}/_assetbook/v1/faults`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  await faults('POST', { id: 'slow-logins', venue: 'bullish', path: '/trading-api/v1/users/hmac/login', action: { type: 'latency', ms: 1 }, probability: 0.5, seed: 7 });
  await page.goto(`${base}/_assetbook/console#/faults`);
  await page.locator('[data-fault-stream="live"]').waitFor();
  const ruleForm = page.locator('form[data-form="fault"]');
  await ruleForm.locator('select[name="venue"]').selectOption('bitget');
  await ruleForm.locator('select[name="method"]').selectOption('GET');
  await ruleForm.locator('input[name="path"]').fill('/api/v2/spot/account/assets');
  await ruleForm.locator('input[name="id"]').fill('rate-limited');
  await ruleForm.locator('input[name="count"]').fill('5');
  await ruleForm.locator('button[type=submit]').click();
  await page.locator('tr[data-rule="rate-limited"]').waitFor();
  const bitgetKey = await issueBitgetKey(alice);
  for (let n = 1; n <= 2; n += 1) {
    await bitgetRead(bitgetKey);
    await page.locator(`tr[data-injection="rate-limited/${n}"]`).waitFor();
  }
  await page.locator('tr[data-rule="rate-limited"] td[data-col="injected"]', { hasText: /^2$/ }).waitFor();
  await ruleForm.locator('input[name="probability"]').fill('2');
  await ruleForm.locator('button[type=submit]').click();
  await ruleForm.locator('[data-field="probability"] .field-error').waitFor();
  await shot('faults');
  await faults('DELETE');
  console.log(`screenshots written to ${OUT}`);
} finally {
  await browser.close();
  await app.close();
  await runtime.close();
}
