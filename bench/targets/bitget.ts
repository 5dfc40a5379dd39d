import { createHmac } from 'node:crypto';
import { getJson } from '../lib.js';
import type { ReadTarget } from './target.js';

const PATH = '/api/v2/spot/account/assets';

/**
 * Bitget's spot asset read for alice's main account, signed with her demo HMAC key. autocannon
 * replays one signed request, so the server's timestamp window is widened to an hour for the run;
 * every request is still fully verified (key lookup, HMAC, passphrase, per-UID limit off).
 */
export const bitgetTarget: ReadTarget = {
  name: 'bitget',
  serverEnv: { ASSETBOOK_BITGET_TIMESTAMP_WINDOW: '3600' },
  async prepare(server) {
    const refused = await getJson(`${server.url}${PATH}`);
    if (refused.status !== 400 || (refused.json as { code?: string }).code !== '40001') {
      throw new Error(`the unsigned read answered ${refused.status} ${refused.text}, not 400 40001`);
    }
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', 'demo-alice-bitget-secret').update(`${timestamp}GET${PATH}`).digest('base64');
    const headers = { 'ACCESS-KEY': 'bg_demo_alice', 'ACCESS-SIGN': signature, 'ACCESS-TIMESTAMP': timestamp, 'ACCESS-PASSPHRASE': 'demo-alice-pass' };
    return { path: PATH, headers, description: `GET ${PATH}, HMAC-signed` };
  },
};
