import { BASE_UNITS_DIGITS_MAX, isWithinLimit } from './amount.js';
import { accountLabel, checkAsset, checkUserName, type AccountInput, type AssetInput } from './catalog.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { LedgerError, LostKeyRace, assert } from './errors.js';
import {
  RESERVABLE_BUCKETS,
  finalState,
  pendingView,
  planOperation,
  remainderOf,
  type OperationRequest,
  type Pending,
  type PendingKind,
  type Plan,
  type PlanContext,
  type Reservation,
} from './operations.js';
import { parseOperation } from './operation-types.js';
import { SYSTEM_ACCOUNT, type Account, type AccountKind, type Asset, type Bucket, type JournalEntry, type Posting, type User } from './types.js';
import { buildFacts, missingFacts, type FactsInput, type VenueIdentity } from './venue-facts.js';
import { CatalogStale, type CatalogCache } from './catalog-cache.js';
import {
  balanceKeyId,
  compareBalanceKeys,
  type BalanceDelta,
  type BalanceKey,
  type BalanceWrite,
  type NewCredential,
  type StoreTx,
} from '../store/store.js';

export interface ApplyResult {
  readonly entry: JournalEntry;
  /** True when the key had been applied before and this is the original result. */
  readonly replayed: boolean;
}

/** An operation sent (`LedgerSession.start`): a replay's result at once, a new entry's id once its insert is done. */
export type StartedOperation =
  | { readonly replayed: true; readonly result: ApplyResult }
  | { readonly replayed: false; readonly id: Promise<number>; readonly entry: Omit<JournalEntry, 'id'> };

export interface ApplyOptions {
  /**
   * When the operation happened, ms since the epoch: its entry's time and its balances' update
   * time. Absent: the session's time (now). Only a scenario's past history gives one (never later
   * than now; the loader checks), so a client's history shows realistic times.
   */
  readonly atMs?: number;
}

export interface UserInput {
  readonly name: string;
  /** Facts by venue (`VenueIdentity.user`). */
  readonly venues?: FactsInput;
  readonly main?: AccountInput;
}

/**
 * Everything that writes, inside one store transaction. `Ledger` opens one per call; a scenario
 * load keeps one open across its whole file so that the file lands whole or not at all.
 */
export class LedgerSession {
  /**
   * What this transaction knows for as long as it lasts, so that the operations of a batch or a
   * commit group do not ask the store again: the account books it holds locked, with their
   * amounts as it left them (no other transaction can change a locked book); the assets and
   * accounts it found (never changed, and a reset waits for this transaction to end: it empties
   * every table, so it needs their table locks); the keys it found absent (one lookup for a whole
   * batch: a key another instance commits meanwhile fails the insert, and the store reruns).
   * `savepoint` restores them when it rolls back.
   */
  private readonly held = new Map<string, bigint>();
  private readonly assets = new Map<string, Asset>();
  private readonly accounts = new Map<number, Account>();
  private readonly absentKeys = new Set<string>();
  /**
   * While an operation of a commit group runs (`savepoint`): what it changed of `held` (each
   * book's amount before its first change, undefined when it was not held) and the absent keys it
   * took, to put back if it is rolled back. Its own changes only: a group of n operations does not
   * copy everything it holds n times.
   */
  private undo: { readonly held: Map<string, bigint | undefined>; readonly keys: string[] } | null = null;
  /**
   * Keys found committed by another transaction after they were found absent (`LostKeyRace`):
   * never taken as absent again, not even from the marks a savepoint restores, so that its rerun
   * looks the key up and answers the replay.
   */
  private readonly keysTakenElsewhere = new Set<string>();
  /** Catalog reads under way (`prefetch`), by `asset:<symbol>` or `account:<id>`. */
  private readonly prefetching = new Map<string, Promise<unknown>>();
  /** This transaction's catalog epoch (`StoreTx.catalogEpoch`), asked for with its first queries. */
  private epoch: Promise<number> | null = null;
  private epochRead: number | null = null;
  /** The epochs of the cached entries this transaction planned with: each must be its own. */
  private readonly usedEpochs = new Set<number>();

  constructor(
    private readonly tx: StoreTx,
    private readonly nowMs: number,
    /** Assets read outside this transaction, after they committed: a hit is always right. Never written here. */
    private readonly committedAssets: ReadonlyMap<string, Asset> = new Map(),
    /** What each venue served knows assets, users and accounts by: checked and generated on create. */
    private readonly venues: readonly VenueIdentity[] = [],
    /**
     * Assets and accounts earlier transactions read: used only where the store tells the catalog's
     * epoch (both engines do), and confirmed before the commit (`confirmCatalog`). None: every
     * transaction reads its own.
     */
    private readonly catalog: CatalogCache | null = null,
  ) {}

  /** The time this session writes at, unless an operation is given its own (`ApplyOptions.atMs`). */
  get now(): number {
    return this.nowMs;
  }

  /** Asks for the catalog's epoch once, with the transaction's first queries (no round trip of its own). */
  private readEpoch(): void {
    if (this.epoch !== null || this.catalog === null || this.tx.catalogEpoch === undefined) return;
    this.epoch = this.tx.catalogEpoch();
    this.epoch.catch(() => undefined);
  }

  /** A cached asset, copied into this transaction's own (its epoch noted, to be confirmed). */
  private cachedAsset(symbol: string): Asset | undefined {
    const asset = this.epoch === null ? undefined : this.catalog?.asset(symbol);
    if (asset) {
      this.usedEpochs.add(this.catalog?.currentEpoch ?? -1);
      this.assets.set(symbol, asset);
    }
    return asset;
  }

  private cachedAccount(id: number): Account | undefined {
    const account = this.epoch === null ? undefined : this.catalog?.account(id);
    if (account) {
      this.usedEpochs.add(this.catalog?.currentEpoch ?? -1);
      this.accounts.set(id, account);
    }
    return account;
  }

  /**
   * Before the commit, and before a refusal leaves: a transaction that planned with cached entries
   * of another epoch than its own (another instance reset the store since) throws `CatalogStale`,
   * and the ledger runs it again with the cache emptied. Its reads were of its own epoch: the
   * epoch is read with a table a reset empties, so a reset either waits for this transaction or
   * finished before its first statement (PgTx.catalogEpoch).
   */
  async confirmCatalog(): Promise<void> {
    if (this.epoch === null) return;
    const epoch = await this.epoch;
    this.epochRead = epoch;
    if ([...this.usedEpochs].some((used) => used !== epoch)) {
      // Empties the cache if it is older than this epoch.
      this.catalog?.learn(epoch, [], []);
      throw new CatalogStale();
    }
  }

  /** After the commit: what this transaction read of the catalog, for the next ones. */
  learnCatalog(): void {
    if (this.epochRead !== null) this.catalog?.learn(this.epochRead, this.assets.values(), this.accounts.values());
  }

  async createAsset(input: AssetInput): Promise<Asset> {
    const fields = checkAsset(input);
    const existing = await this.tx.listAssets();
    if (existing.some((a) => a.symbol === fields.symbol)) {
      throw new LedgerError('ASSET_EXISTS', `asset ${fields.symbol} exists already`, 'symbol');
    }
    const context = { id: 0, asset: fields, assets: existing };
    // Assets are few and all read here, so a generated id steps past the taken ones without asking the store.
    const { facts, identities } = await buildFacts(this.venues, 'asset', input.venues, context, (identity) =>
      existing.some((a) => a.venues[identity.venue]?.[identity.name] === identity.value),
    );
    const asset = { ...fields, venues: facts };
    await this.tx.insertAsset(asset, this.nowMs, identities);
    return asset;
  }

  async createUser(input: UserInput): Promise<{ user: User; main: Account }> {
    const name = checkUserName(input.name);
    const { facts, identities } = await buildFacts(this.venues, 'user', input.venues, { id: 0, assets: [] }, (identity) =>
      this.tx.identityTaken('user', identity),
    );
    const fields = { name, venues: facts, createdAtMs: this.nowMs };
    const id = await this.tx.insertUser(fields, identities);
    const main = await this.insertAccount(id, 'main', input.main ?? {}, 'main');
    return { user: { id, ...fields }, main };
  }

  async createSubAccount(userId: number, input: AccountInput): Promise<Account> {
    if (!(await this.tx.getUser(userId))) throw new LedgerError('USER_NOT_FOUND', `no user ${userId}`, 'userId');
    return this.insertAccount(userId, 'sub', input);
  }

  /**
   * Gives every stored asset, user and account the facts a served venue generates and it lacks
   * (a venue served since it was created, or a fact a venue declared since), each unique one
   * stepping past values taken. Resolves how many subjects gained facts.
   */
  async completeFacts(): Promise<number> {
    let completed = 0;
    const assets = await this.tx.listAssets();
    for (const [i, asset] of assets.entries()) {
      // Each asset's generated ids continue after those of the assets completed before it.
      const others = assets.filter((_, j) => j !== i);
      const taken = (identity: { venue: string; name: string; value: string }) => others.some((a) => a.venues[identity.venue]?.[identity.name] === identity.value);
      const missing = await missingFacts(this.venues, 'asset', asset.venues, { id: 0, asset, assets: others }, taken);
      for (const { venue, facts, identities } of missing) await this.tx.addFacts('asset', asset.symbol, venue, facts, identities);
      if (missing.length > 0) {
        assets[i] = { ...asset, venues: { ...asset.venues, ...Object.fromEntries(missing.map((m) => [m.venue, { ...asset.venues[m.venue], ...m.facts }])) } };
        completed++;
      }
    }
    for (const user of await this.tx.listUsers()) {
      const missing = await missingFacts(this.venues, 'user', user.venues, { id: user.id, assets: [] }, (identity) => this.tx.identityTaken('user', identity));
      for (const { venue, facts, identities } of missing) await this.tx.addFacts('user', String(user.id), venue, facts, identities);
      if (missing.length > 0) completed++;
    }
    for (const account of await this.tx.listAccounts()) {
      const missing = await missingFacts(this.venues, 'account', account.venues, { id: account.id, assets: [] }, (identity) => this.tx.identityTaken('account', identity));
      for (const { venue, facts, identities } of missing) await this.tx.addFacts('account', String(account.id), venue, facts, identities);
      if (missing.length > 0) completed++;
    }
    return completed;
  }

  async createCredential(credential: Omit<NewCredential, 'createdAtMs'>): Promise<number> {
    return this.tx.insertCredential({ ...credential, createdAtMs: this.nowMs });
  }

  /**
   * An account with its venue facts: each one given is checked; each one left to the ledger is the
   * first candidate no account holds, since a scenario may have fixed any value (the demo's fixed
   * ids) and a generated identity must never clash with one, or creating accounts would fail on
   * every retry. Identities are unique in the store, so a clash with a concurrent writer still
   * fails safely.
   */
  private async insertAccount(userId: number, kind: AccountKind, input: AccountInput, path = ''): Promise<Account> {
    const id = await this.tx.allocateAccountId();
    const label = accountLabel(input, id, kind);
    const at = path === '' ? 'venues' : `${path}/venues`;
    const { facts, identities } = await buildFacts(this.venues, 'account', input.venues, { id, assets: [] }, (identity) =>
      this.tx.identityTaken('account', identity), at,
    );
    const account: Account = { id, userId, kind, label, venues: facts, createdAtMs: this.nowMs };
    await this.tx.insertAccount(account, identities);
    return account;
  }

  /**
   * Applies one operation: the shape check, the idempotency check, the plan, the balance check on
   * the netted postings, then the writes. Any refusal throws before the transaction commits, so
   * nothing of it is written.
   */
  async apply(input: OperationRequest, options: ApplyOptions = {}): Promise<ApplyResult> {
    const started = await this.start(input, options);
    return started.replayed ? started.result : { entry: withId(await started.id, started.entry), replayed: false };
  }

  /**
   * `apply` up to sending the entry's insert, without waiting for it: the operations of a batch
   * go out one after another on the transaction's connection, and the batch waits once for every
   * entry's id (`Ledger.applyBatch`). Whatever the next operation asks the store queues behind
   * the inserts sent before it, so it sees them. The id's promise has a handler already (a
   * failed insert is reported where its id is awaited, not as an unhandled rejection).
   */
  async start(input: OperationRequest, options: ApplyOptions = {}): Promise<StartedOperation> {
    const atMs = options.atMs ?? this.nowMs;
    // The type says what TypeScript callers send; a JavaScript caller (the ledger is a library)
    // may send anything, so the schema is checked here too: the same answer the API gives.
    const request = parseOperation(input);
    const key = request.key;
    // The key is not part of the content a replay is compared by.
    const hash = sha256Hex(canonicalJson(request, 'key'));
    this.readEpoch();
    const lookup = this.absentKeys.has(key) && !this.keysTakenElsewhere.has(key) ? undefined : this.tx.getOperation(key);
    let plan: Plan;
    const names = this.namesToRead(request);
    if (lookup !== undefined && names.length === 0) {
      // Every name the request gives is known: the plan needs no read, and the lock of its books
      // goes out with the key lookup instead of after its answer (one round trip fewer). A replay
      // answers as before (its books stay locked for nothing until the end of this transaction);
      // a refusal waits for the lookup, since a replay's answer comes first.
      lookup.catch(() => undefined);
      const ahead = planOperation(request, this.context()).then(async (planned) => {
        await this.lockBooks(planned.postings);
        return planned;
      });
      ahead.catch(() => undefined);
      const previous = await lockFailureFirst(lookup, ahead);
      if (previous) {
        // A lost race or a lost connection is the transaction's, a replay or not.
        await ahead.catch((error: unknown) => {
          if (!(error instanceof LedgerError)) throw error;
        });
        return replayOf(previous, hash, key);
      }
      plan = await ahead;
    } else {
      // The key lookup and the reads of the assets and accounts the request names go out together:
      // an engine on a connection sends them as one round trip.
      // Nothing to read (a batch's operation, its key looked up ahead): no promise to make.
      const previous = names.length === 0 ? undefined : (await Promise.all([lookup, this.prefetch(names)]))[0];
      if (previous) return replayOf(previous, hash, key);
      plan = await planOperation(request, this.context());
    }
    const postings = plan.postings;
    assert(isZeroSumPerAsset(postings), `planned postings of ${request.type} sum to zero per asset`);
    const writes = await this.applyPostings(postings, atMs);
    await this.applyReservations(key, plan, writes, atMs);
    const entry = { key, type: request.type, atMs, request: plan.normalized, postings };
    const id = this.tx.insertOperation({ key, type: entry.type, atMs, request: entry.request, postings, hash });
    id.catch(() => undefined);
    // The key is taken now: the same key later in this batch must find it (its lookup queues behind this insert).
    if (this.absentKeys.delete(key)) this.undo?.keys.push(key);
    return { replayed: false, id, entry };
  }

  /**
   * Before several operations run in one transaction (a batch, a commit group): locks every
   * existing book they will touch, all at once, in the one global order. Each operation then
   * locks its books again (already held: no wait), so two such transactions can never hold locks
   * the other needs: without this, each locks operation by operation, and two groups touching the
   * same books in different orders deadlock. Operations that would be refused or replayed are
   * skipped here (their own run gives the answer). Books never written are not made writable
   * here (a refused operation leaves no balance behind); an engine that creates books outside its
   * transactions (PostgreSQL) creates them now, before any lock is held.
   */
  async prelock(requests: readonly OperationRequest[]): Promise<void> {
    const parsed: OperationRequest[] = [];
    for (const input of requests) {
      try {
        parsed.push(parseOperation(input));
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
      }
    }
    this.readEpoch();
    // Every key in one query, and the assets and accounts named, all sent together; each
    // operation then skips its own lookup (see `absentKeys`).
    const lookup = this.tx.existingOperationKeys(parsed.map((r) => r.key));
    if (parsed.every((r) => this.namesToRead(r).length === 0)) {
      // Every name is known: the lock ahead needs no read and goes out with the key lookup. It
      // locks the books of operations that turn out replayed too (for nothing, until the end).
      lookup.catch(() => undefined);
      const locked = this.lockAhead(parsed);
      locked.catch(() => undefined);
      const used = await lockFailureFirst(lookup, locked);
      for (const request of parsed) if (!used.has(request.key)) this.absentKeys.add(request.key);
      await locked;
      return;
    }
    const [used] = await Promise.all([lookup, ...parsed.map((r) => this.prefetch(this.namesToRead(r)))]);
    await this.lockAhead(parsed.filter((request) => !used.has(request.key)));
    for (const request of parsed) if (!used.has(request.key)) this.absentKeys.add(request.key);
  }

  /** Plans each request (a refused one is skipped) and locks the existing books of them all in one call, in the global order. */
  private async lockAhead(requests: readonly OperationRequest[]): Promise<void> {
    const keys = new Map<string, BalanceKey>();
    for (const request of requests) {
      try {
        for (const p of (await planOperation(request, this.context())).postings) {
          // System books are not locked: they are added to at the end (`addToSystemBooks`).
          if (p.account !== SYSTEM_ACCOUNT) keys.set(balanceKeyId(p), { account: p.account, bucket: p.bucket, asset: p.asset });
        }
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
      }
    }
    if (keys.size === 0) return;
    const sorted = [...keys.values()].sort(compareBalanceKeys);
    const amounts = await this.tx.lockBalances(sorted, { existingOnly: true });
    sorted.forEach((key, i) => this.hold(balanceKeyId(key), amounts[i] ?? 0n));
  }

  /**
   * Before several operations run in one transaction on a single-writer engine (nothing to lock
   * ahead there): looks every key up in one query, so each operation skips its own lookup.
   */
  async lookUpKeys(requests: readonly OperationRequest[]): Promise<void> {
    const keys = requests.map((r) => (r as { key?: unknown }).key).filter((key): key is string => typeof key === 'string');
    const used = await this.tx.existingOperationKeys(keys);
    for (const key of keys) if (!used.has(key)) this.absentKeys.add(key);
  }

  /**
   * Runs `fn` in a store savepoint (one operation of a commit group): if it throws, the database
   * undoes what it wrote and releases the locks it took, and this session forgets what it learnt
   * inside, as the database does.
   */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    assert(this.undo === null, 'savepoints of a session do not nest');
    const putBack = () => {
      const undo = this.undo;
      if (!undo) return;
      for (const [id, amount] of undo.held) {
        if (amount === undefined) this.held.delete(id);
        else this.held.set(id, amount);
      }
      for (const key of undo.keys) this.absentKeys.add(key);
      this.undo = null;
    };
    try {
      // The store may run `fn` again (a lost key race): each attempt starts from the marks.
      const result = await this.tx.savepoint(() => {
        putBack();
        this.undo = { held: new Map(), keys: [] };
        return fn();
      });
      this.undo = null;
      return result;
    } catch (error) {
      putBack();
      throw error;
    }
  }


  /**
   * Nets the postings per book; locks the account books in a stable order (those this transaction
   * holds already are not asked for again), refuses any overdraft, writes them; then adds to the
   * system books, which have no floor and so are neither locked nor read here (the store applies
   * them at the end of the transaction, see `StoreTx.addToSystemBooks`). Resolves the account
   * books' writes.
   */
  private async applyPostings(postings: readonly Posting[], atMs: number): Promise<BalanceWrite[]> {
    // Each book's id made once: it keys the nets and the books held.
    const net = new Map<string, { key: BalanceKey; id: string; delta: bigint }>();
    for (const p of postings) {
      const id = balanceKeyId(p);
      const slot = net.get(id) ?? { key: { account: p.account, bucket: p.bucket, asset: p.asset }, id, delta: 0n };
      slot.delta += p.amount;
      net.set(id, slot);
    }
    // A posting too large to store (an amount plus its fee) is refused before any lock is taken.
    const oversized = postings.find((p) => !isWithinLimit(p.amount));
    if (oversized) throw beyondLimit(`a posting of ${oversized.asset}`);
    const sorted = [...net.values()].sort((a, b) => compareBalanceKeys(a.key, b.key));
    const touched = sorted.filter((t) => t.key.account !== SYSTEM_ACCOUNT);
    const system = sorted.filter((t) => t.key.account === SYSTEM_ACCOUNT);
    const toLock = touched.filter((t) => !this.held.has(t.id));
    if (toLock.length > 0) {
      const amounts = await this.tx.lockBalances(toLock.map((t) => t.key));
      toLock.forEach((t, i) => this.hold(t.id, amounts[i] ?? 0n));
    }
    const heldAfter: [string, bigint][] = [];
    const writes: BalanceWrite[] = touched.map((t) => {
      const amount = (this.held.get(t.id) ?? 0n) + t.delta;
      heldAfter.push([t.id, amount]);
      if (amount < 0n) {
        throw new LedgerError(
          'INSUFFICIENT_FUNDS',
          `account ${t.key.account} has too little ${t.key.asset} in ${t.key.bucket}`,
          undefined,
        );
      }
      if (!isWithinLimit(amount)) throw beyondLimit(`the ${t.key.asset} ${t.key.bucket} book of account ${t.key.account}`);
      return { account: t.key.account, bucket: t.key.bucket, asset: t.key.asset, amount, atMs };
    });
    if (writes.length > 0) await this.tx.writeBalances(writes);
    for (const [id, amount] of heldAfter) this.hold(id, amount);
    if (system.length > 0) {
      const deltas: BalanceDelta[] = system.map((t) => ({ account: t.key.account, bucket: t.key.bucket, asset: t.key.asset, delta: t.delta, atMs }));
      await this.tx.addToSystemBooks(deltas);
    }
    return writes;
  }

  /**
   * After the postings (so every book involved is locked): opens the reservation the plan opens,
   * draws on the ones it names, then refuses any bucket left holding less than its open
   * reservations, so an anonymous `release`, a `held` leg or an `adjust` cannot take what a
   * reservation owns. Reservations change only with their bucket's balance, whose lock therefore
   * serializes them.
   */
  private async applyReservations(key: string, plan: Plan, writes: readonly BalanceWrite[], atMs: number): Promise<void> {
    if (plan.reserves) {
      const id = plan.reserves.id ?? key;
      if (await this.tx.getReservation(id)) {
        // The key was looked up before the wait for this bucket's lock; the reservation seen after
        // it may be the one this very operation opened, sent to another instance at once and
        // committed meanwhile (READ COMMITTED shows it now). Then the key is there too: the race is
        // lost, and run again the operation answers as the replay. Any other owner is a clash.
        if (await this.tx.getOperation(key)) {
          this.keysTakenElsewhere.add(key);
          throw new LostKeyRace(key);
        }
        throw new LedgerError('INVALID_ARGUMENT', `reservation ${id} exists already`, plan.reserves.id === undefined ? 'key' : 'reservation');
      }
      await this.tx.insertReservation({ ...plan.reserves, id, posted: 0n, voided: 0n, state: 'open' }, atMs);
    }
    const draws = new Map<string, { post: bigint; void: bigint }>();
    for (const d of plan.draws ?? []) {
      const sum = draws.get(d.id) ?? { post: 0n, void: 0n };
      draws.set(d.id, { post: sum.post + d.post, void: sum.void + d.void });
    }
    for (const [id, draw] of draws) {
      const r = await this.tx.getReservation(id);
      assert(r !== undefined, `planned reservation ${id} exists`);
      if (r.state !== 'open') throw new LedgerError('PENDING_CLOSED', `reservation ${id} is already ${r.state}`, 'reservation');
      const rest = remainderOf(r) - draw.post - draw.void;
      if (rest < 0n) {
        throw new LedgerError('INSUFFICIENT_FUNDS', `reservation ${id} has ${remainderOf(r)} base units left, less than this takes`, 'reservation');
      }
      const posted = r.posted + draw.post;
      const voided = r.voided + draw.void;
      const changed = await this.tx.updateReservation(id, r, { posted, voided, state: rest === 0n ? finalState(posted, voided) : 'open', atMs });
      assert(changed, `reservation ${id} did not change under its bucket's lock`);
    }
    for (const w of writes) {
      if (w.account === SYSTEM_ACCOUNT || !RESERVABLE_BUCKETS.includes(w.bucket as Bucket)) continue;
      const reserved = await this.tx.openReservedTotal(w);
      if (w.amount < reserved) {
        throw new LedgerError('INSUFFICIENT_FUNDS', `account ${w.account} has too little ${w.asset} in ${w.bucket} outside its open reservations`, undefined);
      }
    }
  }

  /**
   * Reads, all at once, the assets and accounts a request names at its top level that this
   * transaction does not know yet (`namesToRead`), for the plan to find. Only a head start: the
   * plan still asks for what it needs, and a miss here is read then.
   */
  private async prefetch(names: readonly (string | number)[]): Promise<void> {
    const reads: Promise<unknown>[] = [];
    const read = (name: string, load: () => Promise<unknown>) => {
      // Requests prefetched together often name the same account: one read each.
      let pending = this.prefetching.get(name);
      if (!pending) {
        pending = load().finally(() => this.prefetching.delete(name));
        this.prefetching.set(name, pending);
      }
      reads.push(pending);
    };
    for (const name of names) {
      if (typeof name === 'string') read(`asset:${name}`, () => this.tx.getAsset(name).then((asset) => asset && this.assets.set(name, asset)));
      else read(`account:${name}`, () => this.tx.getAccount(name).then((account) => account && this.accounts.set(name, account)));
    }
    await Promise.all(reads);
  }

  /** The assets (by symbol) and accounts (by id) a request names at its top level that neither this transaction nor the cache knows. */
  private namesToRead(request: OperationRequest): (string | number)[] {
    const names: (string | number)[] = [];
    for (const [field, value] of Object.entries(request)) {
      if (field === 'asset' && typeof value === 'string') {
        if (!this.assets.has(value) && !this.committedAssets.has(value) && !this.cachedAsset(value)) names.push(value);
      } else if ((field === 'account' || field === 'from' || field === 'to') && isId(value)) {
        if (!this.accounts.has(value) && !this.cachedAccount(value)) names.push(value);
      }
    }
    return names;
  }

  /** Locks the account books these postings touch that this transaction does not hold yet, in the global order. */
  private async lockBooks(postings: readonly Posting[]): Promise<void> {
    const keys = new Map<string, BalanceKey>();
    for (const p of postings) {
      const id = balanceKeyId(p);
      if (p.account !== SYSTEM_ACCOUNT && !this.held.has(id)) keys.set(id, { account: p.account, bucket: p.bucket, asset: p.asset });
    }
    if (keys.size === 0) return;
    const sorted = [...keys.values()].sort(compareBalanceKeys);
    const amounts = await this.tx.lockBalances(sorted);
    sorted.forEach((key, i) => this.hold(balanceKeyId(key), amounts[i] ?? 0n));
  }

  /** A book's amount as this transaction leaves it, noted for `savepoint` to put back. */
  private hold(id: string, amount: bigint): void {
    if (this.undo && !this.undo.held.has(id)) this.undo.held.set(id, this.held.get(id));
    this.held.set(id, amount);
  }

  private context(): PlanContext {
    const tx = this.tx;
    const committed = this.committedAssets;
    const assets = this.assets;
    const accounts = this.accounts;
    const cachedAsset = (symbol: string) => this.cachedAsset(symbol);
    const cachedAccount = (id: number) => this.cachedAccount(id);
    return {
      // The request's shape was checked (operation-types.ts): what is left is whether the thing exists.
      async asset(symbol: string, path: string): Promise<Asset> {
        const asset = committed.get(symbol) ?? assets.get(symbol) ?? cachedAsset(symbol) ?? (await tx.getAsset(symbol));
        if (!asset) throw new LedgerError('ASSET_NOT_FOUND', `${path}: no asset ${describe(symbol)}`, path);
        assets.set(symbol, asset);
        return asset;
      },
      async account(id: number, path: string): Promise<Account> {
        const account = accounts.get(id) ?? cachedAccount(id) ?? (await tx.getAccount(id));
        if (!account) throw new LedgerError('ACCOUNT_NOT_FOUND', `${path}: no account ${describe(id)}`, path);
        accounts.set(id, account);
        return account;
      },
      async pending(key: string, kind: PendingKind, path: string): Promise<Pending> {
        const pending = pendingView(await tx.getReservation(key));
        if (!pending || pending.kind !== kind) {
          throw new LedgerError('PENDING_NOT_FOUND', `${path}: no pending ${kind} opened with key ${describe(key)}`, path);
        }
        if (pending.state !== 'open') {
          throw new LedgerError('PENDING_CLOSED', `${path}: pending ${kind} ${pending.key} is already ${pending.state}`, path);
        }
        return pending;
      },
      async reservation(id: string, path: string): Promise<Reservation> {
        const r = await tx.getReservation(id);
        if (!r) throw new LedgerError('PENDING_NOT_FOUND', `${path}: no reservation ${describe(id)}`, path);
        if (r.state !== 'open') throw new LedgerError('PENDING_CLOSED', `${path}: reservation ${r.id} is already ${r.state}`, path);
        return r;
      },
    };
  }
}

/**
 * `lookup`'s answer; if it failed, the failure of `lock` first, unless that is a refusal. The two
 * went out together on the transaction's connection: a lock that failed (a deadlock's victim)
 * aborts the transaction, and a lookup query behind it (a found key's postings) then fails with
 * "current transaction is aborted", which tells nothing and would hide a lost race that the
 * store runs again (seen as HTTP 500 for a whole commit group under load).
 */
async function lockFailureFirst<T>(lookup: Promise<T>, lock: Promise<unknown>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    await lock.catch((failure: unknown) => {
      if (!(failure instanceof LedgerError)) throw failure;
    });
    throw error;
  }
}

/** A key found in the journal: the original result, if the request is the same. */
function replayOf(previous: { readonly entry: JournalEntry; readonly hash: string }, hash: string, key: string): StartedOperation {
  if (previous.hash !== hash) {
    throw new LedgerError('IDEMPOTENCY_CONFLICT', `key ${key} was used before for a different operation`, 'key');
  }
  return { replayed: true, result: { entry: previous.entry, replayed: true } };
}

/** An operation that would take a balance (or a posting) past what any engine stores exactly: refused, nothing written. */
function beyondLimit(what: string): LedgerError {
  return new LedgerError('INVALID_AMOUNT', `the operation would take ${what} beyond ${BASE_UNITS_DIGITS_MAX} digits in base units, the limit of a balance`);
}

/**
 * A new entry with the id its insert took. Spelt out, not spread: object spreads of this kind
 * (and of a book's key with an amount added) made a batch's per-operation objects several times
 * slower to build and to use (measured: about 8 us of CPU per operation for one such spread).
 */
export function withId(id: number, entry: Omit<JournalEntry, 'id'>): JournalEntry {
  return { id, key: entry.key, type: entry.type, atMs: entry.atMs, request: entry.request, postings: entry.postings };
}

export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function isZeroSumPerAsset(postings: readonly Posting[]): boolean {
  const sums = new Map<string, bigint>();
  for (const p of postings) sums.set(p.asset, (sums.get(p.asset) ?? 0n) + p.amount);
  return [...sums.values()].every((sum) => sum === 0n);
}
