import { decodeJwt } from 'jose';
import type { VenueFaults } from '../venue.js';
import { headerText } from '../shared/headers.js';
import { VenueError } from '../shared/venue-error.js';
import { bullishError } from './errors.js';
import { upgradeAuthorization } from './stream-auth.js';

/**
 * Bullish under fault rules (docs/faults.md). Each named error is Bullish's catalogue entry for
 * it, except maintenance, whose answer Bullish does not document: a 503 with Bullish's message
 * shape and no `errorCode`, what a gateway in front of a closed exchange sends, so ccxt judges it
 * by the status (ExchangeNotAvailable) as it does for any Bullish answer without a code.
 */

const MAINTENANCE_MESSAGE = 'The exchange is under maintenance, please try again later';

/** The BX-PUBLIC-KEY of a login, or the key named in a session token's `pk` claim (read, not verified: matching only). */
function presentedKey(headers: Parameters<VenueFaults['presentedKey']>[0]): string | undefined {
  const loginKey = headerText(headers, 'bx-public-key');
  if (loginKey !== '') return loginKey;
  const authorization = upgradeAuthorization({ headers });
  if (authorization === undefined || !/^bearer /i.test(authorization)) return undefined;
  try {
    const { pk } = decodeJwt(authorization.slice(7).trim()) as { pk?: unknown };
    return typeof pk === 'string' && pk !== '' ? pk : undefined;
  } catch {
    return undefined;
  }
}

export const bullishFaults: VenueFaults = {
  errors: {
    rate_limited: () => bullishError('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded'),
    maintenance: () => new VenueError(503, { message: MAINTENANCE_MESSAGE, raw: null }, MAINTENANCE_MESSAGE),
    internal_error: () => bullishError('UNKNOWN_ERROR', 'Internal error'),
    service_unavailable: () => bullishError('SERVICE_BUSY', 'Service busy, please try again later'),
    timestamp_expired: () => bullishError('INVALID_NONCE', 'BX-TIMESTAMP is outside the allowed window'),
    unauthorized: () => bullishError('UNAUTHORIZED_COMMAND', 'Unauthorized to execute command'),
  },
  presentedKey,
  publicIdOf: (key) => key,
};
