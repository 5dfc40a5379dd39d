import { Type } from '@sinclair/typebox';
import type { VenueApiDoc, VenueOperationDoc } from '../shared/openapi-doc.js';
import { PRODUCT_TYPES } from './markets.js';
import { SUB_ACCOUNT_PAGE_DEFAULT, SUB_ACCOUNT_PAGE_MAX } from './routes-account.js';
import { BILLS_LIMIT_DEFAULT, BILLS_LIMIT_MAX, BILLS_WINDOW_DAYS, RECORDS_LIMIT_DEFAULT, RECORDS_LIMIT_MAX } from './history-params.js';
import { BUSINESS_TYPES, GROUP_TYPES } from './bills.js';
import { SUB_MAIN_RECORDS_DEFAULT, SUB_MAIN_RECORDS_MAX, TRANSFER_RECORDS_DEFAULT, TRANSFER_RECORDS_MAX } from './routes-transfer.js';
import { ACCOUNT_TYPES, RECORD_SPAN_DAYS } from './transfer-params.js';

/** Bitget REST v2 as documented in /openapi.json (docs/venues/bitget.md has the behaviour). */

const SIGNED = ['bitgetAccessKey', 'bitgetAccessSign', 'bitgetAccessTimestamp', 'bitgetAccessPassphrase'];
/** Every Bitget refusal is a 400 with the venue's code in the body; 429 over a rate limit; 503 when the store is away. */
const REFUSALS = [400, 429, 503];

const header = (description: string) => Type.String({ description });
const SignedHeaders = Type.Object({
  'ACCESS-KEY': header('The API key'),
  'ACCESS-SIGN': header('base64 HMAC-SHA256 (or RSA-SHA256) of timestamp + METHOD + path?query + body'),
  'ACCESS-TIMESTAMP': header('Milliseconds since the epoch, within the accepted window'),
  'ACCESS-PASSPHRASE': header("The key's passphrase"),
  locale: Type.Optional(header('Accepted and ignored (en-US)')),
});

const AccountType = (description: string) => Type.Unsafe<string>({ type: 'string', enum: [...ACCOUNT_TYPES], description });
const text = (description: string) => Type.String({ description });
const optional = (description: string) => Type.Optional(text(description));
/** The paging and time parameters both transfer record reads take. */
const recordQuery = (limitDefault: number, limitMax: number) => ({
  startTime: optional(`From this time, ms, inclusive (at most ${RECORD_SPAN_DAYS} days before endTime)`),
  endTime: optional('Until this time, ms, inclusive'),
  clientOid: optional('Only the transfer asked for with this clientOid'),
  limit: optional(`Page size, 1 to ${limitMax} (default ${limitDefault})`),
  idLessThan: optional('Cursor: the last transferId of the previous page'),
});
const TRANSFER_BODY = {
  fromType: AccountType('Required; only spot is kept'),
  toType: AccountType('Required; only spot is kept'),
  amount: Type.String({ description: 'Required: a decimal string in the coin\'s unit, above 0, at most the coin\'s places (a JSON number is refused)' }),
  coin: text('Required: the coin, any case'),
  clientOid: optional('1 to 64 printable characters: the same clientOid again answers the first transfer (made up when absent)'),
};

const op = (operationId: string, summary: string, signed: boolean, querystring?: VenueOperationDoc['querystring']): VenueOperationDoc => ({
  operationId,
  summary,
  security: signed ? SIGNED : [],
  ...(signed ? { headers: SignedHeaders } : {}),
  ...(querystring ? { querystring } : {}),
  refusals: REFUSALS,
});

export const BITGET_OPENAPI: VenueApiDoc = {
  tag: 'bitget',
  description: 'Bitget REST v2 spot balances, history, deposit addresses and main-sub transfers, wire-compatible (docs/venues/bitget.md). Errors: {code, msg, requestTime, data: null}.',
  securitySchemes: {
    bitgetAccessKey: { type: 'apiKey', in: 'header', name: 'ACCESS-KEY', description: 'Bitget API key' },
    bitgetAccessSign: { type: 'apiKey', in: 'header', name: 'ACCESS-SIGN', description: 'Request signature' },
    bitgetAccessTimestamp: { type: 'apiKey', in: 'header', name: 'ACCESS-TIMESTAMP', description: 'Request time, ms' },
    bitgetAccessPassphrase: { type: 'apiKey', in: 'header', name: 'ACCESS-PASSPHRASE', description: 'Key passphrase' },
  },
  errorSchema: Type.Object(
    { code: Type.String({ description: 'Bitget error code, e.g. 40009' }), msg: Type.String(), requestTime: Type.Integer(), data: Type.Null() },
    { $id: 'BitgetError' },
  ),
  operations: {
    'GET /api/v2/public/time': op('bitgetServerTime', 'Server time', false),
    'GET /api/v2/spot/public/coins': op('bitgetCoins', 'Coins (assets), each with its chains', false, Type.Object({ coin: Type.Optional(Type.String({ description: 'One coin, any case' })) })),
    'GET /api/v2/spot/public/symbols': op('bitgetSymbols', 'Spot symbols', false, Type.Object({ symbol: Type.Optional(Type.String({ description: 'One symbol, e.g. BTCUSDT' })) })),
    'GET /api/v2/margin/currencies': op('bitgetMarginCurrencies', 'Margin currencies (none)', false),
    'GET /api/v2/mix/market/contracts': op(
      'bitgetContracts',
      'Futures contracts (none: spot balances only)',
      false,
      Type.Object({ productType: Type.Unsafe<string>({ type: 'string', enum: [...PRODUCT_TYPES], description: 'Required; any case' }) }),
    ),
    'GET /api/v2/spot/account/assets': op(
      'bitgetSpotAssets',
      "The caller's spot account assets",
      true,
      Type.Object({
        coin: Type.Optional(Type.String({ description: 'One coin: its row even when empty' })),
        assetType: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['hold_only', 'all'], description: 'hold_only (default): coins held; all: every coin' })),
      }),
    ),
    'GET /api/v2/spot/account/subaccount-assets': op(
      'bitgetSubAccountAssets',
      "Assets of the main account's sub-accounts, newest first",
      true,
      Type.Object({
        limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: `Page size, 1 to ${SUB_ACCOUNT_PAGE_MAX} (default ${SUB_ACCOUNT_PAGE_DEFAULT})` })),
        idLessThan: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'Cursor: the last id of the previous page' })),
      }),
    ),
    'GET /api/v2/spot/wallet/deposit-records': op('bitgetDepositRecords', "The caller's deposits, newest first", true, records(false)),
    'GET /api/v2/spot/wallet/withdrawal-records': op('bitgetWithdrawalRecords', "The caller's withdrawals, newest first", true, records(true)),
    'GET /api/v2/spot/account/bills': op(
      'bitgetAccountBills',
      "The caller's bills: each change of a coin's balance, newest first, with the balance after",
      true,
      Type.Object({
        coin: Type.Optional(Type.String({ description: 'One coin, any case' })),
        groupType: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: [...GROUP_TYPES], description: 'Billing type' })),
        businessType: Type.Optional(
          Type.String({ description: `Business type, any case, "-" or "_": ${BUSINESS_TYPES.join(', ')} (and the other words the venue documents, which match nothing here)` }),
        ),
        startTime: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'From this time, ms (inclusive)' })),
        endTime: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: `Up to this time, ms (inclusive); at most ${BILLS_WINDOW_DAYS} days after startTime` })),
        limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: `Page size, 1 to ${BILLS_LIMIT_MAX} (default ${BILLS_LIMIT_DEFAULT}; more is served as ${BILLS_LIMIT_MAX})` })),
        idLessThan: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: 'Cursor: the last billId of the previous page' })),
      }),
    ),
    'GET /api/v2/spot/account/info': op('bitgetAccountInfo', "The caller's account information: uid, main account, permissions, registration time", true),
    'GET /api/v2/spot/wallet/deposit-address': op(
      'bitgetDepositAddress',
      "The caller's own deposit address for a coin on one of its chains: the same every time, another per account, coin and chain",
      true,
      Type.Object({ coin: text('Required; any case'), chain: optional("One of the coin's chains, any case (default: its first)") }),
    ),
    'POST /api/v2/spot/wallet/subaccount-transfer': {
      ...op('bitgetSubAccountTransfer', 'Transfer between a main account and its sub-accounts (main-account key), applied once per clientOid', true),
      body: Type.Object({
        ...TRANSFER_BODY,
        fromUserId: text('Required: the uid of the main account or one of its sub-accounts'),
        toUserId: text('Required: the uid of the main account or one of its sub-accounts'),
        symbol: optional('Ignored (isolated margin only)'),
      }),
    },
    'POST /api/v2/spot/wallet/transfer': {
      ...op('bitgetTransfer', "Transfer between one user's account types: always refused (40017), assetbook keeps spot accounts only", true),
      description: "What ccxt's transfer calls. After authenticating and reading fromType and toType, it is refused with 40017 saying why; nothing is written. Main-sub transfers: POST /api/v2/spot/wallet/subaccount-transfer.",
      body: Type.Object({ ...TRANSFER_BODY, symbol: optional('Ignored') }),
    },
    'GET /api/v2/spot/account/transferRecords': op(
      'bitgetTransferRecords',
      "The caller's transfers of a coin, newest first (ccxt's fetchTransfers)",
      true,
      Type.Object({ coin: text('Required; any case'), fromType: AccountType('Required; any type but spot lists none'), ...recordQuery(TRANSFER_RECORDS_DEFAULT, TRANSFER_RECORDS_MAX) }),
    ),
    'GET /api/v2/spot/account/sub-main-trans-record': op(
      'bitgetSubMainTransferRecords',
      "Main-sub transfers from (initiator) or to (receiver) the main account or one of its sub-accounts, newest first (main-account key)",
      true,
      Type.Object({
        coin: optional('One coin, any case'),
        role: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['initiator', 'receiver'], description: 'initiator (default): transfers out of the account; receiver: into it' })),
        subUid: optional('A sub-account of the caller (default: the main account itself)'),
        ...recordQuery(SUB_MAIN_RECORDS_DEFAULT, SUB_MAIN_RECORDS_MAX),
      }),
    ),
    'GET /api/v3/account/settings': {
      ...op('bitgetUtaSettings', 'Unified-account probe: always the classic-account error (40084)', true),
      description: 'ccxt calls it to choose between the v2 and v3 paths; every assetbook account is classic, so after authenticating it answers 400 with code 40084.',
    },
    'GET /v2/ws/private': {
      ...op('bitgetWsPrivate', 'WebSocket (upgrade): login, then the spot account channel', false),
      description:
        'A WebSocket upgrade; login inside the socket (op login, signed over timestamp + GET + /user/verify), then subscribe to {instType: SPOT, channel: account, coin: default or a coin}. Without an upgrade: 404 (40404). Over the connection rate or caps: 429. Frames and codes in docs/venues/bitget.md (Stream).',
      refusals: [404, 429],
    },
    'GET /v2/ws/public': {
      ...op('bitgetWsPublic', 'WebSocket (upgrade): no channel is served; every subscribe is the error frame 30001', false),
      refusals: [404, 429],
    },
  },
};

/** The query of the deposit and withdrawal records. */
function records(withdrawals: boolean) {
  return Type.Object({
    startTime: Type.String({ pattern: '^[0-9]{1,15}$', description: 'From this time, ms (inclusive); required' }),
    endTime: Type.String({ pattern: '^[0-9]{1,15}$', description: 'Up to this time, ms (inclusive); required' }),
    coin: Type.Optional(Type.String({ description: 'One coin, any case' })),
    orderId: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: 'Only this record' })),
    ...(withdrawals ? { clientOid: Type.Optional(Type.String({ description: "Only the withdrawal of this client id (the request's journal key)" })) } : {}),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: `Page size, 1 to ${RECORDS_LIMIT_MAX} (default ${RECORDS_LIMIT_DEFAULT}; more is served as ${RECORDS_LIMIT_MAX})` })),
    idLessThan: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: 'Cursor: the last orderId of the previous page' })),
  });
}
