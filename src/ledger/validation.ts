import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LedgerError } from './errors.js';

/**
 * Validation against a JSON Schema, for the ledger's own boundary (`ledger.apply` checks every
 * operation against ./operation-types.ts), the operator API, the CLI and scenario files: Ajv
 * underneath, and one translation of its first error into a ledger refusal a person can act on:
 * a stable code (INVALID_AMOUNT for anything wrong with an amount, INVALID_ARGUMENT for any other
 * field), the path of the offending field, and a message that says what is expected.
 *
 * Schemas carry two annotations read here (OpenAPI allows `x-` keys, Ajv is told about them):
 * `x-invalid`, the phrase that completes "<field> ..." when the field's value is wrong, and
 * `x-amount`, which marks a field holding an amount.
 */

const ajv = new Ajv({
  allErrors: false,
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  // The operation union picks its branch by `type`: errors then come from that branch only.
  discriminator: true,
  // parentSchema and data on each error: the annotations above, and what was received.
  verbose: true,
});
ajv.addKeyword({ keyword: 'x-invalid', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-amount', schemaType: 'boolean' });

/** A compiled check: null when the value is valid, else the refusal. */
export type Check = (value: unknown) => LedgerError | null;

const compiled = new WeakMap<object, Check>();

/** The one check of `schema` (compiled once per schema object), with paths under `prefix`. */
export function checkerFor(schema: object, prefix = ''): Check {
  const cacheable = prefix === '';
  const known = cacheable ? compiled.get(schema) : undefined;
  if (known) return known;
  const validate: ValidateFunction = ajv.compile(schema);
  const check: Check = (value) => (validate(value) ? null : describeError(validate.errors?.[0], prefix));
  if (cacheable) compiled.set(schema, check);
  return check;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** An Ajv error as a ledger refusal. */
export function describeError(error: ErrorObject | undefined, prefix = ''): LedgerError {
  if (!error) return new LedgerError('INVALID_ARGUMENT', 'the request is invalid', prefix || undefined);
  const at = join(prefix, error.instancePath.replace(/^\//, ''));
  const parent = (error.parentSchema ?? {}) as SchemaNotes;
  switch (error.keyword) {
    case 'required': {
      const field = String(error.params.missingProperty);
      const path = join(at, field);
      const fieldSchema = (parent.properties?.[field] ?? {}) as SchemaNotes;
      const expected = fieldSchema['x-invalid'] ? `: it ${fieldSchema['x-invalid']}` : '';
      return refusal(fieldSchema, `${path} is required${forWhat(parent)}${expected}`, path);
    }
    case 'additionalProperties': {
      const field = String(error.params.additionalProperty);
      const path = join(at, field);
      const takes = Object.keys(parent.properties ?? {}).join(', ');
      return new LedgerError('INVALID_ARGUMENT', `${path} is not a field of ${parent.title ?? 'this object'}; it takes ${takes}`, path);
    }
    case 'discriminator': {
      const tag = String(error.params.tag);
      const path = join(at, tag);
      const allowed = discriminatorValues(parent, tag);
      const value = error.params.tagValue;
      const said = value === undefined ? `${path} is required: one of ${allowed.join(', ')}` : `${path} must be one of ${allowed.join(', ')}; got ${shown(value)}`;
      return new LedgerError('INVALID_ARGUMENT', said, path);
    }
    case 'enum':
      return new LedgerError('INVALID_ARGUMENT', `${at} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}; got ${shown(error.data)}`, at);
    case 'const':
      return new LedgerError('INVALID_ARGUMENT', `${at} must be ${shown(error.params.allowedValue)}; got ${shown(error.data)}`, at);
    default: {
      if (parent['x-invalid']) return refusal(parent, `${at} ${parent['x-invalid']}; got ${shown(error.data)}`, at);
      if (at === '' && error.keyword === 'type') return new LedgerError('INVALID_ARGUMENT', `the value must be ${article(String(error.params.type))}`);
      return refusal(parent, `${at} ${plainMessage(error)}; got ${shown(error.data)}`, at);
    }
  }
}

interface SchemaNotes {
  readonly title?: string;
  readonly properties?: Record<string, unknown>;
  readonly oneOf?: readonly { properties?: Record<string, { const?: unknown; enum?: unknown[] }> }[];
  readonly 'x-invalid'?: string;
  readonly 'x-amount'?: boolean;
}

function refusal(schema: SchemaNotes, message: string, path: string): LedgerError {
  return new LedgerError(schema['x-amount'] ? 'INVALID_AMOUNT' : 'INVALID_ARGUMENT', message, path || undefined);
}

function forWhat(schema: SchemaNotes): string {
  return schema.title ? ` in ${schema.title}` : '';
}

function discriminatorValues(schema: SchemaNotes, tag: string): string[] {
  return (schema.oneOf ?? []).flatMap((branch) => {
    const property = branch.properties?.[tag];
    return property?.const !== undefined ? [String(property.const)] : (property?.enum ?? []).map(String);
  });
}

/** Ajv's generic messages, reworded as "<field> must ...", with what the limit is. */
function plainMessage(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${article(String(p.type))}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'minItems':
      return `must hold at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must hold at most ${String(p.limit)} items`;
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function article(type: string): string {
  const names: Record<string, string> = { integer: 'an integer', object: 'an object', array: 'an array', string: 'a string', boolean: 'true or false', number: 'a number' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

/** What was received, briefly: a JSON number is shown as one, long text is cut. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return `the JSON number ${Number.isFinite(value) ? String(value) : 'out of range'}`;
  const text = JSON.stringify(value);
  return text.length > 42 ? `${text.slice(0, 40)}…"` : text;
}
