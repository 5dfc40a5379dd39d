import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../ledger/errors.js';
import { VENUES } from '../venues/index.js';
import { FAKE_VENUES, acme } from '../../test/support/fake-venues.js';
import { scenarioJsonSchemaText } from './json-schema.js';
import { checkScenario } from './load.js';
import { scenarioSchema } from './schema.js';

/** The scenario format is built from the venues given: two made-up venues stand for any. */

const file = () => ({
  assets: [{ symbol: 'BTC', scale: 8, venues: { acme: { code: 'XBT' } } }],
  users: [
    {
      name: 'ann',
      venues: { acme: { tier: 'gold' } },
      main: { venues: { acme: { number: 7, note: 'first' } }, balances: { BTC: { available: '1' } } },
      subAccounts: [{ label: 'bot', venues: { acme: { number: 8 } } }],
      credentials: { acme: [{ account: 'bot', token: 'acme-token-0001' }], zeta: [{ key: 'zeta-key-0001' }] },
    },
  ],
});

function refusal(value: unknown): LedgerError {
  try {
    checkScenario(FAKE_VENUES, value);
  } catch (error) {
    assert.ok(error instanceof LedgerError, String(error));
    return error;
  }
  assert.fail('the scenario was accepted');
}

test('a scenario with facts nested under each venue and credentials by venue id is accepted for the venues given', () => {
  const value = file();
  assert.equal(checkScenario(FAKE_VENUES, value), value);
});

test('a venue not served is refused where it is named: under an asset\'s venues and under credentials', () => {
  const asset = file();
  (asset.assets[0]!.venues as Record<string, unknown>).other = { code: 'X' };
  assert.equal(refusal(asset).path, 'assets/0/venues/other');
  const credentials = file();
  (credentials.users[0]!.credentials as Record<string, unknown>).other = [];
  assert.equal(refusal(credentials).path, 'users/0/credentials/other');
});

test("a fact the venue does not declare for that subject is refused at its path (a user's fact on an account)", () => {
  const value = file();
  (value.users[0]!.main.venues.acme as Record<string, unknown>).tier = 'gold';
  const error = refusal(value);
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.path, 'users/0/main/venues/acme/tier');
});

test("a credential entry takes its kind's fields only: another venue's field is refused by name", () => {
  const value = file();
  value.users[0]!.credentials.acme[0] = { account: 'bot', token: 'acme-token-0001', key: 'zeta-key-0001' } as never;
  const error = refusal(value);
  assert.equal(error.path, 'users/0/credentials/acme/0/key');
  assert.match(error.message, /not a field/);
});

test("a kind the user holds takes no account (it is filed under the main account); a kind an account holds does", () => {
  const value = file();
  value.users[0]!.credentials.zeta[0] = { key: 'zeta-key-0001', account: 'bot' } as never;
  assert.equal(refusal(value).path, 'users/0/credentials/zeta/0/account');
});

test("a credential value is checked by the kind's own schema, with the kind's wording", () => {
  const value = file();
  value.users[0]!.credentials.acme[0] = { token: 'SHORT' } as never;
  const error = refusal(value);
  assert.equal(error.path, 'users/0/credentials/acme/0/token');
  assert.match(error.message, /8 to 64 lower-case letters/);
});

test('the JSON Schema names exactly the venues given, and one list gives one schema object', () => {
  const text = scenarioJsonSchemaText(FAKE_VENUES);
  const schema = JSON.parse(text) as { properties: { users: { items: { properties: { credentials: { properties: Record<string, unknown> } } } } } };
  assert.deepEqual(Object.keys(schema.properties.users.items.properties.credentials.properties), ['acme', 'zeta']);
  for (const venue of VENUES) assert.ok(!text.includes(`"${venue.id}"`), `the schema names ${venue.id}, which is not in the list`);
  assert.equal(scenarioSchema(FAKE_VENUES), scenarioSchema(FAKE_VENUES));
  // Another list (another app in the process) compiles beside it: a schema $id does not clash.
  const onlyAcme = [acme];
  assert.throws(() => checkScenario(onlyAcme, file()), (e: unknown) => e instanceof LedgerError && e.path === 'users/0/credentials/zeta');
});
