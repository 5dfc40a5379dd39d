import type { FastifySchemaCompiler } from 'fastify';
import { checkerFor, isPlainObject, type Check } from '../ledger/validation.js';

/**
 * The operator API's request validation: the ledger's (../ledger/validation.ts), so a request the
 * API refuses gets the code, path and message `ledger.apply` would give for the same mistake.
 */

export { checkerFor, describeError, isPlainObject, type Check } from '../ledger/validation.js';

/** A copy of `schema` without `$id`s (which only name OpenAPI components; nothing here refers to one). */
function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (!isPlainObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (key !== '$id') out[key] = withoutIds(value);
  return out;
}

const checks = new WeakMap<object, Map<string, Check>>();

/**
 * The check of `schema` with paths under `prefix`, compiled once per schema object. The schemas
 * built from the venues served carry `$id`s for the OpenAPI document, and two lists of venues (two
 * apps in one process) give two schemas under one `$id`: the shared validator would refuse the
 * second, so it compiles them without their names.
 */
export function checkerForSchema(schema: object, prefix = ''): Check {
  let byPrefix = checks.get(schema);
  if (!byPrefix) checks.set(schema, (byPrefix = new Map()));
  let check = byPrefix.get(prefix);
  if (!check) {
    check = checkerFor(withoutIds(schema) as object, prefix);
    byPrefix.set(prefix, check);
  }
  return check;
}

/** Fastify's names for the parts of a request, as paths name them. */
const PART: Record<string, string> = { body: '', querystring: 'query', params: 'params', headers: 'headers' };

/**
 * The operator plugin's validator compiler. A body that is not a JSON object cannot be read as a
 * request at all (BAD_REQUEST); every other failure is a ledger refusal naming the field.
 */
export const operatorValidatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const part = PART[httpPart ?? 'body'] ?? String(httpPart);
  const check = checkerForSchema(schema, part);
  return (value: unknown) => {
    if (part === '' && !isPlainObject(value)) {
      return { error: Object.assign(new Error('the body must be a JSON object'), { statusCode: 400 }) };
    }
    const error = check(value ?? {});
    return error ? { error } : { value };
  };
};
