import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { formatAmount, parseAmount } from '../../ledger/amount.js';
import { isLedgerError } from '../../ledger/errors.js';
import { isPlainObject } from '../../ledger/validation.js';
import type { Account, Asset } from '../../ledger/types.js';
import { checkLoginTimestamp, signatureMatches } from './login.js';
import { COMMAND_PATH, computeCommandSignature, readCommandHeaders } from './command-signature.js';
import { admitAuthenticated, type BullishContext } from './context.js';
import { bullishError } from './errors.js';
import { precisionOf } from './identity.js';
import { ASSET_SYMBOL, TRADING_ACCOUNT_ID } from './routes-accounts.js';
import { keepRawJsonBodies, rawBodyOf } from '../shared/raw-body.js';

/**
 * `POST /v2/command`, Bullish's command entry, serving the one command that moves balances:
 * `V2TransferAsset`, an asset moved between two of the caller's trading accounts. It is the
 * ledger's `transfer` operation, keyed by the credential and BX-NONCE: the same signed request
 * again (a client's retry) answers the first acknowledgement and moves nothing more; the same nonce
 * with another transfer is 2035. docs/venues/bullish.md has the checks and their order.
 */

export const TRANSFER_COMMAND = 'V2TransferAsset';
export const TRANSFER_ACK = 'Command acknowledged - TransferAsset';

export const CommandAckBody = Type.Object({ message: Type.String(), requestId: Type.String() });

export const TransferCommandBody = Type.Object({
  commandType: Type.Literal(TRANSFER_COMMAND),
  assetSymbol: Type.String({ pattern: ASSET_SYMBOL.source }),
  quantity: Type.String({ pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$', description: 'A decimal string, at most the asset\'s Bullish precision in places' }),
  fromTradingAccountId: Type.String({ pattern: TRADING_ACCOUNT_ID.source }),
  toTradingAccountId: Type.String({ pattern: TRADING_ACCOUNT_ID.source }),
});

const DECIMAL = /^(0|[1-9][0-9]{0,39})(\.[0-9]{1,40})?$/;

interface TransferCommand {
  readonly assetSymbol: string;
  readonly quantity: string;
  readonly fromTradingAccountId: string;
  readonly toTradingAccountId: string;
}

/** The body's command, checked field by field in Bullish's shape (2001 naming the field); other fields are ignored. */
function readTransferCommand(body: unknown): TransferCommand {
  if (!isPlainObject(body)) throw bullishError('BAD_INCOMING_REQUEST', 'The body must be a JSON object');
  const { commandType, assetSymbol, quantity, fromTradingAccountId, toTradingAccountId } = body;
  if (typeof commandType !== 'string') throw bullishError('BAD_INCOMING_REQUEST', 'commandType is required');
  if (commandType !== TRANSFER_COMMAND) throw bullishError('BAD_INCOMING_REQUEST', `commandType ${JSON.stringify(commandType.slice(0, 40))} is not served: only ${TRANSFER_COMMAND}`);
  if (typeof assetSymbol !== 'string' || !ASSET_SYMBOL.test(assetSymbol)) throw bullishError('BAD_INCOMING_REQUEST', 'assetSymbol must be an asset symbol like BTC');
  if (typeof quantity !== 'string' || !DECIMAL.test(quantity)) throw bullishError('BAD_INCOMING_REQUEST', 'quantity must be a decimal string like "0.5"');
  for (const [name, value] of [['fromTradingAccountId', fromTradingAccountId], ['toTradingAccountId', toTradingAccountId]] as const) {
    if (typeof value !== 'string' || !TRADING_ACCOUNT_ID.test(value)) throw bullishError('BAD_INCOMING_REQUEST', `${name} must be a decimal trading account id`);
  }
  return { assetSymbol, quantity, fromTradingAccountId: fromTradingAccountId as string, toTradingAccountId: toTradingAccountId as string };
}

/** The quantity, refused when zero or finer than the asset shows (Bullish precision) or keeps (ledger scale). */
function checkQuantity(quantity: string, asset: Asset): void {
  const places = quantity.split('.')[1]?.length ?? 0;
  const allowed = Math.min(precisionOf(asset), asset.scale);
  if (places > allowed) throw bullishError('BAD_INCOMING_REQUEST', `quantity has more than ${allowed} decimal places for ${asset.symbol}`);
  if (/^[0.]+$/.test(quantity)) throw bullishError('BAD_INCOMING_REQUEST', 'quantity must be more than zero');
}

export function registerCommandRoutes(app: FastifyInstance, ctx: BullishContext): void {
  const { port } = ctx;

  // Its own scope: the JSON parser here keeps the body's text, which the signature covers.
  void app.register(async (scope) => {
    keepRawJsonBodies(scope);

    /** One of the caller's trading accounts; another user's and a nonexistent one get the same 403. */
    const callerAccount = async (userId: number, tradingAccountId: string): Promise<Account> => {
      const account = await ctx.accounts.find(userId, tradingAccountId);
      if (!account) throw bullishError('ACCOUNT_DOES_NOT_EXIST', 'Trading account not found');
      return account;
    };

    scope.post('/v2/command', { schema: { hide: true, response: { 200: CommandAckBody } } }, async (request, reply) => {
      const session = await admitAuthenticated(ctx, request, reply);
      const signed = readCommandHeaders(request.headers);
      checkLoginTimestamp(signed.timestampMs, port.clock());
      const credential = await port.credential(session.publicKey);
      if (!credential || credential.id !== session.credentialId || credential.secretSealed === null) {
        throw bullishError('UNAUTHORIZED_COMMAND', 'Unauthorized to execute command');
      }
      const expected = computeCommandSignature(port.keyring.open(credential.secretSealed), signed.timestamp, signed.nonce, COMMAND_PATH, rawBodyOf(request));
      if (!signatureMatches(signed.signature, expected)) {
        throw bullishError('UNAUTHORIZED_COMMAND', 'Unauthorized to execute command: BX-SIGNATURE does not match timestamp + nonce + POST + /trading-api/v2/command + body');
      }
      const command = readTransferCommand(request.body);
      const from = await callerAccount(session.userId, command.fromTradingAccountId);
      const to = await callerAccount(session.userId, command.toTradingAccountId);
      if (from.id === to.id) throw bullishError('BAD_INCOMING_REQUEST', 'fromTradingAccountId and toTradingAccountId must be different trading accounts');
      const asset = await port.asset(command.assetSymbol);
      if (!asset) throw bullishError('INVALID_SYMBOL', 'Invalid symbol provided');
      checkQuantity(command.quantity, asset);
      try {
        const done = await port.transfer({
          // The credential's nonce names the command: a retry of the same request is the same operation.
          key: `transfer/${credential.id}/${signed.nonce}`,
          from: from.id,
          to: to.id,
          asset: asset.symbol,
          // The shortest exact form: "0.5" and "0.50000000" are the same transfer, so a retry written either way replays.
          amount: formatAmount(parseAmount(command.quantity, asset.scale, 'quantity'), asset.scale),
        });
        return { message: TRANSFER_ACK, requestId: String(done.id) };
      } catch (error) {
        if (isLedgerError(error) && error.code === 'IDEMPOTENCY_CONFLICT') throw bullishError('INVALID_NONCE', 'BX-NONCE was already used by this key for another command');
        throw error;
      }
    });
  });
}
