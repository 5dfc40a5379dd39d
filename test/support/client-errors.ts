import assert from 'node:assert/strict';
import ccxt from 'ccxt';

/** Runs `fn` and returns the name of the ccxt error class it rejects with (fails when it resolves, or throws something else). */
export async function ccxtErrorOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof ccxt.BaseError, `expected a ccxt error, got ${String(error)}`);
    return error.constructor.name;
  }
  assert.fail('expected ccxt to throw');
}

/** What bitget-api threw: the HTTP status and the venue code in the body (`status: 'no error'` when it resolved). */
export async function restErrorOf(promise: Promise<unknown>): Promise<{ status: unknown; code: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: unknown; body?: { code?: unknown } };
    return { status: e.code, code: e.body?.code };
  }
  return { status: 'no error', code: undefined };
}
