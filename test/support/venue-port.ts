import { pino } from 'pino';
import { Keyring } from '../../src/credentials/keyring.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { memoryRateLimiters } from '../../src/rate-limit/rate-limiter.js';
import { resolveConfig } from '../../src/server/config.js';
import { ReadCache } from '../../src/server/read-cache.js';
import { BalanceFeed } from '../../src/ledger/balance-feed.js';
import { createVenuePort } from '../../src/server/venue-port.js';
import type { LedgerStore } from '../../src/store/store.js';
import { VENUES } from '../../src/venues/index.js';
import type { VenueName, VenuePort } from '../../src/venues/port.js';
import { ManualClock } from './clock.js';

export interface PortOptions {
  readonly ledger?: Ledger;
  readonly keyring?: Keyring;
  readonly clock?: ManualClock;
}

/**
 * A venue port over `store`, built as the server builds one, for tests below the HTTP layer: the
 * default settings, no rate limits, a silent log, and a clock the test moves.
 */
export function portOver(store: LedgerStore, venue: VenueName, options: PortOptions = {}) {
  const clock = options.clock ?? new ManualClock(1_700_000_000_000);
  const ledger = options.ledger ?? new Ledger(store, clock.now, { venues: VENUES.map((v) => v.identity) });
  const dialect = VENUES.find((v) => v.id === venue);
  if (!dialect) throw new Error(`no venue ${venue} in the registry`);
  const keyring = options.keyring ?? new Keyring(Keyring.generateKey());
  const config = resolveConfig({ db: ':memory:' }, {});
  const port: VenuePort = createVenuePort(
    { config, store, ledger, keyring, clock: clock.now, rateLimiters: memoryRateLimiters(false), log: pino({ level: 'silent' }), readCache: new ReadCache(ledger.readVersions, clock.now), balanceFeed: new BalanceFeed(ledger.events, (id) => ledger.balances(id)) },
    dialect,
  );
  return { port, store, ledger, keyring, clock };
}
