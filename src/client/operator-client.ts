import type { Static } from '@sinclair/typebox';
import type { OperationRequest } from '../ledger/operation-types.js';
import type { ApplyResultBody, BalancesBody, BatchResultBody, VerifyBody } from '../operator/schemas.js';
import type { RestoreResult, SnapshotFile } from '../snapshot/format.js';

/**
 * A small typed client of the operator API (docs/operator-api.md) over `fetch`: what a test suite
 * drives a sandbox with (operations, balances, snapshots, reset, verify), and what
 * `assetbook snapshot --url` talks to a running server with. Types only come from the server's
 * schemas; at run time it needs nothing but `fetch`.
 */

export type ApplyResult = Static<typeof ApplyResultBody>;
export type BatchResult = Static<typeof BatchResultBody>;
export type Balances = Static<typeof BalancesBody>;
export type VerifyReport = Static<typeof VerifyBody>;
export type { OperationRequest, RestoreResult, SnapshotFile };

/** A refusal of the operator API: its HTTP status and its body's code, message and path. */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export interface OperatorClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080` (the API is under `/_assetbook/v1`). */
  readonly url: string;
  /** The operator token. */
  readonly token: string;
}

export const OPERATOR_PATH = '/_assetbook/v1';

export class OperatorClient {
  private readonly base: string;

  constructor(private readonly options: OperatorClientOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}${OPERATOR_PATH}`;
  }

  /** One operation (docs/ledger.md); `replayed` is true when its key was applied before. */
  apply(operation: OperationRequest): Promise<ApplyResult> {
    return this.call('POST', '/operations', operation);
  }

  /** 1 to 1000 operations in one transaction: all land, or none does. */
  applyBatch(operations: readonly OperationRequest[]): Promise<BatchResult> {
    return this.call('POST', '/operations/batch', { operations });
  }

  /** Every bucket of every asset the account has held, amounts as decimal strings. */
  balances(accountId: number): Promise<Balances> {
    return this.call('GET', `/accounts/${accountId}/balances`);
  }

  /** The whole ledger as a snapshot file (docs/snapshots.md). */
  snapshot(): Promise<SnapshotFile> {
    return this.call('GET', '/snapshot');
  }

  /** Replaces the ledger with a snapshot file; a file refused changes nothing. */
  restore(snapshot: SnapshotFile | unknown): Promise<RestoreResult> {
    return this.call('PUT', '/snapshot', snapshot);
  }

  /** Empties the ledger (settings such as the operator token stay). */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  /** The invariant check: `ok` with no mismatches on a sound ledger. */
  verify(): Promise<VerifyReport> {
    return this.call('GET', '/verify');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const parsed = text === '' ? undefined : parseJson(text);
    if (response.ok) return parsed as T;
    const error = (parsed as { error?: { code?: unknown; message?: unknown; path?: unknown } } | undefined)?.error;
    throw new OperatorError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : `${method} ${path} answered ${response.status}`,
      typeof error?.path === 'string' ? error.path : undefined,
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
