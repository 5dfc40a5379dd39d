import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../ledger/errors.js';
import type { LedgerSession } from '../ledger/session.js';
import type { Account } from '../ledger/types.js';
import type { NewCredential } from '../store/store.js';
import { acmeCredentials, zetaCredentials } from '../../test/support/fake-venues.js';
import { issueCredential } from './issue.js';
import { Keyring } from './keyring.js';

/** Issuing goes through the venue's credential kind: two made-up kinds stand for any venue's. */

const keyring = new Keyring(Buffer.alloc(32, 3));
const account = (id: number, kind: 'main' | 'sub'): Account => ({ id, userId: 4, kind, label: kind === 'main' ? 'main' : 'bot', venues: {}, createdAtMs: 0 });

function recordingSession() {
  const stored: Omit<NewCredential, 'createdAtMs'>[] = [];
  const session = { createCredential: async (c: Omit<NewCredential, 'createdAtMs'>) => (stored.push(c), 40 + stored.length) } as unknown as LedgerSession;
  return { session, stored };
}

async function refused(fn: () => Promise<unknown>): Promise<LedgerError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof LedgerError, String(error));
    return error;
  }
  assert.fail('it was issued');
}

test("the kind's record is stored (public id, sealed secret, extra) under the venue, and its plaintext is returned once", async () => {
  const { session, stored } = recordingSession();
  const issued = await issueCredential(session, keyring, acmeCredentials, 'acme', account(9, 'sub'), { token: 'acme-chosen-token', pin: 'acme-chosen-pin' }, 'bot key');
  assert.deepEqual(issued, { id: 41, venue: 'acme', userId: 4, accountId: 9, secrets: { token: 'acme-chosen-token', pin: 'acme-chosen-pin' } });
  assert.equal(stored.length, 1);
  const record = stored[0]!;
  assert.deepEqual({ ...record, secretSealed: null }, { userId: 4, accountId: 9, venue: 'acme', label: 'bot key', publicId: 'acme-chosen-token', secretSealed: null, extra: { pinHash: keyring.hash('acme-chosen-pin') } });
  assert.ok(record.secretSealed !== null && keyring.open(record.secretSealed) === 'acme-chosen-pin', 'the secret is sealed, and opens to the pin');
});

test("a kind the user holds is refused on a sub-account, at accountId, and nothing is stored", async () => {
  const { session, stored } = recordingSession();
  const error = await refused(() => issueCredential(session, keyring, zetaCredentials, 'zeta', account(9, 'sub'), {}));
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.path, 'accountId');
  assert.match(error.message, /zeta credentials belong to the user: issue them on the main account/);
  assert.equal(stored.length, 0);
  const issued = await issueCredential(session, keyring, zetaCredentials, 'zeta', account(1, 'main'), {});
  assert.deepEqual(issued.secrets, { key: 'zeta-generated-key' });
});

test("a field the kind does not take is refused by name, saying what it takes", async () => {
  const { session, stored } = recordingSession();
  const error = await refused(() => issueCredential(session, keyring, acmeCredentials, 'acme', account(1, 'main'), { key: 'zeta-key-0001' }));
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.path, 'key');
  assert.equal(error.message, 'key is not a field of acme credentials; they take token, pin');
  assert.equal(stored.length, 0);
});

test("a value the kind's schema refuses is refused with its path and the schema's wording, before the kind issues anything", async () => {
  const { session, stored } = recordingSession();
  const error = await refused(() => issueCredential(session, keyring, acmeCredentials, 'acme', account(1, 'main'), { pin: 'NO' }));
  assert.equal(error.path, 'pin');
  assert.match(error.message, /pin must be 8 to 64 lower-case letters/);
  assert.equal(stored.length, 0);
});
