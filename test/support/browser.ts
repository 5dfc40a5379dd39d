import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * A real headless browser for the console's tests and screenshots: Debian's `chromium` package,
 * driven by playwright-core. Never a browser playwright downloads: the machine's own, at a fixed
 * path. Missing, it is a loud failure that says how to install it (`.ci/run` installs it in CI),
 * never a silent skip.
 */

export const CHROMIUM = process.env.ASSETBOOK_CHROMIUM || '/usr/bin/chromium';

export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  return [
    `the console's browser tests need Chromium at ${CHROMIUM}, and it is not there.`,
    'Install Debian\'s package:  sudo apt-get update && sudo apt-get install -y chromium',
    '(bash .ci/run installs it when missing; ASSETBOOK_CHROMIUM=/path/to/chromium points elsewhere.)',
  ].join('\n');
}

export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(missing);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root (CI, containers) Chromium refuses to start inside its sandbox.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
