import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_VENUES, acme } from '../../test/support/fake-venues.js';
import { operatorSchemas } from './schemas.js';
import { checkerForSchema } from './validation.js';

/** The catalog and credential wire schemas are built from the venues served: two made-up venues stand for any. */

const schemas = operatorSchemas(FAKE_VENUES);

test('a credential request is judged against the venue it names: its own fields flat beside accountId and label', () => {
  const check = checkerForSchema(schemas.CredentialIn);
  assert.equal(check({ venue: 'acme', accountId: 1, label: 'bot', token: 'acme-token-0001' }), null);
  assert.equal(check({ venue: 'zeta', accountId: 1, key: 'zeta-key-00001' }), null);
  const foreign = check({ venue: 'zeta', accountId: 1, token: 'acme-token-0001' });
  assert.equal(foreign?.path, 'token');
  assert.match(foreign?.message ?? '', /token is not a field of a zeta credential request; it takes venue, accountId, label, key/);
});

test('a credential request for a venue not served names the venues served', () => {
  const error = checkerForSchema(schemas.CredentialIn)({ venue: 'other', accountId: 1 });
  assert.equal(error?.code, 'INVALID_ARGUMENT');
  assert.equal(error?.path, 'venue');
  assert.match(error?.message ?? '', /venue must be one of acme, zeta; got "other"/);
  const missing = checkerForSchema(schemas.CredentialIn)({ accountId: 1 });
  assert.equal(missing?.path, 'venue');
});

test('an account change takes only mutable facts, each value or null; a venue without any is not offered', () => {
  const check = checkerForSchema(schemas.AccountChangesIn);
  assert.equal(check({ venues: { acme: { note: 'hello' } } }), null);
  assert.equal(check({ venues: { acme: { note: null } } }), null);
  assert.equal(check({ venues: { acme: { number: 9 } } })?.path, 'venues/acme/number');
  assert.equal(check({ venues: { zeta: {} } })?.path, 'venues/zeta');
  assert.equal(check({})?.path, 'venues');
});

test('inputs nest facts under venues (every one optional); outputs show every venue served', () => {
  const asset = checkerForSchema(schemas.AssetIn);
  assert.equal(asset({ symbol: 'BTC', scale: 8 }), null);
  assert.equal(asset({ symbol: 'BTC', scale: 8, venues: { acme: { code: 'XBT' } } }), null);
  assert.equal(asset({ symbol: 'BTC', scale: 8, acme: { code: 'XBT' } })?.path, 'acme');
  assert.equal(checkerForSchema(schemas.UserIn)({ name: 'ann', venues: { acme: { tier: 'gold' } }, main: { venues: { acme: { number: 3 } } } }), null);
  assert.deepEqual(schemas.AccountOut.properties.venues.required, ['acme', 'zeta']);
  assert.deepEqual(schemas.AssetOut.properties.venues.required, ['acme', 'zeta']);
});

test('schemas carry their component $ids, and another list of venues compiles beside them under the same $ids', () => {
  assert.deepEqual(
    [schemas.AssetIn, schemas.AssetOut, schemas.AccountIn, schemas.AccountOut, schemas.AccountChangesIn, schemas.UserIn, schemas.UserOut, schemas.CredentialIn].map((s) => s.$id),
    ['AssetInput', 'Asset', 'AccountInput', 'Account', 'AccountChanges', 'UserInput', 'User', 'CredentialInput'],
  );
  assert.equal(operatorSchemas(FAKE_VENUES), schemas, 'built once per list');
  const other = operatorSchemas([acme]);
  assert.notEqual(other, schemas);
  assert.equal(other.CredentialIn.$id, 'CredentialInput');
  assert.equal(checkerForSchema(other.CredentialIn)({ venue: 'zeta', accountId: 1 })?.path, 'venue');
  assert.equal(checkerForSchema(schemas.CredentialIn)({ venue: 'zeta', accountId: 1 }), null);
});
