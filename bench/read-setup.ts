/**
 * What the two read benchmarks (bench/read.ts, by time; bench/read-instructions.ts, by
 * instructions) start for one target: assetbook with the demo loaded, the read prepared and
 * checked on every instance, and the baselines serving assetbook's answer byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { getJson, makeTempDir, removeTempDir, serverCpuOf, startServer, type CommonFlags, type RunningServer } from './lib.js';
import { startDeployment, type Deployment, type StoreKind } from './deployment.js';
import type { ReadTarget } from './targets/target.js';

/**
 * The baselines: bare Fastify with a pre-built string, bare Fastify through a response schema, bare
 * node:http, and `slowed`, bare Fastify that spins `slowedUs` µs per request before answering (a
 * calibration: what a server that much slower than bare Fastify measures on this host).
 */
export const BASELINES = ['fastify', 'schema', 'node', 'slowed'] as const;
export type Baseline = (typeof BASELINES)[number];
export const BASELINE_NAMES: Record<Baseline, string> = {
  fastify: 'bare Fastify, pre-built string',
  schema: 'bare Fastify, response schema',
  node: 'bare node:http, pre-built buffer',
  slowed: 'bare Fastify slowed',
};
/** `slowedUs` when the spec gives none. */
export const SLOWED_US_DEFAULT = 10;

/**
 * What the baselines are sent: `same`, assetbook's request (its path, query and headers, which
 * they parse and ignore), so that the ratio compares servers and not requests; `plain`, a bare
 * `GET /balances` with no headers, as before 2026-12-03 (a Bitget read carries four more headers
 * for Node to parse, a Bullish read a 300-byte bearer token).
 */
export const BASELINE_REQUESTS = ['same', 'plain'] as const;
export type BaselineRequest = (typeof BASELINE_REQUESTS)[number];

/**
 * What the baselines answer: `same`, assetbook's body and the headers assetbook sent with it
 * besides the ones Node and Fastify write for any answer (`ANSWER_FRAMEWORK_HEADERS`), so that
 * both write the same bytes (a Bullish read carries four `x-ratelimit-*` headers, a Bitget read
 * `x-mbx-used-remain-limit`, the others none); `body`, the body alone, as before 2026-12-04.
 */
export const BASELINE_ANSWERS = ['same', 'body'] as const;
export type BaselineAnswer = (typeof BASELINE_ANSWERS)[number];
const ANSWER_FRAMEWORK_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

export interface ReadSetupSpec {
  readonly baselines: readonly Baseline[];
  readonly store: StoreKind;
  readonly instances: number;
  readonly postgresUrl: string;
  readonly redis: string | undefined;
  readonly baselineRequest: BaselineRequest;
  readonly baselineAnswer: BaselineAnswer;
  /** µs of work the `slowed` baseline adds to each request (default `SLOWED_US_DEFAULT`). */
  readonly slowedUs?: number;
  /** A command every server's node runs under (valgrind), its node flags, and how long each may take to listen. */
  readonly wrapper?: readonly string[];
  readonly nodeArgs?: readonly string[];
  readonly readyTimeoutS?: number;
}

/** A request as replayed: a path with its query, and headers. */
export interface ReadRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ReadSystems {
  readonly deployment: Deployment;
  /** assetbook's read, authenticated. */
  readonly read: ReadRequest;
  readonly description: string;
  readonly bodyBytes: number;
  /** The venue headers the baselines send with assetbook's body (none with --baseline-answer body). */
  readonly answerHeaderNames: readonly string[];
  /** What the baselines are sent (assetbook's request, or a plain GET). */
  readonly bareRead: ReadRequest;
  readonly bareServers: readonly { readonly baseline: Baseline; readonly server: RunningServer }[];
  /** Stops every server and removes the temp directory. */
  stop(): Promise<void>;
}

/** What a read benchmark found for one target: assetbook's series of runs and each baseline's. */
export interface ReadResult<S> {
  readonly target: ReadTarget;
  readonly description: string;
  readonly bodyBytes: number;
  readonly assetbook: S;
  readonly baselines: readonly S[];
}

/** Starts assetbook and every baseline for one target, and checks they answer alike. */
export async function startReadSystems(target: ReadTarget, spec: ReadSetupSpec, flags: CommonFlags): Promise<ReadSystems> {
  const { store, instances } = spec;
  const token = `bench_${randomBytes(18).toString('base64url')}`;
  const dir = makeTempDir('assetbook-bench-read-');
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
    stops.length = 0;
    removeTempDir(dir);
  };
  const serverOptions = { wrapper: spec.wrapper, nodeArgs: spec.nodeArgs, readyTimeoutS: spec.readyTimeoutS };
  try {
    const deployment = await startDeployment(
      {
        store,
        instances,
        durability: 'full',
        postgresUrl: spec.postgresUrl,
        ...(spec.redis !== undefined ? { redis: spec.redis } : {}),
        operatorToken: token,
        ...(target.serverEnv ? { env: target.serverEnv } : {}),
        label: store === 'sqlite' ? 'assetbook' : 'assetbook-pg',
        ...serverOptions,
      },
      flags,
    );
    stops.push(() => deployment.stop());
    const { servers } = deployment;
    const first = servers[0]!;
    const { path, headers, description } = await target.prepare(first, token);
    const answer = await getJson(`${first.url}${path}`, { ...headers });
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text}`);
    const body = answer.text;
    const bodyBytes = Buffer.byteLength(body);
    // Every instance must serve the same read with the same credentials (the store is shared).
    for (const server of servers.slice(1)) {
      const other = await getJson(`${server.url}${path}`, { ...headers });
      if (other.status !== 200) throw new Error(`${server.name}: GET ${path} answered ${other.status}: ${other.text}`);
      if (Buffer.byteLength(other.text) !== bodyBytes) throw new Error(`${server.name} serves ${Buffer.byteLength(other.text)} bytes, ${first.name} ${bodyBytes}`);
    }

    // The baselines serve assetbook's body, byte for byte, and the headers it sent (unless
    // --baseline-answer body). They stay up, idle, while the others are measured.
    // They get the same request too (path, query and headers; they check nothing), unless --baseline-request plain.
    const bodyFile = join(dir, 'balances.json');
    writeFileSync(bodyFile, body);
    const answerHeaders = spec.baselineAnswer === 'same' ? venueHeadersOf(answer.headers) : {};
    const headersFile = join(dir, 'headers.json');
    writeFileSync(headersFile, JSON.stringify(answerHeaders));
    const bareRead = spec.baselineRequest === 'same' ? { path, headers } : { path: '/balances', headers: {} };
    const route = ['--path', bareRead.path.split('?')[0]!, '--headers-file', headersFile];
    const bareServers: { baseline: Baseline; server: RunningServer }[] = [];
    for (const baseline of spec.baselines) {
      const server =
        baseline === 'node'
          ? await startServer('bare-node', serverCpuOf(flags), 'bench/bare-node-server.ts', ['--body-file', bodyFile, ...route], serverOptions)
          : await startServer(`bare-${baseline}`, serverCpuOf(flags), 'bench/bare-server.ts', ['--body-file', bodyFile, ...bareFastifyArgs(baseline, spec.slowedUs), ...route], serverOptions);
      stops.push(() => server.stop());
      const check = await getJson(`${server.url}${bareRead.path}`, { ...bareRead.headers });
      if (check.status !== 200) throw new Error(`${BASELINE_NAMES[baseline]} answered ${check.status}`);
      if (check.text !== body) throw new Error(`${BASELINE_NAMES[baseline]} serves ${Buffer.byteLength(check.text)} bytes that are not assetbook's ${bodyBytes}`);
      checkHeaders(BASELINE_NAMES[baseline], answerHeaders, check.headers);
      bareServers.push({ baseline, server });
    }
    return { deployment, read: { path, headers }, description, bodyBytes, answerHeaderNames: Object.keys(answerHeaders), bareRead, bareServers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** bench/bare-server.ts's mode (and work) for a baseline that is bare Fastify. */
function bareFastifyArgs(baseline: Exclude<Baseline, 'node'>, slowedUs = SLOWED_US_DEFAULT): string[] {
  if (baseline === 'schema') return ['--mode', 'schema'];
  return baseline === 'slowed' ? ['--mode', 'string', '--work-us', String(slowedUs)] : ['--mode', 'string'];
}

/** One line per baseline for the report: where it runs and what it is sent and answers. */
export function describeBaseline(systems: ReadSystems, baseline: Baseline, server: RunningServer, request: BaselineRequest): string {
  const headers = systems.answerHeaderNames;
  return (
    `${BASELINE_NAMES[baseline]}: pid ${server.pid} on CPU ${server.affinity}, ${server.url}${systems.bareRead.path} -> 200, the same ${systems.bodyBytes} bytes` +
    `${headers.length > 0 ? ` and headers (${headers.join(', ')})` : ''}; ` +
    `${request === 'same' ? "sent assetbook's request, headers included" : 'sent a plain GET, no headers'}`
  );
}

/** The headers of an answer that neither Node nor Fastify writes for every answer: the venue's own. */
function venueHeadersOf(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !ANSWER_FRAMEWORK_HEADERS.has(name)));
}

/**
 * A baseline must write the headers it was given and no other: the same names, each value as long
 * as assetbook's (a reset time differs from answer to answer, not in length).
 */
function checkHeaders(name: string, ours: Readonly<Record<string, string>>, baseline: Readonly<Record<string, string>>): void {
  const theirs = venueHeadersOf(baseline);
  const names = (h: Readonly<Record<string, string>>) => Object.keys(h).sort().join(', ');
  if (names(ours) !== names(theirs)) throw new Error(`${name} answers with the headers [${names(theirs)}], assetbook with [${names(ours)}]`);
  for (const [header, value] of Object.entries(ours)) {
    if (Buffer.byteLength(theirs[header]!) !== Buffer.byteLength(value)) throw new Error(`${name}'s ${header} is ${theirs[header]}, assetbook's ${value}: not as long`);
  }
}
