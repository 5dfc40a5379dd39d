import type { FastifySchemaCompiler } from 'fastify';
import { checkerFor, isPlainObject } from '../ledger/validation.js';

/**
 * The operator API's request validation: the ledger's (../ledger/validation.ts), so a request the
 * API refuses gets the code, path and message `ledger.apply` would give for the same mistake.
 */

export { checkerFor, describeError, isPlainObject, type Check } from '../ledger/validation.js';

/** Fastify's names for the parts of a request, as paths name them. */
const PART: Record<string, string> = { body: '', querystring: 'query', params: 'params', headers: 'headers' };

/**
 * The operator plugin's validator compiler. A body that is not a JSON object cannot be read as a
 * request at all (BAD_REQUEST); every other failure is a ledger refusal naming the field.
 */
export const operatorValidatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const part = PART[httpPart ?? 'body'] ?? String(httpPart);
  const check = part === '' ? checkerFor(schema) : checkerFor(schema, part);
  return (value: unknown) => {
    if (part === '' && !isPlainObject(value)) {
      return { error: Object.assign(new Error('the body must be a JSON object'), { statusCode: 400 }) };
    }
    const error = check(value ?? {});
    return error ? { error } : { value };
  };
};
