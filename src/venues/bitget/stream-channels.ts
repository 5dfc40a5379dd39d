import type { Asset } from '../../ledger/types.js';
import type { VenuePort } from '../port.js';
import { assetOfCoin } from './assets-view.js';
import { WsRefusal, type AccountArg } from './stream-frames.js';

/**
 * The args of a subscribe or unsubscribe frame. One channel is served, the spot `account`:
 * `coin: "default"` for every coin held, or a listed coin's name (any case) for that coin alone.
 * Keys are matched as an unordered map (ccxt and bitget-api order them differently) and unknown
 * keys are ignored; anything else is a channel that does not exist (30001), as the venue answers
 * an unknown channel.
 */

/** The most bytes the args of one frame may take (websocket-intro). */
export const ARGS_BYTES_MAX = 4096;

/** A channel a socket can hold: its arg, the asset of a one-coin channel, and its key in the socket's map. */
export interface Channel {
  readonly arg: AccountArg;
  /** The one coin watched; undefined for `default`. */
  readonly asset: Asset | undefined;
  readonly key: string;
}

/** The args as a list of objects; 30016 when they are missing, empty, over 4096 bytes, or hold a non-object. */
export function argList(args: unknown): Readonly<Record<string, unknown>>[] {
  if (!Array.isArray(args) || args.length === 0) throw new WsRefusal('paramError', 'args');
  if (Buffer.byteLength(JSON.stringify(args)) > ARGS_BYTES_MAX) throw new WsRefusal('paramError', `args over ${ARGS_BYTES_MAX} bytes`);
  return args.map((arg: unknown) => {
    if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw new WsRefusal('paramError', 'args');
    return arg as Record<string, unknown>;
  });
}

/** How the venue names a channel in its 30001 message. */
export function channelName(arg: Readonly<Record<string, unknown>>): string {
  const show = (v: unknown) => (typeof v === 'string' ? v.slice(0, 64) : String(JSON.stringify(v) ?? 'undefined').slice(0, 64));
  const last = 'coin' in arg ? `coin:${show(arg.coin)}` : `instId:${show(arg.instId)}`;
  return `instType:${show(arg.instType)},channel:${show(arg.channel)},${last}`;
}

/** The channel `arg` names, or 30001 when this server does not serve it. */
export async function channelOf(port: VenuePort, arg: Readonly<Record<string, unknown>>): Promise<Channel> {
  const { instType, channel, coin } = arg;
  const missing = () => new WsRefusal('channelNotExist', channelName(arg));
  if (channel !== 'account' || typeof instType !== 'string' || instType.toUpperCase() !== 'SPOT' || typeof coin !== 'string') throw missing();
  if (coin.toLowerCase() === 'default') return { arg: { instType: 'SPOT', channel: 'account', coin: 'default' }, asset: undefined, key: 'default' };
  if (!/^[A-Za-z0-9]{1,20}$/.test(coin)) throw missing();
  const asset = await assetOfCoin(port, coin);
  if (!asset) throw missing();
  const name = coin.toUpperCase();
  return { arg: { instType: 'SPOT', channel: 'account', coin: name }, asset, key: name };
}
