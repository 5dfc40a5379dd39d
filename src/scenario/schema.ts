import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { Amount } from '../ledger/operation-types.js';
import type { Bucket } from '../ledger/types.js';
import { factsSchema, type FactsInput } from '../ledger/venue-facts.js';
import { operatorSchemas, type AssetInput, type OperatorVenue } from '../operator/schemas.js';
import { UserHistory, type HistoryItem } from './history.js';
import { faultSchemas, type FaultSetInput } from '../faults/schemas.js';

/**
 * The scenario file format, built from the venues served: what each venue knows assets, users and
 * accounts by (nested under `venues`, as the operator API takes them) and each venue's credential
 * fields. `schemas/scenario.schema.json` is generated from it for the registry's venues
 * (`npm run schema`), and a test keeps the two equal.
 */

/**
 * An opening amount: the ledger's amount (its pattern, length bound and wording), so a scenario
 * and an operation refuse the same malformed amount the same way. Zero is allowed here: no balance.
 */
const Decimal: typeof Amount = { ...Amount, description: 'An opening amount in the asset\'s unit, e.g. "1.25"; "0" for none' };

export const OpeningBalances = Type.Object(
  {
    available: Type.Optional(Decimal),
    held: Type.Optional(Decimal),
    locked: Type.Optional(Decimal),
    restricted: Type.Optional(Decimal),
    borrowed: Type.Optional(Decimal),
    loaned: Type.Optional(Decimal),
    pendingDeposit: Type.Optional(Decimal),
    pendingWithdrawal: Type.Optional(Decimal),
  },
  { additionalProperties: false, description: 'Opening amount per bucket, in the asset unit' },
);

const AccountRef = Type.String({ minLength: 1, maxLength: 64, description: '"main" or a sub-account label' });

/** What a scenario says of one account: its label, its venue facts, its opening balances. */
export interface ScenarioAccount {
  readonly label?: string;
  readonly venues?: FactsInput;
  readonly balances?: Readonly<Record<string, Readonly<Partial<Record<Bucket, string>>>>>;
}

/** One credential to issue: the account it is for (a kind held by the user takes none) and the kind's fields. */
export interface ScenarioCredential {
  readonly account?: string;
  readonly [field: string]: unknown;
}

export interface ScenarioUser {
  readonly name: string;
  readonly venues?: FactsInput;
  readonly main?: ScenarioAccount;
  readonly subAccounts?: readonly (ScenarioAccount & { readonly label: string })[];
  /** By venue id. */
  readonly credentials?: Readonly<Record<string, readonly ScenarioCredential[] | undefined>>;
  /** Past deposits, withdrawals and transfers, oldest first (./history.ts). */
  readonly history?: readonly HistoryItem[];
}

export interface Scenario {
  readonly $schema?: string;
  readonly name?: string;
  readonly description?: string;
  readonly assets: readonly AssetInput[];
  readonly users: readonly ScenarioUser[];
  /** Fault rules `serve` sets at every start (docs/faults.md): per instance, in memory, never in the store. */
  readonly faults?: FaultSetInput;
}

/** A venue's credential entries: `account` (unless the user holds them) and the kind's own fields. */
function credentialEntries(venue: OperatorVenue): TSchema {
  const kind = venue.credentials;
  const account: TProperties = kind.holder === 'account' ? { account: Type.Optional(AccountRef) } : {};
  const held = kind.holder === 'account' ? 'each for the account it names (main when absent)' : 'held by the user: filed under its main account';
  return Type.Array(Type.Object({ ...account, ...kind.input.properties }, { additionalProperties: false }), {
    maxItems: 100,
    description: `${venue.id} credentials to issue, ${held}`,
  });
}

function buildScenarioSchema(venues: readonly OperatorVenue[]): TObject {
  const api = operatorSchemas(venues);
  const accountProps = {
    ...api.AccountInputBody.properties,
    balances: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Z0-9]{1,20}$' }), OpeningBalances, { description: 'By asset symbol' })),
  };
  const ScenarioAccountSchema = Type.Object(accountProps, { additionalProperties: false });
  const SubAccount = Type.Object({ ...accountProps, label: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
  const credentials = Object.fromEntries(venues.map((v) => [v.id, Type.Optional(credentialEntries(v))]));
  return Type.Object(
    {
      $schema: Type.Optional(Type.String()),
      name: Type.Optional(Type.String({ maxLength: 64 })),
      description: Type.Optional(Type.String({ maxLength: 2000 })),
      assets: Type.Array(api.AssetInputBody, { maxItems: 1000 }),
      users: Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 64 }),
            venues: Type.Optional(factsSchema(venues.map((v) => v.identity), 'user', 'input')),
            main: Type.Optional(ScenarioAccountSchema),
            subAccounts: Type.Optional(Type.Array(SubAccount, { maxItems: 1000 })),
            credentials: Type.Optional(Type.Object(credentials, { additionalProperties: false, description: 'By venue' })),
            history: Type.Optional(UserHistory),
          },
          { additionalProperties: false },
        ),
        { maxItems: 10000 },
      ),
      faults: Type.Optional({
        ...faultSchemas(venues).FaultSetIn,
        description: 'Fault rules `serve` sets at every start of an instance (docs/faults.md); `scenario load` writes none of them',
      }),
    },
    {
      additionalProperties: false,
      $id: 'https://assetbook.dev/schemas/scenario.schema.json',
      title: 'assetbook scenario',
      description: 'Assets, users, accounts, credentials, past history and opening balances, loaded atomically.',
    },
  );
}

const built = new WeakMap<readonly OperatorVenue[], TObject>();

/** The scenario schema for these venues (built once per list). */
export function scenarioSchema(venues: readonly OperatorVenue[]): TObject {
  let schema = built.get(venues);
  if (!schema) {
    schema = buildScenarioSchema(venues);
    built.set(venues, schema);
  }
  return schema;
}
