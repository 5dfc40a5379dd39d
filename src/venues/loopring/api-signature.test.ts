import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sdk } from '../../../test/support/loopring-sdk.js';
import { publicKeyOf } from './eddsa/eddsa.js';
import { buildSignedMessage, encodeSignedParams, hashMessage, parseApiSignature, schemesToTry, verifyApiSignature, type SignedRequest } from './api-signature.js';

const KEY = sdk.generatePrivateKey({ sig: `0x${'44'.repeat(65)}`, counterFactualInfo: undefined, error: undefined });
const PUBLIC_KEY = { x: BigInt(KEY.keyPair.publicKeyX), y: BigInt(KEY.keyPair.publicKeyY) };
/** A real key on the curve, of another private scalar: the signature equation itself must fail for it. */
const OTHER_KEY = publicKeyOf(BigInt(KEY.sk) + 1n);

/** A request as the server sees it, and the SDK's inputs for the same request. */
interface Case {
  readonly name: string;
  readonly baseUrl: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
}

const CASES: readonly Case[] = [
  { name: 'the apiKey request on loopback', baseUrl: 'http://127.0.0.1:33091', path: '/api/v3/apiKey', params: { accountId: '10010' } },
  { name: 'a named host without a port', baseUrl: 'http://assetbook.test', path: '/api/v3/apiKey', params: { accountId: '1' } },
  { name: 'https, several unsorted params, commas and an empty value', baseUrl: 'https://example.org:8443', path: '/api/v3/user/balances', params: { tokens: '0,1,2', accountId: '5', empty: '' } },
  { name: 'characters that percent-encoding changes', baseUrl: 'http://[::1]:8080', path: '/api/v3/apiKey', params: { accountId: '2', note: 'a b&c=d/é' } },
  {
    name: 'names that code-point order and localeCompare sort apart, and integer-like names',
    baseUrl: 'http://127.0.0.1:8080',
    path: '/api/v3/apiKey',
    params: { accountId: '3', Zeta: 'z', alpha: 'a', _under: 'u', '10': 'ten', '9': 'nine', Beta: 'b' },
  },
];

const asServerSees = (c: Case): SignedRequest => ({ method: 'GET', host: new URL(c.baseUrl).host, path: c.path, params: c.params });
const scheme = (c: Case) => new URL(c.baseUrl).protocol.replace(':', '');
const sdkInfo = (c: Case) => new Map<string, unknown>(Object.entries(c.params));

test('the message hash the server rebuilds equals the one the SDK signs, for every case', () => {
  for (const c of CASES) {
    const theirs = sdk.creatEdDSASigHasH({ method: 'GET', basePath: c.baseUrl, api_url: c.path, requestInfo: sdkInfo(c) });
    assert.equal(hashMessage(buildSignedMessage(asServerSees(c), scheme(c))).toString(), theirs.hash, c.name);
  }
});

test('the message is METHOD&url&params as the wire facts show it, with a comma encoded twice', () => {
  const request = { method: 'get', host: '127.0.0.1:33091', path: '/api/v3/apiKey', params: { accountId: '10010' } };
  assert.equal(buildSignedMessage(request, 'http'), 'GET&http%3A%2F%2F127.0.0.1%3A33091%2Fapi%2Fv3%2FapiKey&accountId%3D10010');
  assert.equal(encodeSignedParams({ tokens: '0,1', accountId: '3', blank: '' }), 'accountId%3D3%26tokens%3D0%252C1');
  assert.equal(encodeSignedParams({}), '');
});

test('parameters are ordered as the SDK orders them: integer-like names first, then localeCompare, not code points', () => {
  const order = (params: Record<string, string>) => decodeURIComponent(encodeSignedParams(params)).split('&').map((pair) => pair.split('=')[0]);
  assert.deepEqual(order({ b: '1', A: '1', a: '1', B: '1' }), ['a', 'A', 'b', 'B'], 'a plain .sort() would give A, B, a, b');
  assert.deepEqual(order({ z: '1', '10': '1', '9': '1' }), ['9', '10', 'z']);
});

test('the scheme the request arrived by is tried first, then the other', () => {
  assert.deepEqual(schemesToTry('https'), ['https', 'http']);
  assert.deepEqual(schemesToTry('http'), ['http', 'https']);
  assert.deepEqual(schemesToTry(undefined), ['http', 'https']);
  assert.deepEqual(schemesToTry('ftp'), ['http', 'https']);
});

test("a signature the SDK made verifies over the scheme it used (http or https), and not for another host, path, param or key", () => {
  for (const c of [CASES[0]!, CASES[2]!]) {
    const header = sdk.getEdDSASig('GET', c.baseUrl, c.path, sdkInfo(c), KEY.sk);
    const request = asServerSees(c);
    assert.equal(verifyApiSignature(request, header, PUBLIC_KEY), true, c.name);
    assert.equal(verifyApiSignature({ ...request, host: 'evil.test' }, header, PUBLIC_KEY), false, `${c.name}: another host`);
    assert.equal(verifyApiSignature({ ...request, path: '/api/v3/apikey' }, header, PUBLIC_KEY), false, `${c.name}: another path`);
    assert.equal(verifyApiSignature({ ...request, params: { ...request.params, accountId: '999' } }, header, PUBLIC_KEY), false, `${c.name}: another account`);
    assert.equal(verifyApiSignature({ ...request, method: 'DELETE' }, header, PUBLIC_KEY), false, `${c.name}: another method`);
    assert.equal(verifyApiSignature(request, header, OTHER_KEY), false, `${c.name}: another key`);
    assert.equal(verifyApiSignature({ ...request, scheme: scheme(c) === 'http' ? 'https' : 'http' }, header, PUBLIC_KEY), true, `${c.name}: found over the other scheme too`);
  }
});

test('a malformed X-API-SIG is no signature: wrong length, no 0x, not hex', () => {
  const good = `0x${'1'.repeat(192)}`;
  assert.ok(parseApiSignature(good));
  for (const bad of ['', '0x', good.slice(0, -1), `${good}0`, good.slice(2), `0X${'1'.repeat(192)}`, `0x${'g'.repeat(192)}`, ` ${good}`]) {
    assert.equal(parseApiSignature(bad), null, JSON.stringify(bad.slice(0, 12)));
    assert.equal(verifyApiSignature(asServerSees(CASES[0]!), bad, PUBLIC_KEY), false);
  }
});
