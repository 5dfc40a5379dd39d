import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueCredential } from '../../src/credentials/issue.js';
import { Keyring } from '../../src/credentials/keyring.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ISSUED_LABEL, getOrIssueApiKey } from '../../src/venues/loopring/api-keys.js';
import { loopring } from '../../src/venues/loopring/dialect.js';
import { publicKeyOf } from '../../src/venues/loopring/eddsa/eddsa.js';
import { formatFieldElement } from '../../src/venues/loopring/eddsa/field.js';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { sdk } from '../support/loopring-sdk.js';
import { skipWithoutPostgres } from '../support/services.js';
import { portOver } from '../support/venue-port.js';
import { postgresSchemas } from '../support/postgres-schemas.js';
import { accountIdOf } from '../../src/venues/loopring/identity.js';

/**
 * `/api/v3/apiKey` answers an account's first Loopring key, issuing one on the first request: the
 * one write a GET makes, through the venue port's `credentialIssuedIfAbsent`. However many first
 * requests arrive together, on one instance or on several sharing a PostgreSQL, one key is issued
 * and every request answers it.
 */

async function setUp() {
  const { port, store, ledger, keyring } = portOver(SqliteStore.open({ path: ':memory:' }), 'loopring');
  const { main } = await ledger.session((s) => s.createUser({ name: 'alice' }));
  const bot = await ledger.session((s) => s.createSubAccount(main.userId, { label: 'bot' }));
  const loopringKeys = async () => (await store.listCredentials()).filter((c) => c.venue === 'loopring');
  return { store, ledger, keyring, main, bot, port, loopringKeys };
}

test('several first requests at the same moment issue one key, and every one answers it', async () => {
  const { store, main, port, loopringKeys } = await setUp();
  try {
    const answers = await Promise.all(Array.from({ length: 5 }, () => getOrIssueApiKey(port, main)));
    assert.equal(new Set(answers).size, 1, answers.join(', '));
    const keys = await loopringKeys();
    assert.equal(keys.length, 1);
    assert.deepEqual([keys[0]!.accountId, keys[0]!.label], [main.id, ISSUED_LABEL]);
    assert.equal(await getOrIssueApiKey(port, main), answers[0], 'a later request answers the same key');
    assert.equal((await loopringKeys()).length, 1);
  } finally {
    await store.close();
  }
});

test("an account's existing key is answered and nothing is written; a sub-account gets a key of its own", async () => {
  const { store, ledger, keyring, main, bot, port, loopringKeys } = await setUp();
  try {
    await ledger.session((s) => issueCredential(s, keyring, loopring.credentials, 'loopring', main, { apiKey: 'alice-loopring-api-key' }));
    assert.equal(await getOrIssueApiKey(port, main), 'alice-loopring-api-key');
    assert.equal((await loopringKeys()).length, 1);
    const botKey = await getOrIssueApiKey(port, bot);
    assert.notEqual(botKey, 'alice-loopring-api-key');
    assert.deepEqual((await loopringKeys()).map((c) => c.accountId), [main.id, bot.id]);
  } finally {
    await store.close();
  }
});

/** PostgreSQL schemas of this file's own, dropped when it ends. */
const schemas = postgresSchemas();

test(
  '[postgres] simultaneous first /apiKey requests to two instances on one database issue one key, and all answer it',
  { skip: skipWithoutPostgres },
  async () => {
    const flags = { db: schemas.fresh(), secretKey: Keyring.generateKey().toString('hex'), rateLimits: 'off' };
    const a = await HttpHarness.start('port-pg-token', { scenario: DEMO, flags });
    const b = await HttpHarness.start('port-pg-token', { flags });
    try {
      // An account with a layer-2 key and no Loopring API key yet: its first /apiKey request issues one.
      const grid = a.account('alice', 'grid-bot');
      const secret = '0x0123456789abcdef';
      const key = publicKeyOf(BigInt(secret));
      const put = await a.request({ method: 'PATCH', path: `/_assetbook/v1/accounts/${grid.id}`, body: { venues: { loopring: { publicKey: { x: formatFieldElement(key.x), y: key.y.toString() } } } } });
      assert.equal(put.status, 200, put.text);
      const keysOfGrid = async () => (await a.runtime.store.listCredentials(grid.userId)).filter((c) => c.venue === 'loopring' && c.accountId === grid.id);
      assert.deepEqual(await keysOfGrid(), []);

      // The signature covers the host, so each instance gets requests signed for its own address.
      const path = `/api/v3/apiKey?accountId=${accountIdOf(grid)}`;
      const ask = (h: HttpHarness) => {
        const signature = sdk.getEdDSASig('GET', h.baseUrl, '/api/v3/apiKey', new Map([['accountId', accountIdOf(grid)]]), secret);
        return h.request<{ apiKey: string }>({ method: 'GET', path, token: null, headers: { 'X-API-SIG': signature } });
      };
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i % 2 === 0 ? a : b)));
      for (const answer of answers) assert.equal(answer.status, 200, answer.text);
      const apiKeys = new Set(answers.map((r) => r.body.apiKey));
      assert.equal(apiKeys.size, 1, `every request answers the same key, got ${[...apiKeys].join(', ')}`);
      const stored = await keysOfGrid();
      assert.deepEqual(stored.map((c) => c.label), [ISSUED_LABEL], 'one key issued');
      assert.equal((await ask(b)).body.apiKey, [...apiKeys][0], 'a later request on the other instance answers it too');
    } finally {
      await b.close();
      await a.close();
    }
  },
);
