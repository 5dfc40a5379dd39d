import type { IssuedCredential } from '../credentials/issue.js';
import { showFacts } from '../ledger/venue-facts.js';
import { OPERATOR_PREFIX } from '../operator/plugin.js';
import type { OperatorVenue } from '../operator/schemas.js';
import { demoScenario, type DemoVenue } from '../scenario/demo.js';
import type { LoadedUser } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import type { Runtime } from '../server/runtime.js';
import { DEMO_SCENARIO_PATH, readJsonFile } from './shared.js';

/** What the CLI needs of a venue for the demo: its facts, its credential kind, its demo credentials. */
export type CliVenue = OperatorVenue & DemoVenue;

/** The built-in demo: examples/demo.json with each venue's demo credentials merged in. */
export function readDemoScenario(venues: readonly DemoVenue[]): unknown {
  return demoScenario(venues, readJsonFile(DEMO_SCENARIO_PATH));
}

/**
 * On a restart the scenario's users are already stored and their secrets are not readable in
 * plaintext any more; the scenario still names every fixed credential, so those are shown.
 */
export async function usersFromStore(runtime: Pick<Runtime, 'store'>, venues: readonly OperatorVenue[], scenario: Scenario): Promise<LoadedUser[]> {
  const out: LoadedUser[] = [];
  for (const spec of scenario.users) {
    const user = await runtime.store.getUserByName(spec.name);
    if (!user) continue;
    const accounts = await runtime.store.listAccounts({ userId: user.id });
    const byRef = (ref: string | undefined) => accounts.find((a) => (ref === undefined || ref === 'main' ? a.kind === 'main' : a.kind === 'sub' && a.label === ref));
    const credentials: IssuedCredential[] = [];
    for (const venue of venues) {
      for (const { account: ref, ...fields } of spec.credentials?.[venue.id] ?? []) {
        const account = byRef(venue.credentials.holder === 'user' ? 'main' : ref);
        const secrets = Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string'));
        if (account) credentials.push({ id: 0, venue: venue.id, userId: user.id, accountId: account.id, secrets });
      }
    }
    out.push({ user, accounts, credentials });
  }
  return out;
}

/** A fact or client id as one shell-friendly word: lists joined by commas, objects as JSON. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return value.map(shown).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

const pairs = (record: Readonly<Record<string, unknown>>) => Object.entries(record).map(([k, v]) => `${k}=${shown(v)}`);

/**
 * What `serve --demo` prints: every user's venue credentials, each with what a client names the
 * account by (the venue's `clientIds`), and requests to try at once. `operatorToken` is the
 * token, or a shell expression that reads it (`$(cat data/operator-token)`).
 */
export function describeDemo(url: string, venues: readonly CliVenue[], users: readonly LoadedUser[], operatorToken: string | null, restarted: boolean): string {
  const state = restarted ? 'Demo data already in the database' : 'Demo data loaded';
  const schemes = venues.map((v) => v.identity);
  const width = Math.max(0, ...venues.map((v) => v.id.length));
  const lines = ['', `${state}. Credentials (fixed, from each venue's demo):`];
  for (const { user, accounts, credentials } of users) {
    const facts = Object.entries(showFacts(schemes, 'user', user.venues)).flatMap(([venue, f]) => (Object.keys(f).length === 0 ? [] : [`${venue} ${pairs(f).join(' ')}`]));
    lines.push(`  ${user.name}${facts.length === 0 ? '' : ` (${facts.join('; ')})`}`);
    for (const c of credentials) {
      const account = accounts.find((a) => a.id === c.accountId);
      const venue = venues.find((v) => v.id === c.venue);
      const where = account?.kind === 'main' ? 'main' : `sub-account ${account?.label ?? c.accountId}`;
      const ids = account && venue ? pairs(venue.credentials.clientIds(account, accounts)) : [];
      lines.push(`    ${c.venue.padEnd(width)} ${where}: ${[...ids, ...pairs(c.secrets)].join(' ')}`);
    }
  }
  // Double quotes around the header: the token may be a $(cat <file>) for the shell to expand.
  const token = operatorToken ?? '<operator token>';
  const alice = users[0]?.accounts[0]?.id ?? 1;
  lines.push(
    '',
    'Try:',
    `  curl -s -H "authorization: Bearer ${token}" ${url}${OPERATOR_PREFIX}/accounts/${alice}/balances`,
    `  curl -s -H "authorization: Bearer ${token}" -H 'content-type: application/json' \\`,
    `       -d '{"key":"try-1","type":"deposit","account":${alice},"asset":"BTC","amount":"0.5"}' ${url}${OPERATOR_PREFIX}/operations`,
    `  curl -s ${url}/openapi.json`,
  );
  lines.push(...venueExamples(url, venues, users[0]));
  return lines.join('\n');
}

/** Each venue's ready-to-paste requests with the first user's demo credential on its main account, and where its page is. */
function venueExamples(url: string, venues: readonly CliVenue[], first: LoadedUser | undefined): string[] {
  const lines: string[] = [];
  for (const venue of venues) {
    const credential = first?.credentials.find((c) => c.venue === venue.id);
    const account = first?.accounts.find((a) => a.id === credential?.accountId);
    const examples = first && credential && account ? (venue.demo.examples?.(url, { user: first.user.name, secrets: credential.secrets, ids: venue.credentials.clientIds(account, first.accounts) }) ?? []) : [];
    lines.push('', `${venue.id}${first && examples.length > 0 ? `, as ${first.user.name}` : ''} (clients and every endpoint: docs/venues/${venue.id}.md)${examples.length > 0 ? ':' : ''}`);
    lines.push(...examples.map((line) => `  ${line}`));
  }
  return lines;
}
