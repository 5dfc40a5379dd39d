#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isLedgerError } from '../ledger/errors.js';
import { ConfigError } from '../server/config.js';
import { storeCommands } from './commands.js';
import { faultsCommand } from './faults.js';
import { journalCommand } from './journal.js';
import { serveCommand } from './serve.js';
import { CliError } from './shared.js';
import { resetCommand } from './start-over.js';
import { snapshotCommand } from './snapshot.js';

const program = new Command('assetbook')
  .description('An exact double-entry ledger served through wire-compatible exchange balance APIs')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

serveCommand(program);
storeCommands(program);
journalCommand(program);
resetCommand(program);
snapshotCommand(program);
faultsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError || error instanceof ConfigError) {
    console.error(`assetbook: ${error.message}`);
    process.exitCode = error instanceof CliError ? error.exitCode : 2;
  } else if (isLedgerError(error)) {
    console.error(`assetbook: refused (${error.code}): ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(`assetbook: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 1;
  }
}
