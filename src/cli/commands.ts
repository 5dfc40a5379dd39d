import type { Command } from 'commander';
import { Option } from 'commander';
import { formatAmount } from '../ledger/amount.js';
import { BUCKETS } from '../ledger/types.js';
import { parseOperationRequest } from '../operator/operation-input.js';
import { refuseVenueKey } from '../operator/operation-keys.js';
import { VENUES } from '../venues/index.js';
import { buildCredentialsFile } from '../scenario/credentials-file.js';
import { checkScenario, loadScenario } from '../scenario/load.js';
import type { ConfigFlags } from '../server/config.js';
import { readDemoScenario } from './demo.js';
import { alreadyLoaded, refuseLoadedTwice } from './start-over.js';
import { CliError, readJsonFile, withRuntime, withStoreOptions, writeJsonFile } from './shared.js';

/** `assetbook scenario load`, `verify`, `op`, `balances`, `migrate`: each opens the store, acts, closes. */
export function storeCommands(program: Command): void {
  const scenario = program.command('scenario').description('scenario files');
  withStoreOptions(
    scenario
      .command('load')
      .argument('[file]', 'scenario JSON file')
      .description('load a scenario atomically')
      .option('--demo', "load the built-in demo instead of a file (examples/demo.json with each venue's demo credentials)"),
  )
    .option('--credentials-file <path>', 'write the loaded users\' credentials here, as JSON')
    .action(async (file: string | undefined, options: ConfigFlags & { credentialsFile?: string; demo?: boolean }) => {
      if ((file === undefined) === !options.demo) throw new CliError('give a scenario file, or --demo for the built-in demo (not both)', 2);
      const name = file ?? 'the demo scenario';
      const value = file === undefined ? undefined : readJsonFile(file);
      await withRuntime(
        options,
        async (runtime) => {
          const scenario = checkScenario(runtime.venues, value ?? readDemoScenario(runtime.venues));
          await refuseLoadedTwice(runtime.store, scenario, name, runtime.config.db);
          const result = await loadScenario(runtime.ledger, runtime.keyring, runtime.venues, scenario).catch((error: unknown) => {
            throw alreadyLoaded(error, runtime.config.db) ?? error;
          });
          if (options.credentialsFile) writeJsonFile(options.credentialsFile, buildCredentialsFile(runtime.venues, null, result.users));
          console.log(`loaded ${name}: ${result.assets} assets, ${result.users.length} users, ${result.operations} operations`);
          if (scenario.faults !== undefined) console.log(`its ${scenario.faults.rules.length} fault rules are not stored: they are set by serve --scenario, on each start (docs/faults.md)`);
        },
        { create: true },
      );
    });

  withStoreOptions(program.command('verify').description('recompute every balance from the journal; exit 1 on any mismatch'))
    .action(async (options: ConfigFlags) => {
      await withRuntime(options, async (runtime) => {
        const report = await runtime.ledger.verify();
        for (const m of report.mismatches) console.log(`MISMATCH ${m.kind}: ${m.detail}`);
        console.log(`${report.ok ? 'ok' : 'FAILED'}: ${report.entries} entries, ${report.postings} postings, ${report.balances} balances, ${report.mismatches.length} mismatches`);
        if (!report.ok) process.exitCode = 1;
      });
    });

  withStoreOptions(
    program
      .command('op')
      .description('apply one ledger operation, given as JSON or as flags')
      .argument('[json]', 'the operation as JSON, e.g. \'{"key":"k1","type":"deposit","account":1,"asset":"BTC","amount":"1"}\''),
  )
    .option('--key <key>', 'idempotency key')
    .option('--type <type>', 'operation type, e.g. deposit, hold, transfer')
    .option('--account <id>', 'account id')
    .option('--asset <symbol>', 'asset symbol')
    .option('--amount <decimal>', 'amount in the asset unit')
    .option('--pending <key>', 'key of the pending deposit or withdrawal to settle')
    .action(async (json: string | undefined, options: ConfigFlags & Record<string, string | undefined>) => {
      const request = parseOperationRequest(json !== undefined ? parseOperationJson(json) : operationFromFlags(options));
      // Refused before any store is opened, as a malformed operation is: the CLI serves the registry's venues.
      refuseVenueKey(request.key, VENUES.map((v) => v.id));
      await withRuntime(options, async (runtime) => {
        const result = await runtime.ledger.apply(request);
        console.log(`${result.replayed ? 'replayed' : 'applied'} #${result.entry.id} ${result.entry.type} (${result.entry.key})`);
      });
    });

  withStoreOptions(program.command('balances').description('print balances as a table'))
    .addOption(new Option('--account <id>', 'one account').conflicts('user'))
    .option('--user <name>', 'every account of one user')
    .action(async (options: ConfigFlags & { account?: string; user?: string }) => {
      await withRuntime(options, async (runtime) => {
        const { store, ledger } = runtime;
        let accounts = await store.listAccounts();
        if (options.account !== undefined) accounts = accounts.filter((a) => String(a.id) === options.account);
        if (options.user !== undefined) {
          const user = await store.getUserByName(options.user);
          if (!user) throw new CliError(`no user ${options.user}`);
          accounts = accounts.filter((a) => a.userId === user.id);
        }
        if (options.account !== undefined && accounts.length === 0) throw new CliError(`no account ${options.account}`);
        const header = ['account', 'label', 'asset', ...BUCKETS];
        const rows: string[][] = [];
        for (const account of accounts) {
          const byAsset = new Map<string, Record<string, string>>();
          for (const b of await ledger.balances(account.id)) {
            const scale = (await ledger.asset(b.asset))?.scale ?? 0;
            const row = byAsset.get(b.asset) ?? {};
            row[b.bucket] = formatAmount(b.amount, scale);
            byAsset.set(b.asset, row);
          }
          for (const [asset, row] of [...byAsset].sort(([a], [b]) => (a < b ? -1 : 1))) {
            rows.push([String(account.id), account.label, asset, ...BUCKETS.map((b) => row[b] ?? '0')]);
          }
        }
        console.log(table(header, rows));
      });
    });

  withStoreOptions(program.command('migrate').description('apply pending schema migrations and exit')).action(async (options: ConfigFlags) => {
    await withRuntime(options, async (runtime) => console.log(`migrated: ${runtime.store.engine} store is at the newest schema`), { create: true });
  });
}

function parseOperationJson(json: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new CliError(`the operation is not valid JSON: ${(error as Error).message}`, 2);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('the operation must be a JSON object', 2);
  return value;
}

function operationFromFlags(o: Record<string, string | undefined>): Record<string, unknown> {
  if (o.key === undefined || o.type === undefined) throw new CliError('give the operation as JSON, or at least --key and --type', 2);
  const request: Record<string, unknown> = { key: o.key, type: o.type };
  if (o.account !== undefined) request.account = /^[0-9]{1,15}$/.test(o.account) ? Number(o.account) : o.account;
  for (const field of ['asset', 'amount', 'pending'] as const) if (o[field] !== undefined) request[field] = o[field];
  return request;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
