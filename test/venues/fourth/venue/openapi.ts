import { Type } from '@sinclair/typebox';
import type { VenueApiDoc } from '../../../../src/venues/shared/openapi-doc.js';

/** The fourth venue as /openapi.json documents it (the behaviour is in this folder's README.md). */
export const FOURTH_BASE = '/fourth/api/v1';
export const BALANCES_PATH = `${FOURTH_BASE}/balances`;

export const FOURTH_OPENAPI: VenueApiDoc = {
  tag: 'fourth',
  description: 'A test-only venue proving the venue contract: one API-key balance read. Errors: {code, message, data: null}.',
  securitySchemes: {
    fourthApiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: "The account's API key" },
  },
  errorSchema: Type.Object(
    { code: Type.Integer({ description: 'Error code; its first three digits are the HTTP status' }), message: Type.String(), data: Type.Null() },
    { $id: 'FourthError' },
  ),
  operations: {
    [`GET ${BALANCES_PATH}`]: {
      operationId: 'fourthBalances',
      summary: "Balances of the key's account, or of a sub-account of a main account's key",
      security: ['fourthApiKey'],
      querystring: Type.Object({
        ticker: Type.Optional(Type.String({ description: 'One ticker: its row even when empty' })),
        accountNo: Type.Optional(Type.String({ pattern: '^F[1-9][0-9]{8}$', description: "The account to read: the key's own (default), or, for a main account's key, one of the user's sub-accounts" })),
      }),
      refusals: [400, 401, 403, 429, 503],
    },
  },
};
