import { isAbsolute, relative } from 'node:path';
import { Option, type Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { openRuntime, type Runtime } from '../server/runtime.js';
import { buildCredentialsFile } from '../scenario/credentials-file.js';
import { checkScenario, loadScenario, type LoadedUser } from '../scenario/load.js';
import { applyScenarioFaults } from '../scenario/faults.js';
import type { ConfigFlags } from '../server/config.js';
import { SERVE_START_OPTIONS } from '../server/settings.js';
import { CliError, DEMO_SCENARIO_PATH, configFrom, readJsonFile, shellWord, withSettings, withStoreOptions, writeJsonFile } from './shared.js';
import { refuseLoadedTwice, resetCommandFor } from './start-over.js';
import { describeDemo, readDemoScenario, usersFromStore } from './demo.js';
import { CONSOLE_PATH } from '../server/console.js';

/** The table's settings (settings.ts), plus what `serve` does at start. */
interface ServeOptions extends ConfigFlags {
  scenario?: string;
  demo?: boolean;
  credentialsFile?: string;
}

export function serveCommand(program: Command): void {
  const serve = withSettings(withStoreOptions(program.command('serve').description('start the HTTP server (operator API and venue APIs)')), 'serve');
  for (const option of SERVE_START_OPTIONS) serve.addOption(new Option(`--${option.flag}${option.value === undefined ? '' : ` <${option.value}>`}`, option.help));
  serve
    .action(async (options: ServeOptions) => {
      const runtime = await openRuntime(configFrom(options), { generateOperatorToken: true, completeVenueFacts: true });
      let app: FastifyInstance | undefined;
      try {
        const { users, restarted, notes } = await loadStartupScenarios(runtime, options);
        app = await buildApp(runtime);
        const server = app;
        // Before anything is printed: a supervisor may signal as soon as it reads the first line.
        const stop = async () => {
          await server.close();
          await runtime.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
        const address = await listen(server, runtime.config.host, runtime.config.port);
        const url = address.replace('[::1]', 'localhost');
        if (options.credentialsFile) {
          const token = runtime.generatedOperatorToken ?? runtime.config.operatorToken;
          writeJsonFile(options.credentialsFile, buildCredentialsFile(runtime.venues, token, users, token === null ? (runtime.operatorTokenFile ?? undefined) : undefined));
        }
        console.log(`assetbook listening on ${url}`);
        console.log(`console: ${url}${CONSOLE_PATH} (sign in with the operator token)`);
        printOperatorToken(runtime);
        for (const note of notes) console.log(note);
        if (options.demo) console.log(describeDemo(url, runtime.venues, users, operatorTokenForShell(runtime), restarted));
      } catch (error) {
        // Close what was opened, so that a failed start exits (a Redis connection would keep it alive).
        await app?.close();
        await runtime.close();
        throw error;
      }
    });
}

/** The address, or a failure that says which flag or variable picks another (no stack trace). */
async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${host}:${port}`;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use on ${host}: pick another with --port <n> or ASSETBOOK_PORT (0 picks a free one)`, 2);
    if (code === 'EACCES') throw new CliError(`not allowed to listen on ${where}: pick a port above 1023 with --port <n> or ASSETBOOK_PORT`, 2);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new CliError(`cannot listen on ${where}: no such address on this machine; pick another with --host or ASSETBOOK_HOST`, 2);
    throw error;
  }
}

/**
 * What the demo's example requests put after "Bearer": the token itself when this start knows
 * it, else a shell substitution that reads the file it was written to at first start.
 */
function operatorTokenForShell(runtime: Runtime): string | null {
  const known = runtime.generatedOperatorToken ?? runtime.config.operatorToken;
  if (known !== null) return known;
  if (runtime.operatorTokenFile === null) return null;
  const relativePath = relative(process.cwd(), runtime.operatorTokenFile);
  const path = relativePath.startsWith('..') || isAbsolute(relativePath) ? runtime.operatorTokenFile : relativePath;
  return `$(cat ${shellWord(path)})`;
}

function printOperatorToken(runtime: Runtime): void {
  if (runtime.generatedOperatorToken !== null) {
    console.log(`operator token (generated, shown once): ${runtime.generatedOperatorToken}`);
    if (runtime.operatorTokenFile) console.log(`  also written to ${runtime.operatorTokenFile} (mode 600)`);
  } else if (runtime.config.operatorToken === null && runtime.operatorTokenFile) {
    console.log(`operator token: see ${runtime.operatorTokenFile}`);
  }
}

/**
 * Loads --scenario and --demo (examples/demo.json with each venue's demo credentials) unless their
 * users exist already (a restart), and says who is there.
 */
async function loadStartupScenarios(runtime: Runtime, options: ServeOptions): Promise<{ users: LoadedUser[]; restarted: boolean; notes: string[] }> {
  const users: LoadedUser[] = [];
  const notes: string[] = [];
  let restarted = false;
  const paths = [...(options.demo ? [DEMO_SCENARIO_PATH] : []), ...(options.scenario ? [options.scenario] : [])];
  for (const path of paths) {
    const scenario = checkScenario(runtime.venues, path === DEMO_SCENARIO_PATH ? readDemoScenario(runtime.venues) : readJsonFile(path));
    // Fault rules live in this process: set at every start, before anything is served.
    const faults = applyScenarioFaults(runtime.faults, scenario);
    if (faults > 0) notes.push(`${path === DEMO_SCENARIO_PATH ? 'the demo scenario' : path}: ${faults} fault rule${faults === 1 ? '' : 's'} set on this instance (assetbook faults list)`);
    const first = scenario.users[0];
    if (first && (await runtime.store.getUserByName(first.name))) {
      users.push(...(await usersFromStore(runtime, runtime.venues, scenario)));
      restarted = true;
      const name = path === DEMO_SCENARIO_PATH ? 'the demo scenario' : path;
      notes.push(`${name}: its users are in the database already, so it was not loaded again; to start over: ${resetCommandFor(runtime.config.db)}`);
      continue;
    }
    await refuseLoadedTwice(runtime.store, scenario, path, runtime.config.db);
    users.push(...(await loadScenario(runtime.ledger, runtime.keyring, runtime.venues, scenario)).users);
  }
  return { users, restarted, notes };
}
