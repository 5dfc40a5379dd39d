import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { LedgerError } from './errors.js';
import type { Asset, FactsByVenue } from './types.js';

/**
 * Venue facts: what each venue knows an asset, a user or an account by (a coin name, a numeric
 * user id, a token id and a chain address...). The ledger owns the shape and
 * the rules (checked, generated when not given, unique where the venue says so, stored as text);
 * each venue declares its own facts in its folder (`VenueIdentity`) and reads them back itself.
 * Nothing here names a venue: a venue is a `VenueIdentity` the ledger is given.
 */

export type Subject = 'asset' | 'user' | 'account';

export interface FactContext {
  /** The account's or user's id (allocated before its facts are built); 0 for an asset. */
  readonly id: number;
  /** The asset being created (assets only): its symbol and scale. */
  readonly asset?: { readonly symbol: string; readonly scale: number };
  /** Every asset already stored (assets only): a generated id can continue after the highest. */
  readonly assets: readonly Asset[];
  /** 0 first; while a unique candidate is taken the ledger asks again with the next attempt. */
  readonly attempt: number;
}

export interface FactSpec {
  /** The fact's name within its venue, e.g. `uid`, `tradingAccountId`, `tokenId`. */
  readonly name: string;
  /** An identity: no two subjects of the kind share a value (per venue and name); clients look subjects up by it. */
  readonly unique: boolean;
  /** May be set, replaced or (if not generated) removed after creation; unique facts never change. */
  readonly mutable?: boolean;
  /** The value's JSON Schema, as the operator API and scenario files take and show it. */
  readonly schema: TSchema;
  /** Checks a value given by a caller and returns its stored text; throws INVALID_ARGUMENT at `path` otherwise. */
  parse(value: unknown, path: string): string;
  /** The stored text as the API shows it (a number for a numeric id, an object for a key pair). */
  show(text: string): unknown;
  /** The value when none is given: candidate number `ctx.attempt`. Absent: the fact stays unset. */
  generate?(ctx: FactContext): string;
}

/** One venue's facts, by subject. Each venue's folder exports one. */
export interface VenueIdentity {
  readonly venue: string;
  readonly asset: readonly FactSpec[];
  readonly user: readonly FactSpec[];
  readonly account: readonly FactSpec[];
}

/** A unique fact as the store indexes it: `(subject, venue, name, value)` names one subject. */
export interface Identity {
  readonly venue: string;
  readonly name: string;
  readonly value: string;
}

/** What a caller gives: facts by venue, each value in the API's form (`{ someVenue: { tokenId: 4 } }`). */
export type FactsInput = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

function invalid(path: string, message: string): never {
  throw new LedgerError('INVALID_ARGUMENT', `${path} ${message}`, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses a venue or a fact the schemes do not declare, naming it and what is allowed. */
function checkNames(schemes: readonly VenueIdentity[], subject: Subject, input: unknown, path: string): FactsInput {
  if (input === undefined) return {};
  if (!isRecord(input)) invalid(path, 'must be an object of facts by venue');
  for (const [venue, facts] of Object.entries(input)) {
    const scheme = schemes.find((s) => s.venue === venue);
    if (!scheme) invalid(`${path}/${venue}`, `is not a venue served (${schemes.map((s) => s.venue).join(', ') || 'none'})`);
    if (facts === undefined) continue;
    if (!isRecord(facts)) invalid(`${path}/${venue}`, 'must be an object');
    for (const name of Object.keys(facts)) {
      if (!scheme[subject].some((f) => f.name === name)) {
        const known = scheme[subject].map((f) => f.name);
        invalid(`${path}/${venue}/${name}`, `is not a ${venue} fact of an ${subject}${known.length ? ` (it takes ${known.join(', ')})` : ' (it takes none)'}`);
      }
    }
  }
  return input as FactsInput;
}

/**
 * The facts of a new subject: each given value checked, each missing one generated (stepping past
 * values `taken` reports for unique facts), and the unique ones listed for the store to index.
 */
export async function buildFacts(
  schemes: readonly VenueIdentity[],
  subject: Subject,
  input: unknown,
  base: Omit<FactContext, 'attempt'>,
  taken: (identity: Identity) => Promise<boolean> | boolean,
  path = 'venues',
): Promise<{ facts: FactsByVenue; identities: Identity[] }> {
  const given = checkNames(schemes, subject, input, path);
  const facts: Record<string, Record<string, string>> = {};
  const identities: Identity[] = [];
  for (const scheme of schemes) {
    const out: Record<string, string> = {};
    for (const spec of scheme[subject]) {
      const value = given[scheme.venue]?.[spec.name];
      let text: string | undefined;
      if (value !== undefined && value !== null) {
        text = spec.parse(value, `${path}/${scheme.venue}/${spec.name}`);
      } else if (spec.generate) {
        text = await generated(spec, spec.generate, scheme.venue, base, taken);
      }
      if (text === undefined) continue;
      out[spec.name] = text;
      if (spec.unique) identities.push({ venue: scheme.venue, name: spec.name, value: text });
    }
    if (Object.keys(out).length > 0) facts[scheme.venue] = out;
  }
  return { facts, identities };
}

/** A generated value of `spec`: the first candidate no subject holds, for a unique fact. */
async function generated(
  spec: FactSpec,
  generate: NonNullable<FactSpec['generate']>,
  venue: string,
  base: Omit<FactContext, 'attempt'>,
  taken: (identity: Identity) => Promise<boolean> | boolean,
): Promise<string> {
  let text: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const candidate = generate({ ...base, attempt });
    // A generator with one candidate only (a coin named after its symbol) stops here: the store refuses the clash.
    if (candidate === text) return candidate;
    text = candidate;
    if (!spec.unique || !(await taken({ venue, name: spec.name, value: text }))) return text;
  }
}

/**
 * The facts a stored subject lacks that a served venue generates: what a venue served since the
 * subject was created (or a fact it declared since) gives it, so every account, asset and user
 * is known to every venue served. Facts a caller must give stay absent.
 */
export async function missingFacts(
  schemes: readonly VenueIdentity[],
  subject: Subject,
  stored: FactsByVenue,
  base: Omit<FactContext, 'attempt'>,
  taken: (identity: Identity) => Promise<boolean> | boolean,
): Promise<{ venue: string; facts: Record<string, string>; identities: Identity[] }[]> {
  const out: { venue: string; facts: Record<string, string>; identities: Identity[] }[] = [];
  for (const scheme of schemes) {
    const facts: Record<string, string> = {};
    const identities: Identity[] = [];
    for (const spec of scheme[subject]) {
      if (!spec.generate || stored[scheme.venue]?.[spec.name] !== undefined) continue;
      const text = await generated(spec, spec.generate, scheme.venue, base, taken);
      facts[spec.name] = text;
      if (spec.unique) identities.push({ venue: scheme.venue, name: spec.name, value: text });
    }
    if (Object.keys(facts).length > 0) out.push({ venue: scheme.venue, facts, identities });
  }
  return out;
}

/** What `missingFacts` can add, as one text: stored after a completion, it tells the next start whether there is anything to do. */
export function generatedFactsSignature(schemes: readonly VenueIdentity[]): string {
  const names = schemes.flatMap((scheme) =>
    (['asset', 'user', 'account'] as const).flatMap((subject) => scheme[subject].filter((spec) => spec.generate).map((spec) => `${subject}:${scheme.venue}.${spec.name}`)),
  );
  return names.sort().join(',');
}

/**
 * A change of mutable facts (`{ venue: { name: value | null } }`): each value checked; null
 * removes one. Refuses a fact that is unique or not mutable.
 */
export function parseFactChanges(
  schemes: readonly VenueIdentity[],
  subject: Subject,
  input: unknown,
  path = 'venues',
): { venue: string; changes: Record<string, string | null> }[] {
  const given = checkNames(schemes, subject, input, path);
  const out: { venue: string; changes: Record<string, string | null> }[] = [];
  for (const [venue, facts] of Object.entries(given)) {
    if (facts === undefined) continue;
    const scheme = schemes.find((s) => s.venue === venue)!;
    const changes: Record<string, string | null> = {};
    for (const [name, value] of Object.entries(facts)) {
      const spec = scheme[subject].find((f) => f.name === name)!;
      const at = `${path}/${venue}/${name}`;
      if (spec.unique || !spec.mutable) invalid(at, 'cannot change after creation');
      changes[name] = value === null ? null : spec.parse(value, at);
    }
    out.push({ venue, changes });
  }
  return out;
}

/** Stored facts in the API's form, for every venue served (facts of venues no longer served are left out). */
export function showFacts(schemes: readonly VenueIdentity[], subject: Subject, facts: FactsByVenue): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const scheme of schemes) {
    const stored = facts[scheme.venue] ?? {};
    const shown: Record<string, unknown> = {};
    for (const spec of scheme[subject]) {
      const text = stored[spec.name];
      if (text !== undefined) shown[spec.name] = spec.show(text);
    }
    out[scheme.venue] = shown;
  }
  return out;
}

/**
 * The JSON Schema of a subject's facts by venue: for input, every venue and fact optional (and,
 * with `changes`, only mutable facts, each nullable); for output, every venue present.
 */
export function factsSchema(schemes: readonly VenueIdentity[], subject: Subject, mode: 'input' | 'changes' | 'output'): TObject {
  const venues: Record<string, TSchema> = {};
  for (const scheme of schemes) {
    const props: Record<string, TSchema> = {};
    for (const spec of scheme[subject]) {
      if (mode === 'changes' && (spec.unique || !spec.mutable)) continue;
      props[spec.name] = Type.Optional(mode === 'changes' ? Type.Union([spec.schema, Type.Null()]) : spec.schema);
    }
    if (mode === 'changes' && Object.keys(props).length === 0) continue;
    const object = Type.Object(props, { additionalProperties: false });
    venues[scheme.venue] = mode === 'output' ? object : Type.Optional(object);
  }
  return Type.Object(venues, { additionalProperties: false, description: `What each venue knows the ${subject} by` });
}
