import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VenueError } from '../shared/venue-error.js';
import { decodeCursor, encodeCursor, pageLink, parsePaging, parseTimeWindow } from './history-params.js';

function refused(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof VenueError, `expected a VenueError, got ${String(error)}`);
    return (error.body as { errorCode: number }).errorCode;
  }
  assert.fail('expected a refusal');
}

describe('bullish history parameters', () => {
  test('a cursor is the id’s digits in unpadded base64url and decodes back; nothing else is a cursor', () => {
    assert.equal(encodeCursor(297735349424620), 'Mjk3NzM1MzQ5NDI0NjIw');
    for (const id of [1, 9, 10, 123, 2 ** 53 - 1]) assert.equal(decodeCursor('_nextPage', encodeCursor(id)), id);
    for (const bad of ['', 'MA', 'LTE', 'MTA=', 'MTA%3D', 'not a cursor', 'OTAwNzE5OTI1NDc0MDk5Mg', 'A'.repeat(25)]) {
      assert.equal(refused(() => decodeCursor('_nextPage', bad)), 2001, bad);
    }
  });

  test('paging: _pageSize one of 5, 25, 50, 100 (25 by default), one cursor at most, _metaData true or false', () => {
    assert.deepEqual(parsePaging({}), { pageSize: 25, metaData: false });
    assert.deepEqual(parsePaging({ _pageSize: '100', _nextPage: encodeCursor(7), _metaData: 'true' }), { pageSize: 100, beforeId: 7, metaData: true });
    assert.deepEqual(parsePaging({ _pageSize: '5', _previousPage: encodeCursor(7) }), { pageSize: 5, afterId: 7, metaData: false });
    for (const query of [{ _pageSize: '10' }, { _pageSize: '05' }, { _pageSize: '25.0' }, { _pageSize: ['5', '25'] }, { _nextPage: encodeCursor(1), _previousPage: encodeCursor(2) }, { _metaData: 'TRUE' }]) {
      assert.equal(refused(() => parsePaging(query)), 2001, JSON.stringify(query));
    }
  });

  test('time bounds: every one applies, the tightest wins, gt and lt exclusive; an unmatchable window is empty, not refused', () => {
    const ms = Date.UTC(2026, 0, 1);
    const iso = new Date(ms).toISOString();
    assert.deepEqual(parseTimeWindow({}, 'createdAt'), { empty: false, hasLower: false, hasUpper: false });
    assert.deepEqual(parseTimeWindow({ 'createdAtDatetime[gte]': iso, 'createdAtTimestamp[gt]': String(ms + 5), 'createdAtDatetime[lte]': '2026-01-02T00:00:00Z' }, 'createdAt'), {
      fromMs: ms + 6,
      toMs: ms + 86_400_000,
      empty: false,
      hasLower: true,
      hasUpper: true,
    });
    assert.deepEqual(parseTimeWindow({ 'createdAtTimestamp[lt]': '0' }, 'createdAt'), { empty: true, hasLower: false, hasUpper: true });
    assert.equal(parseTimeWindow({ 'createdAtTimestamp[gte]': '10', 'createdAtTimestamp[lte]': '9' }, 'createdAt').empty, true);
    for (const bad of ['2026-01-01', '2026-01-01T00:00:00.000+01:00', '2026-02-30T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '1969-12-31T23:59:59.999Z']) {
      assert.equal(refused(() => parseTimeWindow({ 'createdAtDatetime[gte]': bad }, 'createdAt')), 2001, bad);
    }
    for (const bad of ['-1', '1.5', '1e3', '99999999999999999']) assert.equal(refused(() => parseTimeWindow({ 'createdAtTimestamp[lte]': bad }, 'createdAt')), 2001, bad);
  });

  test('a link keeps the request’s own query, drops its old cursor and adds the new one', () => {
    const query = { _pageSize: '5', 'createdAtDatetime[gte]': '2026-01-01T00:00:00.000Z', _nextPage: encodeCursor(50) };
    assert.equal(
      pageLink('/trading-api/v1/wallets/transactions', query, { name: '_previousPage', id: 45 }),
      `/trading-api/v1/wallets/transactions?_pageSize=5&createdAtDatetime%5Bgte%5D=2026-01-01T00%3A00%3A00.000Z&_previousPage=${encodeCursor(45)}`,
    );
    assert.equal(pageLink('/x', query, null), null);
  });
});
