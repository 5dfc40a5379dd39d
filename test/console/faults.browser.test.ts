import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildConsole } from '../../scripts/build-console.mjs';
import type { FaultRuleView } from '../../src/faults/schemas.js';
import { CONSOLE_DIR } from '../../src/server/console.js';
import { demoBitgetKey, signedBitgetRequest } from '../support/bitget-signer.js';
import { launchChromium } from '../support/browser.js';
import { FAULTS, listFaults } from '../support/faults.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';

/**
 * The console's Faults screen in a real headless Chromium (Debian's package, through
 * playwright-core) against a real server loaded with the demo. In order on one page, as an
 * operator would: sign in, open Faults, have a bad probability refused at its field, add a Bitget
 * rate-limit rule through the form, see a real signed Bitget request fail by it appear live with
 * the counts going up (no reload), then clear the rules from the console. Every wait is for an
 * element or a response, never for a guessed time.
 */

const TOKEN = 'console-faults-test-token';
const ASSETS = '/api/v2/spot/account/assets';
let api: HttpHarness;
let browser: Browser;
let page: Page;

before(async () => {
  // The page under test is the one `npm run build` makes; built here too, so a test run never serves a stale one.
  await buildConsole(CONSOLE_DIR);
  api = await HttpHarness.start(TOKEN, { scenario: DEMO });
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await api?.close();
});

const form = () => page.locator('form[data-form="fault"]');
const rule = (id: string) => page.locator(`table[data-list="faults"] tr[data-rule="${id}"]`);
const bitgetBalances = () => api.request(signedBitgetRequest(demoBitgetKey(api.secrets('alice', 'bitget')), ASSETS));

describe("the console's Faults screen", () => {
  test('signed in, the Faults screen shows no rule and its stream live', async () => {
    await page.goto(`${api.baseUrl}/_assetbook/console`);
    await page.fill('#operator-token', TOKEN);
    await page.click('button[type=submit]');
    await page.locator('header.top').waitFor();
    await page.click('header.top a[href="#/faults"]');
    await page.locator('[data-fault-stream="live"]').waitFor();
    await page.locator('[data-empty="rules"]').waitFor();
    await page.locator('[data-empty="injections"]').waitFor();
    // The error kinds offered are the ones the stream says the venues answer.
    await form().locator('select[name="action/kind"] option', { hasText: /^rate_limited$/ }).waitFor({ state: 'attached' });
  });

  test("a bad probability is refused with the API's own message at the probability field, and nothing is set", async () => {
    await form().locator('select[name="venue"]').selectOption('bitget');
    await form().locator('select[name="method"]').selectOption('GET');
    await form().locator('input[name="path"]').fill(ASSETS);
    await form().locator('select[name="action/type"]').selectOption('error');
    await form().locator('select[name="action/kind"]').selectOption('rate_limited');
    await form().locator('input[name="id"]').fill('limited');
    await form().locator('input[name="probability"]').fill('1.5');
    const answered = page.waitForResponse((r) => r.url().endsWith(FAULTS) && r.request().method() === 'POST');
    await form().locator('button[type=submit]').click();
    const response = await answered;
    const refusal = (await response.json()) as { error: { code: string; message: string; path: string } };
    assert.deepEqual([response.status(), refusal.error.code, refusal.error.path], [400, 'INVALID_ARGUMENT', 'probability']);
    const message = form().locator('[data-field="probability"] .field-error');
    await message.waitFor();
    assert.equal(await message.textContent(), refusal.error.message, 'the message is the API refusal, word for word');
    assert.equal(await form().locator('.field-error').count(), 1, 'only the probability is marked');
    assert.deepEqual(await listFaults(api), [], 'nothing was set');
  });

  test('the rule added through the form is listed; a request it fails appears live and its counts go up, without a reload', async () => {
    await form().locator('input[name="probability"]').fill('1');
    await form().locator('button[type=submit]').click();
    await form().locator('.notice.ok', { hasText: 'Rule limited is set.' }).waitFor();
    await rule('limited').locator('td[data-col="injected"]', { hasText: /^0$/ }).waitFor();
    const [set] = await listFaults(api);
    assert.deepEqual(
      { venue: set?.venue, method: set?.method, path: set?.path, probability: set?.probability, action: set?.action },
      { venue: 'bitget', method: 'GET', path: ASSETS, probability: 1, action: { type: 'error', kind: 'rate_limited' } },
      'the rule is what the form said',
    );
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

    const first = await bitgetBalances();
    assert.equal(first.status, 429, first.text);
    const row = page.locator('table[data-list="injections"] tr[data-injection="limited/1"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', new RegExp(`bitget.*GET ${ASSETS.replace(/\//g, '\\/')}.*error rate_limited`));
    await rule('limited').locator('td[data-col="injected"]', { hasText: /^1$/ }).waitFor();
    await rule('limited').locator('td[data-col="matched"]', { hasText: /^1$/ }).waitFor();

    assert.equal((await bitgetBalances()).status, 429);
    await page.locator('table[data-list="injections"] tr[data-injection="limited/2"]').waitFor();
    await rule('limited').locator('td[data-col="injected"]', { hasText: /^2$/ }).waitFor();
    assert.deepEqual(
      await page.locator('table[data-list="injections"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-injection'))),
      ['limited/2', 'limited/1'],
      'newest first, each once',
    );
    const listed = (await listFaults(api))[0] as FaultRuleView;
    assert.deepEqual([listed.matched, listed.injected], [2, 2], 'the counts shown are the server’s');
    assert.equal(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere), true, 'the page was not reloaded');
  });

  test('a rule set elsewhere appears, one is removed, and Clear all empties the list; requests are served again', async () => {
    assert.equal((await api.post(FAULTS, { id: 'from-a-script', venue: 'loopring', action: { type: 'latency', ms: 1 } })).status, 201);
    await rule('from-a-script').waitFor();
    await page.click('button[data-remove="from-a-script"]');
    await rule('from-a-script').waitFor({ state: 'detached' });
    await rule('limited').waitFor();

    await page.click('button[data-clear="faults"]');
    await page.locator('[data-empty="rules"]').waitFor();
    assert.deepEqual(await listFaults(api), []);
    assert.equal((await bitgetBalances()).status, 200, 'no rule fails the request any more');
    await page.locator('table[data-list="injections"] tr[data-injection="limited/2"]').waitFor();
  });
});
