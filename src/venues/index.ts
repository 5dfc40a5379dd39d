import { bitget } from './bitget/dialect.js';
import { bullish } from './bullish/dialect.js';
import { loopring } from './loopring/dialect.js';
import type { VenueDialect } from './venue.js';

/**
 * The venues served. Adding a venue is a folder beside this file and one entry here; the tuple
 * keeps each entry's literal id, so a `Record<VenueId, …>` (the shared venue claims' case data in
 * test/venues/venues.case.test.ts) stops compiling until it has the new venue too.
 */
export const VENUES = [bitget, bullish, loopring] as const satisfies readonly VenueDialect[];

/** The id of a venue in `VENUES`: 'bitget' | 'bullish' | 'loopring'. */
export type VenueId = (typeof VENUES)[number]['id'];
