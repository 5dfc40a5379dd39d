import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OneOf, described } from '../ledger/operation-types.js';
import { FAULT_ERROR_KINDS, type VenueDialect } from '../venues/venue.js';
import { SEED_MAX } from './random.js';

/**
 * The wire shapes of fault rules (docs/faults.md), for the operator API, scenario files and the
 * CLI: what a rule matches, what it does, and its limits. Built from the venues served, like the
 * operator API's other schemas. What a schema cannot say (one latency form, an error a venue has,
 * fields that belong to requests or pushes only) is checked when a rule is compiled (./rule.ts).
 */

/** The longest latency a rule may add, in ms (ten minutes): past any client's timeout. */
export const LATENCY_MS_MAX = 600_000;
/** The longest a time limit may be, in ms (thirty days). */
export const WINDOW_MS_MAX = 30 * 24 * 3_600_000;
/** The most rules one instance holds. */
export const RULES_MAX = 1_000;

const Ms = (max: number, description: string) => Type.Integer({ minimum: 0, maximum: max, description });
const LatencyMs = (description: string) => Ms(LATENCY_MS_MAX, description);

export const LatencyAction = Type.Object(
  {
    type: Type.Literal('latency'),
    ms: Type.Optional(LatencyMs('A fixed delay')),
    minMs: Type.Optional(LatencyMs('Uniform: the shortest delay (with maxMs)')),
    maxMs: Type.Optional(LatencyMs('Uniform: the longest delay (with minMs)')),
    meanMs: Type.Optional(LatencyMs('Normal: the mean delay (with stddevMs); draws are cut to 0–600000 and rounded to the ms')),
    stddevMs: Type.Optional(LatencyMs('Normal: the standard deviation (with meanMs)')),
  },
  {
    additionalProperties: false,
    title: 'a latency action',
    description: 'Delays the request before it is handled (or the push before it is sent): give ms, or minMs and maxMs, or meanMs and stddevMs',
  },
);

const actionSchemas = () => ({
  latency: LatencyAction,
  error: Type.Object(
    {
      type: Type.Literal('error'),
      kind: OneOf(FAULT_ERROR_KINDS, { description: "A named error: each venue answers it with its own status, code and body (docs/faults.md)" }),
      status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: "Answer with this HTTP status instead of the venue's own for the kind (the body stays the venue's)" })),
    },
    { additionalProperties: false, title: 'an error action', description: "Answers the request with the venue's own error; the handler never runs, so nothing is written" },
  ),
  drop: Type.Object({ type: Type.Literal('drop') }, { additionalProperties: false, title: 'a drop action', description: 'Destroys the connection: no answer (a request) or no close frame (a push)' }),
  stall: Type.Object(
    { type: Type.Literal('stall') },
    { additionalProperties: false, title: 'a stall action', description: 'Never answers the request; the connection is let go when the client closes it' },
  ),
  duplicate: Type.Object({ type: Type.Literal('duplicate') }, { additionalProperties: false, title: 'a duplicate action', description: 'Sends the push twice' }),
});

export const FAULT_ACTIONS = ['latency', 'error', 'drop', 'stall', 'duplicate'] as const;
export type FaultActionType = (typeof FAULT_ACTIONS)[number];

const actions = actionSchemas();
export type FaultAction = { [K in FaultActionType]: Static<(typeof actions)[K]> }[FaultActionType];

const ActionSchema = Type.Unsafe<FaultAction>({
  type: 'object',
  description: 'What the rule does when it fires. Requests: latency, error, drop, stall. Pushes: latency, drop, duplicate.',
  'x-invalid': 'must be an object: an action',
  discriminator: { propertyName: 'type' },
  oneOf: FAULT_ACTIONS.map((type) => actions[type]),
} satisfies Record<string, unknown>) as TSchema & { static: FaultAction };

/** What a rule may say, by field: the rule input without its venue list (the venue is a string here, checked against the served ones). */
export interface FaultRuleInput {
  readonly id?: string;
  readonly on?: 'request' | 'push';
  readonly venue?: string;
  readonly method?: string;
  readonly path?: string;
  readonly apiKey?: string;
  readonly account?: number;
  readonly channel?: string;
  readonly action: FaultAction;
  readonly probability?: number;
  readonly count?: number;
  readonly afterMs?: number;
  readonly forMs?: number;
  readonly seed?: number;
}

export interface FaultSetInput {
  readonly seed?: number;
  readonly rules: readonly FaultRuleInput[];
}

export type FaultState = 'waiting' | 'active' | 'expired';

/** A rule as listed: what it was given, its seed, its window on the server clock, and what it has done. */
export interface FaultRuleView extends FaultRuleInput {
  readonly id: string;
  readonly on: 'request' | 'push';
  readonly probability: number;
  readonly seed: number;
  readonly setAtMs: number;
  readonly fromMs: number;
  readonly untilMs?: number;
  readonly state: FaultState;
  readonly expiredBy?: 'count' | 'time';
  /** Times everything it names matched inside its window (each one a draw against its probability). */
  readonly matched: number;
  /** Times it fired: faults injected. */
  readonly injected: number;
}

const Seed = Type.Integer({ minimum: 0, maximum: SEED_MAX, description: 'Seeds the rule\'s draws (probability, latency): the same seed and the same traffic give the same faults' });
const Pattern = (description: string) => Type.String({ minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$', description });

function ruleProperties(venueIds: readonly string[]) {
  return {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'A name for the rule; f1, f2, ... when absent' })),
    on: Type.Optional(OneOf(['request', 'push'] as const, { description: 'What the rule acts on: an HTTP request (default, WebSocket upgrades included) or a stream push' })),
    venue: Type.Optional(OneOf(venueIds, { description: 'Only this venue (every venue when absent; the operator API is never faulted)' })),
    method: Type.Optional(Type.String({ pattern: '^[A-Z]{1,16}$', description: 'Requests only: this HTTP method' })),
    path: Type.Optional(Pattern('The request path (without the query), or the stream socket\'s path: * matches within a segment, ** across segments')),
    apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Only requests or pushes of the credential the client presents with this key' })),
    account: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Only requests with a credential of this ledger account; only pushes of this account' })),
    channel: Type.Optional(Pattern('Pushes only: the channel as the venue names it (account, assetAccounts); * matches any run of characters')),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'The chance it fires each time it matches (default 1)' })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'It expires once it has fired this many times' })),
    afterMs: Type.Optional(Ms(WINDOW_MS_MAX, 'It starts this long after it is set (server clock)')),
    forMs: Type.Optional(Type.Integer({ minimum: 1, maximum: WINDOW_MS_MAX, description: 'It expires this long after it starts (server clock)' })),
    seed: Type.Optional(Seed),
  };
}

function buildFaultSchemas(venueIds: readonly string[]) {
  const FaultRuleIn = Type.Object({ ...ruleProperties(venueIds), action: ActionSchema }, { additionalProperties: false, title: 'a fault rule' });
  const FaultSetIn = Type.Object(
    {
      seed: Type.Optional(described(Seed, "Seeds every rule that gives no seed of its own (each its own sequence, derived from this and its place)")),
      rules: Type.Array(FaultRuleIn, { maxItems: RULES_MAX }),
    },
    { additionalProperties: false, title: 'a fault rule set' },
  );
  const FaultRuleOut = Type.Object(
    {
      ...ruleProperties(venueIds),
      id: Type.String(),
      on: OneOf(['request', 'push'] as const),
      probability: Type.Number(),
      seed: Type.Integer(),
      action: Type.Object({}, { additionalProperties: true, description: 'The action as given' }),
      setAtMs: Type.Integer({ description: 'When it was set (server clock, ms)' }),
      fromMs: Type.Integer({ description: 'When it starts' }),
      untilMs: Type.Optional(Type.Integer({ description: 'When it expires, with forMs' })),
      state: OneOf(['waiting', 'active', 'expired'] as const),
      expiredBy: Type.Optional(OneOf(['count', 'time'] as const)),
      matched: Type.Integer({ description: 'Times it matched inside its window' }),
      injected: Type.Integer({ description: 'Times it fired' }),
    },
    { $id: 'FaultRule' },
  );
  const FaultList = Type.Object({ rules: Type.Array(FaultRuleOut) }, { $id: 'FaultRules' });
  return { FaultRuleIn, FaultSetIn, FaultRuleOut, FaultList };
}

const built = new WeakMap<readonly object[], ReturnType<typeof buildFaultSchemas>>();

/** The fault schemas for these venues (built once per list). */
export function faultSchemas(venues: readonly Pick<VenueDialect, 'id'>[]): ReturnType<typeof buildFaultSchemas> {
  let schemas = built.get(venues);
  if (!schemas) {
    schemas = buildFaultSchemas(venues.map((v) => v.id));
    built.set(venues, schemas);
  }
  return schemas;
}
