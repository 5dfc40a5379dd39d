import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VenueError } from '../shared/venue-error.js';
import { TOKENS_MAX, parseAccountSelector, readParams, parseRequiredAccountId, parseTokenFilter } from './params.js';

/** The venue code a parse throws, or its result. */
function outcome<T>(parse: () => T): T | number {
  try {
    return parse();
  } catch (error) {
    if (error instanceof VenueError) return (error.body as { resultInfo: { code: number } }).resultInfo.code;
    throw error;
  }
}

test('accountId or address: exactly one, well formed, else the venue code for what is wrong', () => {
  const cases: [Record<string, unknown>, ReturnType<typeof parseAccountSelector> | number][] = [
    [{ accountId: '10010' }, { accountId: 10010 }],
    [{ accountId: '0' }, { accountId: 0 }],
    [{ accountId: '2147483647' }, { accountId: 2147483647 }],
    [{ address: '0xABCDEFabcdef0000000000000000000000000001' }, { address: '0xabcdefabcdef0000000000000000000000000001' }],
    [{ accountId: '', address: '0x1111111111111111111111111111111111111111' }, { address: '0x1111111111111111111111111111111111111111' }],
    [{}, 107001],
    [{ accountId: '' }, 107001],
    [{ accountId: '1', address: '0x1111111111111111111111111111111111111111' }, 100001],
    [{ accountId: ['1', '2'] }, 100001],
    [{ accountId: 'abc' }, 104003],
    [{ accountId: '-1' }, 104003],
    [{ accountId: '1.5' }, 104003],
    [{ accountId: '010010' }, 104003],
    [{ accountId: '2147483648' }, 104003],
    [{ accountId: '1e3' }, 104003],
    [{ accountId: ' 1' }, 104003],
    [{ address: '0x111' }, 100001],
    [{ address: '1111111111111111111111111111111111111111' }, 100001],
    [{ address: '0x111111111111111111111111111111111111111g' }, 100001],
  ];
  for (const [query, expected] of cases) assert.deepEqual(outcome(() => parseAccountSelector(query, 'address')), expected, JSON.stringify(query));
  assert.deepEqual(outcome(() => parseAccountSelector({ owner: '0x2222222222222222222222222222222222222222' }, 'owner')), {
    address: '0x2222222222222222222222222222222222222222',
  });
  assert.equal(outcome(() => parseAccountSelector({ address: '0x2222222222222222222222222222222222222222' }, 'owner')), 107001, 'owner, not address, on /account');
});

test('tokens: absent or empty is every token; else distinct ids in ascending order, commas possibly encoded once more', () => {
  const cases: [Record<string, unknown>, number[] | null | number][] = [
    [{}, null],
    [{ tokens: '' }, null],
    [{ tokens: '0' }, [0]],
    [{ tokens: '2,0,2, 1' }, [0, 1, 2]],
    [{ tokens: '0%2C1' }, [0, 1]],
    [{ tokens: '1,,2' }, 100001],
    [{ tokens: ',' }, 100001],
    [{ tokens: 'ETH' }, 100001],
    [{ tokens: '-1' }, 100001],
    [{ tokens: '01' }, 100001],
    [{ tokens: '99999999999' }, 100001],
    [{ tokens: '%zz' }, 100001],
    [{ tokens: ['0', '1'] }, 100001],
    [{ tokens: Array.from({ length: TOKENS_MAX + 1 }, (_, i) => i).join(',') }, 100001],
  ];
  for (const [query, expected] of cases) assert.deepEqual(outcome(() => parseTokenFilter(query)), expected, JSON.stringify(query).slice(0, 60));
  assert.equal((parseTokenFilter({ tokens: Array.from({ length: TOKENS_MAX }, (_, i) => i).join(',') }) ?? []).length, TOKENS_MAX);
});

test('the apiKey request must name an account id', () => {
  assert.equal(outcome(() => parseRequiredAccountId({ accountId: '7' })), 7);
  for (const query of [{}, { accountId: '' }, { accountId: 'x' }, { accountId: ['1', '1'] }]) {
    assert.equal(outcome(() => parseRequiredAccountId(query)), 104003, JSON.stringify(query));
  }
});

test('every query parameter once, for the signed message; a repeated one is refused', () => {
  assert.deepEqual({ ...readParams({ accountId: '1', extra: '' }) }, { accountId: '1', extra: '' });
  assert.deepEqual({ ...readParams(undefined) }, {});
  const proto = readParams(JSON.parse('{"__proto__":"x","accountId":"1"}'));
  assert.deepEqual(Object.keys(proto), ['__proto__', 'accountId'], 'a parameter named __proto__ is kept, to be signed like any other');
  assert.equal(outcome(() => readParams({ accountId: ['1', '2'] })), 100001);
});
