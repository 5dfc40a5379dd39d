import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_VENUES, acme } from '../../test/support/fake-venues.js';
import { demoScenario } from './demo.js';
import { checkScenario } from './load.js';

const file = () => ({
  assets: [{ symbol: 'BTC', scale: 8 }],
  users: [{ name: 'ann', credentials: { acme: [{ account: 'main', token: 'acme-file-token' }] } }, { name: 'ben' }],
});

test("the demo is the file with each venue's demo credentials merged in by user name, after the file's own", () => {
  const merged = demoScenario(FAKE_VENUES, file()) as ReturnType<typeof file>;
  assert.deepEqual(merged.users[0], {
    name: 'ann',
    credentials: {
      acme: [{ account: 'main', token: 'acme-file-token' }, { account: 'main', token: 'acme-demo-ann' }],
      zeta: [{ key: 'zeta-demo-ann' }],
    },
  });
  assert.deepEqual(merged.users[1], { name: 'ben', credentials: { zeta: [{ key: 'zeta-demo-ben' }] } });
  assert.doesNotThrow(() => checkScenario(FAKE_VENUES, merged));
});

test('merging leaves the file as it was read', () => {
  const original = file();
  demoScenario(FAKE_VENUES, original);
  assert.deepEqual(original, file());
});

test("a venue's demo naming a user the demo file does not have is refused, naming the venue and the user", () => {
  const stray = { ...acme, demo: { credentials: { zoe: [{ token: 'acme-demo-zoe' }] } } };
  assert.throws(() => demoScenario([stray], file()), /the acme demo has credentials for zoe/);
});
