import type { FastifyPluginAsync } from 'fastify';
import type { Runtime } from '../server/runtime.js';

/**
 * The contract every venue dialect implements: one folder beside this file, one line in
 * `index.ts`. A dialect is an encapsulated Fastify plugin mounted at its own base path, so its
 * authentication hook, rate limits and error handler (which renders every ledger error code in
 * the venue's own shape) cover its routes and nothing else.
 */
export interface VenueDialect {
  /** Short lower-case name: 'bitget', 'bullish', 'loopring'. */
  readonly id: string;
  /** Path prefixes the dialect owns; they must not overlap another dialect's or the operator API's. */
  readonly basePaths: readonly string[];
  /** Registers the dialect's routes, auth and error rendering. */
  plugin(runtime: Runtime): FastifyPluginAsync;
}
