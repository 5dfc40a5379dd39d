/**
 * The raw PostgreSQL write baseline: the work of one assetbook operation as ONE FUNCTION CALL
 * (a plpgsql function created in a scratch schema, on the same schema shape as
 * src/store/postgres/migrations.ts): the idempotency-key check, locking the two books in a fixed
 * order, the not-negative check on a user's book, updating both, the journal row with its request
 * JSON and hash, two postings. One round trip per operation: the best a client can do per call.
 *
 * - single (opsPerCommit 1): `clients` concurrent clients (postgres.js, the project's driver, one
 *   connection each), each with one call in flight, each call its own transaction;
 * - batch (opsPerCommit N): `clients` concurrent batches of N, each one transaction. batchStyle
 *   `calls` (default): the batch's books locked in the global order by one call, then the N
 *   single-operation calls, pipelined. batchStyle `set`: one call of a set-based batch function: replayed keys found in one query, every book of the batch locked
 *   in the same global order (so batches never deadlock), each book updated once by its net
 *   change, journal rows and postings inserted by one statement each.
 *
 * Started by bench/write.ts (through baselines/raw.ts) pinned to the server CPU. Its scratch schema
 * is `ab_bench_<host>_<pid>_<random>`, dropped at the end (or by the next run if this one is
 * killed). Prints one JSON line, a RawResult.
 *
 *   node --import tsx bench/baselines/postgres-raw.ts --spec <file>
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { redactUrl } from '../../src/server/config.js';
import { dropSchema, scratchSchemaName } from '../deployment.js';
import { postgresCpuSeconds } from '../lib.js';
import { OPENING_BALANCE, SYSTEM_ACCOUNT, booksOf, keyedRequest, quantiles, requestHash, type RawResult, type RawSpec } from './raw.js';

const { values } = parseArgs({ options: { spec: { type: 'string' } } });
if (values.spec === undefined) {
  console.error('usage: postgres-raw.ts --spec <file> (started by bench/write.ts)');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(values.spec, 'utf8')) as RawSpec;
const baseUrl = spec.postgresUrl!;
const clients = spec.clients ?? 32;
const batch = spec.opsPerCommit;

const FUNCTIONS = `
CREATE TABLE balances (
  account_id integer NOT NULL, asset text NOT NULL, bucket text NOT NULL, amount numeric(78, 0) NOT NULL, updated_at_ms bigint NOT NULL,
  PRIMARY KEY (account_id, asset, bucket)
);
CREATE TABLE operations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key text NOT NULL UNIQUE, hash text NOT NULL, type text NOT NULL,
  at_ms bigint NOT NULL, request text NOT NULL
);
CREATE TABLE postings (
  operation_id bigint NOT NULL REFERENCES operations(id), seq integer NOT NULL, account_id integer NOT NULL,
  bucket text NOT NULL, asset text NOT NULL, amount numeric(78, 0) NOT NULL,
  PRIMARY KEY (operation_id, seq)
);
-- The index assetbook keeps for account history (src/store/postgres/migrations.ts): every posting updates it.
CREATE INDEX postings_by_account ON postings (account_id, operation_id);

-- One operation: amount moves from the debit book to the credit book. A replayed key changes nothing.
CREATE FUNCTION raw_apply(p_key text, p_hash text, p_type text, p_request text, p_asset text,
                          p_debit_account integer, p_debit_bucket text, p_credit_account integer, p_credit_bucket text,
                          p_amount numeric, p_at bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
  v_debit numeric;
BEGIN
  SELECT id INTO v_id FROM operations WHERE key = p_key;
  IF FOUND THEN RETURN v_id; END IF;
  -- Both books locked in one global order (account, asset, bucket), so two operations never wait on each other in a cycle.
  PERFORM 1 FROM balances
   WHERE asset = p_asset AND ((account_id = p_debit_account AND bucket = p_debit_bucket) OR (account_id = p_credit_account AND bucket = p_credit_bucket))
   ORDER BY account_id, asset, bucket FOR UPDATE;
  UPDATE balances SET amount = amount - p_amount, updated_at_ms = p_at
   WHERE account_id = p_debit_account AND asset = p_asset AND bucket = p_debit_bucket RETURNING amount INTO v_debit;
  IF v_debit IS NULL THEN RAISE EXCEPTION 'no book % % %', p_debit_account, p_asset, p_debit_bucket; END IF;
  IF p_debit_account <> ${SYSTEM_ACCOUNT} AND v_debit < 0 THEN RAISE EXCEPTION 'insufficient balance for %', p_key; END IF;
  UPDATE balances SET amount = amount + p_amount, updated_at_ms = p_at
   WHERE account_id = p_credit_account AND asset = p_asset AND bucket = p_credit_bucket;
  IF NOT FOUND THEN RAISE EXCEPTION 'no book % % %', p_credit_account, p_asset, p_credit_bucket; END IF;
  INSERT INTO operations (key, hash, type, at_ms, request) VALUES (p_key, p_hash, p_type, p_at, p_request) RETURNING id INTO v_id;
  INSERT INTO postings (operation_id, seq, account_id, bucket, asset, amount) VALUES
    (v_id, 0, p_debit_account, p_debit_bucket, p_asset, -p_amount),
    (v_id, 1, p_credit_account, p_credit_bucket, p_asset, p_amount);
  RETURN v_id;
END $$;

-- Locks books in the one global order: a batch of single calls starts with it, so batches never deadlock.
CREATE FUNCTION raw_lock_books(p_books jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM balances b
   WHERE (b.account_id, b.asset, b.bucket) IN (SELECT * FROM jsonb_to_recordset(p_books) AS x(a integer, s text, k text))
   ORDER BY b.account_id, b.asset, b.bucket FOR UPDATE;
END $$;

-- A batch in one transaction, set-based (the direction issue 14 points to): every book it touches
-- locked first, in the same global order as single operations (so batches never deadlock), the
-- replayed keys found in one query, each book updated once by its net change, the journal rows
-- and postings inserted by one statement each. Not negative: a user book's debits in the batch,
-- summed without its credits, may not exceed its balance (stricter than applying them in order).
CREATE FUNCTION raw_apply_batch(p_ops jsonb, p_at bigint) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  n integer;
  short text;
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS batch_ops (
    ord integer, key text, hash text, type text, request text, asset text,
    da integer, db text, ca integer, cb text, amount numeric
  ) ON COMMIT DELETE ROWS;
  INSERT INTO batch_ops
    SELECT x.ord, x.key, x.hash, x.type, x.request, x.asset, x.da, x.db, x.ca, x.cb, x.amount
    FROM jsonb_to_recordset(p_ops)
      AS x(ord integer, key text, hash text, type text, request text, asset text, da integer, db text, ca integer, cb text, amount numeric)
    WHERE NOT EXISTS (SELECT 1 FROM operations o WHERE o.key = x.key);
  PERFORM 1 FROM balances b
   WHERE (b.account_id, b.asset, b.bucket) IN (SELECT da, asset, db FROM batch_ops UNION SELECT ca, asset, cb FROM batch_ops)
   ORDER BY b.account_id, b.asset, b.bucket FOR UPDATE;
  SELECT d.da || ' ' || d.asset INTO short
    FROM (SELECT da, asset, db, sum(amount) AS out FROM batch_ops WHERE da <> ${SYSTEM_ACCOUNT} GROUP BY da, asset, db) d
    JOIN balances b ON b.account_id = d.da AND b.asset = d.asset AND b.bucket = d.db
   WHERE b.amount < d.out LIMIT 1;
  IF short IS NOT NULL THEN RAISE EXCEPTION 'insufficient balance: %', short; END IF;
  UPDATE balances b SET amount = b.amount + c.delta, updated_at_ms = p_at
    FROM (SELECT account, asset, bucket, sum(delta) AS delta FROM (
            SELECT da AS account, asset, db AS bucket, -amount AS delta FROM batch_ops
            UNION ALL SELECT ca, asset, cb, amount FROM batch_ops) m
          GROUP BY account, asset, bucket) c
   WHERE b.account_id = c.account AND b.asset = c.asset AND b.bucket = c.bucket;
  WITH ins AS (
    INSERT INTO operations (key, hash, type, at_ms, request)
    SELECT key, hash, type, p_at, request FROM batch_ops ORDER BY ord RETURNING id, key)
  INSERT INTO postings (operation_id, seq, account_id, bucket, asset, amount)
    SELECT ins.id, 0, o.da, o.db, o.asset, -o.amount FROM ins JOIN batch_ops o USING (key)
    UNION ALL SELECT ins.id, 1, o.ca, o.cb, o.asset, o.amount FROM ins JOIN batch_ops o USING (key);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n / 2;
END $$;
`;

const schema = scratchSchemaName();
const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
await admin`CREATE SCHEMA ${admin(schema)}`;
const sql = postgres(baseUrl, { max: clients, onnotice: () => {}, connection: { search_path: schema } });
let exitCode = 0;
try {
  await sql.unsafe(FUNCTIONS);
  const books = booksOf(spec.operations).map((b) => ({ a: b.account, s: b.asset, k: b.bucket, v: b.account === SYSTEM_ACCOUNT ? '0' : OPENING_BALANCE.toString() }));
  await sql`INSERT INTO balances (account_id, asset, bucket, amount, updated_at_ms)
            SELECT a, s, k, v, ${Date.now()} FROM jsonb_to_recordset(${JSON.stringify(books)}::text::jsonb) AS x(a integer, s text, k text, v numeric)`;
  // Every backend opened and warm before the clock starts.
  await Promise.all(Array.from({ length: clients }, () => sql`SELECT 1`));

  let next = 0;
  const nextOp = () => {
    const n = next++;
    const op = spec.operations[n % spec.operations.length]!;
    const key = `${spec.keyPrefix}-${n}`;
    const request = keyedRequest(key, op.request);
    return { key, hash: requestHash(request), type: op.type, request, asset: op.asset, da: op.debitAccount, db: op.debitBucket, ca: op.creditAccount, cb: op.creditBucket, amount: op.amount };
  };
  const callOne = async () => {
    const o = nextOp();
    await sql`SELECT raw_apply(${o.key}, ${o.hash}, ${o.type}, ${o.request}, ${o.asset}, ${o.da}::integer, ${o.db}, ${o.ca}::integer, ${o.cb}, ${o.amount}::numeric, ${Date.now()}::bigint)`;
    return 1;
  };
  // A batch as the single calls in one transaction: the books locked first, then every call
  // pipelined on the connection (postgres.js sends them without waiting for each answer).
  const callBatchOfCalls = async () => {
    const ops = Array.from({ length: batch }, nextOp);
    const books = new Map<string, { a: number; s: string; k: string }>();
    for (const o of ops) {
      books.set(`${o.da}/${o.asset}/${o.db}`, { a: o.da, s: o.asset, k: o.db });
      books.set(`${o.ca}/${o.asset}/${o.cb}`, { a: o.ca, s: o.asset, k: o.cb });
    }
    const at = Date.now();
    await sql.begin(async (tx) => {
      await tx`SELECT raw_lock_books(${JSON.stringify([...books.values()])}::text::jsonb)`;
      await Promise.all(
        ops.map(
          (o) =>
            tx`SELECT raw_apply(${o.key}, ${o.hash}, ${o.type}, ${o.request}, ${o.asset}, ${o.da}::integer, ${o.db}, ${o.ca}::integer, ${o.cb}, ${o.amount}::numeric, ${at}::bigint)`,
        ),
      );
    });
    return batch;
  };
  const callBatch = async () => {
    // `ord` keeps the journal in the batch's order.
    const ops = Array.from({ length: batch }, (_x, ord) => ({ ord, ...nextOp() }));
    await sql`SELECT raw_apply_batch(${JSON.stringify(ops)}::text::jsonb, ${Date.now()}::bigint)`;
    return batch;
  };
  const call = batch === 1 ? callOne : spec.batchStyle === 'set' ? callBatch : callBatchOfCalls;

  const startAt = performance.now() + spec.warmupS * 1000;
  const endAt = startAt + spec.durationS * 1000;
  let measuredOps = 0;
  let deadlocks = 0;
  const latencies: number[] = [];
  let start: { cpu: NodeJS.CpuUsage; postgres: Record<number, number> } | undefined;
  const startTimer = setTimeout(() => (start = { cpu: process.cpuUsage(), postgres: postgresCpuSeconds() }), Math.max(0, startAt - performance.now()));
  const worker = async () => {
    while (performance.now() < endAt) {
      const t = performance.now();
      try {
        const ops = await call();
        const done = performance.now();
        if (t >= startAt && done <= endAt) {
          measuredOps += ops;
          latencies.push(done - t);
        }
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01') throw error;
        deadlocks++;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  clearTimeout(startTimer);
  if (start === undefined) throw new Error('the measured run never started');
  const cpu = process.cpuUsage(start.cpu);
  const pgEnd = postgresCpuSeconds();
  const postgresCpuS = Object.entries(pgEnd).reduce((sum, [pid, s]) => sum + s - (start!.postgres[Number(pid)] ?? 0), 0);
  const result: RawResult = {
    operations: measuredOps,
    commits: latencies.length,
    wallS: spec.durationS,
    processCpuS: (cpu.user + cpu.system) / 1e6,
    postgresCpuS,
    latencyMs: quantiles(latencies),
    deadlocks,
    description:
      `raw PostgreSQL ${redactUrl(baseUrl)}, ` +
      (batch === 1
        ? 'one plpgsql call per operation'
        : spec.batchStyle === 'set'
          ? `batches of ${batch}, each one set-based plpgsql call (one transaction)`
          : `batches of ${batch}, each one transaction: the books locked, then one plpgsql call per operation, pipelined`) +
      ', ' +
      `${clients} concurrent clients (postgres.js)`,
  };
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  exitCode = 1;
} finally {
  await sql.end({ timeout: 5 });
  await admin.end({ timeout: 5 });
  await dropSchema(baseUrl, schema);
}
process.exit(exitCode);
