import type { RunningServer } from '../lib.js';

/** The prepared hot read: a path and the headers that authenticate it, replayed by autocannon. */
export interface PreparedRead {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Human description of the request, for the report. */
  readonly description: string;
}

/**
 * One authenticated balance read the read benchmark can measure: the operator API or a venue.
 * Adding a venue to the benchmark is one file beside this one and one line in `index.ts`.
 */
export interface ReadTarget {
  /** The `--target` value. */
  readonly name: string;
  /** Environment for the assetbook server (e.g. a wider signature window for replayed signed requests). */
  readonly serverEnv?: Readonly<Record<string, string>>;
  /**
   * Obtains credentials from the running server (a login, say), checks that the read is refused
   * without them, and returns the request to replay. Throws when anything answers unexpectedly.
   */
  prepare(server: RunningServer, operatorToken: string): Promise<PreparedRead>;
}
