import { after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real CLI, run as a child process exactly as a user would: `node --import tsx src/cli/main.ts`.
 * Every test works in a temp dir of its own; every child is killed, even when a test fails.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'src/cli/main.ts';
const RUN_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 30_000;

/* ------------------------------------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------------------------------- */

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

export function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}
afterEach(killAll);
after(() => {
  killAll();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'assetbook-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** The environment without any ASSETBOOK_* variable (or test-runner context) from outside. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('ASSETBOOK_') || name === 'NODE_TEST_CONTEXT') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

export function spawnCli(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to its end (killed after RUN_TIMEOUT_MS). */
export function cli(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`assetbook ${args.join(' ')} did not finish in ${RUN_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export const show = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** A failure the CLI reports itself: one line on stderr, no stack trace. */
export function assertCleanFailure(r: RunResult): void {
  assert.ok(!r.stderr.includes('    at '), `no stack trace\n${show(r)}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr\n${show(r)}`);
  assert.match(lines[0] ?? '', /^assetbook: /, show(r));
}

/** Loads examples/demo.json into `<dir>/a.db` and returns the db path. */
export async function demoDb(dir: string): Promise<string> {
  const db = join(dir, 'a.db');
  const r = await cli(['scenario', 'load', 'examples/demo.json', '--db', db]);
  assert.equal(r.code, 0, show(r));
  return db;
}

/** A CLI child left running (serve, journal --follow), watched as its output arrives. */
export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits until stdout satisfies `predicate` (fails if the child exits first, or after `ms`). */
  waitForStdout(predicate: (text: string) => boolean, ms?: number): Promise<void>;
  /** SIGTERM (or `signal`), then the exit code (fails if it does not exit in time). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Server extends Running {
  readonly url: string;
}

export const LISTENING = /assetbook listening on (http:\/\/\S+)/;

export function startCli(args: readonly string[], env: Record<string, string> = {}): Running {
  const child = spawnCli(args, env);
  const name = args[0] ?? 'assetbook';
  let out = '';
  let err = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));

  // Looks at the output gathered so far every 25 ms: the wait ends on what the child printed.
  const waitForStdout = (predicate: (text: string) => boolean, ms = START_TIMEOUT_MS) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = () => {
        if (predicate(out)) return resolve();
        if (exited) return reject(new Error(`${name} exited (${JSON.stringify(exited)})\nstdout: ${out}\nstderr: ${err}`));
        if (Date.now() - started > ms) return reject(new Error(`${name}: stdout did not show what was expected in ${ms} ms\nstdout: ${out}\nstderr: ${err}`));
        setTimeout(poll, 25);
      };
      poll();
    });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForStdout,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (!exited) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not exit within 10 s of ${signal}\nstderr: ${err}`)), 10_000);
      });
      try {
        return await Promise.race([exit, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export async function startServe(args: readonly string[], env: Record<string, string> = {}): Promise<Server> {
  const running = startCli(['serve', ...args], env);
  await running.waitForStdout((text) => LISTENING.test(text));
  const url = LISTENING.exec(running.stdout())?.[1];
  assert.ok(url);
  return { ...running, url };
}

export const OPERATOR = '/_assetbook/v1';

export async function getJson(url: string, token?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function assertStrings(value: unknown, keys: readonly string[], where: string): void {
  assert.ok(isRecord(value), `${where} is an object`);
  for (const key of keys) assert.equal(typeof value[key], 'string', `${where}.${key} is a string`);
  for (const key of keys) assert.notEqual(value[key], '', `${where}.${key} is not empty`);
}
