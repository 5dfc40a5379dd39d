import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueCredential } from '../../credentials/issue.js';
import { Keyring } from '../../credentials/keyring.js';
import { Ledger } from '../../ledger/ledger.js';
import type { Runtime } from '../../server/runtime.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { ISSUED_LABEL, getOrIssueApiKey } from './api-keys.js';

async function setUp() {
  const store = SqliteStore.open({ path: ':memory:' });
  const ledger = new Ledger(store);
  const keyring = new Keyring(Keyring.generateKey());
  const { main } = await ledger.session((s) => s.createUser({ name: 'alice' }));
  const bot = await ledger.session((s) => s.createSubAccount(main.userId, { label: 'bot' }));
  const runtime = { store, ledger, keyring } as unknown as Runtime;
  const loopringKeys = async () => (await store.listCredentials()).filter((c) => c.venue === 'loopring');
  return { store, ledger, keyring, main, bot, runtime, loopringKeys };
}

test('several first requests at the same moment issue one key, and every one answers it', async () => {
  const { store, main, runtime, loopringKeys } = await setUp();
  try {
    const answers = await Promise.all(Array.from({ length: 5 }, () => getOrIssueApiKey(runtime, main)));
    assert.equal(new Set(answers).size, 1, answers.join(', '));
    const keys = await loopringKeys();
    assert.equal(keys.length, 1);
    assert.deepEqual([keys[0]!.accountId, keys[0]!.label], [main.id, ISSUED_LABEL]);
    assert.equal(await getOrIssueApiKey(runtime, main), answers[0], 'a later request answers the same key');
    assert.equal((await loopringKeys()).length, 1);
  } finally {
    await store.close();
  }
});

test("an account's existing key is answered and nothing is written; a sub-account gets a key of its own", async () => {
  const { store, ledger, keyring, main, bot, runtime, loopringKeys } = await setUp();
  try {
    await ledger.session((s) => issueCredential(s, keyring, main, { venue: 'loopring', apiKey: 'alice-loopring-api-key' }));
    assert.equal(await getOrIssueApiKey(runtime, main), 'alice-loopring-api-key');
    assert.equal((await loopringKeys()).length, 1);
    const botKey = await getOrIssueApiKey(runtime, bot);
    assert.notEqual(botKey, 'alice-loopring-api-key');
    assert.deepEqual((await loopringKeys()).map((c) => c.accountId), [main.id, bot.id]);
  } finally {
    await store.close();
  }
});
