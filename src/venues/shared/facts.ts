import { Type, type TSchema } from '@sinclair/typebox';
import { LedgerError } from '../../ledger/errors.js';
import type { FactsByVenue } from '../../ledger/types.js';
import type { FactContext, FactSpec } from '../../ledger/venue-facts.js';

/**
 * Builders for the facts a venue declares (its identity.ts): each gives the value's schema, its
 * check, how it is shown, and optionally how it is generated. The ledger calls them; the venue
 * reads the stored text back with `factOf`.
 */

function invalid(path: string, message: string): never {
  throw new LedgerError('INVALID_ARGUMENT', `${path} ${message}`, path);
}

interface Common {
  readonly name: string;
  readonly unique: boolean;
  readonly mutable?: boolean;
  readonly description: string;
  readonly generate?: (ctx: FactContext) => string;
}

/** A text fact matching `pattern` (`what` says it in words); `lowerCase` stores it in lower case. */
export function textFact(spec: Common & { readonly pattern: RegExp; readonly maxLength: number; readonly what: string; readonly lowerCase?: boolean }): FactSpec {
  return {
    name: spec.name,
    unique: spec.unique,
    mutable: spec.mutable,
    schema: Type.String({ maxLength: spec.maxLength, description: spec.description }),
    parse(value, path) {
      if (typeof value !== 'string' || !spec.pattern.test(value)) invalid(path, `must be ${spec.what}`);
      return spec.lowerCase ? value.toLowerCase() : value;
    },
    show: (text) => text,
    generate: spec.generate,
  };
}

/** An integer fact from `min` to `max`, stored as its decimal text and shown as a number. */
export function integerFact(spec: Common & { readonly min: number; readonly max: number }): FactSpec {
  return {
    name: spec.name,
    unique: spec.unique,
    mutable: spec.mutable,
    schema: Type.Integer({ minimum: spec.min, maximum: spec.max, description: spec.description }),
    parse(value, path) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        invalid(path, `must be an integer from ${spec.min} to ${spec.max}`);
      }
      return String(value);
    },
    show: (text) => Number(text),
    generate: spec.generate,
  };
}

/** A yes/no fact, stored as `true`/`false` and shown as a boolean; absent reads as false. */
export function booleanFact(spec: Omit<Common, 'unique' | 'generate'>): FactSpec {
  return {
    name: spec.name,
    unique: false,
    mutable: spec.mutable,
    schema: Type.Boolean({ description: spec.description }),
    parse(value, path) {
      if (typeof value !== 'boolean') invalid(path, 'must be a boolean');
      return String(value);
    },
    show: (text) => text === 'true',
  };
}

/** A structured fact, stored as JSON text: `check` validates and returns the value to store. */
export function jsonFact<T>(spec: Omit<Common, 'unique'> & { readonly schema: TSchema; readonly check: (value: unknown, path: string) => T }): FactSpec {
  return {
    name: spec.name,
    unique: false,
    mutable: spec.mutable,
    schema: { ...spec.schema, description: spec.description },
    parse: (value, path) => JSON.stringify(spec.check(value, path)),
    show: (text) => JSON.parse(text) as unknown,
    generate: spec.generate,
  };
}

/** The stored text of one venue fact of an asset, user or account; undefined when it has none. */
export function factOf(subject: { readonly venues: FactsByVenue }, venue: string, name: string): string | undefined {
  return subject.venues[venue]?.[name];
}

/** The highest integer fact `name` of `venue` among the stored assets, or `none` when no asset has one. */
export function highestAssetFact(ctx: FactContext, venue: string, name: string, none: number): number {
  const values = ctx.assets.map((a) => Number(factOf(a, venue, name))).filter((n) => Number.isSafeInteger(n));
  return values.length === 0 ? none : Math.max(...values);
}
