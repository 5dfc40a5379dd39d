import { Option, type Command } from 'commander';
import type { FaultAction, FaultRuleInput, FaultRuleView } from '../faults/schemas.js';
import { OPERATOR_PREFIX } from '../operator/plugin.js';
import { FAULT_ERROR_KINDS } from '../venues/venue.js';
import { VENUES } from '../venues/index.js';
import { CliError, readJsonFile } from './shared.js';

/** A rule for --help: the first venue served, with the first error kind it answers. */
const EXAMPLE_VENUE = VENUES[0];
const EXAMPLE_KIND = FAULT_ERROR_KINDS.find((kind) => EXAMPLE_VENUE.faults.errors[kind] !== null) ?? 'rate_limited';
const EXAMPLE_RULE = JSON.stringify({ venue: EXAMPLE_VENUE.id, action: { type: 'error', kind: EXAMPLE_KIND }, count: 3 });

/**
 * `assetbook faults set|list|clear`: the fault rules of a running instance (docs/faults.md),
 * through its operator API. Rules live in the server's memory, so this talks to the server, never
 * to the store; with several instances, each is set on its own (give each its --url).
 */

interface ServerOptions {
  readonly url: string;
  readonly operatorToken?: string;
}

interface SetOptions extends ServerOptions {
  readonly file?: string;
  readonly id?: string;
  readonly on?: string;
  readonly venue?: string;
  readonly method?: string;
  readonly path?: string;
  readonly apiKey?: string;
  readonly account?: string;
  readonly channel?: string;
  readonly error?: string;
  readonly status?: string;
  readonly latency?: string;
  readonly drop?: boolean;
  readonly stall?: boolean;
  readonly duplicate?: boolean;
  readonly probability?: string;
  readonly count?: string;
  readonly after?: string;
  readonly for?: string;
  readonly seed?: string;
}

function withServer(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', 'the running server').env('ASSETBOOK_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--operator-token <token>', 'bearer token of its operator API').env('ASSETBOOK_OPERATOR_TOKEN'));
}

export function faultsCommand(program: Command): void {
  const faults = program.command('faults').description("a running server's fault rules: latency, venue errors, dropped connections, stalls (docs/faults.md)");

  withServer(
    faults
      .command('set')
      .argument('[json]', `one rule as JSON, e.g. '${EXAMPLE_RULE}'`)
      .description('add one rule (as JSON or flags), or replace every rule with --file'),
  )
    .option('--file <path>', 'replace every rule with this file\'s: a rule set {"seed", "rules"}, or a scenario file with a "faults" part')
    .option('--id <name>', 'a name for the rule')
    .option('--on <request|push>', 'what it acts on (default request)')
    .option('--venue <id>', 'only this venue')
    .option('--method <method>', 'only this HTTP method')
    .option('--path <glob>', 'only this path (* within a segment, ** across)')
    .option('--api-key <key>', 'only requests or pushes of this API key')
    .option('--account <id>', 'only this ledger account')
    .option('--channel <glob>', 'pushes: only this channel')
    .option('--error <kind>', 'answer with the venue\'s error of this kind: rate_limited, maintenance, internal_error, service_unavailable, timestamp_expired, unauthorized')
    .option('--status <n>', 'with --error: this HTTP status instead of the venue\'s')
    .option('--latency <ms>', 'delay: 250 (fixed), 100-500 (uniform), 200~50 (normal: mean~stddev)')
    .option('--drop', 'destroy the connection')
    .option('--stall', 'never answer')
    .option('--duplicate', 'pushes: send twice')
    .option('--probability <p>', 'chance it fires when it matches, 0 to 1')
    .option('--count <n>', 'expire after firing this many times')
    .option('--after <ms>', 'start this long after it is set')
    .option('--for <ms>', 'expire this long after it starts')
    .option('--seed <n>', 'seed its draws')
    .action(async (json: string | undefined, options: SetOptions) => {
      if (options.file !== undefined) {
        if (json !== undefined) throw new CliError('give a rule or --file, not both', 2);
        const set = ruleSetOf(readJsonFile(options.file), options.file);
        const { rules } = await call<{ rules: FaultRuleView[] }>(options, 'PUT', set);
        console.log(`set ${rules.length} rule${rules.length === 1 ? '' : 's'}`);
        for (const rule of rules) console.log(describe(rule));
        return;
      }
      const rule = json !== undefined ? parseRuleJson(json) : ruleFromFlags(options);
      console.log(`set ${describe(await call<FaultRuleView>(options, 'POST', rule))}`);
    });

  withServer(faults.command('list').description('the rules, with how often each matched and fired'))
    .option('--json', 'print the list as JSON')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { rules } = await call<{ rules: FaultRuleView[] }>(options, 'GET');
      if (options.json) console.log(JSON.stringify(rules, null, 2));
      else if (rules.length === 0) console.log('no fault rules');
      else for (const rule of rules) console.log(describe(rule));
    });

  withServer(faults.command('clear').argument('[id]', 'only this rule').description('remove every rule, or one')).action(
    async (id: string | undefined, options: ServerOptions) => {
      await call(options, 'DELETE', undefined, id);
      console.log(id === undefined ? 'cleared every fault rule' : `removed ${id}`);
    },
  );
}

/** One operator API call; a refusal is printed as the API words it, a server out of reach says where it looked. */
async function call<T>(options: ServerOptions, method: string, body?: unknown, id?: string): Promise<T> {
  if (options.operatorToken === undefined || options.operatorToken === '') throw new CliError('give the operator token: --operator-token or ASSETBOOK_OPERATOR_TOKEN', 2);
  const url = `${options.url.replace(/\/+$/, '')}${OPERATOR_PREFIX}/faults${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${options.operatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`cannot reach ${options.url} (${cause?.code ?? cause?.message ?? (error as Error).message}): is the server running? --url or ASSETBOOK_URL names it`);
  }
  const text = await response.text();
  if (!response.ok) {
    const refusal = parsed(text) as { error?: { code?: string; message?: string } } | undefined;
    const said = refusal?.error ? `${refusal.error.code ?? response.status}: ${refusal.error.message ?? ''}` : `HTTP ${response.status}`;
    throw new CliError(`refused (${said})`);
  }
  return (text === '' ? undefined : parsed(text)) as T;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A file's rule set: `{seed?, rules}` as it is, or a scenario's `faults` part. */
function ruleSetOf(value: unknown, path: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${path} must hold a JSON object`, 2);
  const record = value as Record<string, unknown>;
  if ('rules' in record) return record;
  if ('faults' in record) return record.faults;
  throw new CliError(`${path} has no rules: give {"seed", "rules": [...]} or a scenario file with "faults"`, 2);
}

function parseRuleJson(json: string): unknown {
  const value = parsed(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('the rule must be a JSON object', 2);
  return value;
}

const integer = (flag: string, text: string): number => {
  if (!/^[0-9]{1,15}$/.test(text)) throw new CliError(`--${flag} must be a whole number (got "${text}")`, 2);
  return Number(text);
};

/** `250`, `100-500` or `200~50`, as a latency action. */
function latencyAction(text: string): FaultAction {
  const uniform = /^([0-9]{1,9})-([0-9]{1,9})$/.exec(text);
  if (uniform) return { type: 'latency', minMs: Number(uniform[1]), maxMs: Number(uniform[2]) };
  const normal = /^([0-9]{1,9})~([0-9]{1,9})$/.exec(text);
  if (normal) return { type: 'latency', meanMs: Number(normal[1]), stddevMs: Number(normal[2]) };
  return { type: 'latency', ms: integer('latency', text) };
}

function actionFromFlags(o: SetOptions): FaultAction {
  const given = [o.error !== undefined, o.latency !== undefined, o.drop === true, o.stall === true, o.duplicate === true].filter(Boolean).length;
  if (given !== 1) throw new CliError('give one action: --error <kind>, --latency <ms>, --drop, --stall or --duplicate (or the rule as JSON)', 2);
  if (o.error !== undefined) {
    return { type: 'error', kind: o.error as Extract<FaultAction, { type: 'error' }>['kind'], ...(o.status === undefined ? {} : { status: integer('status', o.status) }) };
  }
  if (o.latency !== undefined) return latencyAction(o.latency);
  return { type: o.drop ? 'drop' : o.stall ? 'stall' : 'duplicate' };
}

/** The rule the flags describe; the server checks it (its refusal names the field). */
function ruleFromFlags(o: SetOptions): FaultRuleInput {
  const probability = o.probability === undefined ? undefined : Number(o.probability);
  if (probability !== undefined && !Number.isFinite(probability)) throw new CliError(`--probability must be a number from 0 to 1 (got "${o.probability}")`, 2);
  return {
    ...(o.id === undefined ? {} : { id: o.id }),
    ...(o.on === undefined ? {} : { on: o.on as 'request' | 'push' }),
    ...(o.venue === undefined ? {} : { venue: o.venue }),
    ...(o.method === undefined ? {} : { method: o.method.toUpperCase() }),
    ...(o.path === undefined ? {} : { path: o.path }),
    ...(o.apiKey === undefined ? {} : { apiKey: o.apiKey }),
    ...(o.account === undefined ? {} : { account: integer('account', o.account) }),
    ...(o.channel === undefined ? {} : { channel: o.channel }),
    action: actionFromFlags(o),
    ...(probability === undefined ? {} : { probability }),
    ...(o.count === undefined ? {} : { count: integer('count', o.count) }),
    ...(o.after === undefined ? {} : { afterMs: integer('after', o.after) }),
    ...(o.for === undefined ? {} : { forMs: integer('for', o.for) }),
    ...(o.seed === undefined ? {} : { seed: integer('seed', o.seed) }),
  };
}

/** One line per rule: its id and state, what it matches, what it does, and its counts. */
export function describe(rule: FaultRuleView): string {
  const matches = [
    rule.on,
    rule.venue ?? 'any venue',
    ...(rule.method === undefined ? [] : [rule.method]),
    ...(rule.path === undefined ? [] : [rule.path]),
    ...(rule.channel === undefined ? [] : [`channel ${rule.channel}`]),
    ...(rule.apiKey === undefined ? [] : [`key ${rule.apiKey}`]),
    ...(rule.account === undefined ? [] : [`account ${rule.account}`]),
  ].join(' ');
  const limits = [
    ...(rule.probability < 1 ? [`p=${rule.probability}`] : []),
    ...(rule.count === undefined ? [] : [`count ${rule.injected}/${rule.count}`]),
    ...(rule.untilMs === undefined ? [] : [`until ${new Date(rule.untilMs).toISOString()}`]),
    `seed ${rule.seed}`,
  ].join(', ');
  const state = rule.expiredBy === undefined ? rule.state : `expired (${rule.expiredBy})`;
  return `${rule.id} [${state}] ${matches} -> ${actionText(rule.action)} (${limits}); matched ${rule.matched}, injected ${rule.injected}`;
}

function actionText(action: FaultAction): string {
  switch (action.type) {
    case 'error':
      return `error ${action.kind}${action.status === undefined ? '' : ` ${action.status}`}`;
    case 'latency':
      if (action.ms !== undefined) return `latency ${action.ms} ms`;
      if (action.minMs !== undefined) return `latency ${action.minMs}-${action.maxMs} ms`;
      return `latency ${action.meanMs}~${action.stddevMs} ms`;
    default:
      return action.type;
  }
}
