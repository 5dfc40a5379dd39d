import type { VenueFaults } from '../venue.js';
import { headerText } from '../shared/headers.js';
import { loopringError } from './errors.js';

/**
 * Loopring under fault rules (docs/faults.md). Its reads carry no time, so it has no "timestamp
 * expired" answer (a rule asking for one is refused). Maintenance and the rate limit are answered
 * with statuses the SDK throws on (503, 429); the rest the SDK resolves or throws as for any 400
 * with a `resultInfo`. A key presented in `X-API-KEY` is stored as a keyed hash.
 */
export const loopringFaults: VenueFaults = {
  errors: {
    rate_limited: () => loopringError('tooManyRequests'),
    maintenance: () => loopringError('maintenance'),
    internal_error: () => loopringError('internal'),
    service_unavailable: () => loopringError('unknown', 'busy, try again'),
    timestamp_expired: null,
    unauthorized: () => loopringError('invalidApiKey'),
  },
  presentedKey: (headers) => headerText(headers, 'x-api-key') || undefined,
  publicIdOf: (key, keyring) => keyring.hash(key),
};
