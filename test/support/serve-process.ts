import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { HttpRequest } from './http-harness.js';

/**
 * Real `assetbook serve` child processes for the tests that need several instances: started from
 * the sources with tsx, told where to listen by their own "listening on" line, stopped with
 * SIGTERM (SIGKILL if they do not obey).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A SIGTERM not obeyed by then gets a SIGKILL: a cleanup step, not a claim. */
const STOP_TIMEOUT_MS = 10_000;
const LISTENING = /assetbook listening on (http:\/\/\S+)/;

/** The environment without ASSETBOOK_* settings or the test runner's context. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('ASSETBOOK_') || name === 'NODE_TEST_CONTEXT') continue;
    env[name] = value;
  }
  return env;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Child {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  output(): string;
}

/** Every child started by this module in this test file, so that a file can stop them all. */
export const children: Child[] = [];

export function spawnCli(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const made = { child, exited, output: () => out };
  children.push(made);
  return made;
}

/** SIGTERM, then waits for the exit; SIGKILL if it does not come. */
export async function stop(c: Child): Promise<Exit> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return c.exited;
  c.child.kill('SIGTERM');
  const timedOut = Symbol('timeout');
  const first = await Promise.race([c.exited, sleep(STOP_TIMEOUT_MS, timedOut, { ref: false })]);
  if (first !== timedOut) return first as Exit;
  c.child.kill('SIGKILL');
  return c.exited;
}

export interface Instance {
  readonly name: string;
  readonly url: string;
  readonly proc: Child;
}

/** Starts `assetbook <args>` (a `serve` with `--port 0`) and resolves once it says where it listens. */
export async function startInstance(name: string, args: readonly string[]): Promise<Instance> {
  const proc = spawnCli(args);
  // Whichever comes first: the line saying where it listens, or its exit.
  const url = await new Promise<string | null>((resolve) => {
    const look = () => {
      const found = LISTENING.exec(proc.output())?.[1];
      if (found) resolve(found);
    };
    proc.child.stdout?.on('data', look);
    void proc.exited.then(() => resolve(LISTENING.exec(proc.output())?.[1] ?? null));
    look();
  });
  if (url === null) throw new Error(`instance ${name} exited before listening:\n${proc.output()}`);
  return { name, url, proc };
}

/** Runs the CLI to its end. */
export async function runCli(args: readonly string[]): Promise<Exit & { output: string }> {
  const proc = spawnCli(args);
  return { ...(await proc.exited), output: proc.output() };
}

export interface Response<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

export async function send<T = unknown>(instance: Instance, request: HttpRequest): Promise<Response<T>> {
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${instance.url}${request.path}`, {
    method: request.method,
    headers,
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

export function expectStatus(response: Response, status: number, what: string): void {
  assert.equal(response.status, status, `${what}: expected HTTP ${status}, got ${response.status} ${response.text}`);
}
