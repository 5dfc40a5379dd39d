import { getJson } from '../lib.js';
import type { ReadTarget } from './target.js';

const PATH = '/api/v3/user/balances?accountId=10010&tokens=';

/**
 * Loopring's balance read of alice's main account, every token, as the SDK sends it (`tokens=`
 * empty), with her demo API key in X-API-KEY: every request looks the key up by its keyed hash,
 * resolves the account and reads its balances (per-key limit off).
 */
export const loopringTarget: ReadTarget = {
  name: 'loopring',
  async prepare(server) {
    const refused = await getJson(`${server.url}${PATH}`);
    if (refused.status !== 400 || (refused.json as { resultInfo?: { code?: number } }).resultInfo?.code !== 104001) {
      throw new Error(`the read without an API key answered ${refused.status} ${refused.text}, not 400 104001`);
    }
    return { path: PATH, headers: { 'X-API-KEY': 'demo-alice-loopring-api-key' }, description: `GET ${PATH} with an X-API-KEY` };
  },
};
