import { Type, type Static } from '@sinclair/typebox';
import { Amount } from '../ledger/operation-types.js';
import { AccountInputBody, AssetInputBody } from '../operator/schemas.js';

/**
 * The scenario file format. `schemas/scenario.schema.json` is generated from this
 * (`npm run schema`), and a test keeps the two equal.
 */

/**
 * An opening amount: the ledger's amount (its pattern, length bound and wording), so a scenario
 * and an operation refuse the same malformed amount the same way. Zero is allowed here: no balance.
 */
const Decimal = { ...Amount, description: 'An opening amount in the asset\'s unit, e.g. "1.25"; "0" for none' };
const Secret = Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', 'x-invalid': 'must be 8 to 128 printable ASCII characters without spaces' });

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

const ScenarioAccount = Type.Composite([
  AccountInputBody,
  Type.Object({
    balances: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Z0-9]{1,20}$' }), OpeningBalances, { description: 'By asset symbol' })),
  }),
], { additionalProperties: false });

const AccountRef = Type.String({ minLength: 1, maxLength: 64, description: '"main" or a sub-account label' });

export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.Optional(Type.String({ maxLength: 64 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    assets: Type.Array(AssetInputBody, { maxItems: 1000 }),
    users: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 64 }),
          bitgetBroker: Type.Optional(Type.Boolean()),
          main: Type.Optional(ScenarioAccount),
          subAccounts: Type.Optional(
            Type.Array(Type.Composite([ScenarioAccount, Type.Object({ label: Type.String({ minLength: 1, maxLength: 64 }) })], { additionalProperties: false }), { maxItems: 1000 }),
          ),
          credentials: Type.Optional(
            Type.Object(
              {
                bitget: Type.Optional(
                  Type.Array(
                    Type.Object(
                      {
                        account: Type.Optional(AccountRef),
                        apiKey: Type.Optional(Secret),
                        secretKey: Type.Optional(Secret),
                        passphrase: Type.Optional(Secret),
                        rsaPublicKeyPem: Type.Optional(Type.String({ maxLength: 4096 })),
                      },
                      { additionalProperties: false },
                    ),
                    { maxItems: 100 },
                  ),
                ),
                bullish: Type.Optional(
                  Type.Array(
                    Type.Object({ publicKey: Type.Optional(Secret), secret: Type.Optional(Secret) }, { additionalProperties: false }),
                    { maxItems: 100 },
                  ),
                ),
                loopring: Type.Optional(
                  Type.Array(
                    Type.Object({ account: Type.Optional(AccountRef), apiKey: Type.Optional(Secret) }, { additionalProperties: false }),
                    { maxItems: 100 },
                  ),
                ),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 10000 },
    ),
  },
  {
    additionalProperties: false,
    $id: 'https://assetbook.dev/schemas/scenario.schema.json',
    title: 'assetbook scenario',
    description: 'Assets, users, accounts, credentials and opening balances, loaded atomically.',
  },
);

export type Scenario = Static<typeof ScenarioSchema>;
export type ScenarioAccountInput = Static<typeof ScenarioAccount>;
