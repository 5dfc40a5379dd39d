import { LedgerError } from '../ledger/errors.js';
import { venueOwningKey, type VenueName } from '../venues/port.js';

/**
 * Refuses an operator's operation key in a venue's key space. Keys beginning with `<venue>:` are
 * the ones that venue's own transfer calls write (`venueOperationKey`): an operator's entry under
 * one would later answer a client's transfer as its replay, or refuse it as a reused key. `at` is
 * the operation's place in a batch, for the refusal's path, as the ledger names it.
 */
export function refuseVenueKey(key: string, venues: readonly VenueName[], at?: number): void {
  const venue = venueOwningKey(key, venues);
  if (venue === undefined) return;
  const message = `key: keys beginning with "${venue}:" are written by ${venue}'s own transfer calls; an operator's key may not begin that way`;
  if (at === undefined) throw new LedgerError('INVALID_ARGUMENT', message, 'key');
  throw new LedgerError('INVALID_ARGUMENT', `operations/${at}: ${message}`, `operations/${at}/key`);
}
