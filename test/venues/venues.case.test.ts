import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { VENUES, type VenueId } from '../../src/venues/index.js';
import { bitgetCaseData } from './bitget.case-data.js';
import { bullishCaseData } from './bullish.case-data.js';
import { loopringCaseData } from './loopring.case-data.js';
import { runVenueSuite, type VenueCaseData } from './venue.case.js';

/**
 * The one runner of the shared venue claims: every entry of `VENUES`, with its case data. The map
 * is keyed by `VenueId`, the ids of `VENUES` itself, so a venue added there without case data here
 * (or case data left for a venue no longer served) is a type error, and `npm test` typechecks.
 */
const CASE_DATA: Record<VenueId, VenueCaseData> = {
  bitget: bitgetCaseData,
  bullish: bullishCaseData,
  loopring: loopringCaseData,
};

/** The venues whose claims started, in order: what the last test compares with `VENUES`. */
const ran: string[] = [];

for (const venue of VENUES) {
  describe(venue.id, () => {
    before(() => {
      ran.push(venue.id);
    });
    runVenueSuite(venue, CASE_DATA[venue.id]);
  });
}

// Top-level tests of a file run one after another, so this one runs after every venue's claims.
test('the shared claims ran once for every venue in VENUES, and for nothing else', () => {
  assert.deepEqual(ran, VENUES.map((venue) => venue.id));
});

// The suite cannot run an errors test for a venue, but it can insist that each venue has one, and a page.
test('every venue in VENUES has its error-catalogue test and its page under docs/venues', () => {
  for (const { id } of VENUES) {
    assert.ok(existsSync(new URL(`./${id}.errors.test.ts`, import.meta.url)), `test/venues/${id}.errors.test.ts`);
    assert.ok(existsSync(new URL(`../../docs/venues/${id}.md`, import.meta.url)), `docs/venues/${id}.md`);
  }
});
