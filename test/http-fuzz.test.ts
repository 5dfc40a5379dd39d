import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { DEMO, HttpHarness, type HttpRequest } from './support/http-harness.js';
import { demoBitgetKey, signedBitgetRequest } from './support/bitget-signer.js';
import { ASSETS as BULLISH_ASSETS, loginAs } from './support/bullish-client.js';
import { RawConnection, requestBytes, type RawResponse } from './support/raw-http.js';
import { accountIdOf } from '../src/venues/loopring/identity.js';

/**
 * Raw HTTP/1.1 thrown at every surface (operator API, the three venues' balance reads, health):
 * pipelined in one write, split into small writes, or one request per round trip; well-formed,
 * malformed, oversized, with and without valid credentials. Each connection's answers must be the
 * statuses of its requests in order, up to and including the first one that closes the
 * connection, and then the connection must close; no answer is a 5xx; the journal gains exactly
 * the deposits answered 201. The scripts come from fast-check with a fixed seed:
 * ASSETBOOK_HTTP_FUZZ_SEED=<n> replays another run, and a failure prints the seed.
 */

const SEED = Number(process.env.ASSETBOOK_HTTP_FUZZ_SEED ?? 1_202_026);
/** At least this many requests are sent, in all. */
const REQUESTS = 10_000;
/** Connections in flight at once. */
const PARALLEL = 8;
const TOKEN = 'http-fuzz-operator-token';
const V1 = '/_assetbook/v1';
const BITGET_ASSETS = '/api/v2/spot/account/assets';

interface Built {
  readonly bytes: Buffer;
  /** The deposit key the request carries, to check the journal against the answers. */
  readonly deposit?: string;
  /** Text the answer's body must contain: what ties an answer to its request. */
  readonly echo?: string;
}

interface Kind {
  readonly name: string;
  /** The server answers this one and closes the connection: nothing after it may run. */
  readonly closes: boolean;
  /**
   * Bytes Node's parser refuses, with this kind at the operator surface: the answer's shape
   * follows the request line only when the line is in the same read as the refused bytes
   * (docs/http.md); split over reads (small writes, or a long pipeline), the answer may come in
   * the operator's shape, with its status, instead.
   */
  readonly operatorTwin?: string;
  build(tag: string): Built;
}

/** The path of each surface, for requests whose answer's shape depends on the path. */
const surfacePaths = (h: HttpHarness): readonly string[] => [
  '/healthz',
  `${V1}/users`,
  BITGET_ASSETS,
  `${BULLISH_ASSETS}?tradingAccountId=111000000000001`,
  `/api/v3/user/balances?accountId=${accountIdOf(h.account('alice'))}&tokens=`,
];

function kinds(h: HttpHarness, bullishToken: string): readonly Kind[] {
  const account = h.account('alice').id;
  const loopringKey = h.secrets('alice', 'loopring').apiKey!;
  const bitgetKey = demoBitgetKey(h.secrets('alice', 'bitget'));
  const loopringPath = `/api/v3/user/balances?accountId=${accountIdOf(h.account('alice'))}&tokens=`;
  const deposit = (key: string, amount: unknown = '0.00000001') => ({ key, type: 'deposit', account, asset: 'BTC', amount });
  const bytes = (req: HttpRequest, headers: Record<string, string> = {}) => requestBytes(req, headers);
  const text = (raw: string) => Buffer.from(raw, 'latin1');
  const keep: Omit<Kind, 'name' | 'build'> = { closes: false };
  const close: Omit<Kind, 'name' | 'build'> = { closes: true };
  const perSurface = (name: string, make: (path: string, tag: string) => Buffer, parseError = true): Kind[] =>
    surfacePaths(h).map((path, i) => ({
      name: `${name}@${i}`,
      ...close,
      ...(parseError ? { operatorTwin: `${name}@1` } : {}),
      build: (tag) => ({ bytes: make(path, tag) }),
    }));

  const regular: Kind[] = [
    { name: 'health', ...keep, build: () => ({ bytes: text('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n') }) },
    { name: 'ready', ...keep, build: () => ({ bytes: text('GET /readyz HTTP/1.1\r\nhost: x\r\n\r\n') }) },
    { name: 'operator read', ...keep, build: () => ({ bytes: bytes({ method: 'GET', path: `${V1}/accounts/${account}/balances`, token: TOKEN }) }) },
    { name: 'operator read without token', ...keep, build: () => ({ bytes: bytes({ method: 'GET', path: `${V1}/accounts/${account}/balances`, token: null }) }) },
    { name: 'operator unknown route', ...keep, build: (tag) => ({ bytes: bytes({ method: 'GET', path: `${V1}/nothing-${tag}`, token: TOKEN }), echo: tag }) },
    { name: 'deposit', ...keep, build: (tag) => ({ bytes: bytes({ method: 'POST', path: `${V1}/operations`, token: TOKEN, body: deposit(tag) }), deposit: tag, echo: `"key":"${tag}"` }) },
    {
      name: 'deposit with Expect: 100-continue',
      ...keep,
      build: (tag) => ({ bytes: bytes({ method: 'POST', path: `${V1}/operations`, token: TOKEN, body: deposit(tag) }, { expect: '100-continue' }), deposit: tag, echo: `"key":"${tag}"` }),
    },
    { name: 'deposit with a number amount', ...keep, build: (tag) => ({ bytes: bytes({ method: 'POST', path: `${V1}/operations`, token: TOKEN, body: deposit(tag, 1) }), deposit: tag }) },
    { name: 'deposit without token', ...keep, build: (tag) => ({ bytes: bytes({ method: 'POST', path: `${V1}/operations`, token: null, body: deposit(tag) }), deposit: tag }) },
    { name: 'bitget signed read', ...keep, build: () => ({ bytes: bytes(signedBitgetRequest(bitgetKey, BITGET_ASSETS)) }) },
    { name: 'bitget read without credentials', ...keep, build: () => ({ bytes: bytes({ method: 'GET', path: BITGET_ASSETS, token: null }) }) },
    { name: 'bullish read', ...keep, build: () => ({ bytes: bytes({ method: 'GET', path: `${BULLISH_ASSETS}?tradingAccountId=111000000000001`, token: bullishToken }) }) },
    { name: 'bullish read without token', ...keep, build: () => ({ bytes: bytes({ method: 'GET', path: `${BULLISH_ASSETS}?tradingAccountId=111000000000001`, token: null }) }) },
    { name: 'loopring read', ...keep, build: () => ({ bytes: bytes({ method: 'GET', path: loopringPath, token: null, headers: { 'X-API-KEY': loopringKey } }) }) },
    { name: 'loopring read without key', ...keep, build: () => ({ bytes: bytes({ method: 'GET', path: loopringPath, token: null }) }) },
    { name: 'unknown expectation', ...keep, build: () => ({ bytes: text('GET /healthz HTTP/1.1\r\nhost: x\r\nexpect: 200-ok\r\n\r\n') }) },
  ];
  const closing: Kind[] = [
    {
      name: 'malformed JSON deposit',
      ...close,
      build: (tag) => ({ bytes: bytes({ method: 'POST', path: `${V1}/operations`, token: TOKEN, rawBody: `{"key":"${tag}",`, headers: { 'content-type': 'application/json' } }), deposit: tag }),
    },
    {
      name: 'deposit over the body limit',
      ...close,
      build: (tag) => ({ bytes: bytes({ method: 'POST', path: `${V1}/operations`, token: TOKEN, rawBody: `{"key":"${tag}"${' '.repeat(1_100_000)}}`, headers: { 'content-type': 'application/json' } }), deposit: tag }),
    },
    {
      name: 'deposit over the body limit announced with Expect: 100-continue',
      ...close,
      build: () => ({ bytes: text(`POST ${V1}/operations HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 5000000\r\nexpect: 100-continue\r\n\r\n`) }),
    },
    { name: 'read with connection: close', ...close, build: () => ({ bytes: bytes({ method: 'GET', path: `${V1}/accounts/${account}/balances`, token: TOKEN }, { connection: 'close' }) }) },
    { name: 'HTTP/1.0 read', ...close, build: () => ({ bytes: text('GET /healthz HTTP/1.0\r\n\r\n') }) },
    { name: 'CONNECT', ...close, build: () => ({ bytes: text('CONNECT example.com:443 HTTP/1.1\r\nhost: example.com\r\n\r\n') }) },
    {
      name: 'broken chunked deposit',
      ...close,
      build: (tag) => ({ bytes: text(`POST ${V1}/operations HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"key":"${tag}"\r\nzz\r\n`), deposit: tag }),
    },
    ...perSurface('NUL in the target', (path) => text(`GET ${path}${path.includes('?') ? '&' : '?'}a=\x00 HTTP/1.1\r\nhost: x\r\n\r\n`)),
    ...perSurface('headers over the limit', (path) => text(`GET ${path} HTTP/1.1\r\nhost: x\r\nx-filler: ${'f'.repeat(20_000)}\r\n\r\n`)),
    ...perSurface('bad header name', (path) => text(`GET ${path} HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n`)),
    ...perSurface('bad content-length', (path) => text(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: 1x\r\n\r\n`)),
    ...perSurface('missing Host', (path) => text(`GET ${path} HTTP/1.1\r\n\r\n`), false),
  ];
  return [...regular, ...closing];
}

type Mode = 'pipelined' | 'small writes' | 'one at a time';

interface Script {
  /** Indexes into the regular kinds. */
  readonly regular: readonly number[];
  /** A closing kind and where it goes among the regular ones, or none. */
  readonly closer: { readonly kind: number; readonly at: number } | null;
  readonly mode: Mode;
  /** Write sizes for 'small writes', used in turn. */
  readonly pieces: readonly number[];
}

const scriptArbitrary = (regularCount: number, closingCount: number): fc.Arbitrary<Script> =>
  fc.record({
    regular: fc.array(fc.nat({ max: regularCount - 1 }), { minLength: 1, maxLength: 40 }),
    closer: fc.option(fc.record({ kind: fc.nat({ max: closingCount - 1 }), at: fc.nat({ max: 40 }) }), { freq: 2 }),
    mode: fc.constantFrom<Mode>('pipelined', 'small writes', 'one at a time'),
    pieces: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 8 }),
  });

interface Sent {
  readonly kind: Kind;
  readonly built: Built;
}

interface Outcome {
  readonly sent: readonly Sent[];
  readonly responses: readonly RawResponse[];
  /** The server closed the connection (we close it ourselves only when it owes nothing more). */
  readonly closedByServer: boolean;
}

let h: HttpHarness;
let port: number;
let tagSeq = 0;
before(async () => {
  h = await HttpHarness.start(TOKEN, { scenario: DEMO, flags: { rateLimits: 'off' } });
  port = Number(new URL(h.baseUrl).port);
});
after(async () => h.close());

/** Each kind alone on a fresh connection: the status it gets, which the fuzz then expects wherever it appears. */
async function calibrate(all: readonly Kind[]): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  for (const kind of all) {
    const outcome = await run([kind], 'pipelined', []);
    const status = outcome.responses[0]?.status;
    assert.ok(status !== undefined && status < 500, `${kind.name} alone: ${status} ${outcome.responses[0]?.body ?? ''}`);
    assert.equal(outcome.closedByServer, kind.closes, `${kind.name} alone: the server ${outcome.closedByServer ? 'closed' : 'kept'} the connection`);
    statuses.set(kind.name, status);
  }
  return statuses;
}

async function run(script: readonly Kind[], mode: Mode, pieces: readonly number[]): Promise<Outcome> {
  const connection = await RawConnection.open(port);
  const sent = script.map((kind) => ({ kind, built: kind.build(`fz${SEED}-${++tagSeq}`) }));
  const owed = sent.findIndex((s) => s.kind.closes) + 1 || sent.length;
  if (mode === 'pipelined') {
    await connection.write(Buffer.concat(sent.map((s) => s.built.bytes)));
  } else if (mode === 'small writes') {
    const all = Buffer.concat(sent.map((s) => s.built.bytes));
    for (let at = 0, i = 0; at < all.length && !connection.ended; i += 1) {
      const size = pieces[i % pieces.length]!;
      await connection.write(all.subarray(at, at + size));
      at += size;
    }
  } else {
    for (const [i, s] of sent.entries()) {
      if (connection.ended) break;
      await connection.write(s.built.bytes);
      if (i < owed - 1) await connection.responsesAtLeast(i + 1);
    }
  }
  const closes = sent.slice(0, owed).some((s) => s.kind.closes);
  if (closes) await connection.untilClosed();
  else {
    await connection.responsesAtLeast(owed);
    await connection.close();
  }
  return { sent, responses: [...connection.responses], closedByServer: closes && connection.ended };
}

/** What is wrong with one connection's answers, or null. */
function problem(outcome: Outcome, expected: ReadonlyMap<string, number>): string | null {
  const owedCount = outcome.sent.findIndex((s) => s.kind.closes) + 1 || outcome.sent.length;
  const owed = outcome.sent.slice(0, owedCount);
  const got = outcome.responses.map((r) => r.status);
  const want = owed.map((s) => {
    const twin = s.kind.operatorTwin === undefined ? undefined : expected.get(s.kind.operatorTwin);
    return [expected.get(s.kind.name)!, ...(twin === undefined ? [] : [twin])];
  });
  if (got.some((status) => status >= 500)) return `a 5xx answer: ${got.join(',')}`;
  const inOrder = got.length === want.length && got.every((status, i) => want[i]!.includes(status));
  if (!inOrder) return `statuses ${got.join(',')}, expected ${want.map((w) => w.join('|')).join(',')}`;
  for (const [i, s] of owed.entries()) {
    if (s.built.echo !== undefined && !outcome.responses[i]!.body.includes(s.built.echo)) return `answer ${i} (${s.kind.name}) is not its request's: ${outcome.responses[i]!.body}`;
  }
  if (owed.some((s) => s.kind.closes) && !outcome.closedByServer) return 'the server did not close after a closing answer';
  return null;
}

async function journalKeys(): Promise<Set<string>> {
  const keys = new Set<string>();
  let after = 0;
  for (;;) {
    const page = await h.get<{ entries: { id: number; key: string }[]; next: number | null }>(`${V1}/journal?after=${after}&limit=500`);
    assert.equal(page.status, 200, page.text);
    for (const entry of page.body.entries) keys.add(entry.key);
    if (page.body.next === null) return keys;
    after = page.body.next;
  }
}

test(`${REQUESTS}+ raw requests at every surface: answers in order, no 5xx, and only the deposits answered 201 are written (seed ${SEED})`, async () => {
  const all = kinds(h, await loginAs(h, 'alice'));
  const regular = all.filter((k) => !k.closes);
  const closing = all.filter((k) => k.closes);
  const expected = await calibrate(all);
  const keysBefore = await journalKeys();

  const scripts: Kind[][] = [];
  const modes: [Mode, number[]][] = [];
  let total = 0;
  for (const script of fc.sample(scriptArbitrary(regular.length, closing.length), { seed: SEED, numRuns: 2_000 })) {
    const kindsOf = script.regular.map((i) => regular[i]!);
    if (script.closer) kindsOf.splice(Math.min(script.closer.at, kindsOf.length), 0, closing[script.closer.kind]!);
    scripts.push(kindsOf);
    modes.push([script.mode, [...script.pieces]]);
    total += kindsOf.length;
    if (total >= REQUESTS) break;
  }
  assert.ok(total >= REQUESTS, `the sample holds ${total} requests`);

  const failures: string[] = [];
  const answered201 = new Set<string>();
  const deposits = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < scripts.length) {
      const index = next++;
      const [mode, pieces] = modes[index]!;
      const outcome = await run(scripts[index]!, mode, pieces);
      for (const [i, s] of outcome.sent.entries()) {
        if (s.built.deposit === undefined) continue;
        deposits.add(s.built.deposit);
        if (outcome.responses[i]?.status === 201) answered201.add(s.built.deposit);
      }
      const wrong = problem(outcome, expected);
      if (wrong !== null) failures.push(`connection ${index} (${mode}; ${outcome.sent.map((s) => s.kind.name).join(' | ')}): ${wrong}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  assert.deepEqual(failures.slice(0, 5), [], `seed ${SEED}: ${failures.length} of ${scripts.length} connections went wrong`);

  const written = [...(await journalKeys())].filter((key) => !keysBefore.has(key));
  const refusedButWritten = written.filter((key) => !answered201.has(key));
  assert.deepEqual(refusedButWritten, [], `seed ${SEED}: written without a 201`);
  assert.equal(written.length, answered201.size, `seed ${SEED}: deposits answered 201 but not in the journal`);
  assert.ok(answered201.size > 0 && answered201.size < deposits.size, 'the run had both accepted and refused deposits');
  const verify = await h.get<{ ok: boolean }>(`${V1}/verify`);
  assert.equal(verify.status, 200, verify.text);
  assert.equal(verify.body.ok, true, verify.text);
});
