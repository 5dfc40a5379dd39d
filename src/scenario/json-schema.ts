import type { OperatorVenue } from '../operator/schemas.js';
import { scenarioSchema } from './schema.js';

/** The scenario JSON Schema for these venues as committed in schemas/: plain JSON, draft 2020-12. */
export function scenarioJsonSchemaText(venues: readonly OperatorVenue[]): string {
  const plain = JSON.parse(JSON.stringify(scenarioSchema(venues))) as Record<string, unknown>;
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...plain }, null, 2)}\n`;
}
