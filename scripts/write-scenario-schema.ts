// Writes schemas/scenario.schema.json from the TypeBox definition in src/scenario/schema.ts, for the venues served.
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from '../src/scenario/json-schema.js';
import { VENUES } from '../src/venues/index.js';

writeFileSync(new URL('../schemas/scenario.schema.json', import.meta.url), scenarioJsonSchemaText(VENUES));
console.log('wrote schemas/scenario.schema.json');
