import type { VenueFaults } from '../../../../src/venues/venue.js';
import { headerText } from '../../../../src/venues/shared/headers.js';
import { fourthError } from './errors.js';

/**
 * The fourth venue under fault rules: each named error from its own catalogue (it has no
 * timestamps, so no "timestamp expired"), and the key a request presents in `X-API-KEY`, stored
 * as a keyed hash.
 */
export const fourthFaults: VenueFaults = {
  errors: {
    rate_limited: () => fourthError('tooManyRequests'),
    maintenance: () => fourthError('busy', 'under maintenance'),
    internal_error: () => fourthError('internal'),
    service_unavailable: () => fourthError('busy'),
    timestamp_expired: null,
    unauthorized: () => fourthError('apiKeyInvalid'),
  },
  presentedKey: (headers) => headerText(headers, 'x-api-key') || undefined,
  publicIdOf: (key, keyring) => keyring.hash(key),
};
