import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ccxt from 'ccxt';
import { VenueError } from '../shared/venue-error.js';
import { COMMAND_PATH, computeCommandSignature, readCommandHeaders } from './command-signature.js';

function codeOf(fn: () => unknown): [number, number] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof VenueError, `expected a VenueError, got ${String(error)}`);
    return [error.status, (error.body as { errorCode: number }).errorCode];
  }
  assert.fail('expected a refusal');
}

describe('bullish command signature', () => {
  test('matches what ccxt’s own sign() puts in BX-SIGNATURE for a V2TransferAsset body', () => {
    const ex = new ccxt.bullish({ apiKey: 'HMAC-demo-alice', secret: 'demo-alice-bullish-secret' });
    ex.token = 'a.b.c';
    const params = { commandType: 'V2TransferAsset', assetSymbol: 'BTC', quantity: '0.5', fromTradingAccountId: '111000000000001', toTradingAccountId: '111000000000002' };
    const signed = ex.sign('v2/command', 'private', 'POST', params) as { body: string; headers: Record<string, string> };
    const { headers, body } = signed;
    assert.equal(computeCommandSignature('demo-alice-bullish-secret', headers['BX-TIMESTAMP']!, headers['BX-NONCE']!, COMMAND_PATH, body), headers['BX-SIGNATURE']);
    assert.notEqual(computeCommandSignature('demo-alice-bullish-secret', headers['BX-TIMESTAMP']!, headers['BX-NONCE']!, COMMAND_PATH, `${body} `), headers['BX-SIGNATURE'], 'the body as sent, byte for byte');
  });

  test('headers are read as sent; the first missing or malformed one is refused with Bullish’s code', () => {
    const good = { 'bx-signature': 'ab'.repeat(32), 'bx-timestamp': '1700000000000', 'bx-nonce': '1700000000000000' };
    assert.deepEqual(readCommandHeaders(good), { signature: good['bx-signature'], timestamp: '1700000000000', timestampMs: 1_700_000_000_000, nonce: '1700000000000000' });
    const without = (name: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== name));
    assert.deepEqual(codeOf(() => readCommandHeaders(without('bx-signature'))), [400, 6029]);
    assert.deepEqual(codeOf(() => readCommandHeaders({ ...good, 'bx-signature': 'AB'.repeat(32) })), [401, 6105]);
    assert.deepEqual(codeOf(() => readCommandHeaders(without('bx-timestamp'))), [401, 2035]);
    assert.deepEqual(codeOf(() => readCommandHeaders({ ...good, 'bx-timestamp': '-1' })), [401, 2035]);
    assert.deepEqual(codeOf(() => readCommandHeaders(without('bx-nonce'))), [401, 2035]);
    assert.deepEqual(codeOf(() => readCommandHeaders({ ...good, 'bx-nonce': '18446744073709551616' })), [401, 2035], 'beyond u64');
    assert.deepEqual(codeOf(() => readCommandHeaders({ ...good, 'bx-nonce': ['1', '2'] as unknown as string })), [401, 2035], 'repeated counts as missing');
  });
});
