import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveConfig } from '../src/server/config.js';
import { openRuntime } from '../src/server/runtime.js';
import { VENUES } from '../src/venues/index.js';
import { integerFact, textFact } from '../src/venues/shared/facts.js';
import type { VenueDialect } from '../src/venues/venue.js';

/**
 * A venue served after accounts exist (a new release adding one, or a venue declaring a new fact)
 * must know every stored subject, or the accounts made before it would be invisible to it. So
 * `serve` completes the generated facts of every subject once per change of the venues' facts.
 */
const dir = mkdtempSync(join(tmpdir(), 'assetbook-facts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A venue that only declares facts: enough for the runtime, which builds no app here. */
const later: VenueDialect<'later'> = {
  ...VENUES[0],
  id: 'later',
  identity: {
    venue: 'later',
    asset: [integerFact({ name: 'code', unique: true, min: 1, max: 1000, description: 'a code', generate: (ctx) => String(1 + ctx.assets.length + ctx.attempt) })],
    user: [],
    account: [
      textFact({ name: 'handle', unique: true, pattern: /^h[0-9]+$/, maxLength: 20, what: 'h and digits', description: 'a handle', generate: (ctx) => `h${100 + ctx.id + ctx.attempt}` }),
      textFact({ name: 'nickname', unique: false, pattern: /^.{1,20}$/, maxLength: 20, what: 'a name', description: 'given by the operator only' }),
    ],
  },
  settings: {},
  demo: { credentials: {} },
};

const config = (db: string) => resolveConfig({ db, secretKey: '11'.repeat(32) }, {});

test('accounts and assets stored before a venue was served get its generated facts, unique, at the next serve start; other starts change nothing', async () => {
  const db = join(dir, 'a.db');
  const before = await openRuntime(config(db), { completeVenueFacts: true });
  const ids = await before.ledger.session(async (s) => {
    await s.createAsset({ symbol: 'AAA', scale: 2 });
    await s.createAsset({ symbol: 'BBB', scale: 2 });
    const { main } = await s.createUser({ name: 'early' });
    const sub = await s.createSubAccount(main.userId, { label: 'bot' });
    return [main.id, sub.id];
  });
  await before.close();

  // Opened without completion (a CLI command): nothing is written.
  const plain = await openRuntime(config(db), { venues: [...VENUES, later] });
  assert.equal((await plain.store.getAccount(ids[0]!))?.venues.later, undefined);
  await plain.close();

  const served = await openRuntime(config(db), { venues: [...VENUES, later], completeVenueFacts: true });
  let completed: (string | undefined)[] = [];
  try {
    const accounts = await Promise.all(ids.map((id) => served.store.getAccount(id)));
    const handles = accounts.map((a) => a?.venues.later?.handle);
    completed = handles;
    assert.ok(handles.every((h) => h !== undefined && /^h[0-9]+$/.test(h)), `every account has a handle: ${handles.join(', ')}`);
    assert.equal(new Set(handles).size, handles.length, 'handles are unique');
    assert.equal(accounts[0]?.venues.later?.nickname, undefined, 'a fact without a generator stays unset');
    assert.deepEqual(accounts[0]?.venues.bitget, (await served.store.getAccount(ids[0]!))?.venues.bitget, 'facts it had are kept');
    for (const [i, handle] of handles.entries()) {
      assert.equal((await served.store.findAccount('later', 'handle', handle!))?.id, ids[i], 'the new identity finds its account');
    }
    const codes = (await served.store.listAssets()).map((a) => a.venues.later?.code);
    assert.equal(new Set(codes).size, 2, `asset codes are distinct: ${codes.join(', ')}`);
    // A new account on the same runtime gets the next free handle, past those given at start.
    const fresh = await served.ledger.session((s) => s.createSubAccount(accounts[0]!.userId, { label: 'late' }));
    assert.ok(!handles.includes(fresh.venues.later?.handle), 'no clash with completed handles');
    assert.equal((await served.ledger.verify()).ok, true);
  } finally {
    await served.close();
  }

  // The next start with the same venues finds the signature and leaves the facts as they were.
  const again = await openRuntime(config(db), { venues: [...VENUES, later], completeVenueFacts: true });
  try {
    assert.deepEqual(await Promise.all(ids.map(async (id) => (await again.store.getAccount(id))?.venues.later?.handle)), completed);
  } finally {
    await again.close();
  }
});
