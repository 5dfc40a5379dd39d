import { bitget } from './bitget/dialect.js';
import { bullish } from './bullish/dialect.js';
import { loopring } from './loopring/dialect.js';
import type { VenueDialect } from './venue.js';

/** The venues served. Adding a venue is a folder beside this file and one entry here. */
export const VENUES: readonly VenueDialect[] = [bitget, bullish, loopring];
