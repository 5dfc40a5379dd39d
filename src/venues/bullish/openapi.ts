import { Type } from '@sinclair/typebox';
import type { VenueApiDoc, VenueOperationDoc } from '../shared/openapi-doc.js';
import { TransferCommandBody } from './routes-command.js';

/** Bullish's trading API as documented in /openapi.json (docs/venues/bullish.md has the behaviour). */

const JWT = ['bullishJwt'];
const LOGIN = ['bullishPublicKey', 'bullishSignature', 'bullishTimestamp', 'bullishNonce'];

const TradingAccountQuery = Type.Object({
  tradingAccountId: Type.String({ pattern: '^[1-9][0-9]{0,19}$', description: 'One of the caller\'s trading account ids (required)' }),
});

const ISO = 'ISO 8601 UTC with milliseconds, e.g. 2025-05-20T01:01:01.000Z';
const MS = 'Milliseconds since the epoch';
/** Bullish's pagination and createdAt filters (docs/venues/bullish.md, History). */
const pagingAndWindow = {
  _pageSize: Type.Optional(Type.String({ enum: ['5', '25', '50', '100'], description: 'Rows per page (default 25)' })),
  _nextPage: Type.Optional(Type.String({ description: 'Cursor to the older page, from links.next' })),
  _previousPage: Type.Optional(Type.String({ description: 'Cursor to the newer page, from links.previous' })),
  _metaData: Type.Optional(Type.String({ enum: ['true', 'false'], description: 'true: the wrapped form with links' })),
  'createdAtDatetime[gte]': Type.Optional(Type.String({ description: ISO })),
  'createdAtDatetime[lte]': Type.Optional(Type.String({ description: ISO })),
  'createdAtDatetime[gt]': Type.Optional(Type.String({ description: ISO })),
  'createdAtDatetime[lt]': Type.Optional(Type.String({ description: ISO })),
  'createdAtTimestamp[gte]': Type.Optional(Type.String({ description: MS })),
  'createdAtTimestamp[lte]': Type.Optional(Type.String({ description: MS })),
  'createdAtTimestamp[gt]': Type.Optional(Type.String({ description: MS })),
  'createdAtTimestamp[lt]': Type.Optional(Type.String({ description: MS })),
};

const op = (operationId: string, summary: string, security: readonly string[], refusals: readonly number[], extra: Partial<VenueOperationDoc> = {}): VenueOperationDoc => ({
  operationId,
  summary,
  security,
  // Every answer counts against the per-IP budget (429) and may meet an unavailable store (503).
  refusals: [...refusals, 429, 503].sort((a, b) => a - b),
  ...extra,
});

export const BULLISH_OPENAPI: VenueApiDoc = {
  tag: 'bullish',
  description: 'Bullish trading API balances, wire-compatible (docs/venues/bullish.md). Errors: {message, errorCode, errorCodeName, raw: null}.',
  securitySchemes: {
    bullishJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token GET /trading-api/v1/users/hmac/login answers' },
    bullishJwtCookie: { type: 'apiKey', in: 'cookie', name: 'JWT_COOKIE', description: 'The login\'s JWT on the private-data WebSocket upgrade (a bearer header is accepted too)' },
    bullishPublicKey: { type: 'apiKey', in: 'header', name: 'BX-PUBLIC-KEY', description: 'The HMAC key\'s public key' },
    bullishSignature: { type: 'apiKey', in: 'header', name: 'BX-SIGNATURE', description: 'hex HMAC-SHA256 of timestamp + nonce + GET + /trading-api/v1/users/hmac/login' },
    bullishTimestamp: { type: 'apiKey', in: 'header', name: 'BX-TIMESTAMP', description: 'Milliseconds since the epoch, within 30 s' },
    bullishNonce: { type: 'apiKey', in: 'header', name: 'BX-NONCE', description: 'A number used once per key' },
    bullishCommandSignature: {
      type: 'apiKey',
      in: 'header',
      name: 'BX-SIGNATURE',
      description: 'A command\'s signature: hex HMAC-SHA256 of the hex SHA-256 of timestamp + nonce + POST + /trading-api/v2/command + the body as sent',
    },
  },
  errorSchema: Type.Object(
    { message: Type.String(), errorCode: Type.Integer(), errorCodeName: Type.String(), raw: Type.Null() },
    { $id: 'BullishError' },
  ),
  operations: {
    'GET /trading-api/v1/assets': op('bullishAssets', 'Assets', [], [400]),
    'GET /trading-api/v1/markets': op('bullishMarkets', 'Spot markets', [], [400]),
    'GET /trading-api/v1/time': op('bullishTime', 'Server time', [], [400]),
    'GET /trading-api/v1/nonce': op('bullishNonceRange', "Today's nonce range", [], [400]),
    'GET /trading-api/v1/users/hmac/login': op('bullishHmacLogin', 'Log in with an HMAC key: answers the JWT for every private call', LOGIN, [400, 401], {
      headers: Type.Object({
        'BX-PUBLIC-KEY': Type.String(),
        'BX-SIGNATURE': Type.String({ pattern: '^[0-9a-f]{64}$' }),
        'BX-TIMESTAMP': Type.String({ pattern: '^[0-9]{1,16}$' }),
        'BX-NONCE': Type.String({ pattern: '^(0|[1-9][0-9]{0,19})$' }),
      }),
    }),
    'GET /trading-api/v1/users/logout': op('bullishLogout', 'Log out: the JWT stops working', JWT, [400, 401]),
    'POST /trading-api/v1/users/logout': op('bullishLogoutPost', 'Log out (POST, also accepted)', JWT, [400, 401, 413, 415]),
    'GET /trading-api/v1/accounts/trading-accounts': op('bullishTradingAccounts', "The caller's trading accounts", JWT, [400, 401]),
    'GET /trading-api/v1/accounts/trading-accounts/*': op('bullishTradingAccount', 'One trading account', JWT, [400, 401, 403], {
      path: '/trading-api/v1/accounts/trading-accounts/{tradingAccountId}',
      params: Type.Object({ tradingAccountId: Type.String({ pattern: '^[1-9][0-9]{0,19}$' }) }),
    }),
    'GET /trading-api/v1/accounts/asset': op('bullishAssetAccounts', 'Every asset account of a trading account', JWT, [400, 401, 403], {
      querystring: TradingAccountQuery,
    }),
    'GET /trading-api/v1/accounts/asset/*': op('bullishAssetAccount', 'One asset account of a trading account', JWT, [400, 401, 403, 404], {
      path: '/trading-api/v1/accounts/asset/{symbol}',
      params: Type.Object({ symbol: Type.String({ pattern: '^[A-Z0-9]{1,20}$', description: 'Asset symbol, e.g. BTC' }) }),
      querystring: TradingAccountQuery,
    }),
    'GET /trading-api/v1/wallets/transactions': op(
      'bullishCustodyTransactions',
      "The user's deposits and withdrawals across its trading accounts, newest first, wrapped with links and totalCount",
      JWT,
      [400, 401],
      {
        querystring: Type.Object({
          ...pagingAndWindow,
          symbol: Type.Optional(Type.String({ description: 'Only this asset' })),
          direction: Type.Optional(Type.String({ enum: ['DEPOSIT', 'WITHDRAWAL'] })),
          status: Type.Optional(Type.String({ enum: ['PENDING', 'COMPLETE', 'CANCELLED', 'FAILED'] })),
        }),
      },
    ),
    'GET /trading-api/v1/history/transfer': op('bullishTransferHistory', 'Transfers in and out of one trading account, newest first (a bare array; wrapped with _metaData=true)', JWT, [400, 401, 403], {
      querystring: Type.Object({
        ...pagingAndWindow,
        tradingAccountId: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,19}$', description: 'Required when the user has several trading accounts' })),
        status: Type.Optional(Type.String({ enum: ['CLOSED', 'OPEN', 'REJECTED'], description: 'Default CLOSED' })),
        requestId: Type.Optional(Type.String({ description: 'Only this transfer' })),
        assetSymbol: Type.Optional(Type.String({ description: 'Only this asset' })),
      }),
    }),
    'POST /trading-api/v2/command': op('bullishCommand', 'Command entry: V2TransferAsset moves an asset between two of the caller\'s trading accounts (signed: BX-TIMESTAMP, BX-NONCE, BX-SIGNATURE over the body)', [...JWT, 'bullishCommandSignature', 'bullishTimestamp', 'bullishNonce'], [400, 401, 403, 404, 413, 415], {
      body: TransferCommandBody,
    }),
    'GET /trading-api/v1/private-data': op(
      'bullishPrivateData',
      'Private-data WebSocket: send with Upgrade: websocket, then subscribe to assetAccounts (docs/venues/bullish.md, Stream); a plain GET is 426',
      ['bullishJwtCookie'],
      [400, 401, 426],
    ),
  },
};
