import { OPERATOR_PREFIX, getJson } from '../lib.js';
import type { ReadTarget } from './target.js';

/** The operator API's balance read of alice's main account (account 1), with the operator bearer token. */
export const operatorTarget: ReadTarget = {
  name: 'operator',
  async prepare(server, operatorToken) {
    const path = `${OPERATOR_PREFIX}/accounts/1/balances`;
    const headers = { authorization: `Bearer ${operatorToken}` };
    const refused = await getJson(`${server.url}${path}`);
    if (refused.status !== 401) throw new Error(`the balance read without a token answered ${refused.status}, not 401`);
    return { path, headers, description: `GET ${path} with the operator bearer token` };
  },
};
