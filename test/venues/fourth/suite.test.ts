import { VENUES } from '../../../src/venues/index.js';
import { runVenueSuite } from '../venue.case.js';
import { fourthCaseData } from './fourth.case-data.js';
import { fourth } from './venue/dialect.js';

// The same claims every registered venue makes, for a venue the registry does not know: the
// server serves the registry's venues and this one, so it also shares the base paths, the
// settings table and the ledger's facts with them.
runVenueSuite(fourth, fourthCaseData, [...VENUES, fourth]);
