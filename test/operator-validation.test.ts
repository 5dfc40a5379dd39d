import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { isLedgerError, type LedgerError } from '../src/ledger/errors.js';
import type { OperationRequest } from '../src/ledger/operations.js';
import { OPERATOR_STATUS } from '../src/operator/errors.js';
import { parseOperationRequest } from '../src/operator/operation-input.js';
import { DEMO, HttpHarness } from './support/http-harness.js';

/**
 * One mistake, one answer: every operation mistake below is sent through the operator API and
 * through what `assetbook op` runs (parseOperationRequest, then ledger.apply), and both must give
 * the same code, the same path and the same message, a message that says what is expected.
 */

const TOKEN = 'validation-token';
const V1 = '/_assetbook/v1';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Ids {
  readonly alice: number;
  readonly bob: number;
}

interface Mistake {
  readonly name: string;
  readonly body: (ids: Ids) => Record<string, unknown>;
  readonly status: number;
  readonly code: string;
  readonly path: string;
  /** Phrases the message must contain. */
  readonly says: readonly string[];
}

const dep = (ids: Ids, fields: Record<string, unknown> = {}) => ({ key: 'mistake', type: 'deposit', account: ids.alice, asset: 'BTC', amount: '1', ...fields });
const leg = (from: number, to: number, fields: Record<string, unknown> = {}) => ({ from, to, asset: 'BTC', amount: '0.1', ...fields });
const trade = (ids: Ids, legs: unknown[]) => ({ key: 'mistake', type: 'trade', legs });

const MISTAKES: readonly Mistake[] = [
  // The type.
  { name: 'a mistyped type', body: (ids) => dep(ids, { type: 'deposits' }), status: 400, code: 'INVALID_ARGUMENT', path: 'type', says: ['one of deposit, deposit.pending', 'adjust', 'got "deposits"'] },
  { name: 'no type', body: (ids) => ({ key: 'mistake', account: ids.alice, asset: 'BTC', amount: '1' }), status: 400, code: 'INVALID_ARGUMENT', path: 'type', says: ['type is required', 'withdrawal.request'] },
  { name: 'a type that is a number', body: (ids) => dep(ids, { type: 7 }), status: 400, code: 'INVALID_ARGUMENT', path: 'type', says: ['one of deposit', 'got the JSON number 7'] },
  // Fields.
  { name: 'an unknown field', body: (ids) => dep(ids, { memo: 'hi' }), status: 400, code: 'INVALID_ARGUMENT', path: 'memo', says: ['memo is not a field of a deposit operation', 'it takes key, type, account, asset, amount, fee, chain, address, tag, txHash'] },
  { name: "another type's field (a reservation on a deposit)", body: (ids) => dep(ids, { reservation: 'r1' }), status: 400, code: 'INVALID_ARGUMENT', path: 'reservation', says: ['reservation is not a field of a deposit operation'] },
  { name: 'a txHash with a space', body: (ids) => dep(ids, { txHash: '0xab cd' }), status: 400, code: 'INVALID_ARGUMENT', path: 'txHash', says: ['txHash must be 1 to 256 printable ASCII characters without spaces'] },
  { name: 'a chain that is a number', body: (ids) => dep(ids, { chain: 1 }), status: 400, code: 'INVALID_ARGUMENT', path: 'chain', says: ['chain must be 1 to 64 printable ASCII characters'] },
  { name: 'an address over 256 characters', body: (ids) => dep(ids, { address: 'a'.repeat(257) }), status: 400, code: 'INVALID_ARGUMENT', path: 'address', says: ['address must be 1 to 256'] },
  { name: 'an empty tag', body: (ids) => dep(ids, { tag: '' }), status: 400, code: 'INVALID_ARGUMENT', path: 'tag', says: ['tag must be 1 to 128'] },
  { name: 'a deposit fee as a JSON number', body: (ids) => dep(ids, { fee: 0.1 }), status: 400, code: 'INVALID_AMOUNT', path: 'fee', says: ['fee must be a decimal string'] },
  {
    name: 'an unknown field in a trade leg',
    body: (ids) => trade(ids, [leg(ids.alice, ids.bob), leg(ids.bob, ids.alice, { price: '3' })]),
    status: 400,
    code: 'INVALID_ARGUMENT',
    path: 'legs/1/price',
    says: ['not a field of a trade leg', 'it takes from, to, asset, amount, fromBucket'],
  },
  {
    name: 'a trade leg from the locked bucket',
    body: (ids) => trade(ids, [leg(ids.alice, ids.bob, { fromBucket: 'locked' }), leg(ids.bob, ids.alice)]),
    status: 400,
    code: 'INVALID_ARGUMENT',
    path: 'legs/0/fromBucket',
    says: ['one of available, held', 'got "locked"'],
  },
  { name: 'a trade of one leg', body: (ids) => trade(ids, [leg(ids.alice, ids.bob)]), status: 400, code: 'INVALID_ARGUMENT', path: 'legs', says: ['2 to 16 legs'] },
  { name: 'a missing account', body: () => ({ key: 'mistake', type: 'hold', asset: 'BTC', amount: '1' }), status: 400, code: 'INVALID_ARGUMENT', path: 'account', says: ['account is required in a hold operation'] },
  { name: 'an account id as a string', body: (ids) => dep(ids, { account: String(ids.alice) }), status: 400, code: 'INVALID_ARGUMENT', path: 'account', says: ['positive integer', 'got "'] },
  { name: 'a key with a space', body: (ids) => dep(ids, { key: 'my key' }), status: 400, code: 'INVALID_ARGUMENT', path: 'key', says: ['printable ASCII characters without spaces'] },
  { name: 'an adjust of an unknown bucket', body: (ids) => ({ key: 'mistake', type: 'adjust', account: ids.alice, asset: 'BTC', bucket: 'frozen', amount: '1', reason: 'r' }), status: 400, code: 'INVALID_ARGUMENT', path: 'bucket', says: ['one of available, held, locked'] },
  // Amounts: one code for every malformed amount, wherever it is.
  { name: 'an exponent amount "1e-3"', body: (ids) => dep(ids, { amount: '1e-3' }), status: 400, code: 'INVALID_AMOUNT', path: 'amount', says: ['decimal string', 'like "1.25"', 'got "1e-3"'] },
  { name: 'a negative amount "-1"', body: (ids) => dep(ids, { amount: '-1' }), status: 400, code: 'INVALID_AMOUNT', path: 'amount', says: ['without a sign', 'got "-1"'] },
  { name: 'an amount as a JSON number', body: (ids) => dep(ids, { amount: 0.1 }), status: 400, code: 'INVALID_AMOUNT', path: 'amount', says: ['a JSON string', 'got the JSON number 0.1'] },
  { name: 'an amount of 61 digits', body: (ids) => dep(ids, { amount: '1'.repeat(61) }), status: 400, code: 'INVALID_AMOUNT', path: 'amount', says: ['60 digits'] },
  { name: 'a missing amount', body: (ids) => ({ key: 'mistake', type: 'deposit', account: ids.alice, asset: 'BTC' }), status: 400, code: 'INVALID_AMOUNT', path: 'amount', says: ['amount is required'] },
  { name: 'a zero amount', body: (ids) => dep(ids, { amount: '0.000' }), status: 400, code: 'INVALID_AMOUNT', path: 'amount', says: ['greater than zero'] },
  { name: 'more places than the asset has', body: (ids) => dep(ids, { amount: '0.000000001' }), status: 400, code: 'INVALID_AMOUNT', path: 'amount', says: ['8 decimal places'] },
  {
    name: 'a withdrawal fee "1e-3"',
    body: (ids) => ({ key: 'mistake', type: 'withdrawal.request', account: ids.alice, asset: 'BTC', amount: '0.1', fee: '1e-3' }),
    status: 400,
    code: 'INVALID_AMOUNT',
    path: 'fee',
    says: ['fee must be a decimal string'],
  },
  {
    name: 'a trade leg amount "abc"',
    body: (ids) => trade(ids, [leg(ids.alice, ids.bob, { amount: 'abc' }), leg(ids.bob, ids.alice)]),
    status: 400,
    code: 'INVALID_AMOUNT',
    path: 'legs/0/amount',
    says: ['legs/0/amount must be a decimal string'],
  },
  // What only the ledger can know.
  // Reservations.
  { name: 'a hold reserving for a kind a hold cannot open', body: (ids) => ({ key: 'mistake', type: 'hold', account: ids.alice, asset: 'BTC', amount: '1', reservation: 'r1', kind: 'deposit' }), status: 400, code: 'INVALID_ARGUMENT', path: 'kind', says: ['order', 'other'] },
  { name: 'a reservation post without a receiver', body: () => ({ key: 'mistake', type: 'reservation.post', reservation: 'r1', amount: '1' }), status: 400, code: 'INVALID_ARGUMENT', path: 'to', says: ['to is required in a reservation.post operation'] },
  { name: 'an amount on a reservation void', body: () => ({ key: 'mistake', type: 'reservation.void', reservation: 'r1', amount: '1' }), status: 400, code: 'INVALID_ARGUMENT', path: 'amount', says: ['amount is not a field of a reservation.void operation', 'it takes key, type, reservation'] },
  { name: 'a void of a reservation never opened', body: () => ({ key: 'mistake', type: 'reservation.void', reservation: 'never-opened' }), status: 404, code: 'PENDING_NOT_FOUND', path: 'reservation', says: ['no reservation never-opened'] },
  { name: 'an unknown account', body: (ids) => dep(ids, { account: 999_999 }), status: 404, code: 'ACCOUNT_NOT_FOUND', path: 'account', says: ['no account 999999'] },
  { name: 'an unknown asset', body: (ids) => dep(ids, { asset: 'NOPE' }), status: 404, code: 'ASSET_NOT_FOUND', path: 'asset', says: ['no asset NOPE'] },
  {
    name: 'a transfer to the same account',
    body: (ids) => ({ key: 'mistake', type: 'transfer', from: ids.alice, to: ids.alice, asset: 'BTC', amount: '1' }),
    status: 400,
    code: 'INVALID_ARGUMENT',
    path: 'to',
    says: ['different accounts'],
  },
];

interface ErrorBody {
  error: { code: string; message: string; path?: string };
}

let api: HttpHarness;
let ids: Ids;

before(async () => {
  api = await HttpHarness.start(TOKEN, { scenario: DEMO });
  ids = { alice: api.account('alice').id, bob: api.account('bob').id };
});

after(async () => {
  await api?.close();
});

/** What `assetbook op` does with the parsed JSON, in process: the shared parse, then the ledger. */
async function throughLedger(body: Record<string, unknown>): Promise<LedgerError> {
  try {
    await api.runtime.ledger.apply(parseOperationRequest(body) as OperationRequest);
  } catch (error) {
    if (isLedgerError(error)) return error;
    throw error;
  }
  assert.fail('the ledger path applied a mistake');
}

/** `assetbook op` with `body` exits 1 and says what the operator API said (`expected`), before it opens `db`. */
async function expectOpRefused(body: Record<string, unknown>, db: string, expected: ErrorBody['error']): Promise<void> {
  const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'op', JSON.stringify(body), '--db', db], { cwd: ROOT }).then(
    () => assert.fail(`op accepted ${JSON.stringify(body)}`),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stderr.trim(), `assetbook: refused (${expected.code}): ${expected.message}`);
}

describe('every operation mistake gets a stable code, the path of the field and a message saying what is expected, the same through HTTP and the ledger', () => {
  test('the table names each mistake once', () => {
    assert.equal(new Set(MISTAKES.map((m) => m.name)).size, MISTAKES.length);
  });

  for (const m of MISTAKES) {
    test(`${m.name}: ${m.status} ${m.code} at ${m.path}`, async () => {
      const res = await api.post<ErrorBody>(`${V1}/operations`, m.body(ids));
      assert.equal(res.status, m.status, res.text);
      const error = res.body.error;
      assert.equal(error.code, m.code, res.text);
      assert.equal(error.path, m.path, res.text);
      for (const phrase of m.says) assert.ok(error.message.includes(phrase), `message says "${phrase}": ${error.message}`);

      const direct = await throughLedger(m.body(ids));
      assert.deepEqual({ code: direct.code, path: direct.path, message: direct.message }, error, 'the ledger path gives the same answer');
      assert.equal(OPERATOR_STATUS[direct.code], m.status);
    });
  }

  test('in a batch, the same mistake has the same code and message, its path under operations/<index>', async () => {
    for (const m of MISTAKES.filter((row) => row.status === 400)) {
      const single = await api.post<ErrorBody>(`${V1}/operations`, m.body(ids));
      const batch = await api.post<ErrorBody>(`${V1}/operations/batch`, { operations: [dep(ids, { key: 'batch-fine' }), m.body(ids)] });
      assert.equal(batch.status, 400, batch.text);
      assert.equal(batch.body.error.code, m.code, `${m.name}: ${batch.text}`);
      assert.equal(batch.body.error.path, `operations/1/${m.path}`, `${m.name}: ${batch.text}`);
      // A schema refusal names the field first; a ledger refusal is prefixed with where it is.
      const message = batch.body.error.message;
      assert.ok([`operations/1/${single.body.error.message}`, `operations/1: ${single.body.error.message}`].includes(message), `${m.name}: ${message}`);
    }
  });
});

describe('assetbook op answers a mistake as the operator API does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assetbook-validation-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of ['a mistyped type', 'an unknown field in a trade leg', 'an exponent amount "1e-3"']) {
    test(`${name}: exit 1, refused with the same code and message`, async () => {
      const m = MISTAKES.find((row) => row.name === name);
      assert.ok(m);
      const body = m.body({ alice: 1, bob: 2 });
      const expected = (await api.post<ErrorBody>(`${V1}/operations`, body)).body.error;
      await expectOpRefused(body, join(dir, 'ledger.db'), expected);
    });
  }
});

describe("an operator's key in a venue's key space is refused: those keys are the venue's own transfers", () => {
  const journalHead = async () => (await api.runtime.ledger.journal(0, 10_000)).entries.at(-1)?.id ?? 0;

  for (const venue of ['bitget', 'bullish', 'loopring']) {
    test(`a key beginning "${venue}:" is 400 INVALID_ARGUMENT at key, and nothing is written`, async () => {
      const head = await journalHead();
      const res = await api.post<ErrorBody>(`${V1}/operations`, dep(ids, { key: `${venue}:transfer/1/oid-1` }));
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'INVALID_ARGUMENT');
      assert.equal(res.body.error.path, 'key');
      assert.ok(res.body.error.message.includes(`keys beginning with "${venue}:" are written by ${venue}'s own transfer calls`), res.text);
      assert.equal(await journalHead(), head);
    });
  }

  test('in a batch the refusal names the operation, and none of the batch is written', async () => {
    const head = await journalHead();
    const res = await api.post<ErrorBody>(`${V1}/operations/batch`, { operations: [dep(ids, { key: 'venue-keys-fine' }), dep(ids, { key: 'bullish:transfer/x/1' })] });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.path, 'operations/1/key');
    assert.ok(res.body.error.message.startsWith('operations/1: key: keys beginning with "bullish:"'), res.text);
    assert.equal(await journalHead(), head);
  });

  test("a venue's name elsewhere in a key, or without the colon, is an ordinary key", async () => {
    for (const key of ['ops:bitget:1', 'bitgetx:1', 'bitget-1', 'Bitget:1']) {
      const res = await api.post(`${V1}/operations`, dep(ids, { key, amount: '0.001' }));
      assert.equal(res.status, 201, `${key}: ${res.text}`);
    }
  });

  test('assetbook op refuses it the same way, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assetbook-venue-keys-'));
    try {
      const body = dep({ alice: 1, bob: 2 }, { key: 'bitget:transfer/1/oid-9' });
      const expected = (await api.post<ErrorBody>(`${V1}/operations`, body)).body.error;
      await expectOpRefused(body, join(dir, 'ledger.db'), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
