import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Keyring } from '../../src/credentials/keyring.js';
import { buildApp } from '../../src/server/app.js';
import { resolveConfig, type ConfigFlags } from '../../src/server/config.js';
import { openRuntime, type Runtime } from '../../src/server/runtime.js';
import { DEMO, loadScenarioFile } from './http-harness.js';

/**
 * An assetbook server over a SQLite file in a temporary folder, with a fixed master key, that can
 * be stopped and started again on the same store (and the same port): what a restart is.
 */
export class BullishFileServer {
  private app: FastifyInstance | null = null;
  private runtimeValue: Runtime | null = null;
  private port = 0;
  private readonly dir = mkdtempSync(join(tmpdir(), 'assetbook-bullish-'));
  private readonly secretKey = Keyring.generateKey().toString('hex');

  constructor(private readonly flags: ConfigFlags = {}) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get runtime(): Runtime {
    if (!this.runtimeValue) throw new Error('file server: not running');
    return this.runtimeValue;
  }

  /** Starts over the store in the folder; the first start loads the demo scenario. */
  async start(): Promise<void> {
    const config = resolveConfig(
      { db: join(this.dir, 'assetbook.db'), dataDir: this.dir, secretKey: this.secretKey, operatorToken: 'bullish-file-operator', rateLimits: 'off', ...this.flags },
      {},
    );
    const runtime = await openRuntime(config);
    if ((await runtime.store.getUserByName('alice')) === undefined) {
      await loadScenarioFile(runtime, DEMO);
    }
    const app = await buildApp(runtime, { logger: false });
    await app.listen({ host: '127.0.0.1', port: this.port });
    this.port = (app.server.address() as AddressInfo).port;
    this.app = app;
    this.runtimeValue = runtime;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.runtimeValue?.close();
    this.app = null;
    this.runtimeValue = null;
  }

  /** Stops if running and removes the folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
