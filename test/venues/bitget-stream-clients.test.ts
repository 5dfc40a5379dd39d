import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ccxt from 'ccxt';
import { WebsocketClientV2 } from 'bitget-api';
import { DEMO, HttpHarness } from '../support/http-harness.js';
import { wsUrl } from '../support/bitget-stream.js';

/**
 * The real clients on the stream, unmodified but for their URLs: ccxt pro's `watchBalance` and
 * bitget-api's `WebsocketClientV2` on the spot account topic. Each gets the snapshot, then the
 * change made by a deposit, a hold, a trade and a withdrawal through the operator API. The server
 * runs on the wall clock: both clients sign their login with their own.
 */

type Balance = { free?: unknown; used?: unknown; total?: unknown } | undefined;
const fut = (b: Balance) => ({ free: b?.free, used: b?.used, total: b?.total });

/** The four operations on bob's account, each one commit (bob buys 0.1 ETH from carol with 350 USDT from his hold). */
function operations(h: HttpHarness, tag: string) {
  const bob = h.account('bob').id;
  const carol = h.account('carol').id;
  return {
    deposit: () => h.operate({ type: 'deposit', key: `${tag}/deposit`, account: bob, asset: 'USDT', amount: '1000' }),
    hold: () => h.operate({ type: 'hold', key: `${tag}/hold`, account: bob, asset: 'USDT', amount: '400' }),
    trade: () =>
      h.operate({
        type: 'trade',
        key: `${tag}/trade`,
        legs: [
          { from: bob, to: carol, asset: 'USDT', amount: '350', fromBucket: 'held' },
          { from: carol, to: bob, asset: 'ETH', amount: '0.1' },
        ],
        fees: [{ account: carol, asset: 'USDT', amount: '0.35' }],
      }),
    withdrawal: () => h.operate({ type: 'withdrawal.request', key: `${tag}/withdraw`, account: bob, asset: 'BTC', amount: '0.2', fee: '0.0001' }),
  };
}

/** The one change made to ccxt: its stream URLs point here. */
function pointAt(ex: InstanceType<typeof ccxt.pro.bitget>, h: HttpHarness): void {
  const urls = ex.urls as unknown as { api: { ws: Record<string, string> } };
  urls.api.ws = { ...urls.api.ws, public: wsUrl(h, '/v2/ws/public'), private: wsUrl(h) };
}

describe('ccxt pro bitget watchBalance', () => {
  let h: HttpHarness;
  let ex: InstanceType<typeof ccxt.pro.bitget>;
  before(async () => {
    h = await HttpHarness.start('bitget-ws-ccxt-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
    const s = h.secrets('bob', 'bitget');
    ex = new ccxt.pro.bitget({ apiKey: s.apiKey, secret: s.secretKey, password: s.passphrase });
    pointAt(ex, h);
    // ccxt on Node refuses a plain ws:// URL without this (its own rule, not the server's).
    await ex.loadHttpProxyAgent();
  });
  after(async () => {
    await ex.close();
    await h.close();
  });

  test('resolves with the snapshot, then with each change: deposit, hold, trade, withdrawal', async () => {
    const snapshot = await ex.watchBalance();
    assert.equal(snapshot.USDT, undefined);
    // ccxt's stream reads used = frozen (locked is ignored there); bob has no locked amounts.
    assert.deepEqual(fut(snapshot.BTC), { free: 0.5, used: 0, total: 0.5 });
    const ops = operations(h, 'ccxt-ws');
    const after = async (op: () => Promise<void>) => {
      const next = ex.watchBalance();
      await op();
      return next;
    };
    assert.deepEqual(fut((await after(ops.deposit)).USDT), { free: 1000, used: 0, total: 1000 });
    assert.deepEqual(fut((await after(ops.hold)).USDT), { free: 600, used: 400, total: 1000 });
    const traded = await after(ops.trade);
    assert.deepEqual(fut(traded.USDT), { free: 600, used: 50, total: 650 });
    assert.deepEqual(fut(traded.ETH), { free: 0.1, used: 0, total: 0.1 });
    assert.deepEqual(fut((await after(ops.withdrawal)).BTC), { free: 0.2999, used: 0.2001, total: 0.5 });
  });

  test('a wrong secret makes watchBalance reject with AuthenticationError (30015)', async () => {
    const s = h.secrets('alice', 'bitget');
    const bad = new ccxt.pro.bitget({ apiKey: s.apiKey, secret: 'wrong-secret', password: s.passphrase });
    pointAt(bad, h);
    await bad.loadHttpProxyAgent();
    try {
      await assert.rejects(bad.watchBalance(), (e: Error) => e.constructor.name === 'AuthenticationError');
    } finally {
      await bad.close();
    }
  });
});

/** bitget-api's logger, silent: its connect and close lines are not what these tests check. */
const quiet = { trace: () => {}, info: () => {}, error: () => {} };

interface Push {
  readonly action?: string;
  readonly arg?: { readonly channel?: string; readonly coin?: string };
  readonly data?: { coin: string; available: string; frozen: string; locked: string }[];
}

describe('bitget-api WebsocketClientV2 on the spot account topic', () => {
  let h: HttpHarness;
  let client: WebsocketClientV2;
  const pushes: Push[] = [];
  const waiters = new Set<() => void>();
  /** The next push after the first `from`, waited for (never a guessed time). */
  const pushAfter = (from: number) =>
    new Promise<Push>((resolve) => {
      const check = () => {
        if (pushes.length <= from) return;
        waiters.delete(check);
        resolve(pushes[from]!);
      };
      waiters.add(check);
      check();
    });

  before(async () => {
    h = await HttpHarness.start('bitget-ws-sdk-operator-token', { scenario: DEMO, flags: { rateLimits: 'off' } });
    const s = h.secrets('bob', 'bitget');
    client = new WebsocketClientV2({ apiKey: s.apiKey, apiSecret: s.secretKey, apiPass: s.passphrase, wsUrl: wsUrl(h) }, quiet);
    client.on('update', (event: Push) => {
      if (event.arg?.channel !== 'account') return;
      pushes.push(event);
      for (const w of [...waiters]) w();
    });
  });
  after(async () => {
    client.closeAll(true);
    await h.close();
  });

  test('gets the snapshot, then an update for each change: deposit, hold, trade, withdrawal', async () => {
    const coin = (push: Push, name: string) => push.data?.find((d) => d.coin === name);
    const shown = (push: Push, name: string) => {
      const d = coin(push, name);
      return d && [d.available, d.frozen, d.locked];
    };
    void client.subscribeTopic('SPOT', 'account');
    const snapshot = await pushAfter(0);
    assert.equal(snapshot.action, 'snapshot');
    assert.deepEqual(shown(snapshot, 'BTC'), ['0.5', '0', '0']);
    const ops = operations(h, 'sdk-ws');
    const after = async (op: () => Promise<void>) => {
      const from = pushes.length;
      await op();
      const push = await pushAfter(from);
      assert.equal(push.action, 'update');
      return push;
    };
    assert.deepEqual(shown(await after(ops.deposit), 'USDT'), ['1000', '0', '0']);
    assert.deepEqual(shown(await after(ops.hold), 'USDT'), ['600', '400', '0']);
    const traded = await after(ops.trade);
    assert.deepEqual([shown(traded, 'USDT'), shown(traded, 'ETH')], [['600', '50', '0'], ['0.1', '0', '0']]);
    assert.deepEqual(traded.data?.map((d) => d.coin), ['ETH', 'USDT']);
    assert.deepEqual(shown(await after(ops.withdrawal), 'BTC'), ['0.2999', '0.2001', '0']);
  });
});
