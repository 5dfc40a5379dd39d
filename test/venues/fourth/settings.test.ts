import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/config/setting.js';
import { resolveConfig, type ConfigFlags } from '../../../src/server/config.js';
import { openRuntime } from '../../../src/server/runtime.js';
import { balancesRequest } from './fourth.case-data.js';
import { SERVED, startWithFourth } from './support.js';
import { VENUES } from '../../../src/venues/index.js';
import type { FourthSettings } from './venue/settings.js';

/**
 * The fourth venue's one setting, `--fourth-list-empty` (`ASSETBOOK_FOURTH_LIST_EMPTY`), is
 * declared in its folder only, read like every setting (flag over variable over default), and
 * reaches the venue as `port.settings.listEmpty`.
 */

const flags = (extra: Record<string, string> = {}) => ({ db: ':memory:', operatorToken: 'fourth-settings-token', ...extra }) as ConfigFlags;

async function portSettings(given: Record<string, string>, env: NodeJS.ProcessEnv): Promise<FourthSettings> {
  const runtime = await openRuntime(resolveConfig(flags(given), env, SERVED), { venues: SERVED });
  try {
    return runtime.venuePort('fourth').settings as FourthSettings;
  } finally {
    await runtime.close();
  }
}

test('off by default: the port says listEmpty false', async () => {
  assert.deepEqual(await portSettings({}, {}), { listEmpty: false });
});

test('the flag --fourth-list-empty reaches the port', async () => {
  assert.deepEqual(await portSettings({ fourthListEmpty: 'on' }, {}), { listEmpty: true });
});

test('the variable ASSETBOOK_FOURTH_LIST_EMPTY reaches the port, and the flag wins over it', async () => {
  assert.deepEqual(await portSettings({}, { ASSETBOOK_FOURTH_LIST_EMPTY: 'on' }), { listEmpty: true });
  assert.deepEqual(await portSettings({ fourthListEmpty: 'off' }, { ASSETBOOK_FOURTH_LIST_EMPTY: 'on' }), { listEmpty: false });
});

test('a value other than on or off stops the start, naming the flag', () => {
  assert.throws(() => resolveConfig(flags({ fourthListEmpty: 'yes' }), {}, SERVED), (error) => error instanceof ConfigError && /fourth-list-empty/.test(error.message));
});

test('without the fourth venue served, its flag is not read at all', () => {
  const config = resolveConfig(flags({ fourthListEmpty: 'yes' }), {}, SERVED.filter((v) => v.id !== 'fourth'));
  assert.equal(config.venues.fourth, undefined);
});

test('the setting changes what the venue answers: on lists every asset, held or not', async () => {
  const countRows = async (given: Record<string, string>) => {
    const h = await startWithFourth({ flags: { rateLimits: 'off', ...given } });
    try {
      const read = await h.request<{ data: { balances: unknown[] } }>(balancesRequest('demo-carol-fourth-api-key'));
      assert.equal(read.status, 200, read.text);
      return { rows: read.body.data.balances.length, assets: (await h.runtime.store.listAssets()).length };
    } finally {
      await h.close();
    }
  };
  const off = await countRows({});
  const on = await countRows({ fourthListEmpty: 'on' });
  assert.ok(off.rows < off.assets, `carol does not hold every demo asset (${off.rows} of ${off.assets})`);
  assert.equal(on.rows, on.assets);
});

// The venues are given twice, to resolveConfig (which reads their settings) and to openRuntime
// (which serves them): a venue served without its settings read would read undefined for each of
// them, silently, so openRuntime refuses it.
test('a venue served without its settings read is refused at start, naming it', async () => {
  const config = resolveConfig(flags(), {}, VENUES);
  await assert.rejects(openRuntime(config, { venues: SERVED }), (e: unknown) => e instanceof ConfigError && /fourth/.test(e.message));
});
