import { OPERATION_SCHEMAS, OPERATION_TYPES } from './operation-types.js';

/**
 * docs/ledger.md's operation table, generated from the operation schemas (operation-types.ts) so
 * the docs cannot drift from what the ledger takes: `npm run docs:ledger` rewrites it, and a test
 * fails when the committed table differs.
 */

export const TABLE_START = '<!-- operation table: generated from src/ledger/operation-types.ts by `npm run docs:ledger`; edit there -->';
export const TABLE_END = '<!-- end of operation table -->';

interface FieldNotes {
  readonly type?: string;
  readonly pattern?: string;
}

/** Inside a table cell, a `|` ends the cell even within code. */
const cell = (text: string) => text.replaceAll('|', '\\|');

/** A field as the table names it: `legs[]` for a list, `amount (signed)`, `fee?` when it may be left out. */
function fieldName(name: string, schema: FieldNotes, required: boolean): string {
  const list = schema.type === 'array' ? '[]' : '';
  const signed = schema.pattern?.startsWith('^-?') ? ' (signed)' : '';
  return `${name}${list}${required ? '' : '?'}${signed}`;
}

export function operationTableMarkdown(): string {
  const rows = OPERATION_TYPES.map((type) => {
    const schema = OPERATION_SCHEMAS[type];
    const required = new Set<string>(schema.required ?? []);
    const fields = Object.entries(schema.properties as Record<string, FieldNotes>)
      .filter(([name]) => name !== 'key' && name !== 'type')
      .map(([name, field]) => fieldName(name, field, required.has(name)));
    return `| \`${type}\` | ${cell(fields.join(', '))} | ${cell(schema.description ?? '')} |`;
  });
  return ['| type | fields (`?`: optional) | postings (`a` = amount) |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `markdown` with the text between the table's markers replaced by the generated table. */
export function withOperationTable(markdown: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the operation table's markers are missing: ${TABLE_START} ... ${TABLE_END}`);
  return `${markdown.slice(0, start + TABLE_START.length)}\n\n${operationTableMarkdown()}\n\n${markdown.slice(end)}`;
}
