import { parseAmount } from '../../src/ledger/amount.js';
import { demoBitgetKey, signedBitgetRequest } from '../support/bitget-signer.js';
import type { VenueCaseData } from './venue.case.js';
import { coinOf } from '../../src/venues/bitget/identity.js';

const ASSETS = '/api/v2/spot/account/assets';

interface Envelope {
  code?: unknown;
  msg?: unknown;
  data?: unknown;
}

/** Bitget's answers to the shared venue claims (venue.case.ts); venues.case.test.ts runs them. */
export const bitgetCaseData: VenueCaseData = {
  balanceRead: async (h, user, query) =>
    signedBitgetRequest(demoBitgetKey(h.secrets(user, 'bitget')), ASSETS, { query: new URLSearchParams(query ?? {}).toString() }),
  withoutCredentials: async () => ({ method: 'GET', path: ASSETS, token: null }),
  withUnknownCredentials: async () => signedBitgetRequest({ apiKey: 'bg_never_issued', secret: 'whatever-secret', passphrase: 'whatever' }, ASSETS),
  // A Bitget key names its own account: the only way to reach another account is another key.
  // Bob signing with his secret under alice's key must fail on the signature.
  crossTenantRead: async (h, intruder, victim) => {
    const mine = demoBitgetKey(h.secrets(intruder, 'bitget'));
    return signedBitgetRequest({ ...mine, apiKey: h.secrets(victim, 'bitget').apiKey! }, ASSETS);
  },
  crossTenant: { refusal: { status: 400, code: '40009' } },
  availableIn: (body, asset) => {
    const data = (body as Envelope).data as { coin: string; available: string }[];
    const item = data.find((d) => d.coin === coinOf(asset));
    return item === undefined ? undefined : parseAmount(item.available, asset.scale);
  },
  errorCodeOf: (response) => {
    const body = response.body as Envelope;
    if (typeof body?.code !== 'string' || typeof body.msg !== 'string' || body.data !== null) throw new Error(`not a Bitget error envelope: ${response.text}`);
    return body.code;
  },
  unknownRoutePath: '/api/v2/spot/account/nothing-here',
  balanceReadRule: 'bitget.account',
  refusals: {
    missingCredentials: { status: 400, code: '40001' },
    unknownCredentials: { status: 400, code: '40037' },
    unknownRoute: { status: 404, code: '40404' },
    oversizedQuery: { status: 400, code: '40017' },
    rateLimited: { status: 429, code: '429' },
  },
};
