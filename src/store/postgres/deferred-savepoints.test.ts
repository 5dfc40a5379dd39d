import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addAsset, addUser } from '../seed.case.js';
import { PostgresStore } from './postgres-store.js';
import { LedgerError } from '../../ledger/errors.js';
import type { NewOperation } from '../store.js';
import { skipWithoutPostgres as skip } from '../../../test/support/services.js';
import { postgresSchemas } from '../../../test/support/postgres-schemas.js';

/**
 * Claims on PostgreSQL's deferred savepoints (SqlTx.deferSavepoints): an operation of a commit
 * group takes its SAVEPOINT only before a statement other than its entry's insert, since the
 * insert is its last and nothing can be refused after it. Should anything follow the insert
 * after all, the whole transaction is abandoned: nothing of it commits, never half an operation.
 * (That a refusal after a write rolls that write back is a claim of every store: store.case.ts.)
 */
const schemas = postgresSchemas();

async function opened() {
  const store = await PostgresStore.open({ url: schemas.fresh() });
  const account = await store.transaction(async (tx) => {
    await addAsset(tx, 'ETH', 18);
    return (await addUser(tx, 'alice')).main.id;
  });
  const entry = (key: string): NewOperation => ({
    key,
    hash: `hash-${key}`,
    type: 'deposit',
    atMs: 1,
    request: { key, type: 'deposit', account, asset: 'ETH', amount: '1' },
    postings: [],
  });
  return { store, entry };
}

test('[postgres] an operation refused after its entry went out without a savepoint abandons its whole transaction: nothing of it commits', { skip }, async () => {
  const { store, entry } = await opened();
  try {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.savepoint(() => tx.insertOperation(entry('first')));
        await tx.savepoint(async () => {
          await tx.insertOperation(entry('second'));
          throw new LedgerError('INVALID_ARGUMENT', 'refused after its entry');
        });
      }),
      (error: unknown) => !(error instanceof LedgerError) && /abandoned/.test(String(error)),
    );
    assert.equal(await store.journalHead(), 0, 'neither entry committed');
  } finally {
    await store.close();
  }
});

test('[postgres] a statement after an operation\'s entry, in its savepoint, is refused and abandons the transaction', { skip }, async () => {
  const { store, entry } = await opened();
  try {
    await assert.rejects(
      store.transaction((tx) =>
        tx.savepoint(async () => {
          void tx.insertOperation(entry('only')).catch(() => undefined);
          await tx.getOperation('another');
        }),
      ),
      /abandoned/,
    );
    assert.equal(await store.journalHead(), 0);
  } finally {
    await store.close();
  }
});

test('[postgres] operations whose entries go out without savepoints all commit, and a refusal before any statement leaves the others alone', { skip }, async () => {
  const { store, entry } = await opened();
  try {
    await store.transaction(async (tx) => {
      await tx.savepoint(() => tx.insertOperation(entry('a')));
      await assert.rejects(
        tx.savepoint(async () => {
          throw new LedgerError('INVALID_ARGUMENT', 'refused before any statement');
        }),
        LedgerError,
      );
      await tx.savepoint(() => tx.insertOperation(entry('b')));
    });
    assert.deepEqual((await store.listJournal(0, 10)).entries.map((e) => e.key), ['a', 'b']);
  } finally {
    await store.close();
  }
});
