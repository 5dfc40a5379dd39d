// Writes schemas/scenario.schema.json from the TypeBox definition in src/scenario/schema.ts.
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from '../src/scenario/json-schema.js';

writeFileSync(new URL('../schemas/scenario.schema.json', import.meta.url), scenarioJsonSchemaText());
console.log('wrote schemas/scenario.schema.json');
