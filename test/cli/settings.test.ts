import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, Option } from 'commander';
import { serveCommand } from '../../src/cli/serve.js';
import { storeCommands } from '../../src/cli/commands.js';
import { SERVE_START_OPTIONS, allSettings, flagKey, settingsFor } from '../../src/server/settings.js';

/**
 * The commands' options come from the settings table (src/server/settings.ts). Built in process:
 * what is checked is the commander program itself, not a child's output.
 */

function program(): Command {
  const root = new Command('assetbook').exitOverride();
  serveCommand(root);
  storeCommands(root);
  return root;
}

const command = (root: Command, name: string) => root.commands.find((c) => c.name() === name)!;
const longFlags = (c: Command) => c.options.map((o) => o.long);

test('each setting is keyed by the name commander gives its flag, so a given flag reaches resolveConfig', () => {
  for (const [key, setting] of settingsFor('store').concat(settingsFor('serve'))) {
    assert.equal(new Option(`--${setting.flag} <x>`).attributeName(), key, setting.flag);
    assert.equal(flagKey(setting.flag), key);
  }
});

test('serve takes every setting of the table and its start options; a store command takes the store settings only', () => {
  const root = program();
  const everySetting = allSettings().map((s) => `--${s.flag}`);
  assert.deepEqual(longFlags(command(root, 'serve')), [...everySetting, ...SERVE_START_OPTIONS.map((o) => `--${o.flag}`)]);
  const storeFlags = settingsFor('store').map(([, s]) => `--${s.flag}`);
  assert.deepEqual(longFlags(command(root, 'verify')), storeFlags);
  assert.ok(!longFlags(command(root, 'verify')).includes('--port'), 'serve-only settings stay off store commands');
});

test('serve --help shows each setting with its value syntax, its default and its environment variable', () => {
  // Commander wraps long lines to the terminal's width: compare with the wrapping undone.
  const help = command(program(), 'serve').helpInformation().replace(/\s+/g, ' ');
  for (const setting of allSettings()) {
    assert.ok(help.includes(`--${setting.flag} <${setting.value}>`), `${setting.flag} in\n${help}`);
    assert.ok(help.includes(`env: ${setting.env}`), `${setting.env} in\n${help}`);
  }
  assert.match(help, /\(default: 8080\)/);
  assert.match(help, /--group-commit <on\|off> [^(]*\(default: on\) \(env: ASSETBOOK_GROUP_COMMIT\)/);
});

test('a repeated --rate-limit reaches the command as the list of every rule given', async () => {
  const root = program();
  const serve = command(root, 'serve');
  let seen: unknown;
  serve.action((options: { rateLimit?: unknown }) => {
    seen = options.rateLimit;
  });
  await root.parseAsync(['serve', '--rate-limit', 'bitget.account=20/1s', '--rate-limit', 'bullish.ip=5/1s'], { from: 'user' });
  assert.deepEqual(seen, ['bitget.account=20/1s', 'bullish.ip=5/1s']);
});
