import type { IssuedCredential } from '../credentials/issue.js';
import { OPERATOR_PREFIX } from '../operator/plugin.js';
import type { LoadedUser } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import type { Runtime } from '../server/runtime.js';

/**
 * On a restart the scenario's users are already stored and their secrets are not readable in
 * plaintext any more; the scenario file still names every fixed credential, so those are shown.
 */
export async function usersFromStore(runtime: Runtime, scenario: Scenario): Promise<LoadedUser[]> {
  const out: LoadedUser[] = [];
  for (const spec of scenario.users) {
    const user = await runtime.store.getUserByName(spec.name);
    if (!user) continue;
    const accounts = await runtime.store.listAccounts({ userId: user.id });
    const byRef = (ref: string | undefined) => accounts.find((a) => (ref === undefined || ref === 'main' ? a.kind === 'main' : a.label === ref));
    const credentials: IssuedCredential[] = [];
    const add = (venue: IssuedCredential['venue'], ref: string | undefined, secrets: Record<string, string | undefined>) => {
      const account = byRef(ref);
      const known = Object.fromEntries(Object.entries(secrets).filter((e): e is [string, string] => e[1] !== undefined));
      if (account) credentials.push({ id: 0, venue, userId: user.id, accountId: account.id, secrets: known });
    };
    for (const c of spec.credentials?.bitget ?? []) add('bitget', c.account, { apiKey: c.apiKey, secretKey: c.secretKey, passphrase: c.passphrase });
    for (const c of spec.credentials?.bullish ?? []) add('bullish', 'main', { publicKey: c.publicKey, secret: c.secret });
    for (const c of spec.credentials?.loopring ?? []) add('loopring', c.account, { apiKey: c.apiKey });
    out.push({ user, accounts, credentials });
  }
  return out;
}

/**
 * What `serve --demo` prints: every user's venue credentials and requests to try at once.
 * `operatorToken` is the token, or a shell expression that reads it (`$(cat data/operator-token)`).
 */
export function describeDemo(url: string, users: readonly LoadedUser[], operatorToken: string | null, restarted: boolean): string {
  const state = restarted ? 'Demo data already in the database' : 'Demo data loaded';
  const lines = ['', `${state}. Credentials (fixed, from examples/demo.json):`];
  for (const { user, accounts, credentials } of users) {
    lines.push(`  ${user.name}${user.bitgetBroker ? ' (Bitget ND broker)' : ''}`);
    for (const c of credentials) {
      const account = accounts.find((a) => a.id === c.accountId);
      const where = account?.kind === 'main' ? 'main' : `sub-account ${account?.label ?? c.accountId}`;
      const ids =
        c.venue === 'bitget'
          ? ` uid=${account?.bitgetUid}`
          : c.venue === 'bullish'
            ? ` tradingAccountIds=${accounts.map((a) => a.bullishTradingAccountId).join(',')}`
            : ` accountId=${account?.loopringAccountId} address=${account?.loopringAddress}`;
      const secrets = Object.entries(c.secrets).map(([k, v]) => `${k}=${v}`).join(' ');
      lines.push(`    ${c.venue.padEnd(8)} ${where}:${ids} ${secrets}`);
    }
  }
  // Double quotes around the header: the token may be a $(cat <file>) for the shell to expand.
  const token = operatorToken ?? '<operator token>';
  const alice = users[0]?.accounts[0]?.id ?? 1;
  lines.push(
    '',
    'Try:',
    `  curl -s -H "authorization: Bearer ${token}" ${url}${OPERATOR_PREFIX}/accounts/${alice}/balances`,
    `  curl -s -H "authorization: Bearer ${token}" -H 'content-type: application/json' \\`,
    `       -d '{"key":"try-1","type":"deposit","account":${alice},"asset":"BTC","amount":"0.5"}' ${url}${OPERATOR_PREFIX}/operations`,
    `  curl -s ${url}/openapi.json`,
  );
  lines.push(...venueExamples(url, users));
  return lines.join('\n');
}

/** Ready-to-paste requests against each venue dialect, with the first user's demo credentials. */
function venueExamples(url: string, users: readonly LoadedUser[]): string[] {
  const first = users[0];
  const bitget = first?.credentials.find((c) => c.venue === 'bitget')?.secrets;
  const bullish = first?.credentials.find((c) => c.venue === 'bullish')?.secrets;
  const loopring = first?.credentials.find((c) => c.venue === 'loopring');
  const main = first?.accounts.find((a) => a.kind === 'main');
  const lines: string[] = [];
  if (bitget) {
    const path = '/api/v2/spot/account/assets';
    lines.push(
      '',
      `Bitget, as ${first?.user.name} (HMAC-signed; docs/venues/bitget.md shows ccxt and bitget-api):`,
      `  TS=$(date +%s000); SIG=$(printf '%s' "\${TS}GET${path}" | openssl dgst -sha256 -hmac '${bitget.secretKey}' -binary | base64)`,
      `  curl -s -H 'ACCESS-KEY: ${bitget.apiKey}' -H "ACCESS-SIGN: $SIG" -H "ACCESS-TIMESTAMP: $TS" -H 'ACCESS-PASSPHRASE: ${bitget.passphrase}' ${url}${path}`,
    );
  }
  if (bullish && main) {
    const login = '/trading-api/v1/users/hmac/login';
    lines.push(
      '',
      `Bullish, as ${first?.user.name} (HMAC login, then the bearer token; docs/venues/bullish.md shows ccxt):`,
      `  TS=$(date +%s000); NONCE=$((TS*1000)); SIG=$(printf '%s' "\${TS}\${NONCE}GET${login}" | openssl dgst -sha256 -hmac '${bullish.secret}' | sed 's/^.* //')`,
      `  TOKEN=$(curl -s -H 'BX-PUBLIC-KEY: ${bullish.publicKey}' -H "BX-TIMESTAMP: $TS" -H "BX-NONCE: $NONCE" -H "BX-SIGNATURE: $SIG" ${url}${login} | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')`,
      `  curl -s -H "Authorization: Bearer $TOKEN" '${url}/trading-api/v1/accounts/asset?tradingAccountId=${main.bullishTradingAccountId}'`,
    );
  }
  if (loopring && main) {
    lines.push(
      '',
      `Loopring, as ${first?.user.name} (API key; docs/venues/loopring.md shows the SDK's signed apiKey flow):`,
      `  curl -s -H 'X-API-KEY: ${loopring.secrets.apiKey}' '${url}/api/v3/user/balances?accountId=${main.loopringAccountId}&tokens='`,
    );
  }
  return lines;
}
