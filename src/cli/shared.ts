import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { resolveConfig, type Config, type ConfigFlags } from '../server/config.js';
import { openRuntime, type Runtime } from '../server/runtime.js';

/** Flags every command that opens the store shares, with their environment variables. */
export function withStoreOptions(command: Command): Command {
  return command
    .addOption(new Option('--db <path|url>', 'SQLite file, :memory:, or postgres://user@host:port/database').env('ASSETBOOK_DB'))
    .addOption(new Option('--data-dir <dir>', 'where the generated secret key lives (default: the database folder)').env('ASSETBOOK_DATA_DIR'))
    .addOption(new Option('--durability <mode>', 'SQLite: full | normal | off (see docs/configuration.md)').env('ASSETBOOK_DURABILITY'))
    .addOption(new Option('--postgres-pool-size <n>', 'PostgreSQL connections per instance (default 10)').env('ASSETBOOK_POSTGRES_POOL_SIZE'))
    .addOption(new Option('--group-commit <on|off>', 'concurrent single operations share commits (default off)').env('ASSETBOOK_GROUP_COMMIT'))
    .addOption(new Option('--secret-key <key>', 'master key for sealed secrets: 64 hex digits or base64').env('ASSETBOOK_SECRET_KEY'));
}

/** Commander has already folded the environment into the options; resolveConfig adds defaults and checks. */
export function configFrom(options: ConfigFlags): Config {
  return resolveConfig(options, {});
}

export async function withRuntime<T>(options: ConfigFlags, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(configFrom(options));
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
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
