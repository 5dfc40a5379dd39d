import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isLedgerError } from '../../../src/ledger/errors.js';
import type { HttpHarness } from '../../support/http-harness.js';
import { balancesRequest } from './fourth.case-data.js';
import { loadRefused, startWithFourth, startWithScenario, type OperatorError } from './support.js';
import { fourthDemo } from './venue/demo.js';
import { accountNoOf } from './venue/identity.js';

/**
 * Fourth-venue API keys are issued by the same generic paths as every venue's, through the venue's
 * `CredentialKind`: the operator API, a scenario file's `credentials.fourth`, and the demo, which
 * takes the keys from the venue's own `demo` part. The store keeps a key hashed (to find it) and
 * sealed, never in plaintext.
 */

const V1 = '/_assetbook/v1';

interface Issued {
  readonly id: number;
  readonly venue: string;
  readonly accountId: number;
  readonly secrets: Readonly<Record<string, string>>;
}

interface Balances {
  readonly data: { readonly accountNo: string; readonly balances: readonly { readonly ticker: string; readonly free: string; readonly locked: string; readonly total: string; readonly updatedAt: number }[] };
}

describe('the demo gives every demo user the fourth venue\'s demo keys', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startWithFourth();
  });
  after(async () => h.close());

  test('alice, bob and carol each hold exactly the keys of the venue\'s demo part, on their main accounts', () => {
    assert.deepEqual(Object.keys(fourthDemo.credentials).sort(), ['alice', 'bob', 'carol']);
    for (const [user, specs] of Object.entries(fourthDemo.credentials)) {
      assert.deepEqual(h.secrets(user, 'fourth'), { apiKey: specs[0]!.apiKey }, user);
    }
  });

  test('each demo key reads its own main account', async () => {
    for (const user of ['alice', 'bob', 'carol']) {
      const read = await h.request<Balances>(balancesRequest(`demo-${user}-fourth-api-key`));
      assert.equal(read.status, 200, `${user}: ${read.text}`);
      assert.equal(read.body.data.accountNo, accountNoOf(h.account(user)));
    }
  });

  test('the store keeps each key as a keyed hash and sealed, never as it was given', async () => {
    const alice = h.account('alice');
    const records = (await h.runtime.store.listCredentials(alice.userId)).filter((c) => c.venue === 'fourth');
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record!.publicId, h.runtime.keyring.hash('demo-alice-fourth-api-key'));
    assert.notEqual(record!.secretSealed, 'demo-alice-fourth-api-key');
    assert.equal(h.runtime.keyring.open(record!.secretSealed!), 'demo-alice-fourth-api-key');
  });

  test('the operator API lists a fourth key without its secret', async () => {
    const listed = await h.get<Record<string, unknown>[]>(`${V1}/credentials?userId=${h.account('alice').userId}`);
    assert.equal(listed.status, 200, listed.text);
    const mine = listed.body.filter((c) => c.venue === 'fourth');
    assert.equal(mine.length, 1);
    assert.doesNotMatch(JSON.stringify(mine), /demo-alice-fourth-api-key/);
  });
});

describe('issuing fourth-venue keys through the operator API', () => {
  let h: HttpHarness;
  before(async () => {
    h = await startWithFourth();
  });
  after(async () => h.close());

  test('a generated key is shown once and reads the account it was issued on', async () => {
    const grid = h.account('alice', 'grid-bot');
    const issued = await h.post<Issued>(`${V1}/credentials`, { accountId: grid.id, venue: 'fourth', label: 'grid key' });
    assert.equal(issued.status, 201, issued.text);
    assert.equal(issued.body.venue, 'fourth');
    assert.equal(issued.body.accountId, grid.id);
    const apiKey = issued.body.secrets.apiKey!;
    assert.match(apiKey, /^fk_[0-9a-f]{48}$/);
    const read = await h.request<Balances>(balancesRequest(apiKey));
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.data.accountNo, accountNoOf(grid));
    assert.deepEqual(read.body.data.balances.map((b) => [b.ticker, b.free]), [['BTC', '0.05000000'], ['USDT', '5000.000000']]);
  });

  test('a key given by the caller is kept as given', async () => {
    const bob = h.account('bob');
    const issued = await h.post<Issued>(`${V1}/credentials`, { accountId: bob.id, venue: 'fourth', apiKey: 'bob-second-fourth-key' });
    assert.equal(issued.status, 201, issued.text);
    assert.deepEqual(issued.body.secrets, { apiKey: 'bob-second-fourth-key' });
    assert.equal((await h.request(balancesRequest('bob-second-fourth-key'))).status, 200);
  });

  test('a key another credential of the venue holds is refused, and so are fields the venue does not take', async () => {
    const carol = h.account('carol');
    const taken = await h.post<OperatorError>(`${V1}/credentials`, { accountId: carol.id, venue: 'fourth', apiKey: 'demo-alice-fourth-api-key' });
    assert.equal(taken.status, 409, taken.text);
    assert.equal(taken.body.error.code, 'CREDENTIAL_EXISTS');
    const short = await h.post<OperatorError>(`${V1}/credentials`, { accountId: carol.id, venue: 'fourth', apiKey: 'short' });
    assert.equal(short.status, 400, short.text);
    assert.match(short.body.error.path ?? '', /apiKey$/);
    const foreign = await h.post<OperatorError>(`${V1}/credentials`, { accountId: carol.id, venue: 'fourth', secretKey: 'not-a-fourth-field' });
    assert.equal(foreign.status, 400, foreign.text);
    // The refused calls issued nothing: carol still reads with her demo key only.
    const records = (await h.runtime.store.listCredentials(carol.userId)).filter((c) => c.venue === 'fourth');
    assert.equal(records.length, 1);
  });
});

describe('fourth-venue keys in a scenario file', () => {
  test('credentials.fourth issues each key on the account it names, main or a sub-account label', async () => {
    const h = await startWithScenario({
      assets: [{ symbol: 'ETH', scale: 18 }],
      users: [
        {
          name: 'ivan',
          main: { balances: { ETH: { available: '1' } } },
          subAccounts: [{ label: 'vault', balances: { ETH: { available: '2', locked: '0.5' } } }],
          credentials: { fourth: [{ account: 'main', apiKey: 'ivan-main-fourth-key' }, { account: 'vault' }] },
        },
      ],
    });
    try {
      assert.equal(h.secrets('ivan', 'fourth').apiKey, 'ivan-main-fourth-key');
      const vaultKey = h.secrets('ivan', 'fourth', 'vault').apiKey!;
      assert.match(vaultKey, /^fk_/);
      const vault = await h.request<Balances>(balancesRequest(vaultKey));
      assert.equal(vault.status, 200, vault.text);
      assert.equal(vault.body.data.accountNo, accountNoOf(h.account('ivan', 'vault')));
      assert.deepEqual(vault.body.data.balances, [{ ticker: 'ETH', free: '2.000000000000000000', locked: '0.500000000000000000', total: '2.500000000000000000', updatedAt: vault.body.data.balances[0]!.updatedAt }]);
    } finally {
      await h.close();
    }
  });

  test('a fourth key naming an account the user does not have is refused at its path, and loads nothing', async () => {
    await loadRefused({ assets: [], users: [{ name: 'judy', credentials: { fourth: [{ account: 'nowhere' }] } }] }, async (runtime, refusal) => {
      assert.ok(isLedgerError(refusal), `a ledger refusal: ${String(refusal)}`);
      assert.equal(refusal.code, 'ACCOUNT_NOT_FOUND');
      assert.match(refusal.path ?? '', /^users\/0\/credentials\/fourth\/0\//);
      assert.deepEqual(await runtime.store.listUsers(), []);
    });
  });

  test('a fourth key with a field the venue does not take is refused by the scenario check, naming it', async () => {
    await loadRefused({ assets: [], users: [{ name: 'kim', credentials: { fourth: [{ secretKey: 'not-a-fourth-field' }] } }] }, async (runtime, refusal) => {
      assert.ok(isLedgerError(refusal), `a ledger refusal: ${String(refusal)}`);
      assert.equal(refusal.code, 'INVALID_ARGUMENT');
      assert.match(refusal.path ?? '', /users\/0\/credentials\/fourth\/0/);
      assert.deepEqual(await runtime.store.listUsers(), []);
    });
  });
});
