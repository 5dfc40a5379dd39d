import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { isPostgresUrl, resolveConfig, type Config, type ConfigFlags } from '../server/config.js';
import { settingDefaultText, settingsFor, type Setting, type SettingCommands } from '../server/settings.js';
import { openRuntime, type Runtime } from '../server/runtime.js';

/** Flags every command that opens the store shares, with their environment variables. */
export function withStoreOptions(command: Command): Command {
  return withSettings(command, 'store');
}

/** Adds the table's settings for these commands (settings.ts) as options, each read from its variable too. */
export function withSettings(command: Command, commands: SettingCommands): Command {
  for (const [, setting] of settingsFor(commands)) command.addOption(settingOption(setting));
  return command;
}

/** One setting as a commander option: `--flag <value>`, its help line with the default, its variable. */
export function settingOption(setting: Setting<unknown, string | readonly string[]>): Option {
  const option = new Option(`--${setting.flag} <${setting.value}>`, `${setting.help} (default: ${settingDefaultText(setting)})`).env(setting.env);
  // Commander keeps only the last of repeated flags unless told to collect them.
  if (setting.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

/** Commander has already folded the environment into the options; resolveConfig adds defaults and checks. */
export function configFrom(options: ConfigFlags): Config {
  return resolveConfig(options, {});
}

export interface RuntimeUse {
  /** Only `serve`, `scenario load` and `migrate` may create a database; every other command needs one. */
  readonly create?: boolean;
}

export async function withRuntime<T>(options: ConfigFlags, fn: (runtime: Runtime) => Promise<T>, use: RuntimeUse = {}): Promise<T> {
  const config = configFrom(options);
  if (!use.create) requireExistingDatabase(config.db);
  const runtime = await openRuntime(config);
  try {
    return await fn(runtime);
  } catch (error) {
    throw damagedDatabase(config.db, error) ?? error;
  } finally {
    await runtime.close();
  }
}

/**
 * A mistyped --db must not become a new, empty database that `verify` then calls "ok": commands
 * that only read or change an existing ledger refuse a path with nothing there. Checked before
 * the runtime opens, which would otherwise create the file and a secret key beside it.
 */
export function requireExistingDatabase(db: string): void {
  if (db === ':memory:' || isPostgresUrl(db)) return;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(db).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    throw new CliError(`no database at ${db}: check --db (or ASSETBOOK_DB); only serve, scenario load and migrate create a new one`);
  }
  if (isDirectory) throw new CliError(`${db} is a directory, not a database file: give --db the file's path, e.g. ${db.replace(/\/+$/, '')}/assetbook.db`);
}

/** SQLite finds a damaged page only when a query reaches it: say which file, and what to do. */
function damagedDatabase(db: string, error: unknown): CliError | undefined {
  const code = (error as { code?: unknown }).code;
  if (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB') return undefined;
  return new CliError(`${db} is damaged (${(error as Error).message}): restore it from a backup, or move it away and start a new one`);
}

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
}

export function writeJsonFile(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/** The built-in demo scenario, shipped in the package beside src/ and dist/. */
export const DEMO_SCENARIO_PATH = fileURLToPath(new URL('../../examples/demo.json', import.meta.url));

/** A user-facing failure: printed as one line, exit code 1 (2 for usage), no stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A word to paste into a POSIX shell: as is when it is plain, else single-quoted. */
export function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
