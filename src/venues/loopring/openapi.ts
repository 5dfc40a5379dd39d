import { Type, type TProperties } from '@sinclair/typebox';
import type { VenueApiDoc } from '../shared/openapi-doc.js';

/** Loopring DEX API v3 as documented in /openapi.json (docs/venues/loopring.md has the behaviour). */

/** Loopring answers every refusal 400 with its code in the body, 429 over a rate limit. */
const REFUSALS = [400, 429];
const AccountId = Type.String({ pattern: '^[0-9]{1,10}$', description: 'Layer-2 account id' });
const Address = Type.String({ pattern: '^0x[0-9a-fA-F]{40}$', description: 'Layer-1 address' });

export const LOOPRING_OPENAPI: VenueApiDoc = {
  tag: 'loopring',
  description: 'Loopring API v3 balances and history, wire-compatible (docs/venues/loopring.md). Errors: {resultInfo: {code, message}}.',
  securitySchemes: {
    loopringApiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: 'The account\'s API key (GET /api/v3/apiKey)' },
    loopringApiSig: { type: 'apiKey', in: 'header', name: 'X-API-SIG', description: 'EdDSA signature of the request with the account\'s layer-2 key' },
  },
  errorSchema: Type.Object({ resultInfo: Type.Object({ code: Type.Integer(), message: Type.String() }) }, { $id: 'LoopringError' }),
  operations: {
    'GET /api/v3/exchange/tokens': { operationId: 'loopringTokens', summary: 'Tokens', security: [], refusals: REFUSALS },
    'GET /v3/ws/key': { operationId: 'loopringWsKey', summary: 'A key that opens the WebSocket /v3/ws?wsApiKey= (the account topic)', security: [], refusals: REFUSALS },
    'GET /v3/ws': {
      operationId: 'loopringWebSocket',
      summary: 'The WebSocket (an upgrade): the account topic, pushes one token per frame',
      description: 'Send a WebSocket upgrade with a key from GET /v3/ws/key; subscribe with {"op":"sub","apiKey":...,"topics":[{"topic":"account"}]}. See docs/venues/loopring.md, Stream.',
      security: [],
      querystring: Type.Object({ wsApiKey: Type.String({ description: 'A key from GET /v3/ws/key' }) }),
      refusals: REFUSALS,
    },
    'GET /api/v3/timestamp': { operationId: 'loopringTimestamp', summary: 'Server time', security: [], refusals: REFUSALS },
    'GET /api/v3/account': {
      operationId: 'loopringAccount',
      summary: 'An account with its layer-2 public key, by accountId or owner',
      security: [],
      querystring: Type.Object({ accountId: Type.Optional(AccountId), owner: Type.Optional(Address) }),
      refusals: REFUSALS,
    },
    'GET /api/v3/apiKey': {
      operationId: 'loopringApiKey',
      summary: "The account's API key, for a request signed with its layer-2 key",
      security: ['loopringApiSig'],
      querystring: Type.Object({ accountId: AccountId }),
      refusals: REFUSALS,
    },
    'GET /api/v3/user/balances': {
      operationId: 'loopringBalances',
      summary: 'Layer-2 balances of an account, by accountId or address',
      security: ['loopringApiKey'],
      querystring: Type.Object({
        accountId: Type.Optional(AccountId),
        address: Type.Optional(Address),
        tokens: Type.Optional(Type.String({ description: 'Comma-separated token ids: exactly these' })),
      }),
      refusals: REFUSALS,
    },
    'GET /api/v3/user/deposits': history('loopringDeposits', "An account's deposits, newest first", {}),
    'GET /api/v3/user/withdrawals': history('loopringWithdrawals', "An account's withdrawals, newest first", {
      withdrawalTypes: Type.Optional(Type.String({ description: 'Comma list of offchain_withdrawal, onchain_withdrawal, force_withdrawal (assetbook shows offchain_withdrawal)' })),
    }),
    'GET /api/v3/user/transfers': history('loopringTransfers', "An account's transfers (sent and received), newest first", {
      transferTypes: Type.Optional(Type.String({ description: 'Comma list of transfer, transfer_red (assetbook shows transfer)' })),
    }),
  },
};

/** A history endpoint: the query every one of them takes, and its own type filter. */
function history(operationId: string, summary: string, extra: TProperties) {
  return {
    operationId,
    summary,
    security: ['loopringApiKey'],
    querystring: Type.Object({
      accountId: Type.Optional({ ...AccountId, description: 'Layer-2 account id; required unless hashes is given (then the key\'s own account)' }),
      start: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'From this time, ms (inclusive); 0 = no bound' })),
      end: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'Up to this time, ms (inclusive); 0 = no bound' })),
      status: Type.Optional(Type.String({ description: 'Comma list of processing, processed, received, failed' })),
      limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'Rows per page, default 50, at most 200' })),
      offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'Rows to skip from the newest, default 0' })),
      tokenSymbol: Type.Optional(Type.String({ description: 'One token symbol; absent: every token' })),
      hashes: Type.Optional(Type.String({ description: "Comma list of the rows' hash values" })),
      ...extra,
    }),
    refusals: REFUSALS,
  };
}
