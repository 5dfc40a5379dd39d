import type { VenueFaults } from '../venue.js';
import { headerText } from '../shared/headers.js';
import { bitgetError } from './errors.js';

/**
 * Bitget under fault rules (docs/faults.md): each named error as Bitget answers it (the ccxt
 * class each raises is in docs/venues/bitget.md), and the key a request presents in `ACCESS-KEY`,
 * which is also its credential's stored id.
 */
export const bitgetFaults: VenueFaults = {
  errors: {
    rate_limited: () => bitgetError('tooManyRequests'),
    maintenance: () => bitgetError('maintenance'),
    internal_error: () => bitgetError('internal'),
    service_unavailable: () => bitgetError('systemBusy'),
    timestamp_expired: () => bitgetError('timestampExpired'),
    unauthorized: () => bitgetError('accessKeyInvalid'),
  },
  presentedKey: (headers) => headerText(headers, 'access-key') || undefined,
  publicIdOf: (key) => key,
};
