import type { AnySetting } from '../config/setting.js';
import { SERVE_START_OPTIONS, allSettings, type CommandOption } from './settings.js';

/**
 * docs/configuration.md's settings table, generated from the settings table (settings.ts) so that
 * the docs cannot drift from the flags: `npm run docs:config` rewrites it, and a test fails when
 * the committed table differs.
 */

export const TABLE_START = '<!-- settings table: generated from src/server/settings.ts by `npm run docs:config`; edit there -->';
export const TABLE_END = '<!-- end of settings table -->';

/** Inside a table cell, a `|` ends the cell even within code. */
const cell = (text: string) => text.replaceAll('|', '\\|');

function flagCell(flag: string, value: string | undefined): string {
  return cell(`\`--${flag}${value === undefined ? '' : ` <${value}>`}\``);
}

function settingRow(setting: AnySetting): string {
  const defaultCell = setting.fallback !== undefined ? `\`${setting.fallback}\`` : (setting.defaultDoc ?? '');
  const commands = setting.commands === 'store' ? 'all' : 'serve';
  return `| ${flagCell(setting.flag, setting.value)} | \`${setting.env}\` | ${cell(defaultCell)} | ${commands} | ${cell(setting.doc ?? setting.help)} |`;
}

function optionRow(option: CommandOption): string {
  return `| ${flagCell(option.flag, option.value)} | | | ${option.commands} | ${cell(option.help)} |`;
}

export function settingsTableMarkdown(): string {
  const rows = [...allSettings().map(settingRow), ...SERVE_START_OPTIONS.map(optionRow)];
  return ['| flag | variable | default | commands | meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** `markdown` with the text between the table's markers replaced by the generated table. */
export function withSettingsTable(markdown: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the settings table's markers are missing: ${TABLE_START} ... ${TABLE_END}`);
  return `${markdown.slice(0, start + TABLE_START.length)}\n\n${settingsTableMarkdown()}\n\n${markdown.slice(end)}`;
}
