import { LedgerError } from '../ledger/errors.js';
import type { FaultErrorKind, VenueDialect } from '../venues/venue.js';
import { LATENCY_MS_MAX, type FaultAction, type FaultRuleInput } from './schemas.js';
import { normalDraw, seededRandom } from './random.js';

/**
 * One fault rule, compiled: its matchers, its window on the server clock, its own seeded draws,
 * and its counts. A rule is checked here for what its schema cannot say, with the ledger's
 * INVALID_ARGUMENT and the offending field's path, as every other input is.
 */

/** What a rule needs of the venues served: their ids and which named errors each can answer. */
export type FaultVenue = Pick<VenueDialect, 'id' | 'faults'>;

/** What a request is, for matching. */
export interface RequestFacts {
  readonly venue: string;
  readonly method: string;
  /** Without the query string. */
  readonly path: string;
  readonly apiKey: string | undefined;
}

/** What a push is, for matching. */
export interface PushMatchFacts {
  readonly venue: string;
  readonly path: string;
  readonly channel: string;
  readonly apiKey: string | undefined;
  readonly accountId: number | undefined;
}

const REQUEST_ACTIONS = new Set(['latency', 'error', 'drop', 'stall']);
const PUSH_ACTIONS = new Set(['latency', 'drop', 'duplicate']);

/** A glob as a regular expression: `**` any run of characters, `*` any run without `/` when `slashes` (a path), else any run. */
export function globPattern(glob: string, slashes: boolean): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += 1;
    } else if (c === '*') {
      source += slashes ? '[^/]*' : '.*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

const invalid = (path: string, message: string) => new LedgerError('INVALID_ARGUMENT', `${path}: ${message}`, path);

/** The one latency form a latency action gives, checked; throws naming the field. */
function latencyForm(action: Extract<FaultAction, { type: 'latency' }>, at: string): (random: () => number) => number {
  const { ms, minMs, maxMs, meanMs, stddevMs } = action;
  const forms = [ms !== undefined, minMs !== undefined || maxMs !== undefined, meanMs !== undefined || stddevMs !== undefined].filter(Boolean).length;
  if (forms !== 1) throw invalid(at, 'give one latency: ms, or minMs and maxMs (uniform), or meanMs and stddevMs (normal)');
  if (ms !== undefined) return () => ms;
  if (minMs !== undefined || maxMs !== undefined) {
    if (minMs === undefined || maxMs === undefined) throw invalid(at, 'a uniform latency needs both minMs and maxMs');
    if (minMs > maxMs) throw invalid(`${at}/minMs`, 'must not be more than maxMs');
    return (random) => minMs + Math.floor(random() * (maxMs - minMs + 1));
  }
  if (meanMs === undefined || stddevMs === undefined) throw invalid(at, 'a normal latency needs both meanMs and stddevMs');
  return (random) => Math.min(LATENCY_MS_MAX, Math.max(0, Math.round(normalDraw(random, meanMs, stddevMs))));
}

export type CompiledAction =
  | { readonly type: 'latency'; readonly delay: (random: () => number) => number }
  | { readonly type: 'error'; readonly kind: FaultErrorKind; readonly status: number | undefined }
  | { readonly type: 'drop' }
  | { readonly type: 'stall' }
  | { readonly type: 'duplicate' };

function compileAction(input: FaultRuleInput, on: 'request' | 'push', venues: readonly FaultVenue[], at: string): CompiledAction {
  const action = input.action;
  const allowed = on === 'request' ? REQUEST_ACTIONS : PUSH_ACTIONS;
  if (!allowed.has(action.type)) throw invalid(`${at}action/type`, `a ${on} rule takes ${[...allowed].join(', ')}; got ${action.type}`);
  switch (action.type) {
    case 'latency':
      return { type: 'latency', delay: latencyForm(action, `${at}action`) };
    case 'error': {
      const served = input.venue === undefined ? venues : venues.filter((v) => v.id === input.venue);
      const without = served.filter((v) => v.faults.errors[action.kind] === null).map((v) => v.id);
      if (without.length > 0) throw invalid(`${at}action/kind`, `${without.join(', ')} has no ${action.kind} answer (docs/faults.md): name a venue that has one`);
      return { type: 'error', kind: action.kind, status: action.status };
    }
    default:
      return { type: action.type };
  }
}

export class CompiledRule {
  readonly on: 'request' | 'push';
  readonly action: CompiledAction;
  readonly fromMs: number;
  readonly untilMs: number | undefined;
  readonly probability: number;
  matched = 0;
  injected = 0;
  expiredBy: 'count' | 'time' | undefined;
  private readonly random: () => number;
  private readonly path: RegExp | undefined;
  private readonly channel: RegExp | undefined;

  /** `at` prefixes the paths of refusals (`rules/2/`, or '' for a single rule). */
  constructor(
    readonly id: string,
    readonly input: FaultRuleInput,
    readonly seed: number,
    readonly setAtMs: number,
    venues: readonly FaultVenue[],
    at = '',
  ) {
    this.on = input.on ?? 'request';
    if (this.on === 'push' && input.method !== undefined) throw invalid(`${at}method`, 'a push rule matches no method (it has a path, a channel, an apiKey and an account)');
    if (this.on === 'request' && input.channel !== undefined) throw invalid(`${at}channel`, 'only a push rule matches a channel');
    this.action = compileAction(input, this.on, venues, at);
    this.fromMs = setAtMs + (input.afterMs ?? 0);
    this.untilMs = input.forMs === undefined ? undefined : this.fromMs + input.forMs;
    this.probability = input.probability ?? 1;
    this.random = seededRandom(seed);
    this.path = input.path === undefined ? undefined : globPattern(input.path, true);
    this.channel = input.channel === undefined ? undefined : globPattern(input.channel, false);
  }

  get needsAccount(): boolean {
    return this.input.account !== undefined;
  }

  /** Whether everything the rule names matches this request (its account looked up only when the rule names one). */
  matchesRequest(facts: RequestFacts, accountId: number | undefined): boolean {
    const { venue, method, apiKey, account } = this.input;
    if (venue !== undefined && venue !== facts.venue) return false;
    if (method !== undefined && method !== facts.method) return false;
    if (this.path !== undefined && !this.path.test(facts.path)) return false;
    if (apiKey !== undefined && apiKey !== facts.apiKey) return false;
    return account === undefined || account === accountId;
  }

  matchesPush(facts: PushMatchFacts): boolean {
    const { venue, apiKey, account } = this.input;
    if (venue !== undefined && venue !== facts.venue) return false;
    if (this.path !== undefined && !this.path.test(facts.path)) return false;
    if (this.channel !== undefined && !this.channel.test(facts.channel)) return false;
    if (apiKey !== undefined && apiKey !== facts.apiKey) return false;
    return account === undefined || account === facts.accountId;
  }

  /** Whether it could match a request of this venue at all (for skipping the rest). */
  concerns(venue: string): boolean {
    return this.input.venue === undefined || this.input.venue === venue;
  }

  /** Inside its window at `nowMs`; past it, the rule expires (and says so once). */
  window(nowMs: number): 'waiting' | 'open' | 'over' {
    if (this.untilMs !== undefined && nowMs >= this.untilMs) return 'over';
    return nowMs < this.fromMs ? 'waiting' : 'open';
  }

  /** One match: counts it and draws against the probability (no draw at probability 1). True when the rule fires. */
  draw(): boolean {
    this.matched += 1;
    if (this.probability >= 1) return true;
    if (this.probability <= 0) return false;
    return this.random() < this.probability;
  }

  /** The delay a latency action adds this time, from the rule's own draws. */
  delayMs(): number {
    return this.action.type === 'latency' ? this.action.delay(this.random) : 0;
  }

  /** Counts one injection; true when that used up its count. */
  fired(): boolean {
    this.injected += 1;
    return this.input.count !== undefined && this.injected >= this.input.count;
  }
}
