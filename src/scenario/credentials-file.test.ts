import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Account, User } from '../ledger/types.js';
import { FAKE_VENUES } from '../../test/support/fake-venues.js';
import { buildCredentialsFile } from './credentials-file.js';

const user: User = { id: 1, name: 'ann', venues: {}, createdAtMs: 0 };
const main: Account = { id: 1, userId: 1, kind: 'main', label: 'main', venues: { acme: { number: '501' } }, createdAtMs: 0 };
const bot: Account = { id: 2, userId: 1, kind: 'sub', label: 'bot', venues: { acme: { number: '502' } }, createdAtMs: 0 };
const idle: Account = { id: 3, userId: 1, kind: 'sub', label: 'idle', venues: {}, createdAtMs: 0 };
const accounts = [main, bot, idle];

test("per user and venue: the venue's client ids for the account, then the secrets; sub-accounts with keys of their own listed by label", () => {
  const file = buildCredentialsFile(FAKE_VENUES, 'op-token', [
    {
      user,
      accounts,
      credentials: [
        { id: 1, venue: 'acme', userId: 1, accountId: 1, secrets: { token: 'acme-main', pin: 'pin-main' } },
        { id: 2, venue: 'zeta', userId: 1, accountId: 1, secrets: { key: 'zeta-ann' } },
        { id: 3, venue: 'acme', userId: 1, accountId: 2, secrets: { token: 'acme-bot', pin: 'pin-bot' } },
      ],
    },
  ]);
  assert.deepEqual(file, {
    operator: { token: 'op-token' },
    users: [
      {
        name: 'ann',
        acme: { number: 501, token: 'acme-main', pin: 'pin-main' },
        zeta: { accounts: [1, 2, 3], key: 'zeta-ann' },
        subAccounts: [{ label: 'bot', accountId: 2, acme: { number: 502, token: 'acme-bot', pin: 'pin-bot' } }],
      },
    ],
  });
});

test('without a token, the file says where the token was written', () => {
  const file = buildCredentialsFile(FAKE_VENUES, null, [{ user, accounts, credentials: [] }], '/data/operator-token');
  assert.deepEqual(file, { operator: { token: null, tokenFile: '/data/operator-token' }, users: [{ name: 'ann', subAccounts: [] }] });
});
