import type { Command } from 'commander';
import { isLedgerError } from '../ledger/errors.js';
import { isPostgresUrl, redactUrl, type ConfigFlags } from '../server/config.js';
import type { Scenario } from '../scenario/schema.js';
import type { LedgerStore } from '../store/store.js';
import { newestEntryId } from './journal-read.js';
import { CliError, configFrom, shellWord, withRuntime, withStoreOptions } from './shared.js';

/** The command that empties this database, ready to paste. */
export function resetCommandFor(db: string): string {
  const shown = isPostgresUrl(db) ? redactUrl(db) : db;
  return `assetbook reset --yes --db ${shellWord(shown)}`;
}

/** The scenario's users and assets this store holds already: loading it would clash on each. */
export async function clashes(store: LedgerStore, scenario: Scenario): Promise<string[]> {
  const out: string[] = [];
  for (const user of scenario.users) if (await store.getUserByName(user.name)) out.push(`user ${user.name}`);
  for (const asset of scenario.assets) if (await store.getAsset(asset.symbol)) out.push(`asset ${asset.symbol}`);
  return out;
}

/** Refuses a scenario whose users or assets are there already, saying how to start fresh. */
export async function refuseLoadedTwice(store: LedgerStore, scenario: Scenario, file: string, db: string): Promise<void> {
  const found = await clashes(store, scenario);
  if (found.length === 0) return;
  const shown = found.length > 4 ? `${found.slice(0, 4).join(', ')} and ${found.length - 4} more` : found.join(', ');
  throw new CliError(`${file} clashes with what the database holds (${shown} exist already): to start fresh run \`${resetCommandFor(db)}\` first, or give another --db`);
}

/**
 * A scenario loaded into a database that already holds its assets or users is refused by the
 * ledger (ASSET_EXISTS, USER_EXISTS...); say how to start fresh instead of only what clashed.
 */
export function alreadyLoaded(error: unknown, db: string): CliError | undefined {
  if (!isLedgerError(error) || !error.code.endsWith('_EXISTS')) return undefined;
  return new CliError(`refused (${error.code}): ${error.message}; this database already holds that data: to start fresh run \`${resetCommandFor(db)}\` first, or give another --db`);
}

/** `assetbook reset`: the CLI's POST /_assetbook/v1/reset, behind a confirmation flag. */
export function resetCommand(program: Command): void {
  withStoreOptions(
    program
      .command('reset')
      .description('empty the ledger (assets, users, accounts, credentials, journal); keeps the operator token and the secret key')
      .option('--yes', 'really empty it (without this flag, only say what would be deleted)'),
  ).action(async (options: ConfigFlags & { yes?: boolean }) => {
    const db = configFrom(options).db;
    const shown = isPostgresUrl(db) ? redactUrl(db) : db;
    await withRuntime(options, async ({ store, ledger }) => {
      const [users, accounts, entries] = [(await store.listUsers()).length, (await store.listAccounts()).length, await newestEntryId(ledger)];
      const contents = `${users} users, ${accounts} accounts, journal up to #${entries}`;
      if (!options.yes) {
        throw new CliError(`reset would empty ${shown} (${contents}), keeping the operator token and secret key; run it again with --yes to do it`, 2);
      }
      await ledger.reset();
      console.log(`reset ${shown}: emptied (${contents}); the operator token and secret key are kept`);
      // A server on the same SQLite file caches assets and credentials for good: it would not see this.
      if (store.engine === 'sqlite') console.log('a server running on this file must be restarted (or reset it with POST /_assetbook/v1/reset instead)');
    });
  });
}
