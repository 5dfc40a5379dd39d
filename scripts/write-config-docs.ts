// Rewrites the settings table of docs/configuration.md from src/server/settings.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../src/server/settings-docs.js';

const file = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(file, withSettingsTable(readFileSync(file, 'utf8')));
console.log('wrote the settings table of docs/configuration.md');
