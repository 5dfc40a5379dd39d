import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { buildConsole } from '../../scripts/build-console.mjs';
import { CONSOLE_DIR } from '../../src/server/console.js';
import { launchChromium } from '../support/browser.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';

/**
 * The operator console in a real headless Chromium (Debian's package, driven by playwright-core),
 * against a real server loaded with the demo. The blocks run in order on one page, as an operator
 * would: sign in, find an account, deposit through the form, see it in the balances (the ledger's
 * buckets and each venue's rows) and in the journal, get a refusal at the field, and watch a
 * change made through the operator API arrive without a reload. Every wait is for an element or
 * an event, never for a guessed time.
 */

const TOKEN = 'console-test-operator-token';
let api: HttpHarness;
let browser: Browser;
let page: Page;
const requests: Request[] = [];
/** alice's sub-account "empty": it holds nothing when the demo loads. */
let account: number;

before(async () => {
  // The page under test is the one `npm run build` makes; built here too, so a test run never serves a stale one.
  await buildConsole(CONSOLE_DIR);
  api = await HttpHarness.start(TOKEN, { scenario: DEMO });
  account = api.account('alice', 'empty').id;
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  page.on('request', (request) => requests.push(request));
});

after(async () => {
  await browser?.close();
  await api?.close();
});

const url = () => `${api.baseUrl}/_assetbook/console`;
const ledgerCell = (asset: string, bucket: string) => page.locator(`table[data-table="ledger"] tr[data-asset="${asset}"] td[data-bucket="${bucket}"]`);
const venueCell = (asset: string, venue: string) => page.locator(`table[data-table="venues"] tr[data-asset="${asset}"] td[data-venue="${venue}"]`);

describe('the operator console', () => {
  test('shows nothing but the sign-in screen without the token, refuses a wrong one, and keeps the right one in sessionStorage', async () => {
    await page.goto(url());
    await page.locator('#operator-token').waitFor();
    assert.equal(await page.locator('header.top').count(), 0, 'no navigation before signing in');
    assert.equal(requests.filter((r) => r.url().includes('/_assetbook/v1/')).length, 0, 'no API call before a token is given');

    await page.fill('#operator-token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.locator('.sign-in .field-error', { hasText: 'That is not the operator token.' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused token is not kept');

    await page.fill('#operator-token', TOKEN);
    await page.click('button[type=submit]');
    await page.locator('header.top').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('assetbook.operatorToken')), TOKEN);
    await page.locator('.live-badge[data-state="live"]').waitFor();
  });

  test('finds an account by searching the paged account list and opens it', async () => {
    await page.click('header.top a[href="#/accounts"]');
    await page.locator('table[data-list="accounts"] tbody tr').first().waitFor();
    await page.fill('form.search input[type=search]', 'empty');
    await page.press('form.search input[type=search]', 'Enter');
    await page.locator(`table[data-list="accounts"] tr[data-account="${account}"]`).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table[data-list="accounts"] tbody tr').length === 1);
    await page.click(`table[data-list="accounts"] tr[data-account="${account}"] a`);
    await page.locator(`[data-account-screen="${account}"]`).waitFor();
    await page.locator('text=This account has never held anything.').waitFor();
  });

  test('a deposit made through the form shows in the ledger buckets, in each venue as that venue renders it, and in the journal', async () => {
    await page.click(`a.button[href="#/operations/deposit/${account}"]`);
    const form = page.locator('form[data-form="deposit"]');
    await form.waitFor();
    assert.equal(await form.locator('input[name="account"]').inputValue(), String(account), 'the account is filled in');
    const key = await form.locator('input[name="key"]').inputValue();
    assert.match(key, /^console-deposit-/, 'a fresh idempotency key is offered');
    await form.locator('input[name="asset"]').fill('USDT');
    await form.locator('input[name="amount"]').fill('12.5');
    await form.locator('button[type=submit]').click();
    await form.locator('.notice.ok', { hasText: 'Applied: entry #' }).waitFor();

    await page.goto(`${url()}#/account/${account}`);
    await ledgerCell('USDT', 'available').filter({ hasText: /^12\.5$/ }).waitFor();
    assert.equal(await ledgerCell('USDT', 'held').textContent(), '0', 'every bucket is shown, zeros too');
    assert.equal(await page.locator('table[data-table="ledger"] tr[data-asset="USDT"] td').count(), 8);
    await venueCell('USDT', 'bitget').filter({ hasText: 'available12.5' }).waitFor();
    await venueCell('USDT', 'bullish').filter({ hasText: 'availableQuantity12.5000' }).waitFor();
    await venueCell('USDT', 'loopring').filter({ hasText: 'total12500000' }).waitFor();

    await page.click('header.top a[href="#/journal"]');
    const row = page.locator(`table[data-list="journal"] tr[data-key="${key}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /deposit/);
    assert.match((await row.textContent()) ?? '', new RegExp(`account ${account} available \\+12\\.5 USDT`));
  });

  test("a bad amount is refused with the API's own message, shown at the amount field, and nothing is applied", async () => {
    const before = (await api.get<{ entries: unknown[] }>('/_assetbook/v1/journal?limit=500')).body.entries.length;
    await page.goto(`${url()}#/operations/deposit/${account}`);
    const form = page.locator('form[data-form="deposit"]');
    await form.locator('input[name="asset"]').fill('USDT');
    await form.locator('input[name="amount"]').fill('1e-3');
    const answered = page.waitForResponse((r) => r.url().endsWith('/_assetbook/v1/operations'));
    await form.locator('button[type=submit]').click();
    const response = await answered;
    const refusal = (await response.json()) as { error: { code: string; message: string; path: string } };
    assert.equal(response.status(), 400);
    assert.equal(refusal.error.path, 'amount');
    const message = form.locator('[data-field="amount"] .field-error');
    await message.waitFor();
    assert.equal(await message.textContent(), refusal.error.message, 'the message is the API refusal, word for word');
    assert.match(refusal.error.message, /decimal/);
    assert.equal(await form.locator('[data-field="amount"] input').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.locator('.field-error').count(), 1, 'only the amount is marked');
    assert.equal((await api.get<{ entries: unknown[] }>('/_assetbook/v1/journal?limit=500')).body.entries.length, before, 'nothing was written');

    await form.locator('input[name="amount"]').fill('0.5');
    await form.locator('input[name="asset"]').fill('NOPE');
    await form.locator('button[type=submit]').click();
    await form.locator('[data-field="asset"] .field-error').waitFor();
    assert.equal(await form.locator('[data-field="amount"] .field-error').count(), 0, 'a corrected field is cleared');
  });

  test('a change made through the operator API appears on the open account and in the journal without a reload', async () => {
    await page.goto(`${url()}#/account/${account}`);
    await ledgerCell('USDT', 'available').filter({ hasText: /^12\.5$/ }).waitFor();
    await page.locator('.live-badge[data-state="live"]').waitFor();
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

    await api.operate({ key: 'outside-the-console', type: 'deposit', account, asset: 'USDT', amount: '7.25' });
    await ledgerCell('USDT', 'available').filter({ hasText: /^19\.75$/ }).waitFor();
    await venueCell('USDT', 'bullish').filter({ hasText: 'availableQuantity19.7500' }).waitFor();
    await page.locator('tr[data-key="outside-the-console"]').waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere), true, 'the page was not reloaded');

    await api.operate({ key: 'outside-hold', type: 'hold', account, asset: 'USDT', amount: '4' });
    await ledgerCell('USDT', 'held').filter({ hasText: /^4$/ }).waitFor();
    await venueCell('USDT', 'bitget').filter({ hasText: 'frozen4' }).waitFor();
    await page.click('header.top a[href="#/journal"]');
    await page.locator('table[data-list="journal"] tr[data-key="outside-hold"]').waitFor();
  });

  test('issues a credential and shows its secrets once; the list shows it without them', async () => {
    await page.goto(`${url()}#/credentials/${api.account('alice', 'empty').userId}/${account}`);
    const form = page.locator('form[data-form="credential"]');
    await form.locator('select[name="venue"]').waitFor();
    await form.locator('select[name="venue"]').selectOption('bitget');
    await form.locator('input[name="label"]').fill('from the console');
    await form.locator('button[type=submit]').click();
    const secret = page.locator('.shown-once code[data-secret="secretKey"]');
    await secret.waitFor();
    const shown = (await secret.textContent()) ?? '';
    assert.ok(shown.length >= 8, 'the secret is shown');
    await page.locator('table[data-list="credentials"] td', { hasText: 'from the console' }).waitFor();
    await page.click('.shown-once button:not(.link)');
    await form.waitFor();
    assert.equal(await page.locator(`text=${shown}`).count(), 0, 'once hidden, the secret is nowhere on the page');
    assert.ok(!(await page.content()).includes(shown));
  });

  test('every API call carried the token, and nothing was fetched from anywhere but the server', () => {
    const apiCalls = requests.filter((r) => r.url().includes('/_assetbook/v1/'));
    assert.ok(apiCalls.length > 10, `${apiCalls.length} API calls`);
    for (const r of apiCalls) assert.match(r.headers().authorization ?? '', /^Bearer \S+$/, `${r.method()} ${r.url()} sent the token`);
    const elsewhere = requests.map((r) => r.url()).filter((u) => !u.startsWith(api.baseUrl));
    assert.deepEqual(elsewhere, []);
  });

  test('signing out forgets the token and shows the sign-in screen again', async () => {
    await page.click('header.top button.link');
    await page.locator('#operator-token').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('assetbook.operatorToken')), null);
    await page.reload();
    await page.locator('#operator-token').waitFor();
    assert.equal(await page.locator('header.top').count(), 0);
  });
});
