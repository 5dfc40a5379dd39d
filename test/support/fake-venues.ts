import { Type } from '@sinclair/typebox';
import type { CredentialKind } from '../../src/credentials/kinds.js';
import { LedgerError } from '../../src/ledger/errors.js';
import type { FactSpec, VenueIdentity } from '../../src/ledger/venue-facts.js';
import { VenueError } from '../../src/venues/shared/venue-error.js';
import type { VenueDemo, VenueDialect } from '../../src/venues/venue.js';

/**
 * Two made-up venues for the operator, scenario and credential tests that must prove nothing
 * there names a real venue: `acme` (an account holds its keys; an asset code, a user tier, an
 * account number and a mutable account note) and `zeta` (the user holds its key; no facts).
 */

function textFact(name: string, options: { unique: boolean; mutable?: boolean; generate?: FactSpec['generate'] }): FactSpec {
  return {
    name,
    unique: options.unique,
    ...(options.mutable ? { mutable: true } : {}),
    schema: Type.String({ minLength: 1, maxLength: 20 }),
    parse(value, path) {
      if (typeof value !== 'string' || !/^[A-Za-z0-9-]{1,20}$/.test(value)) throw new LedgerError('INVALID_ARGUMENT', `${path} must be 1 to 20 letters, digits or "-"`, path);
      return value;
    },
    show: (text) => text,
    ...(options.generate ? { generate: options.generate } : {}),
  };
}

const numberFact: FactSpec = {
  name: 'number',
  unique: true,
  schema: Type.Integer({ minimum: 1, maximum: 999999 }),
  parse(value, path) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new LedgerError('INVALID_ARGUMENT', `${path} must be a positive integer`, path);
    return String(value);
  },
  show: (text) => Number(text),
  generate: (ctx) => String(500 + ctx.id + ctx.attempt),
};

const Token = Type.String({ minLength: 8, maxLength: 64, pattern: '^[a-z0-9-]+$', 'x-invalid': 'must be 8 to 64 lower-case letters, digits or "-"' });

export const acmeIdentity: VenueIdentity = {
  venue: 'acme',
  asset: [textFact('code', { unique: true, generate: (ctx) => `${ctx.asset?.symbol ?? 'X'}-${ctx.attempt}` })],
  user: [textFact('tier', { unique: false })],
  account: [numberFact, textFact('note', { unique: false, mutable: true })],
};

export const acmeCredentials: CredentialKind = {
  holder: 'account',
  input: Type.Object({ token: Type.Optional(Token), pin: Type.Optional(Token) }, { additionalProperties: false }),
  issue(input, keyring) {
    const token = typeof input.token === 'string' ? input.token : 'acme-generated-token';
    const pin = typeof input.pin === 'string' ? input.pin : 'acme-generated-pin';
    return { publicId: token, secretSealed: keyring.seal(pin), extra: { pinHash: keyring.hash(pin) }, secrets: { token, pin } };
  },
  clientIds: (account) => ({ number: Number(account.venues.acme?.number ?? 0) }),
};

export const zetaCredentials: CredentialKind = {
  holder: 'user',
  input: Type.Object({ key: Type.Optional(Token) }, { additionalProperties: false }),
  issue(input) {
    const key = typeof input.key === 'string' ? input.key : 'zeta-generated-key';
    return { publicId: key, secretSealed: null, extra: {}, secrets: { key } };
  },
  clientIds: (_account, userAccounts) => ({ accounts: userAccounts.map((a) => a.id) }),
};

export interface FakeVenue {
  readonly id: string;
  readonly identity: VenueIdentity;
  readonly credentials: CredentialKind;
  readonly demo: VenueDemo;
}

export const acme: FakeVenue = {
  id: 'acme',
  identity: acmeIdentity,
  credentials: acmeCredentials,
  demo: { credentials: { ann: [{ account: 'main', token: 'acme-demo-ann' }] } },
};

export const zeta: FakeVenue = {
  id: 'zeta',
  identity: { venue: 'zeta', asset: [], user: [], account: [] },
  credentials: zetaCredentials,
  demo: { credentials: { ann: [{ key: 'zeta-demo-ann' }], ben: [{ key: 'zeta-demo-ben' }] } },
};

export const FAKE_VENUES: readonly FakeVenue[] = [acme, zeta];

/**
 * A fake venue as a whole dialect: no routes (`plugin` registers nothing), no limits, errors as
 * `{failed}` bodies, only an internal-error fault. What a test needs to serve it beside others.
 */
export function fakeDialect(base: FakeVenue): VenueDialect {
  const error = (status: number, message: string) => new VenueError(status, { failed: message }, message);
  return {
    ...base,
    settings: {},
    basePaths: [`/${base.id}`],
    errors: { ledger: (e) => error(400, e.message), badRequest: (m, s) => error(s, m), notFound: (m, p) => error(404, `${m} ${p}`), internal: () => error(500, 'internal') },
    rateLimits: [],
    openapi: { tag: base.id, description: `the ${base.id} test venue`, securitySchemes: {}, errorSchema: Type.Object({ failed: Type.String() }, { $id: `${base.id}Error` }), operations: {} },
    faults: {
      errors: { rate_limited: null, maintenance: null, internal_error: () => error(500, 'internal'), service_unavailable: null, timestamp_expired: null, unauthorized: null },
      presentedKey: () => undefined,
      publicIdOf: (key) => key,
    },
    plugin: () => async () => {},
  };
}
