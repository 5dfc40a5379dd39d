import { issueCredential, type IssuedCredential } from '../credentials/issue.js';
import type { Keyring } from '../credentials/keyring.js';
import { LedgerError, isLedgerError } from '../ledger/errors.js';
import type { Ledger } from '../ledger/ledger.js';
import type { OperationRequest, OperationType } from '../ledger/operations.js';
import type { LedgerSession } from '../ledger/session.js';
import type { Account, Bucket, User } from '../ledger/types.js';
import type { OperatorVenue } from '../operator/schemas.js';
import { checkerForSchema } from '../operator/validation.js';
import { scenarioSchema, type Scenario, type ScenarioAccount, type ScenarioUser } from './schema.js';
import { historyOperations } from './history.js';

/** What a load created, with every credential's plaintext: the one time it is known. */
export interface LoadedUser {
  readonly user: User;
  readonly accounts: readonly Account[];
  readonly credentials: readonly IssuedCredential[];
}
export interface LoadResult {
  readonly assets: number;
  readonly users: readonly LoadedUser[];
  readonly operations: number;
}


/** Re-throws a ledger error with the scenario location in front of its path. */
async function at<T>(path: string, fn: () => Promise<T>, exact = false): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isLedgerError(error)) {
      const full = error.path && !exact ? `${path}/${error.path}` : path;
      throw new LedgerError(error.code, `${full}: ${error.message}`, full);
    }
    throw error;
  }
}

/**
 * Checks a parsed scenario against the schema for these venues (the operator API's check: the same
 * codes, paths and wording for the same mistake); throws INVALID_ARGUMENT naming the first bad field.
 */
export function checkScenario(venues: readonly OperatorVenue[], value: unknown): Scenario {
  const refusal = checkerForSchema(scenarioSchema(venues))(value);
  if (refusal) throw refusal;
  return value as Scenario;
}

/**
 * Loads a scenario in one transaction: assets, users with their accounts, credentials, then
 * opening balances as real ledger operations with keys `scenario/<user>/<account>/<asset>/<step>`
 * (so an opening pending deposit can later be confirmed by that key), each user's past history
 * before them at its own times (./history.ts). A bad file writes nothing.
 */
export async function loadScenario(ledger: Ledger, keyring: Keyring, venues: readonly OperatorVenue[], value: unknown): Promise<LoadResult> {
  const scenario = checkScenario(venues, value);
  return ledger.session(async (s) => {
    for (const [i, asset] of scenario.assets.entries()) await at(`assets/${i}`, () => s.createAsset(asset));
    let operations = 0;
    const users: LoadedUser[] = [];
    for (const [u, spec] of scenario.users.entries()) {
      const where = `users/${u}`;
      const { user, main } = await at(where, () =>
        s.createUser({ name: spec.name, ...(spec.venues === undefined ? {} : { venues: spec.venues }), main: identities(spec.main) }),
      );
      const accounts = [main];
      for (const [i, sub] of (spec.subAccounts ?? []).entries()) {
        accounts.push(await at(`${where}/subAccounts/${i}`, () => s.createSubAccount(user.id, identities(sub))));
      }
      // The past first, at its own times, so the opening balances (now) come after it in the journal too.
      for (const op of historyOperations(spec.name, spec.history ?? [], accounts, s.now, `${where}/history`)) {
        await at(op.path, () => s.apply(op.request, { atMs: op.atMs }));
        operations += 1;
      }
      const specs = [spec.main, ...(spec.subAccounts ?? [])];
      for (const [i, account] of accounts.entries()) {
        const path = i === 0 ? `${where}/main/balances` : `${where}/subAccounts/${i - 1}/balances`;
        for (const { asset, bucket, request } of openingOperations(spec.name, account, specs[i]?.balances ?? {})) {
          await at(`${path}/${asset}/${bucket}`, () => s.apply(request), true);
          operations += 1;
        }
      }
      const credentials = await issueAll(s, keyring, venues, accounts, spec.credentials ?? {}, `${where}/credentials`);
      users.push({ user, accounts, credentials });
    }
    return { assets: scenario.assets.length, users, operations };
  });
}

function identities(spec: ScenarioAccount | undefined) {
  if (!spec) return {};
  const { balances: _balances, ...rest } = spec;
  return rest;
}

/** The operations that move an amount from available into one bucket. */
type ShiftType = Extract<OperationType, 'hold' | 'lock' | 'restrict' | 'lend'>;
const SHIFTS: readonly [Bucket, ShiftType][] = [
  ['held', 'hold'],
  ['locked', 'lock'],
  ['restricted', 'restrict'],
  ['loaned', 'lend'],
];

/** The operations that give an account its opening buckets, exactly. */
export function openingOperations(
  user: string,
  account: Account,
  balances: Readonly<Record<string, Readonly<Partial<Record<Bucket, string>>>>>,
): { asset: string; bucket: Bucket; request: OperationRequest }[] {
  const out: { asset: string; bucket: Bucket; request: OperationRequest }[] = [];
  const label = account.kind === 'main' ? 'main' : account.label;
  for (const [asset, buckets] of Object.entries(balances)) {
    const key = (step: string) => `scenario/${user}/${label}/${asset}/${step}`;
    const place = { account: account.id, asset };
    const push = (bucket: Bucket, request: OperationRequest) => out.push({ asset, bucket, request });
    const op = (bucket: Bucket, step: string, type: ShiftType | 'deposit' | 'deposit.pending' | 'withdrawal.request', amount: string) =>
      push(bucket, { key: key(step), type, ...place, amount });
    const funded = (['available', 'held', 'locked', 'restricted', 'loaned', 'pendingWithdrawal'] as const).filter(
      (b) => buckets[b] !== undefined && !/^0(\.0*)?$/.test(buckets[b] ?? ''),
    );
    // One deposit per funded bucket keeps every amount exact without adding decimals here.
    for (const bucket of funded) op(bucket, `deposit-${bucket}`, 'deposit', buckets[bucket] ?? '');
    for (const [bucket, type] of SHIFTS) {
      if (funded.includes(bucket as (typeof funded)[number])) op(bucket, type, type, buckets[bucket] ?? '');
    }
    if (funded.includes('pendingWithdrawal')) {
      op('pendingWithdrawal', 'pendingWithdrawal', 'withdrawal.request', buckets.pendingWithdrawal ?? '');
    }
    if (buckets.borrowed !== undefined && !/^0(\.0*)?$/.test(buckets.borrowed)) {
      push('borrowed', { key: key('borrowed'), type: 'adjust', ...place, bucket: 'borrowed', amount: buckets.borrowed, reason: 'scenario opening balance' });
    }
    if (buckets.pendingDeposit !== undefined && !/^0(\.0*)?$/.test(buckets.pendingDeposit)) {
      op('pendingDeposit', 'pendingDeposit', 'deposit.pending', buckets.pendingDeposit);
    }
  }
  return out;
}

type CredentialSpecs = NonNullable<ScenarioUser['credentials']>;

/** Each venue's credentials, in the order the venues are served; a kind the user holds goes on the main account. */
async function issueAll(
  s: LedgerSession,
  keyring: Keyring,
  venues: readonly OperatorVenue[],
  accounts: readonly Account[],
  specs: CredentialSpecs,
  where: string,
): Promise<IssuedCredential[]> {
  const byRef = (ref: string | undefined, path: string): Account => {
    const found = ref === undefined || ref === 'main' ? accounts[0] : accounts.find((a) => a.kind === 'sub' && a.label === ref);
    if (!found) throw new LedgerError('ACCOUNT_NOT_FOUND', `no account labelled ${ref}`, path);
    return found;
  };
  const issued: IssuedCredential[] = [];
  for (const venue of venues) {
    for (const [i, { account, ...input }] of (specs[venue.id] ?? []).entries()) {
      const ref = venue.credentials.holder === 'user' ? 'main' : account;
      issued.push(await at(`${where}/${venue.id}/${i}`, async () => issueCredential(s, keyring, venue.credentials, venue.id, byRef(ref, 'account'), input)));
    }
  }
  return issued;
}
