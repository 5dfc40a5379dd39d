import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { LedgerError } from '../ledger/errors.js';
import type { PushFacts, PushFault } from '../venues/shared/stream.js';
import { derivedSeed, SEED_MAX } from './random.js';
import { CompiledRule, type CompiledAction, type FaultVenue, type RequestFacts } from './rule.js';
import { RULES_MAX, type FaultRuleInput, type FaultRuleView, type FaultSetInput } from './schemas.js';

/**
 * The fault rules of one instance (docs/faults.md): held in memory, set and cleared through the
 * operator API, the CLI or a scenario, and asked on each venue request and each stream push
 * while any is set. Rules are tried in the order they were set; the first that matches and fires
 * decides what happens, and counts it. Every injection is logged and told to subscribers (a
 * console), with every change of the set. Nothing here touches the ledger: a request a rule fails
 * is failed before its handler runs.
 */

/** Waits `ms`: a timer in the product; a test hands in one it controls. */
export type Sleep = (ms: number) => Promise<void>;

export const timerSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the HTTP layer does with a request a rule chose. */
export type RequestFault = { readonly rule: string; readonly action: CompiledAction; readonly delayMs: number };

/** What happened, for a console: an injection, or a change of the rules. */
export type FaultEvent =
  | {
      readonly type: 'injected';
      readonly rule: string;
      readonly atMs: number;
      readonly on: 'request' | 'push';
      readonly action: CompiledAction['type'];
      readonly venue: string;
      readonly method?: string;
      readonly path: string;
      readonly channel?: string;
      readonly delayMs?: number;
      readonly kind?: string;
      /** The rule's injections so far, this one included. */
      readonly injected: number;
    }
  | { readonly type: 'set'; readonly rule: FaultRuleView }
  | { readonly type: 'expired'; readonly rule: string; readonly by: 'count' | 'time' }
  | { readonly type: 'removed'; readonly rule: string }
  | { readonly type: 'cleared' };

export type FaultListener = (event: FaultEvent) => void;

export interface FaultSetOptions {
  /** The venues served: which named errors each can answer. */
  readonly venues: readonly FaultVenue[];
  /** The server clock (windows, event times). */
  readonly clock: () => number;
  readonly log?: Logger;
  /** How latency waits; a timer by default. */
  readonly sleep?: Sleep;
  /** Where a rule set without any seed gets one; a random integer by default. */
  readonly seedSource?: () => number;
}

export class FaultSet {
  /** Every rule, in the order set, expired ones included (their counts stay listed until cleared). */
  private readonly rules: CompiledRule[] = [];
  private requestRules: CompiledRule[] = [];
  private pushRules: CompiledRule[] = [];
  private readonly listeners = new Set<FaultListener>();
  private nextId = 1;
  readonly sleep: Sleep;
  private readonly seedSource: () => number;

  constructor(private readonly options: FaultSetOptions) {
    this.sleep = options.sleep ?? timerSleep;
    this.seedSource = options.seedSource ?? (() => randomInt(0, SEED_MAX));
  }

  /** No request rule is live: the one check a venue request pays. */
  get requestsIdle(): boolean {
    return this.requestRules.length === 0;
  }

  /** No push rule is live: the one check a push pays. */
  get pushesIdle(): boolean {
    return this.pushRules.length === 0;
  }

  /** Adds one rule after the others. 409-style refusal (IDENTITY_TAKEN) when its id is taken. */
  add(input: FaultRuleInput): FaultRuleView {
    this.checkRoom(1);
    const rule = this.compile(input, input.seed ?? this.seedSource(), '');
    if (this.rules.some((r) => r.id === rule.id)) throw new LedgerError('IDENTITY_TAKEN', `a fault rule named ${rule.id} is set already`, 'id');
    this.install([rule]);
    return this.view(rule);
  }

  /** Replaces every rule with `set`, all or nothing: a bad rule leaves the rules as they were. */
  replace(set: FaultSetInput): FaultRuleView[] {
    if (set.rules.length > RULES_MAX) throw new LedgerError('INVALID_ARGUMENT', `at most ${RULES_MAX} rules`, 'rules');
    const base = set.seed ?? this.seedSource();
    const ids = new Set<string>();
    const saved = this.nextId;
    let compiled: CompiledRule[];
    try {
      compiled = set.rules.map((input, i) => {
        const rule = this.compile(input, input.seed ?? derivedSeed(base, i), `rules/${i}/`, ids);
        ids.add(rule.id);
        return rule;
      });
    } catch (error) {
      // The names a refused set took are handed out again.
      this.nextId = saved;
      throw error;
    }
    this.rules.length = 0;
    this.emit({ type: 'cleared' });
    this.install(compiled);
    return compiled.map((r) => this.view(r));
  }

  remove(id: string): boolean {
    const at = this.rules.findIndex((r) => r.id === id);
    if (at === -1) return false;
    this.rules.splice(at, 1);
    this.refresh();
    this.emit({ type: 'removed', rule: id });
    return true;
  }

  clear(): void {
    this.rules.length = 0;
    this.refresh();
    this.emit({ type: 'cleared' });
  }

  list(): FaultRuleView[] {
    this.expireByTime(this.options.clock());
    return this.rules.map((r) => this.view(r));
  }

  /** Tells `listener` of every injection and change until the returned function is called. */
  subscribe(listener: FaultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a live request rule could concern this venue. */
  watches(venue: string): boolean {
    return this.requestRules.some((r) => r.concerns(venue));
  }

  /** Whether a live request rule of this venue names an account (the request's key must then be looked up). */
  needsAccount(venue: string): boolean {
    return this.requestRules.some((r) => r.needsAccount && r.concerns(venue));
  }

  /** The fault for this request, if a rule fires; counted and logged. `accountId` is the presented key's account, when a rule needs it. */
  decideRequest(facts: RequestFacts, accountId: number | undefined): RequestFault | undefined {
    const nowMs = this.options.clock();
    for (const rule of this.requestRules) {
      if (!rule.matchesRequest(facts, accountId) || !this.inWindow(rule, nowMs) || !rule.draw()) continue;
      const delayMs = rule.delayMs();
      this.injected(rule, nowMs, { venue: facts.venue, method: facts.method, path: facts.path }, delayMs);
      return { rule: rule.id, action: rule.action, delayMs };
    }
    return undefined;
  }

  /** The fault for this push of `venue`, if a rule fires; counted and logged. */
  decidePush(venue: string, facts: PushFacts): PushFault | undefined {
    const nowMs = this.options.clock();
    const match = { venue, path: facts.path, channel: facts.channel, apiKey: facts.apiKey, accountId: facts.accountId };
    for (const rule of this.pushRules) {
      if (!rule.matchesPush(match) || !this.inWindow(rule, nowMs) || !rule.draw()) continue;
      const delayMs = rule.delayMs();
      this.injected(rule, nowMs, { venue, path: facts.path, channel: facts.channel }, delayMs);
      switch (rule.action.type) {
        case 'latency':
          return { type: 'delay', until: this.sleep(delayMs) };
        case 'drop':
          return { type: 'drop' };
        default:
          return { type: 'duplicate' };
      }
    }
    return undefined;
  }

  private compile(input: FaultRuleInput, seed: number, at: string, taken: ReadonlySet<string> = new Set()): CompiledRule {
    let id = input.id;
    if (id !== undefined && taken.has(id)) throw new LedgerError('INVALID_ARGUMENT', `${at}id: ${id} names two rules`, `${at}id`);
    if (id === undefined) {
      do id = `f${this.nextId++}`;
      while (taken.has(id) || this.rules.some((r) => r.id === id));
    }
    return new CompiledRule(id, input, seed, this.options.clock(), this.options.venues, at);
  }

  private checkRoom(adding: number): void {
    if (this.rules.length + adding > RULES_MAX) throw new LedgerError('INVALID_ARGUMENT', `at most ${RULES_MAX} rules are held: clear some first`);
  }

  private install(rules: readonly CompiledRule[]): void {
    this.rules.push(...rules);
    this.refresh();
    for (const rule of rules) this.emit({ type: 'set', rule: this.view(rule) });
  }

  private refresh(): void {
    const live = this.rules.filter((r) => r.expiredBy === undefined);
    this.requestRules = live.filter((r) => r.on === 'request');
    this.pushRules = live.filter((r) => r.on === 'push');
  }

  /** Open at `nowMs`; a rule past its window is expired here. */
  private inWindow(rule: CompiledRule, nowMs: number): boolean {
    const window = rule.window(nowMs);
    if (window === 'over') this.expire(rule, 'time');
    return window === 'open';
  }

  private expireByTime(nowMs: number): void {
    for (const rule of this.rules) if (rule.expiredBy === undefined && rule.window(nowMs) === 'over') this.expire(rule, 'time');
  }

  private expire(rule: CompiledRule, by: 'count' | 'time'): void {
    if (rule.expiredBy !== undefined) return;
    rule.expiredBy = by;
    this.refresh();
    this.emit({ type: 'expired', rule: rule.id, by });
  }

  private injected(rule: CompiledRule, atMs: number, where: { venue: string; method?: string; path: string; channel?: string }, delayMs: number): void {
    const usedUp = rule.fired();
    const action = rule.action;
    const event: FaultEvent = {
      type: 'injected',
      rule: rule.id,
      atMs,
      on: rule.on,
      action: action.type,
      ...where,
      ...(action.type === 'latency' ? { delayMs } : {}),
      ...(action.type === 'error' ? { kind: action.kind } : {}),
      injected: rule.injected,
    };
    this.options.log?.info({ fault: event }, `fault injected: ${rule.id} ${action.type} on ${where.venue} ${where.method ?? 'push'} ${where.path}`);
    this.emit(event);
    if (usedUp) this.expire(rule, 'count');
  }

  private emit(event: FaultEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log?.warn({ err: error }, 'a fault listener failed');
      }
    }
  }

  private view(rule: CompiledRule): FaultRuleView {
    const nowMs = this.options.clock();
    const state = rule.expiredBy !== undefined ? 'expired' : rule.window(nowMs) === 'waiting' ? 'waiting' : 'active';
    return {
      ...rule.input,
      id: rule.id,
      on: rule.on,
      probability: rule.probability,
      seed: rule.seed,
      setAtMs: rule.setAtMs,
      fromMs: rule.fromMs,
      ...(rule.untilMs === undefined ? {} : { untilMs: rule.untilMs }),
      state,
      ...(rule.expiredBy === undefined ? {} : { expiredBy: rule.expiredBy }),
      matched: rule.matched,
      injected: rule.injected,
    };
  }
}
