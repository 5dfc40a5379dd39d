import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DEMO, HttpHarness } from '../../support/http-harness.js';
import { postgresSchemas } from '../../support/postgres-schemas.js';
import { skipWithoutPostgres } from '../../support/services.js';
import { balancesRequest } from './fourth.case-data.js';
import { OPERATOR_TOKEN, SERVED, type UserOut } from './support.js';
import { ACCOUNT_NO_BASE } from './venue/identity.js';

/**
 * The fourth venue on PostgreSQL, two instances sharing one schema: its facts live in the store's
 * generic tables (no column of its own), so a key issued on one instance reads on the other, and
 * account numbers generated on both at once stay unique.
 */

const schemas = postgresSchemas('ab_fourth');
const SECRET_KEY = randomBytes(32).toString('hex');

describe('the fourth venue on a shared PostgreSQL', { skip: skipWithoutPostgres }, () => {
  let a: HttpHarness;
  let b: HttpHarness;
  before(async () => {
    const db = schemas.fresh();
    a = await HttpHarness.start(OPERATOR_TOKEN, { scenario: DEMO, flags: { db, secretKey: SECRET_KEY, rateLimits: 'off' }, venues: SERVED });
    b = await HttpHarness.start(OPERATOR_TOKEN, { flags: { db, secretKey: SECRET_KEY, rateLimits: 'off' }, venues: SERVED });
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  test('a demo key loaded through one instance reads alice\'s balances through the other', async () => {
    const read = await b.request<{ code: number; data: { accountNo: string } }>(balancesRequest('demo-alice-fourth-api-key'));
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.data.accountNo, `F${ACCOUNT_NO_BASE + a.account('alice').id}`);
  });

  test('users created on both instances at once all get account numbers, and no two share one', async () => {
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).post<UserOut>('/_assetbook/v1/users', { name: `pg-user-${i}` })),
    );
    for (const response of created) assert.equal(response.status, 201, response.text);
    const accounts = (await a.get<UserOut[]>('/_assetbook/v1/users')).body.flatMap((u) => u.accounts);
    const numbers = accounts.map((account) => account.venues.fourth?.accountNo);
    assert.ok(numbers.every((n) => typeof n === 'string'), 'every account has one');
    assert.equal(new Set(numbers).size, accounts.length);
  });
});
