import { ScenarioSchema } from './schema.js';

/** The scenario JSON Schema as committed in schemas/: plain JSON, draft 2020-12. */
export function scenarioJsonSchemaText(): string {
  const plain = JSON.parse(JSON.stringify(ScenarioSchema)) as Record<string, unknown>;
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...plain }, null, 2)}\n`;
}
