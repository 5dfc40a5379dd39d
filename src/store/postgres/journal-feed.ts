import { createHash, randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import type { JournalNotice, JournalPage, StopWatching } from '../store.js';
import * as rows from '../sql/rows.js';
import { readJournal } from '../sql/core.js';
import { PostgresRunner } from './adapter.js';

/**
 * The journal as a feed reads it on PostgreSQL, and how instances tell each other of commits.
 *
 * Settled reads. An entry's id comes from a sequence when it is inserted, and transactions commit
 * in another order: entry 7 may be visible while 6 is still under way, or never comes (a rolled
 * back transaction burns its id). Every writing transaction holds a transaction id before it
 * takes an entry id (`insertOperation` asks for one first), so whoever may still commit an id
 * below a visible one was running when the visible one was read: it is in that read's snapshot's
 * list of running transactions. A read that meets a gap therefore waits until all of those have
 * ended; then every id up to the highest visible one is final, committed or never to be.
 *
 * Notices. After a commit that wrote entries, the store sends `pg_notify(channel, '<newest id>')`
 * outside the committed transaction, coalesced (at most one in flight, carrying the newest id),
 * so the notice never lengthens the transaction: a NOTIFY inside it would take PostgreSQL's
 * notification-queue lock for the whole commit and serialize every committing instance. The
 * channel is named after the schema, so several schemas in one database never cross-talk.
 *
 * A commit notice carries its sender's tag (`<id>@<tag>`), and a watcher drops those of its own
 * client: its own commits already bumped exactly the accounts they wrote (`ReadVersions`) and
 * poked its own feed (`LedgerEvents.committed`), while a notice names no account and would bump
 * them all, so under write load an instance's read cache would keep emptying itself. A plain
 * `<id>` (an instance of an older version) is still read as a commit.
 */

type Sql = postgres.Sql<Record<string, never>>;

/** LISTEN/NOTIFY channel names are identifiers (63 bytes at most): a long schema name is hashed. */
export function journalChannel(schema: string): string {
  const plain = `assetbook_journal:${schema}`;
  if (Buffer.byteLength(plain) <= 63) return plain;
  return `assetbook_journal:${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SnapshotRead {
  readonly snapshot: string;
  readonly ops: rows.OperationRow[];
  readonly postings: rows.PostingRow[];
}

/** One repeatable-read snapshot: the entries after `afterId`, their postings, and the snapshot itself. */
function readWithSnapshot(sql: Sql, afterId: number, limit: number): Promise<SnapshotRead> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [snap] = await tx<{ snapshot: string }[]>`SELECT pg_current_snapshot()::text AS snapshot`;
    const { ops, postings } = await readJournal(new PostgresRunner(tx as unknown as Sql), afterId, limit);
    return { snapshot: snap!.snapshot, ops: [...ops], postings: [...postings] };
  }) as Promise<SnapshotRead>;
}

/**
 * Resolves true once every transaction running when `snapshot` was taken has committed or rolled
 * back; false when some still runs after `maxWaitMs` (checked at least once, so 0 gives up at once).
 */
async function waitForSnapshot(sql: Sql, snapshot: string, maxWaitMs: number): Promise<boolean> {
  const deadline = performance.now() + maxWaitMs;
  for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 50)) {
    const [row] = await sql<{ running: number }[]>`
      SELECT count(*)::int AS running FROM pg_snapshot_xip(${snapshot}::pg_snapshot) AS x WHERE pg_xact_status(x) = 'in progress'`;
    if ((row?.running ?? 0) === 0) return true;
    if (performance.now() >= deadline) return false;
    await sleep(delayMs);
  }
}

/** What a settled read reports when it stopped waiting and passed a gap. */
export interface GapPassed {
  /** The ids passed: any of them that commits later is never read by a feed already past it. */
  readonly fromId: number;
  readonly toId: number;
  readonly waitedMs: number;
}

export interface SettleOptions {
  /** Told each time a gap makes the read wait (tests observe it instead of a clock). */
  readonly onWait: () => void;
  /**
   * How long a gap is waited for. The wait covers every write transaction on the server, so one
   * session left idle in a transaction would otherwise stall every instance's feed for good.
   */
  readonly maxWaitMs: number;
  /** Told when a gap was passed after `maxWaitMs` without settling. */
  readonly onGapPassed: (gap: GapPassed) => void;
}

/** Gaps are waited for this long by default: far beyond any ordinary commit, short enough that a stuck session is survived. */
export const SETTLE_MAX_WAIT_MS = 10_000;

/**
 * Entries after `afterId` up to the first id that may still come, all when there is no such gap.
 * A gap still open after `maxWaitMs` is passed (and reported): its ids are then taken as never to
 * come, and one that commits later is read only by a reader that had not passed it yet.
 */
export async function listSettledJournal(sql: Sql, afterId: number, limit: number, settle: SettleOptions): Promise<JournalPage> {
  // Every id up to this one is final: visible now, or never to be.
  let finalThrough = afterId;
  const startedMs = performance.now();
  for (;;) {
    const { snapshot, ops, postings } = await readWithSnapshot(sql, afterId, limit);
    let count = 0;
    let previous = afterId;
    for (const op of ops.slice(0, limit)) {
      if (op.id > finalThrough && op.id !== previous + 1) break;
      count += 1;
      previous = op.id;
    }
    const gap = count < Math.min(ops.length, limit);
    if (count > 0 || ops.length === 0) {
      const page = rows.toJournalPage(ops.slice(0, count + (gap ? 0 : 1)), postings, count);
      // Stopped at a gap: more may follow once it settles, so the caller reads on.
      return gap ? { entries: page.entries, next: previous } : page;
    }
    settle.onWait();
    const remainingMs = Math.max(0, settle.maxWaitMs - (performance.now() - startedMs));
    const settled = await waitForSnapshot(sql, snapshot, remainingMs);
    const firstVisible = ops[0]!.id;
    finalThrough = ops[Math.min(ops.length, limit) - 1]!.id;
    if (!settled) settle.onGapPassed({ fromId: previous + 1, toId: firstVisible - 1, waitedMs: Math.round(performance.now() - startedMs) });
  }
}

/**
 * The tag of the commit notices sent over one client (one store): the announcer and the watcher
 * of a store share its client, so they find the same tag without being told, and two stores in
 * one process (tests, or two schemas) still hear each other.
 */
const clientTags = new WeakMap<Sql, string>();
function tagOf(sql: Sql): string {
  let tag = clientTags.get(sql);
  if (tag === undefined) clientTags.set(sql, (tag = randomBytes(6).toString('hex')));
  return tag;
}

/** The payload of a commit notice: the newest id committed, and the sender's tag. */
export const commitPayload = (position: number, tag: string) => `${position}@${tag}`;

/** Sends commit notices after commits, one at a time, each carrying the newest id committed so far. */
export class CommitAnnouncer {
  private newest = 0;
  private sending = false;
  private readonly payloadTag: string;

  constructor(
    private readonly sql: Sql,
    private readonly channel: string,
  ) {
    this.payloadTag = tagOf(sql);
  }

  announce(position: number): void {
    this.newest = Math.max(this.newest, position);
    if (this.sending) return;
    this.sending = true;
    void this.send();
  }

  private async send(): Promise<void> {
    try {
      while (this.newest > 0) {
        const position = this.newest;
        this.newest = 0;
        // A lost notice costs latency, not correctness: the next one, or the watchers' periodic look, covers it.
        await this.sql`SELECT pg_notify(${this.channel}, ${commitPayload(position, this.payloadTag)})`.catch(() => undefined);
      }
    } finally {
      this.sending = false;
    }
  }
}

/**
 * The payload of a reset notice, `reset:<tag>@<position>`: the sender's tag lets it ignore its
 * own; the position is the newest entry of the journal that replaced the old one (0 when it was
 * emptied, the restored head after a restore). A bare `reset:<tag>` (an older instance) reads as 0.
 */
export const resetPayload = (tag: string, position = 0) => `reset:${tag}@${position}`;

/** The sender's tag and the position of a reset notice's payload. */
function parseResetPayload(payload: string): { tag: string; position: number } {
  const body = payload.slice('reset:'.length);
  const at = body.lastIndexOf('@');
  const position = at === -1 ? 0 : Number(body.slice(at + 1));
  return { tag: at === -1 ? body : body.slice(0, at), position: Number.isSafeInteger(position) && position >= 0 ? position : 0 };
}

/**
 * LISTENs on the channel over postgres.js's dedicated connection, which reconnects by itself; a
 * reconnection may have missed notices, so it is told as `unknown`, and so is every `intervalMs`
 * in case a notice was lost (an instance that stopped between its commit and its notice).
 */
export async function watchChannel(
  sql: Sql,
  channel: string,
  ownTag: string,
  intervalMs: number,
  onNotice: (notice: JournalNotice) => void,
): Promise<StopWatching> {
  let listening = false;
  const ownCommits = `@${tagOf(sql)}`;
  const { unlisten } = await sql.listen(
    channel,
    (payload) => {
      if (payload.startsWith('reset:')) {
        const reset = parseResetPayload(payload);
        if (reset.tag !== ownTag) onNotice({ kind: 'reset', position: reset.position });
        return;
      }
      if (payload.endsWith(ownCommits)) return;
      const at = payload.indexOf('@');
      const position = Number(at === -1 ? payload : payload.slice(0, at));
      onNotice(at !== 0 && Number.isSafeInteger(position) ? { kind: 'commit', position } : { kind: 'unknown' });
    },
    () => {
      if (listening) onNotice({ kind: 'unknown' });
      listening = true;
    },
  );
  const timer = setInterval(() => onNotice({ kind: 'unknown' }), intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await unlisten().catch(() => undefined);
  };
}
