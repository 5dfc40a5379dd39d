import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { OperatorClient, OperatorError } from '../client/operator-client.js';
import { isPostgresUrl, redactUrl, type ConfigFlags } from '../server/config.js';
import { parseSnapshotText } from '../snapshot/file.js';
import type { RestoreResult, SnapshotFile } from '../snapshot/format.js';
import { restoreSnapshot, takeSnapshot } from '../snapshot/snapshots.js';
import { CliError, configFrom, withRuntime, withStoreOptions } from './shared.js';

interface SnapshotOptions extends ConfigFlags {
  /** A running server's base URL: talk to its operator API instead of opening the store. */
  url?: string;
  operatorToken?: string;
}

/**
 * `assetbook snapshot save FILE` and `assetbook snapshot restore FILE`. With `--url` they go
 * through a running server's operator API (GET and PUT /_assetbook/v1/snapshot), so the server's
 * caches, streams and other instances follow; without it they open the store (`--db`) as the other
 * store commands do, which a PostgreSQL cluster follows too (the restore tells every instance) but
 * a server on the same SQLite file does not (it must be restarted, as after `assetbook reset`).
 */
export function snapshotCommand(program: Command): void {
  const snapshot = program.command('snapshot').description('save the whole ledger to a file, or restore one (docs/snapshots.md)');
  const common = (command: Command) =>
    withStoreOptions(command)
      .option('--url <url>', "a running server's base URL (e.g. http://127.0.0.1:8080): go through its operator API instead of opening --db")
      .option('--operator-token <token>', 'with --url: the operator token (or ASSETBOOK_OPERATOR_TOKEN)');

  common(snapshot.command('save').argument('<file>', 'where to write the snapshot (JSON; its secrets stay sealed)').description('save the whole ledger as a snapshot file')).action(
    async (file: string, options: SnapshotOptions) => {
      const taken = options.url !== undefined ? await clientOf(options).snapshot().catch(refusal) : await withRuntime(options, (runtime) => takeSnapshot(runtime));
      const text = `${JSON.stringify(taken)}\n`;
      try {
        writeFileSync(file, text, { mode: 0o600 });
      } catch (error) {
        throw new CliError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      console.log(`saved ${where(options)} to ${file}: ${contents(taken)} (${text.length} bytes)`);
    },
  );

  common(
    snapshot
      .command('restore')
      .argument('<file>', 'a snapshot file written by `snapshot save` or GET /_assetbook/v1/snapshot')
      .description('replace the whole ledger with a snapshot file; a file refused changes nothing'),
  ).action(async (file: string, options: SnapshotOptions) => {
    const value = readSnapshot(file);
    const restored: RestoreResult =
      options.url !== undefined
        ? await clientOf(options).restore(value).catch(refusal)
        : await withRuntime(options, async (runtime) => {
            const result = await restoreSnapshot(runtime, value);
            // A server on the same SQLite file keeps its catalog and keys cached: it would not see this.
            if (runtime.store.engine === 'sqlite') console.log('a server running on this file must be restarted (or restore through it with --url instead)');
            return result;
          });
    console.log(`restored ${file} into ${where(options)}: ${restored.users} users, ${restored.accounts} accounts, journal up to #${restored.journalHead}`);
  });
}

function clientOf(options: SnapshotOptions): OperatorClient {
  const token = options.operatorToken ?? process.env.ASSETBOOK_OPERATOR_TOKEN;
  if (token === undefined || token === '') throw new CliError('--url needs the operator token: give --operator-token or set ASSETBOOK_OPERATOR_TOKEN', 2);
  if (!/^https?:\/\//.test(options.url ?? '')) throw new CliError(`--url must be an http:// or https:// URL, not ${options.url}`, 2);
  return new OperatorClient({ url: options.url!, token });
}

/** A refusal from the server, as one line; a server that cannot be reached, said so. */
function refusal(error: unknown): never {
  if (error instanceof OperatorError) throw new CliError(`refused (${error.code})${error.path ? ` at ${error.path}` : ''}: ${error.message}`);
  throw new CliError(`cannot reach the server: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}`);
}

function readSnapshot(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseSnapshotText(text);
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
}

function where(options: SnapshotOptions): string {
  if (options.url !== undefined) return options.url;
  const db = configFrom(options).db;
  return isPostgresUrl(db) ? redactUrl(db) : db;
}

function contents(file: SnapshotFile): string {
  const { users, accounts, journal } = file.ledger;
  return `${users.length} users, ${accounts.length} accounts, journal up to #${journal.at(-1)?.id ?? 0}`;
}
