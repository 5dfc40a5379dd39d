import { createHmac } from 'node:crypto';
import { getJson } from '../lib.js';
import type { ReadTarget } from './target.js';

const LOGIN = '/trading-api/v1/users/hmac/login';
const PATH = '/trading-api/v1/accounts/asset?tradingAccountId=111000000000001';

/**
 * Bullish's all-assets read of alice's main trading account with a bearer token: one HMAC login
 * with her demo key first, then every request carries the JWT. The token is checked on every
 * request (signature verified once, then served from the per-token cache until it expires).
 */
export const bullishTarget: ReadTarget = {
  name: 'bullish',
  async prepare(server) {
    const refused = await getJson(`${server.url}${PATH}`);
    if (refused.status !== 401 || (refused.json as { errorCode?: number }).errorCode !== 6105) {
      throw new Error(`the read without a token answered ${refused.status} ${refused.text}, not 401 6105`);
    }
    const timestamp = String(Date.now());
    const nonce = String(Date.now() * 1000);
    const signature = createHmac('sha256', 'demo-alice-bullish-secret').update(`${timestamp}${nonce}GET${LOGIN}`).digest('hex');
    const login = await getJson(`${server.url}${LOGIN}`, {
      'BX-PUBLIC-KEY': 'HMAC-demo-alice',
      'BX-TIMESTAMP': timestamp,
      'BX-NONCE': nonce,
      'BX-SIGNATURE': signature,
    });
    const token = (login.json as { token?: unknown }).token;
    if (login.status !== 200 || typeof token !== 'string') throw new Error(`the login answered ${login.status} ${login.text}`);
    return { path: PATH, headers: { authorization: `Bearer ${token}` }, description: `GET ${PATH} with a bearer JWT` };
  },
};
